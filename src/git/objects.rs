//! The object store as the history walk reads it: one handle per thread,
//! each with its own cache of delta bases, commits read without parsing
//! more than the walk needs.

use std::collections::HashSet;
use std::path::Path;

use gix::objs::FindExt as _;

use crate::base::time::UnixTime;
use crate::git::repo::Oid;
use crate::git::trees::{Odb, ReadError};

/// The object store, shared by the walk's threads.
pub(crate) struct Store(gix::ThreadSafeRepository);

impl Store {
    /// Opens the object store for the walk. Only the repository's own
    /// configuration is read: the walk needs objects, not a user's
    /// settings.
    pub(crate) fn open(git_dir: &Path) -> Result<Store, ReadError> {
        gix::open_opts(git_dir, gix::open::Options::isolated())
            .map(|repo| Store(repo.into_sync()))
            .map_err(|error| ReadError(error.to_string()))
    }

    /// A handle for one thread.
    pub(crate) fn objects(&self) -> Objects {
        let mut repo = self.0.to_thread_local();
        // Delta bases: most trees a commit changes are deltas against the
        // version the walk read just before.
        repo.objects
            .set_pack_cache(|| Box::<gix::odb::pack::cache::lru::StaticLinkedList<64>>::default());
        // Every object is read once by the walk; trees go through the
        // walk's own bounded cache.
        repo.objects.unset_object_cache();
        Objects(repo)
    }
}

/// One thread's way into the object store.
pub(crate) struct Objects(gix::Repository);

impl Objects {
    pub(crate) fn odb(&self) -> &Odb {
        &self.0.objects
    }

    /// Another handle on the same store, with caches of its own, for
    /// another thread.
    pub(crate) fn another(&self) -> Objects {
        Objects(self.0.clone())
    }

    /// The boundary commits of a shallow clone, from `.git/shallow`.
    pub(crate) fn shallow_boundary(&self) -> HashSet<Oid> {
        self.0
            .shallow_commits()
            .ok()
            .flatten()
            .map(|commits| commits.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// What the walk needs of a commit object.
pub(crate) struct CommitInfo {
    pub tree: Oid,
    pub first_parent: Option<Oid>,
    pub time: UnixTime,
}

pub(crate) fn read_commit(
    odb: &Odb,
    id: Oid,
    buffer: &mut Vec<u8>,
) -> Result<CommitInfo, ReadError> {
    let bad = |error: &dyn std::fmt::Display| ReadError(format!("commit {id}: {error}"));
    let mut commit = odb
        .find_commit_iter(&id, buffer)
        .map_err(|e| ReadError::from_gix(&e))?;
    let tree = commit.tree_id().map_err(|e| bad(&e))?;
    // A copy of the iterator: the committer comes after the parents.
    let first_parent = commit.parent_ids().next();
    let time = commit.committer().map_err(|e| bad(&e))?.seconds();
    Ok(CommitInfo {
        tree,
        first_parent,
        time,
    })
}
