//! History stage: when each page (or section) last changed in substance.
//!
//! One walk of the first-parent history from HEAD answers every question at
//! once. At each commit the trees of the commit and its first parent are
//! compared by object id, descending only into directories that hold a path
//! still being asked about; identical subtrees are skipped without being
//! read. The walk stops as soon as every question is answered.
//!
//! Semantics:
//! - Mainline is first-parent history, so a merge counts at the time it
//!   landed and side-branch commits are seen through their merge.
//! - A page that appears in a commit with exactly the blob another path lost
//!   in that commit was moved, not changed: the question continues under the
//!   old path. A move with an edit is a change; a copy (the old path still
//!   there) is not a move.
//! - A section changed in a commit when its text (heading to next heading of
//!   the same or higher level) differs from the parent's, found by anchor.
//! - Times are committer times: when the change landed on the branch.
//! - A shallow clone's boundary commits have no parents to compare with: a
//!   question still open there has no answer, and says so.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Tree};

use crate::parse::section_text;
use crate::time::UnixTime;

/// What to find out about a path at HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Repository-relative path in HEAD's tree.
    pub path: String,
    /// For a section: its anchor.
    pub anchor: Option<String>,
    /// Also find the commit that first added the page (following moves).
    pub want_created: bool,
    /// Keep collecting changes back to this time (for "was the page updated
    /// within N days of a retro"); the newest change is always found.
    pub collect_since: Option<UnixTime>,
}

impl Query {
    pub fn file(path: impl Into<String>) -> Self {
        Query {
            path: path.into(),
            anchor: None,
            want_created: false,
            collect_since: None,
        }
    }
}

/// A commit that changed a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub commit: String,
    pub time: UnixTime,
}

/// What history says about one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The page (or section) changed in these commits, newest first: always
    /// the newest one, and more when `collect_since` asked for them.
    Changed(Vec<Change>),
    /// Not in HEAD (a new file, or a section only in the working tree).
    NotCommitted,
    /// The walk reached the shallow boundary before finding a change.
    Shallow { boundary: String },
    /// The history could not be read (a missing object, a corrupt pack).
    Unreadable { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub answer: Answer,
    /// The commit that added the page, when asked for and found.
    pub created: Option<Change>,
}

/// The repository-wide facts the walk learnt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryInfo {
    pub head: Option<String>,
    pub shallow: bool,
    pub commits_walked: usize,
}

/// State of one query during the walk.
struct Open {
    /// The path the page had in the commit being looked at.
    path: String,
    changes: Vec<Change>,
    /// Found the newest change (and, when collecting, went past the horizon).
    changes_done: bool,
    created: Option<Change>,
    created_done: bool,
}

impl Open {
    fn done(&self) -> bool {
        self.changes_done && self.created_done
    }
}

/// A trie of the paths still being asked about, so each commit only reads
/// the directories that hold them.
#[derive(Default)]
struct PathTrie {
    children: BTreeMap<String, PathTrie>,
    queries: Vec<usize>,
    live: usize,
}

impl PathTrie {
    fn insert(&mut self, path: &str, query: usize) {
        self.live += 1;
        if let Some((head, rest)) = path.split_once('/') {
            self.children
                .entry(head.to_string())
                .or_default()
                .insert(rest, query);
        } else {
            let leaf = self.children.entry(path.to_string()).or_default();
            leaf.live += 1;
            leaf.queries.push(query);
        }
    }

    fn remove(&mut self, path: &str, query: usize) {
        self.live = self.live.saturating_sub(1);
        match path.split_once('/') {
            Some((head, rest)) => {
                if let Some(child) = self.children.get_mut(head) {
                    child.remove(rest, query);
                }
            }
            None => {
                if let Some(leaf) = self.children.get_mut(path) {
                    leaf.live = leaf.live.saturating_sub(1);
                    leaf.queries.retain(|&q| q != query);
                }
            }
        }
    }
}

/// A leaf whose blob differs between a commit and its parent.
struct Difference {
    queries: Vec<usize>,
    ours: Option<Oid>,
    theirs: Option<Oid>,
}

fn compare(
    repo: &Repository,
    ours: Option<&Tree>,
    theirs: Option<&Tree>,
    trie: &PathTrie,
    prefix: &str,
    out: &mut Vec<Difference>,
) -> Result<(), git2::Error> {
    for (name, child) in &trie.children {
        if child.live == 0 {
            continue;
        }
        let our_entry = ours.and_then(|t| t.get_name(name));
        let their_entry = theirs.and_then(|t| t.get_name(name));
        let our_id = our_entry.as_ref().map(git2::TreeEntry::id);
        let their_id = their_entry.as_ref().map(git2::TreeEntry::id);
        if our_id == their_id {
            continue;
        }
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let is_tree = |entry: &Option<git2::TreeEntry>| {
            entry.as_ref().and_then(git2::TreeEntry::kind) == Some(ObjectType::Tree)
        };
        if !child.queries.is_empty() {
            let blob = |entry: &Option<git2::TreeEntry>| {
                entry
                    .as_ref()
                    .filter(|e| e.kind() == Some(ObjectType::Blob))
                    .map(git2::TreeEntry::id)
            };
            out.push(Difference {
                queries: child.queries.clone(),
                ours: blob(&our_entry),
                theirs: blob(&their_entry),
            });
        }
        if !child.children.is_empty() {
            let our_tree = if is_tree(&our_entry) {
                our_id.map(|id| repo.find_tree(id)).transpose()?
            } else {
                None
            };
            let their_tree = if is_tree(&their_entry) {
                their_id.map(|id| repo.find_tree(id)).transpose()?
            } else {
                None
            };
            compare(
                repo,
                our_tree.as_ref(),
                their_tree.as_ref(),
                child,
                &path,
                out,
            )?;
        }
    }
    Ok(())
}

/// Blobs deleted between parent and commit, by blob id: the candidates a
/// newly appearing path may have been moved from.
fn deleted_blobs(
    repo: &Repository,
    ours: &Tree,
    theirs: &Tree,
) -> Result<HashMap<Oid, Vec<String>>, git2::Error> {
    let diff = repo.diff_tree_to_tree(Some(theirs), Some(ours), None)?;
    let mut deleted: HashMap<Oid, Vec<String>> = HashMap::new();
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Deleted
            && let Some(path) = delta.old_file().path().and_then(Path::to_str)
        {
            deleted
                .entry(delta.old_file().id())
                .or_default()
                .push(path.to_string());
        }
    }
    for paths in deleted.values_mut() {
        paths.sort();
    }
    Ok(deleted)
}

/// The boundary commits of a shallow clone, from `.git/shallow`.
fn shallow_boundary(repo: &Repository) -> HashSet<Oid> {
    if !repo.is_shallow() {
        return HashSet::new();
    }
    std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect()
}

fn section_changed(
    repo: &Repository,
    anchor: &str,
    ours: Oid,
    theirs: Oid,
) -> Result<bool, git2::Error> {
    let our_blob = repo.find_blob(ours)?;
    let their_blob = repo.find_blob(theirs)?;
    let our_text = String::from_utf8_lossy(our_blob.content());
    let their_text = String::from_utf8_lossy(their_blob.content());
    Ok(section_text(&our_text, anchor) != section_text(&their_text, anchor))
}

/// Whether the section exists in a blob; a query for a section that HEAD
/// does not have is not committed.
fn blob_has_section(repo: &Repository, blob: Oid, anchor: &str) -> bool {
    repo.find_blob(blob)
        .is_ok_and(|b| section_text(&String::from_utf8_lossy(b.content()), anchor).is_some())
}

/// Answers every query in one first-parent walk from HEAD.
pub fn resolve(repo: &Repository, queries: &[Query]) -> (Vec<Resolved>, HistoryInfo) {
    let mut info = HistoryInfo {
        shallow: repo.is_shallow(),
        ..HistoryInfo::default()
    };
    let unreadable = |reason: String| Resolved {
        answer: Answer::Unreadable { reason },
        created: None,
    };
    let Ok(head) = repo.head().and_then(|head| head.peel_to_commit()) else {
        let answers = queries
            .iter()
            .map(|_| Resolved {
                answer: Answer::NotCommitted,
                created: None,
            })
            .collect();
        return (answers, info);
    };

    info.head = Some(head.id().to_string());
    match walk(repo, head, queries, &mut info) {
        Ok(answers) => (answers, info),
        Err(error) => {
            let reason = error.message().to_string();
            (
                queries.iter().map(|_| unreadable(reason.clone())).collect(),
                info,
            )
        }
    }
}

fn walk(
    repo: &Repository,
    head: git2::Commit,
    queries: &[Query],
    info: &mut HistoryInfo,
) -> Result<Vec<Resolved>, git2::Error> {
    let boundary = shallow_boundary(repo);
    let head_tree = head.tree()?;
    let mut open: Vec<Option<Open>> = Vec::with_capacity(queries.len());
    let mut answers: Vec<Option<Resolved>> = vec![None; queries.len()];
    let mut trie = PathTrie::default();
    for (index, query) in queries.iter().enumerate() {
        let in_head = head_tree
            .get_path(Path::new(&query.path))
            .ok()
            .filter(|entry| entry.kind() == Some(ObjectType::Blob))
            .filter(|entry| {
                query
                    .anchor
                    .as_deref()
                    .is_none_or(|anchor| blob_has_section(repo, entry.id(), anchor))
            });
        if in_head.is_none() {
            answers[index] = Some(Resolved {
                answer: Answer::NotCommitted,
                created: None,
            });
            open.push(None);
            continue;
        }
        trie.insert(&query.path, index);
        open.push(Some(Open {
            path: query.path.clone(),
            changes: Vec::new(),
            changes_done: false,
            created: None,
            created_done: !query.want_created,
        }));
    }

    let mut commit = head;
    loop {
        if trie.live == 0 {
            break;
        }
        info.commits_walked += 1;
        let time = commit.time().seconds();
        let id = commit.id().to_string();
        let tree = commit.tree()?;
        let at_boundary = boundary.contains(&commit.id());
        let parent = if at_boundary {
            None
        } else {
            commit.parents().next()
        };
        let parent_tree = parent.as_ref().map(git2::Commit::tree).transpose()?;

        // Collecting queries stop once the walk is older than their horizon.
        for (index, state) in open.iter_mut().enumerate() {
            if let Some(state) = state.as_mut()
                && !state.changes_done
                && !state.changes.is_empty()
                && let Some(since) = queries[index].collect_since
                && time < since
            {
                state.changes_done = true;
            }
        }

        if at_boundary {
            // Parents are cut off: nothing open can be answered.
            for (index, state) in open.iter_mut().enumerate() {
                let Some(state) = state.take() else { continue };
                trie.remove(&state.path, index);
                answers[index] = Some(if state.changes.is_empty() {
                    Resolved {
                        answer: Answer::Shallow {
                            boundary: id.clone(),
                        },
                        created: None,
                    }
                } else {
                    Resolved {
                        answer: Answer::Changed(state.changes),
                        created: state.created,
                    }
                });
            }
            break;
        }

        let mut differences = Vec::new();
        if parent_tree.as_ref().map(Tree::id) != Some(tree.id()) {
            compare(
                repo,
                Some(&tree),
                parent_tree.as_ref(),
                &trie,
                "",
                &mut differences,
            )?;
        }
        let mut deleted: Option<HashMap<Oid, Vec<String>>> = None;
        for difference in differences {
            for &index in &difference.queries {
                let Some(state) = open[index].as_mut() else {
                    continue;
                };
                let query = &queries[index];
                let Some(ours) = difference.ours else {
                    // Our path is gone in this commit: it was a directory
                    // or a symlink here. Treat as the page's creation.
                    continue;
                };
                let change = Change {
                    commit: id.clone(),
                    time,
                };
                let mut moved_from = None;
                let changed = match (difference.theirs, parent_tree.as_ref()) {
                    (Some(theirs), _) => match &query.anchor {
                        Some(anchor) => section_changed(repo, anchor, ours, theirs)?,
                        None => true,
                    },
                    (None, Some(parent_tree)) => {
                        if deleted.is_none() {
                            deleted = Some(deleted_blobs(repo, &tree, parent_tree)?);
                        }
                        moved_from = deleted
                            .as_ref()
                            .and_then(|d| d.get(&ours))
                            .and_then(|paths| paths.first().cloned());
                        moved_from.is_none()
                    }
                    (None, None) => true,
                };
                let created_here = difference.theirs.is_none() && moved_from.is_none();
                if changed && !state.changes_done {
                    state.changes.push(change.clone());
                    if query.collect_since.is_none_or(|since| time < since) {
                        state.changes_done = true;
                    }
                }
                if created_here {
                    // Nothing older to look at for this page.
                    state.changes_done = true;
                    if !state.created_done {
                        state.created = Some(change);
                        state.created_done = true;
                    }
                }
                if let Some(old_path) = moved_from {
                    trie.remove(&state.path, index);
                    trie.insert(&old_path, index);
                    state.path = old_path;
                }
            }
        }
        for (index, slot) in open.iter_mut().enumerate() {
            if slot.as_ref().is_some_and(Open::done)
                && let Some(state) = slot.take()
            {
                trie.remove(&state.path, index);
                answers[index] = Some(Resolved {
                    answer: Answer::Changed(state.changes),
                    created: state.created,
                });
            }
        }
        match parent {
            Some(parent) => commit = parent,
            None => break,
        }
    }
    // Queries still open here walked off the root without being created,
    // which happens only when they were answered already; anything else is
    // a broken history.
    for (index, state) in open.into_iter().enumerate() {
        if let Some(state) = state {
            answers[index] = Some(Resolved {
                answer: if state.changes.is_empty() {
                    Answer::Unreadable {
                        reason: format!("no commit adds `{}`", state.path),
                    }
                } else {
                    Answer::Changed(state.changes)
                },
                created: state.created,
            });
        }
    }
    Ok(answers
        .into_iter()
        .map(|answer| {
            answer.unwrap_or(Resolved {
                answer: Answer::NotCommitted,
                created: None,
            })
        })
        .collect())
}
