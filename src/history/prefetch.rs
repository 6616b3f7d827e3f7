//! First-parent commits read ahead of the walk, in growing batches, on a
//! thread of their own.

use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc;

use super::compare::{OfferedDigests, SharedDigests};
use super::reader::Reader;
use crate::base::time::UnixTime;
use crate::git::objects::{CommitInfo, Store, read_commit};
use crate::git::repo::Oid;
use crate::git::trees::{Odb, ReadError};

/// One first-parent commit as the walk needs it.
pub(super) struct Step {
    pub(super) commit: Oid,
    pub(super) raw_time: UnixTime,
    pub(super) tree: Oid,
    pub(super) parent_tree: Option<Oid>,
    pub(super) parent_time: Option<UnixTime>,
    /// A shallow clone's boundary: its parents are not there.
    pub(super) at_boundary: bool,
    /// Why the walk cannot go past this commit (its parent is missing).
    pub(super) broken: Option<String>,
}

/// Reads up to `count` first-parent commits from `start`, stopping after
/// the cached commit so the cache can take over there. Returns the commit
/// to go on from.
pub(super) fn read_steps(
    odb: &Odb,
    start: Oid,
    count: usize,
    boundary: &HashSet<Oid>,
    stop_after: Option<Oid>,
) -> (Vec<Step>, Option<Oid>) {
    let mut steps = Vec::with_capacity(count);
    let mut buffer = Vec::new();
    let mut next = Some(start);
    // The parent read for the step before: the commit this step is about.
    let mut loaded: Option<(Oid, CommitInfo)> = None;
    while steps.len() < count {
        let Some(id) = next else { break };
        let commit = match loaded.take() {
            Some((loaded_id, commit)) if loaded_id == id => commit,
            _ => match read_commit(odb, id, &mut buffer) {
                Ok(commit) => commit,
                Err(error) => {
                    // Only reachable for the first commit of a batch: the
                    // step before read it as a parent.
                    steps.push(Step {
                        commit: id,
                        raw_time: UnixTime::MIN,
                        tree: Oid::null(id.kind()),
                        parent_tree: None,
                        parent_time: None,
                        at_boundary: false,
                        broken: Some(format!("commit {id} is missing: {error}")),
                    });
                    return (steps, None);
                }
            },
        };
        let at_boundary = boundary.contains(&id);
        let mut step = Step {
            commit: id,
            raw_time: commit.time,
            tree: commit.tree,
            parent_tree: None,
            parent_time: None,
            at_boundary,
            broken: None,
        };
        next = None;
        if let Some(parent) = commit.first_parent.filter(|_| !at_boundary) {
            match read_commit(odb, parent, &mut buffer) {
                Ok(parent_commit) => {
                    step.parent_tree = Some(parent_commit.tree);
                    step.parent_time = Some(parent_commit.time);
                    next = Some(parent);
                    loaded = Some((parent, parent_commit));
                }
                Err(error) => {
                    step.broken = Some(format!("the parent of commit {id} is missing: {error}"));
                }
            }
        }
        steps.push(step);
        if Some(id) == stop_after {
            break;
        }
    }
    (steps, next)
}

/// Commits are read in batches that grow from this size: a warm or
/// incremental run reads a few, a cold run soon reads many at a time.
pub(super) const FIRST_BATCH: usize = 32;

/// Batches grow no larger than this. A move makes the rest of its batch be
/// compared again for the pages that moved (see `moves`), so the batch
/// bounds what a move costs: on a real handbook that reorganises every few
/// hundred commits, 4,096 read 2.6 times the trees 512 does (169,000
/// against 66,000) and took 40 % longer; on the large generated handbook
/// 512 costs 6 % more than 4,096.
pub(super) const LARGEST_BATCH: usize = 512;

/// How many batches reading may run ahead of comparing: enough to read a
/// whole small history while the pages are parsed, bounded on a big one.
pub(super) const BATCHES_AHEAD: usize = 8;

/// A batch of first-parent commits, newest first, and the commit after it.
pub(super) type Batch = (Vec<Step>, Option<Oid>);

/// Reads first-parent commits from `start` in growing batches into
/// `sender`, splitting a batch after `split_after` (where a cache takes
/// over), until the root, the shallow boundary, or the receiver is gone;
/// with `stop_at_split`, also after the split, where the walk most likely
/// ends (it reads on by itself if not).
pub(super) fn read_ahead(
    reader: &Reader,
    start: Oid,
    boundary: &HashSet<Oid>,
    split_after: Option<Oid>,
    stop_at_split: bool,
    sender: &mpsc::SyncSender<Batch>,
) {
    let mut next = Some(start);
    let mut size = FIRST_BATCH;
    while let Some(start) = next {
        let batch = read_steps(reader.odb(), start, size, boundary, split_after);
        next = batch.1;
        let split = batch.0.last().map(|step| step.commit) == split_after;
        if sender.send(batch).is_err() || (split && stop_at_split) {
            break;
        }
        size = (size * 2).min(LARGEST_BATCH);
    }
}

/// The history walk's commits, read from the start of a run on a thread of
/// their own: opening the object store and reading commits does not wait
/// for the pages to be read and parsed, and uses the core that waits
/// meanwhile. It stops after the commit the cache describes (the walk most
/// likely ends there), and when dropped, at its next batch.
pub(crate) struct Prefetch {
    pub(super) store: mpsc::Receiver<Result<Store, ReadError>>,
    pub(super) batches: mpsc::Receiver<Batch>,
    /// Digests of pages parsed beside the walk, for it.
    pub(crate) offered: OfferedDigests,
}

impl Prefetch {
    /// Starts reading from `head` in the repository at `git_dir`,
    /// splitting batches after `split_after` (the commit a cache describes).
    pub(crate) fn start(git_dir: &Path, head: Oid, split_after: Option<Oid>) -> Prefetch {
        let (store_sender, store) = mpsc::sync_channel(1);
        let (sender, batches) = mpsc::sync_channel(BATCHES_AHEAD);
        let git_dir = git_dir.to_path_buf();
        std::thread::spawn(move || {
            let opened = Store::open(&git_dir);
            let reader = opened
                .as_ref()
                .ok()
                .map(|store| Reader::new(store, SharedDigests::default()));
            if store_sender.send(opened).is_err() {
                return;
            }
            if let Some(reader) = reader {
                let boundary = reader.objects.shallow_boundary();
                read_ahead(&reader, head, &boundary, split_after, true, &sender);
            }
        });
        Prefetch {
            store,
            batches,
            offered: OfferedDigests::default(),
        }
    }

    /// The digests offered to a walk reading ahead (none to another).
    pub(super) fn offered(prefetch: Option<&Prefetch>) -> OfferedDigests {
        prefetch.map_or_else(OfferedDigests::default, |prefetch| prefetch.offered.clone())
    }
}
