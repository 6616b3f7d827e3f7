//! One thread's way into the object store for the walk: its own handle,
//! its own cache of parsed trees, and the substance digests every reader
//! shares.

use super::compare::{Digests, SharedDigests};
use crate::git::objects::{Objects, Store};
use crate::git::repo::Oid;
use crate::git::trees::{self, Odb, ReadError, TreeCache};

/// Parsed trees kept per reader: a generation of this many listings. The
/// walk retires what it no longer needs (see [`TreeCache`]), so this is a
/// bound for odd histories, not the usual size.
pub(super) const TREE_CACHE_GENERATION: usize = 512;

/// One thread's way into the object store: its own handle (with its
/// own cache of delta bases), its own cache of parsed trees, and the
/// digests of the blobs the walk compared.
pub(super) struct Reader {
    pub(super) objects: Objects,
    pub(super) trees: TreeCache,
    pub(super) digests: Digests,
}

impl Reader {
    pub(super) fn new(store: &Store, digests: SharedDigests) -> Reader {
        Reader {
            objects: store.objects(),
            trees: TreeCache::new(TREE_CACHE_GENERATION),
            digests: Digests::new(digests),
        }
    }

    pub(super) fn odb(&self) -> &Odb {
        self.objects.odb()
    }

    pub(super) fn tree(
        &mut self,
        id: Oid,
    ) -> Result<std::sync::Arc<trees::TreeEntries>, ReadError> {
        self.trees.get(self.objects.odb(), id)
    }
}
