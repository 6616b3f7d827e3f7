//! Commits on the mainline that rewrote most handbook pages in place
//! (formatter sweeps, mass renames of a product): proposed for the
//! ignore-revs file, so `git blame` and handbook-lint both pass over them.

use std::collections::HashSet;

use crate::base::paths::PageExtensions;
use crate::base::time::UnixTime;
use crate::engine::many_pages_threshold;
use crate::git::objects::{Store, read_commit};
use crate::git::repo::{Oid, Repo};
use crate::git::trees::{TreeCache, page_changes, tree_at};

/// At most this many mainline commits are read (about a decade of a busy
/// handbook); older ones are not looked at, and the summary says so.
const MAX_COMMITS: usize = 100_000;
/// Trees kept between comparisons.
const TREE_CACHE: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sweep {
    pub commit: String,
    pub time: UnixTime,
    /// Pages it changed in place (same path, other content).
    pub pages: usize,
    pub summary: String,
}

#[derive(Debug, Default)]
pub(crate) struct Sweeps {
    pub found: Vec<Sweep>,
    pub walked: usize,
    /// The walk stopped at `MAX_COMMITS`, a shallow boundary or an object
    /// it could not read: older commits were not looked at.
    pub stopped: Option<String>,
    pub threshold: usize,
}

/// The mainline's commits that changed at least the engine's many-pages
/// threshold of the `pages` pages under `handbook`, newest first; commits
/// already in `ignored` are left out.
pub(crate) fn find(repo: &Repo, handbook: &str, pages: usize, ignored: &HashSet<Oid>) -> Sweeps {
    let threshold = many_pages_threshold(pages);
    let mut sweeps = Sweeps {
        threshold,
        ..Sweeps::default()
    };
    let (Some(head), Ok(store)) = (repo.head(), Store::open(repo.git_dir())) else {
        return sweeps;
    };
    let objects = store.objects();
    let odb = objects.odb();
    let shallow = objects.shallow_boundary();
    let mut trees = TreeCache::new(TREE_CACHE);
    let mut buffer = Vec::new();
    let mut next = Some(head);
    let mut current = match read_commit(odb, head, &mut buffer) {
        Ok(info) => info,
        Err(error) => {
            sweeps.stopped = Some(error.message().to_string());
            return sweeps;
        }
    };
    while let Some(id) = next {
        if sweeps.walked == MAX_COMMITS {
            sweeps.stopped = Some(format!("only the newest {MAX_COMMITS} commits were read"));
            break;
        }
        sweeps.walked += 1;
        let Some(parent) = current.first_parent.filter(|_| !shallow.contains(&id)) else {
            break;
        };
        let parent_info = match read_commit(odb, parent, &mut buffer) {
            Ok(info) => info,
            Err(error) => {
                sweeps.stopped = Some(error.message().to_string());
                break;
            }
        };
        let ours = tree_at(odb, &mut trees, current.tree, handbook);
        let theirs = tree_at(odb, &mut trees, parent_info.tree, handbook);
        if let (Some(ours), Some(theirs)) = (ours, theirs)
            && let Ok(changes) =
                page_changes(odb, &mut trees, ours, theirs, &PageExtensions::default())
        {
            let in_place = changes
                .iter()
                .filter(|c| c.ours.is_some() && c.theirs.is_some())
                .count();
            if in_place >= threshold && !ignored.contains(&id) {
                sweeps.found.push(Sweep {
                    commit: id.to_string(),
                    time: current.time,
                    pages: in_place,
                    summary: repo.commit_summary(id).unwrap_or_default(),
                });
            }
        }
        next = Some(parent);
        current = parent_info;
    }
    sweeps
}
