//! The object store as the history walk reads it: one handle per thread,
//! objects read from the packs with one delta-base cache for all threads
//! (see [`crate::git::packs`]), commits read without parsing more than the
//! walk needs.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use gix::objs::FindExt as _;

use crate::base::time::UnixTime;
use crate::git::packs::{PackReader, Packs};
use crate::git::repo::Oid;
use crate::git::trees::{Odb, ReadError};

/// The id git gives a blob of `bytes` (SHA-1 of its header and bytes),
/// computed with the CPU's SHA instructions where it has them rather than
/// with gix's collision-detecting SHA-1 (several times slower): the id
/// only tells whether a working-tree page is a version the walk reads, so
/// a page crafted to collide could misdate itself, nothing more.
pub(crate) fn blob_id(bytes: &[u8]) -> Oid {
    use sha1::Digest as _;
    let mut hasher = sha1::Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    let hash: [u8; 20] = hasher.finalize().into();
    Oid::from(hash)
}

/// The object store, shared by the walk's threads.
pub(crate) struct Store {
    repo: gix::ThreadSafeRepository,
    packs: Arc<Packs>,
}

impl Store {
    /// Opens the object store for the walk. Only the repository's own
    /// configuration is read: the walk needs objects, not a user's
    /// settings.
    pub(crate) fn open(git_dir: &Path) -> Result<Store, ReadError> {
        let repo = gix::open_opts(git_dir, gix::open::Options::isolated())
            .map_err(|error| ReadError(error.to_string()))?;
        let packs = Packs::open(repo.objects.store_ref().path(), repo.object_hash());
        Ok(Store {
            repo: repo.into_sync(),
            packs: Arc::new(packs),
        })
    }

    /// A handle for one thread.
    pub(crate) fn objects(&self) -> Objects {
        let mut repo = self.repo.to_thread_local();
        // What the packs' reader leaves to gix (loose objects, an
        // alternate's, every object of a repository with too many packs)
        // keeps gix's own small cache of delta bases, as before.
        repo.objects
            .set_pack_cache(|| Box::<gix::odb::pack::cache::lru::StaticLinkedList<64>>::default());
        // Every object is read once by the walk; trees go through the
        // walk's own bounded cache.
        repo.objects.unset_object_cache();
        Objects {
            repo,
            packed: PackReader::new(Arc::clone(&self.packs)),
        }
    }
}

/// One thread's way into the object store.
pub(crate) struct Objects {
    repo: gix::Repository,
    packed: PackReader,
}

impl gix::objs::Find for Objects {
    fn try_find<'a>(
        &self,
        id: &gix::hash::oid,
        buffer: &'a mut Vec<u8>,
    ) -> gix::error::Result<Option<gix::objs::Data<'a>>> {
        match self.packed.find(id, buffer) {
            Some(kind) => Ok(Some(gix::objs::Data::new(
                buffer,
                kind,
                self.repo.object_hash(),
            ))),
            None => self.repo.objects.try_find(id, buffer),
        }
    }
}

impl Objects {
    pub(crate) fn odb(&self) -> &Odb {
        self
    }

    /// Another handle on the same store, for another thread.
    pub(crate) fn another(&self) -> Objects {
        Objects {
            repo: self.repo.clone(),
            packed: self.packed.another(),
        }
    }

    /// The boundary commits of a shallow clone, from `.git/shallow`.
    pub(crate) fn shallow_boundary(&self) -> HashSet<Oid> {
        self.repo
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

#[cfg(test)]
mod tests {
    use super::blob_id;

    /// A working-tree page's id is the one git gives its blob: checked
    /// against `git hash-object`, not against gix's hashing.
    #[test]
    fn blob_ids_are_the_ones_git_gives() {
        let long = "word ".repeat(20_000);
        for text in [
            "",
            "# Goals\n\n- [x] ship 👍\n",
            "\u{feff}BOM\r\n",
            long.as_str(),
        ] {
            let mut git = std::process::Command::new("git")
                .args(["hash-object", "--stdin"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("git runs");
            {
                use std::io::Write as _;
                let mut stdin = git.stdin.take().expect("stdin");
                stdin.write_all(text.as_bytes()).expect("written");
            }
            let out = git.wait_with_output().expect("git ends");
            let expected = String::from_utf8_lossy(&out.stdout).trim().to_string();
            assert_eq!(blob_id(text.as_bytes()).to_string(), expected, "{text:?}");
        }
    }
}
