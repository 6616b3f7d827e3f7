//! Trees as the history walk reads them: parsed once into plain Rust data,
//! cached by id, and compared by id so identical subtrees are never read.
//!
//! Objects are read with gitoxide (`gix`): its pack reader takes no global
//! lock, so each worker thread of the walk reads through its own handle.
//! Owning the parsed entries makes lookups plain binary searches, lets
//! worker threads share nothing but ids, and keeps memory bounded by our
//! own limit.

use crate::base::paths::PageExtensions;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use gix::ObjectId as Oid;
use gix::objs::FindExt as _;

/// The object store as the walk reads it: any of gix's object finders.
pub(crate) type Odb = dyn gix::objs::Find;

/// An object that could not be read: missing from the store (a partial
/// clone, a damaged pack) or not what its parent said it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ReadError(pub String);

impl ReadError {
    pub(crate) fn message(&self) -> &str {
        &self.0
    }
}

impl ReadError {
    /// gix's words, made the tool's where a user meets them: a missing
    /// object is the common case (a shallow or partial clone).
    pub(crate) fn from_gix(error: &impl std::fmt::Display) -> ReadError {
        let text = error.to_string();
        let missing = text
            .strip_prefix("An object with id ")
            .and_then(|rest| rest.strip_suffix(" could not be found"));
        match missing {
            Some(id) => ReadError(format!("object {id} is not in the repository")),
            None => ReadError(text),
        }
    }
}

/// Reads a blob's bytes into `buffer`.
pub(crate) fn read_blob<'b>(
    odb: &Odb,
    id: Oid,
    buffer: &'b mut Vec<u8>,
) -> Result<&'b [u8], ReadError> {
    odb.find_blob(&id, buffer)
        .map(|blob| blob.data)
        .map_err(|e| ReadError::from_gix(&e))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Blob,
    Tree,
    /// Submodules and anything else: never a page.
    Other,
}

/// One entry of a [`TreeEntries`]; its name lives in the listing's buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    start: u32,
    len: u32,
    /// The name's first eight bytes, big-endian, zero after its end: names
    /// hold no NUL, so these order as the names do, and most comparisons
    /// end here without reading the names (looking entries up was a
    /// twentieth of a cold walk, most of it comparing names).
    key: u64,
    pub id: Oid,
    pub kind: Kind,
}

/// [`Entry::key`] of a name.
fn name_key(name: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    let len = name.len().min(8);
    first[..len].copy_from_slice(&name[..len]);
    u64::from_be_bytes(first)
}

/// A directory's entries sorted by name bytes (not git's order, which sorts
/// a directory as if its name ended in `/`): binary search by name works.
/// All names share one buffer: two allocations per directory instead of one
/// per entry, which on a big handbook is most of the cost of reading trees.
#[derive(Debug, Default)]
pub(crate) struct TreeEntries {
    names: String,
    pub entries: Vec<Entry>,
}

impl TreeEntries {
    pub(crate) fn name(&self, entry: &Entry) -> &str {
        &self.names[entry.start as usize..(entry.start + entry.len) as usize]
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Entry> {
        let key = name_key(name.as_bytes());
        self.entries
            .binary_search_by(|e| {
                e.key
                    .cmp(&key)
                    .then_with(|| self.name(e).as_bytes().cmp(name.as_bytes()))
            })
            .ok()
            .map(|i| &self.entries[i])
    }
}

/// Hashes an object id by its first eight bytes: ids are already uniformly
/// distributed, and SipHash over twenty bytes showed up in profiles.
#[derive(Default)]
pub(crate) struct OidHasher(u64);

impl std::hash::Hasher for OidHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8).take(1) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
}

pub(crate) type OidMap<V> = HashMap<Oid, V, std::hash::BuildHasherDefault<OidHasher>>;

/// Parsed trees by id, in two generations: when the newer fills up, the
/// older is dropped, so memory stays bounded on any history.
///
/// Walking from new to old, a commit's trees are the parent side of the
/// comparison before (that is how they got here) and are not needed after
/// their own comparison: the next comparison of that directory is between
/// the parent's version and an older one. They are retired then, so the
/// cache holds about one version of each directory being compared.
pub(crate) struct TreeCache {
    newer: OidMap<Arc<TreeEntries>>,
    older: OidMap<Arc<TreeEntries>>,
    generation: usize,
    /// Reused between reads.
    buffers: ReadBuffers,
    /// Trees to drop when the comparison under way is done.
    retiring: Vec<Oid>,
    /// Listings other readers read earlier, lent for a while (see
    /// [`TreeCache::lend`]): looked up before the object store.
    lent: Arc<OidMap<Arc<TreeEntries>>>,
    /// What this cache read from the object store since it was lent to,
    /// for the lender to keep; recorded only between a loan and
    /// [`TreeCache::take_read`].
    read_since_lent: Option<Vec<(Oid, Arc<TreeEntries>)>>,
    /// Trees read from the object store (not found here), for `--verbose`.
    pub(crate) reads: usize,
}

impl TreeCache {
    pub(crate) fn new(generation: usize) -> Self {
        TreeCache {
            newer: OidMap::default(),
            older: OidMap::default(),
            generation,
            buffers: ReadBuffers::default(),
            retiring: Vec::new(),
            lent: Arc::default(),
            read_since_lent: None,
            reads: 0,
        }
    }

    /// Lends listings read elsewhere, to be looked up before the object
    /// store until the next loan; what is read from the store meanwhile is
    /// recorded for [`TreeCache::take_read`].
    pub(crate) fn lend(&mut self, listings: Arc<OidMap<Arc<TreeEntries>>>) {
        self.lent = listings;
        self.read_since_lent = Some(Vec::new());
    }

    /// The listings read from the object store since the last loan, which
    /// ends: nothing is recorded or lent until the next.
    pub(crate) fn take_read(&mut self) -> Vec<(Oid, Arc<TreeEntries>)> {
        self.lent = Arc::default();
        self.read_since_lent.take().unwrap_or_default()
    }

    /// Marks a tree as not needed once the comparison under way is done.
    pub(crate) fn retire(&mut self, id: Oid) {
        self.retiring.push(id);
    }

    /// Drops the trees retired during the comparison just done.
    pub(crate) fn end_comparison(&mut self) {
        for id in self.retiring.drain(..) {
            self.newer.remove(&id);
            self.older.remove(&id);
        }
    }

    pub(crate) fn get(&mut self, odb: &Odb, id: Oid) -> Result<Arc<TreeEntries>, ReadError> {
        if let Some(listing) = self.newer.get(&id) {
            return Ok(Arc::clone(listing));
        }
        let listing = if let Some(listing) = self.older.remove(&id) {
            listing
        } else if let Some(listing) = self.lent.get(&id) {
            Arc::clone(listing)
        } else {
            self.reads += 1;
            let listing = Arc::new(read(odb, id, &mut self.buffers)?);
            if let Some(read) = &mut self.read_since_lent {
                read.push((id, Arc::clone(&listing)));
            }
            listing
        };
        if self.newer.len() >= self.generation {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(id, Arc::clone(&listing));
        Ok(listing)
    }
}

/// What reading a tree reuses from one read to the next: the raw object,
/// and the listing being built (its names' bytes and its entries). A
/// listing built in place grows its two buffers a few times each, which on
/// a real handbook made the allocator a third of reading trees; it is built
/// here and copied out at its size.
#[derive(Default)]
struct ReadBuffers {
    raw: Vec<u8>,
    names: Vec<u8>,
    entries: Vec<Entry>,
}

fn read(odb: &Odb, id: Oid, buffers: &mut ReadBuffers) -> Result<TreeEntries, ReadError> {
    let tree = odb
        .find_tree_iter(&id, &mut buffers.raw)
        .map_err(|e| ReadError::from_gix(&e))?;
    let ReadBuffers { names, entries, .. } = buffers;
    names.clear();
    entries.clear();
    for entry in tree {
        let entry = entry.map_err(|e| ReadError(format!("tree {id} cannot be parsed: {e}")))?;
        // Symbolic links are blobs too, as git stores them.
        let kind = if entry.mode.is_tree() {
            Kind::Tree
        } else if entry.mode.is_blob_or_symlink() {
            Kind::Blob
        } else {
            Kind::Other
        };
        let (Ok(start), Ok(len)) = (
            u32::try_from(names.len()),
            u32::try_from(entry.filename.len()),
        ) else {
            continue;
        };
        names.extend_from_slice(entry.filename);
        entries.push(Entry {
            start,
            len,
            key: name_key(entry.filename),
            id: entry.oid.to_owned(),
            kind,
        });
    }
    // The names are checked in one go (checking each took a twentieth of
    // reading trees); a name that is not UTF-8 cannot be a page path we ask
    // about, and where there is one, the listing goes without it.
    let mut listing = match std::str::from_utf8(names) {
        Ok(all) => TreeEntries {
            names: all.to_owned(),
            entries: entries.as_slice().to_vec(),
        },
        Err(_) => without_bad_names(names, entries),
    };
    // Git's order differs from byte order only around names that extend a
    // directory's name (`a.md` sorts before the directory `a`); re-sort then.
    let TreeEntries { names, entries } = &mut listing;
    let bytes = names.as_bytes();
    let name_of = |e: &Entry| &bytes[e.start as usize..(e.start + e.len) as usize];
    let order = |a: &Entry, b: &Entry| a.key.cmp(&b.key).then_with(|| name_of(a).cmp(name_of(b)));
    if !entries.is_sorted_by(|a, b| order(a, b).is_lt()) {
        entries.sort_by(order);
    }
    Ok(listing)
}

/// The listing of `entries` (named by ranges of `names`) without those
/// whose names are not UTF-8.
fn without_bad_names(names: &[u8], entries: &[Entry]) -> TreeEntries {
    let mut listing = TreeEntries::default();
    for entry in entries {
        let bytes = &names[entry.start as usize..(entry.start + entry.len) as usize];
        let Ok(name) = std::str::from_utf8(bytes) else {
            continue;
        };
        let Ok(start) = u32::try_from(listing.names.len()) else {
            continue;
        };
        listing.names.push_str(name);
        listing.entries.push(Entry { start, ..*entry });
    }
    listing
}

/// A trie of the paths still being asked about, so each commit only reads
/// the directories that hold them.
#[derive(Default, Debug, Clone)]
pub(crate) struct PathTrie {
    pub children: BTreeMap<String, PathTrie>,
    /// Queries whose current path ends here.
    pub queries: Vec<usize>,
    /// Queries at or below this node.
    pub live: usize,
}

impl PathTrie {
    pub(crate) fn insert(&mut self, path: &str, query: usize) {
        self.live += 1;
        let (head, rest) = match path.split_once('/') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        // Most names are there already: look before allocating one.
        if !self.children.contains_key(head) {
            self.children.insert(head.to_string(), PathTrie::default());
        }
        let Some(child) = self.children.get_mut(head) else {
            return;
        };
        if let Some(rest) = rest {
            child.insert(rest, query);
        } else {
            child.live += 1;
            child.queries.push(query);
        }
    }

    pub(crate) fn remove(&mut self, path: &str, query: usize) {
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

    /// Every query still open at or below this node.
    pub(crate) fn all_queries(&self, out: &mut Vec<usize>) {
        out.extend_from_slice(&self.queries);
        for child in self.children.values() {
            if child.live > 0 {
                child.all_queries(out);
            }
        }
    }
}

/// A leaf asked about whose blob differs between a commit and its parent.
#[derive(Debug, Clone)]
pub(crate) struct Difference {
    pub queries: Vec<usize>,
    /// The leaf's repository-relative path.
    pub path: String,
    pub ours: Option<Oid>,
    pub theirs: Option<Oid>,
}

/// Queries that could not be answered because an object was missing.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub queries: Vec<usize>,
    pub reason: String,
}

/// Below this many names asked about in a directory, looking each up is
/// cheaper than merging the directory's whole listing.
const LOOKUP_LIMIT: usize = 8;

/// Entries whose ids differ between two listings, by one merge of the two
/// sorted lists.
fn differing<'a>(
    ours: Option<&'a TreeEntries>,
    theirs: Option<&'a TreeEntries>,
) -> Vec<(Option<&'a Entry>, Option<&'a Entry>, &'a str)> {
    let empty: &[Entry] = &[];
    let our_entries = ours.map_or(empty, |l| l.entries.as_slice());
    let their_entries = theirs.map_or(empty, |l| l.entries.as_slice());
    let our_name = |e: &Entry| ours.map_or("", |l| l.name(e));
    let their_name = |e: &Entry| theirs.map_or("", |l| l.name(e));
    let (mut mine, mut other) = (0, 0);
    let mut out = Vec::new();
    while mine < our_entries.len() || other < their_entries.len() {
        let order = match (our_entries.get(mine), their_entries.get(other)) {
            (Some(x), Some(y)) => x
                .key
                .cmp(&y.key)
                .then_with(|| our_name(x).as_bytes().cmp(their_name(y).as_bytes())),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                let entry = &our_entries[mine];
                out.push((Some(entry), None, our_name(entry)));
                mine += 1;
            }
            std::cmp::Ordering::Greater => {
                let entry = &their_entries[other];
                out.push((None, Some(entry), their_name(entry)));
                other += 1;
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (&our_entries[mine], &their_entries[other]);
                if a.id != b.id || a.kind != b.kind {
                    out.push((Some(a), Some(b), our_name(a)));
                }
                mine += 1;
                other += 1;
            }
        }
    }
    out
}

/// `prefix/name`, or `name` at the root. Not `format!`: its machinery
/// showed in profiles of the walk, which joins a path per changed entry.
fn join_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        return name.to_owned();
    }
    let mut path = String::with_capacity(prefix.len() + 1 + name.len());
    path.push_str(prefix);
    path.push('/');
    path.push_str(name);
    path
}

/// Compares the trees `ours` (a commit's) and `theirs` (its parent's) along
/// the trie: every asked-about leaf whose blob differs is reported;
/// directories whose ids are equal are skipped unread.
#[allow(clippy::too_many_arguments)] // recursion state; a struct would only rename it
pub(crate) fn compare(
    odb: &Odb,
    trees: &mut TreeCache,
    ours: Option<&TreeEntries>,
    theirs: Option<&TreeEntries>,
    trie: &PathTrie,
    prefix: &str,
    out: &mut Vec<Difference>,
    failures: &mut Vec<Failure>,
) {
    let pairs: Vec<(&String, &PathTrie, Option<&Entry>, Option<&Entry>)> =
        if trie.children.len() <= LOOKUP_LIMIT {
            trie.children
                .iter()
                .filter(|(_, child)| child.live > 0)
                .filter_map(|(name, child)| {
                    let our_entry = ours.and_then(|l| l.get(name));
                    let their_entry = theirs.and_then(|l| l.get(name));
                    let differ =
                        our_entry.map(|e| (e.id, e.kind)) != their_entry.map(|e| (e.id, e.kind));
                    differ.then_some((name, child, our_entry, their_entry))
                })
                .collect()
        } else {
            differing(ours, theirs)
                .into_iter()
                .filter_map(|(our_entry, their_entry, name)| {
                    let (name, child) = trie.children.get_key_value(name)?;
                    (child.live > 0).then_some((name, child, our_entry, their_entry))
                })
                .collect()
        };
    for (name, child, our_entry, their_entry) in pairs {
        let path = join_path(prefix, name);
        if !child.queries.is_empty() {
            let blob = |entry: Option<&Entry>| entry.filter(|e| e.kind == Kind::Blob).map(|e| e.id);
            out.push(Difference {
                queries: child.queries.clone(),
                path: path.clone(),
                ours: blob(our_entry),
                theirs: blob(their_entry),
            });
        }
        if child.children.is_empty() {
            continue;
        }
        let mut subtree = |entry: Option<&Entry>| -> Result<Option<Arc<TreeEntries>>, ()> {
            let Some(entry) = entry.filter(|e| e.kind == Kind::Tree) else {
                return Ok(None);
            };
            trees.get(odb, entry.id).map(Some).map_err(|error| {
                let mut queries = Vec::new();
                child.all_queries(&mut queries);
                failures.push(Failure {
                    queries,
                    reason: format!(
                        "tree {} (`{path}/`) is missing: {}",
                        entry.id,
                        error.message()
                    ),
                });
            })
        };
        let Ok(our_tree) = subtree(our_entry) else {
            continue;
        };
        let Ok(their_tree) = subtree(their_entry) else {
            continue;
        };
        if let Some(entry) = our_entry.filter(|_| our_tree.is_some()) {
            trees.retire(entry.id);
        }
        compare(
            odb,
            trees,
            our_tree.as_deref(),
            their_tree.as_deref(),
            child,
            &path,
            out,
            failures,
        );
    }
}

/// The entry at `path` under `root`, reading directories through the cache.
fn entry_at(odb: &Odb, trees: &mut TreeCache, root: Oid, path: &str) -> Option<(Kind, Oid)> {
    if path.is_empty() {
        return Some((Kind::Tree, root));
    }
    let mut listing = trees.get(odb, root).ok()?;
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let (kind, id) = {
            let entry = listing.get(part)?;
            (entry.kind, entry.id)
        };
        if parts.peek().is_none() {
            return Some((kind, id));
        }
        if kind != Kind::Tree {
            return None;
        }
        listing = trees.get(odb, id).ok()?;
    }
    None
}

/// The blob at `path` under `root`, reading directories through the cache.
pub(crate) fn blob_at(odb: &Odb, trees: &mut TreeCache, root: Oid, path: &str) -> Option<Oid> {
    entry_at(odb, trees, root, path).and_then(|(kind, id)| (kind == Kind::Blob).then_some(id))
}

/// The directory at `path` under `root` (`root` itself for `""`).
pub(crate) fn tree_at(odb: &Odb, trees: &mut TreeCache, root: Oid, path: &str) -> Option<Oid> {
    entry_at(odb, trees, root, path).and_then(|(kind, id)| (kind == Kind::Tree).then_some(id))
}

/// Markdown files that differ between two trees, counting no further than
/// `limit + 1`: enough to tell a sweep from an edit.
pub(crate) fn count_changed_pages(
    odb: &Odb,
    trees: &mut TreeCache,
    ours: Option<Oid>,
    theirs: Option<Oid>,
    limit: usize,
    pages: &PageExtensions,
) -> Result<usize, ReadError> {
    let mut count = 0;
    let mut stack = vec![(ours, theirs)];
    while let Some((our_id, their_id)) = stack.pop() {
        if our_id == their_id {
            continue;
        }
        let our_tree = our_id.map(|id| trees.get(odb, id)).transpose()?;
        let their_tree = their_id.map(|id| trees.get(odb, id)).transpose()?;
        for (our_entry, their_entry, name) in differing(our_tree.as_deref(), their_tree.as_deref())
        {
            let tree_id = |e: Option<&Entry>| e.filter(|e| e.kind == Kind::Tree).map(|e| e.id);
            let (our_subtree, their_subtree) = (tree_id(our_entry), tree_id(their_entry));
            if our_subtree.is_some() || their_subtree.is_some() {
                stack.push((our_subtree, their_subtree));
            }
            let is_page =
                |e: Option<&Entry>| e.is_some_and(|e| e.kind == Kind::Blob && pages.matches(name));
            if is_page(our_entry) || is_page(their_entry) {
                count += 1;
                if count > limit {
                    return Ok(count);
                }
            }
        }
    }
    Ok(count)
}

/// A Markdown file that differs between a commit and its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageChange {
    pub path: String,
    /// The blob in the commit; `None` when the commit deleted the page.
    pub ours: Option<Oid>,
    /// The blob in the parent; `None` when the commit added the page.
    pub theirs: Option<Oid>,
}

/// Every Markdown file that differs between a commit's tree and its
/// parent's, sorted by path: what a page added here may have moved from,
/// and how many pages a commit changed. Only subtrees whose ids differ are
/// read, so a commit that adds one page costs a few trees, not a walk of
/// the whole handbook.
pub(crate) fn page_changes(
    odb: &Odb,
    trees: &mut TreeCache,
    ours: Oid,
    theirs: Oid,
    pages: &PageExtensions,
) -> Result<Vec<PageChange>, ReadError> {
    let mut changes = Vec::new();
    let mut stack: Vec<(Option<Oid>, Option<Oid>, String)> =
        vec![(Some(ours), Some(theirs), String::new())];
    while let Some((our_id, their_id, prefix)) = stack.pop() {
        if our_id == their_id {
            continue;
        }
        let our_tree = our_id.map(|id| trees.get(odb, id)).transpose()?;
        let their_tree = their_id.map(|id| trees.get(odb, id)).transpose()?;
        for (our_entry, their_entry, name) in differing(our_tree.as_deref(), their_tree.as_deref())
        {
            let path = join_path(&prefix, name);
            let tree_id = |e: Option<&Entry>| e.filter(|e| e.kind == Kind::Tree).map(|e| e.id);
            let (our_subtree, their_subtree) = (tree_id(our_entry), tree_id(their_entry));
            if our_subtree.is_some() || their_subtree.is_some() {
                stack.push((our_subtree, their_subtree, path.clone()));
            }
            if !pages.matches(name) {
                continue;
            }
            let blob = |e: Option<&Entry>| e.filter(|e| e.kind == Kind::Blob).map(|e| e.id);
            let (our_blob, their_blob) = (blob(our_entry), blob(their_entry));
            if (our_blob.is_some() || their_blob.is_some()) && our_blob != their_blob {
                changes.push(PageChange {
                    path,
                    ours: our_blob,
                    theirs: their_blob,
                });
            }
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::repo_builder::{ROBOT, RepoBuilder, write};

    /// Git sorts the directory `a` after the file `a.md` (as if it were
    /// `a/`); the listing must still find both by name.
    #[test]
    fn listings_find_names_that_git_orders_differently() {
        let dir = tempfile::tempdir().expect("temp");
        let builder = RepoBuilder::init(dir.path()).expect("init");
        let first = builder
            .commit(
                "2026-01-05",
                ROBOT,
                "one",
                &[
                    write("a.md", "x"),
                    write("a/b.md", "y"),
                    write("a-b.md", "z"),
                ],
            )
            .expect("commit");
        let second = builder
            .commit("2026-01-06", ROBOT, "two", &[write("a/b.md", "changed")])
            .expect("commit");
        let git = &builder.repo;
        let store = gix::open(git.path()).expect("gix opens the repository");
        let repo: &Odb = &store.objects;
        let mut cache = TreeCache::new(4);
        let tree_of = |id| {
            let tree = git.find_commit(id).map(|c| c.tree_id()).expect("tree");
            Oid::try_from(tree.as_bytes()).expect("a SHA-1 id")
        };
        let root = cache.get(repo, tree_of(first)).expect("listing");
        for name in ["a", "a.md", "a-b.md"] {
            assert!(root.get(name).is_some(), "{name}");
        }
        assert!(blob_at(repo, &mut cache, tree_of(first), "a/b.md").is_some());
        let mut trie = PathTrie::default();
        trie.insert("a/b.md", 0);
        trie.insert("a.md", 1);
        let (ours, theirs) = (
            cache.get(repo, tree_of(second)).expect("l"),
            cache.get(repo, tree_of(first)).expect("l"),
        );
        let (mut out, mut failures) = (Vec::new(), Vec::new());
        compare(
            repo,
            &mut cache,
            Some(&ours),
            Some(&theirs),
            &trie,
            "",
            &mut out,
            &mut failures,
        );
        assert!(failures.is_empty());
        assert_eq!(
            out.iter().map(|d| d.queries.clone()).collect::<Vec<_>>(),
            [vec![0]]
        );
        assert_eq!(
            count_changed_pages(
                repo,
                &mut cache,
                Some(tree_of(second)),
                Some(tree_of(first)),
                5,
                &PageExtensions::default()
            )
            .ok(),
            Some(1)
        );
    }

    /// A name that is not UTF-8 (git allows any bytes but `/` and NUL) is
    /// left out of the listing; the names around it are found, in order.
    #[test]
    fn a_name_that_is_not_utf8_is_left_out_of_the_listing() {
        let dir = tempfile::tempdir().expect("temp");
        let git = git2::Repository::init(dir.path()).expect("init");
        let blob = git.blob(b"words").expect("blob");
        let mut tree = git.treebuilder(None).expect("tree builder");
        for name in [&b"a.md"[..], b"b\xff.md", b"c.md", b"\xfe"] {
            tree.insert(name.to_vec(), blob, 0o100_644).expect("entry");
        }
        let tree = tree.write().expect("tree");
        let store = gix::open(git.path()).expect("gix opens the repository");
        let id = Oid::try_from(tree.as_bytes()).expect("a SHA-1 id");
        let listing = TreeCache::new(4).get(&store.objects, id).expect("listing");
        let names: Vec<&str> = listing.entries.iter().map(|e| listing.name(e)).collect();
        assert_eq!(names, ["a.md", "c.md"]);
        assert!(
            listing
                .get("c.md")
                .is_some_and(|e| e.id.as_bytes() == blob.as_bytes())
        );
    }

    /// Names compared by their first eight bytes first: names that share
    /// them, or are shorter, are each found, a name between them is not,
    /// and two listings differing in one such name differ there alone.
    #[test]
    fn names_sharing_their_first_eight_bytes_are_told_apart() {
        let dir = tempfile::tempdir().expect("temp");
        let git = git2::Repository::init(dir.path()).expect("init");
        let names = [
            "engineer",
            "engineering",
            "engineering-a.md",
            "engineering-b.md",
            "engineers.md",
            "eng",
            "z",
        ];
        let listing_of = |changed: Option<&str>| {
            let mut tree = git.treebuilder(None).expect("tree builder");
            for name in names {
                let text = if Some(name) == changed { "new" } else { "old" };
                let blob = git.blob(text.as_bytes()).expect("blob");
                tree.insert(name, blob, 0o100_644).expect("entry");
            }
            let id = tree.write().expect("tree");
            let store = gix::open(git.path()).expect("gix opens the repository");
            let id = Oid::try_from(id.as_bytes()).expect("a SHA-1 id");
            TreeCache::new(4).get(&store.objects, id).expect("listing")
        };
        let before = listing_of(None);
        for name in names {
            assert!(before.get(name).is_some(), "{name}");
        }
        for missing in [
            "engineerin",
            "engineering-",
            "engineering-c.md",
            "en",
            "engineers",
        ] {
            assert!(before.get(missing).is_none(), "{missing}");
        }
        let after = listing_of(Some("engineering-b.md"));
        let changed: Vec<&str> = differing(Some(&after), Some(&before))
            .into_iter()
            .map(|(_, _, name)| name)
            .collect();
        assert_eq!(changed, ["engineering-b.md"]);
    }
}
