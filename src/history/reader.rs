//! One thread's way into the object store for the walk: its own handle,
//! its own caches of parsed trees and section texts.

use std::collections::HashMap;

use crate::git::objects::{Objects, Store};
use crate::git::repo::Oid;
use crate::git::trees::{self, Odb, ReadError, TreeCache};
use crate::parse::section_text;

/// Section texts by blob and anchor: each blob is compared twice (as the
/// newer side, then as the older), so it is parsed once.
#[derive(Default)]
pub(super) struct SectionCache {
    pub(super) texts: HashMap<(Oid, String), Option<String>>,
    pub(super) buffer: Vec<u8>,
}

impl SectionCache {
    pub(super) fn section(
        &mut self,
        odb: &Odb,
        blob: Oid,
        anchor: &str,
    ) -> Result<Option<String>, ReadError> {
        let key = (blob, anchor.to_string());
        if let Some(text) = self.texts.get(&key) {
            return Ok(text.clone());
        }
        let content = trees::read_blob(odb, blob, &mut self.buffer)?;
        let text = String::from_utf8_lossy(content);
        let section = section_text(&text, anchor).map(str::to_string);
        // Bounded: a long walk over a busy page must not hold every version.
        if self.texts.len() > 4096 {
            self.texts.clear();
        }
        self.texts.insert(key, section.clone());
        Ok(section)
    }
}

/// Parsed trees kept per reader: a generation of this many listings. The
/// walk retires what it no longer needs (see [`TreeCache`]), so this is a
/// bound for odd histories, not the usual size.
pub(super) const TREE_CACHE_GENERATION: usize = 512;

/// One thread's way into the object store: its own handle (with its
/// own cache of delta bases) and its own cache of parsed trees.
pub(super) struct Reader {
    pub(super) objects: Objects,
    pub(super) trees: TreeCache,
    pub(super) sections: SectionCache,
}

impl Reader {
    pub(super) fn new(store: &Store) -> Reader {
        Reader {
            objects: store.objects(),
            trees: TreeCache::new(TREE_CACHE_GENERATION),
            sections: SectionCache::default(),
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

    pub(super) fn section_changed(
        &mut self,
        ours: Oid,
        theirs: Oid,
        anchor: &str,
    ) -> Result<bool, ReadError> {
        section_changed(self.objects.odb(), &mut self.sections, ours, theirs, anchor)
    }
}

/// Whether the section `anchor` differs between two versions of a page.
pub(super) fn section_changed(
    odb: &Odb,
    sections: &mut SectionCache,
    ours: Oid,
    theirs: Oid,
    anchor: &str,
) -> Result<bool, ReadError> {
    let newer = sections.section(odb, ours, anchor)?;
    let older = sections.section(odb, theirs, anchor)?;
    Ok(newer != older)
}
