//! History stage: when each page (or section) last changed in substance.
//!
//! One walk of the first-parent history from HEAD answers every question at
//! once. At each commit the trees of the commit and its first parent are
//! compared by object id, descending only into directories that hold a path
//! still being asked about; identical subtrees are skipped without being
//! read. The walk stops as soon as every question is answered, or when it
//! reaches the commit a cached answer describes (see [`crate::cache`]).
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
//! - Commits in the ignore-revs list, and commits touching more handbook
//!   files than the sweep limit, are not changes (reformatting sweeps); the
//!   newest such commit is remembered so `pages` can say it was skipped.
//!   A page *created* by such a commit was still created then.
//! - Times are committer times, capped by the time of the commit after them
//!   on the mainline: a parent dated after its child takes the child's time,
//!   so one skewed clock cannot make a page look newer than the commits
//!   built on top of it. A commit dated after `now` is dealt with by the
//!   model (see [`Change::parent_time`]).
//! - A shallow clone's boundary commits have no parents to compare with: a
//!   question still open there has no answer, and says so.
//! - An object missing from the store (a partial clone, a damaged pack)
//!   leaves the questions that needed it unanswered, naming the object;
//!   every other question is still answered.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Tree};
use serde::{Deserialize, Serialize};

use crate::cache::{self, CacheStatus, CachedEntry};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub commit: String,
    /// Committer time, capped by the mainline commits after it.
    pub time: UnixTime,
    /// The first parent's committer time: what a change dated in the future
    /// is counted at, since it cannot be older than its parent.
    pub parent_time: Option<UnixTime>,
}

/// What history says about one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The newest ignored commit (ignore-revs or sweep) that touched the
    /// page after its answer: shown by `pages`, never counted.
    pub ignored: Option<Change>,
    /// Every change dated at or after this time is in the answer's list (the
    /// newest change's time when only that was asked; `i64::MIN` when the
    /// walk reached the page's creation). What lets the cache serve later
    /// runs that ask for more.
    pub covered_since: Option<UnixTime>,
}

impl Resolved {
    pub fn new(answer: Answer) -> Self {
        Resolved {
            answer,
            created: None,
            ignored: None,
            covered_since: None,
        }
    }
}

/// What decides which commits count as changes. Part of the cache key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Commits that are not changes (`.git-blame-ignore-revs`).
    pub ignore_revs: HashSet<Oid>,
    /// A commit changing more Markdown files than this under `handbook` is a
    /// sweep, not a change.
    pub max_files_per_commit: Option<usize>,
    /// Repository-relative directory the sweep limit counts files in.
    pub handbook: String,
}

impl Settings {
    /// A stable description of everything that affects answers, for the
    /// cache key.
    pub fn fingerprint(&self) -> String {
        let mut revs: Vec<String> = self.ignore_revs.iter().map(Oid::to_string).collect();
        revs.sort();
        format!(
            "v{};sections:1;max-files:{:?};handbook:{};ignore:{}",
            env!("CARGO_PKG_VERSION"),
            self.max_files_per_commit,
            self.handbook,
            revs.join(",")
        )
    }
}

/// How the walk went, for `pages` and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryInfo {
    pub head: Option<String>,
    pub shallow: bool,
    pub commits_walked: usize,
    pub cache: CacheStatus,
    /// Wall time of the walk, for `--verbose` and the benchmark.
    pub elapsed: std::time::Duration,
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
    ignored: Option<Change>,
    /// See [`Resolved::covered_since`].
    covered_since: Option<UnixTime>,
}

impl Open {
    fn done(&self) -> bool {
        self.changes_done && self.created_done
    }

    fn into_resolved(self) -> Resolved {
        Resolved {
            answer: Answer::Changed(self.changes),
            created: self.created,
            ignored: self.ignored,
            covered_since: self.covered_since,
        }
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

    /// Every query at or below this node.
    fn all_queries(&self, out: &mut Vec<usize>) {
        out.extend_from_slice(&self.queries);
        for child in self.children.values() {
            if child.live > 0 {
                child.all_queries(out);
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

/// Queries that could not be answered because an object was missing.
struct Failure {
    queries: Vec<usize>,
    reason: String,
}

/// Parsed trees by id. libgit2 keeps no tree over 4 KiB in its own cache
/// (every large directory), and the walk reads each tree twice — as a
/// commit's, then as its child's parent's — so parsing once halves the
/// cost. Two generations keep memory bounded: when the newer fills up, the
/// older is dropped.
struct TreeCache<'r> {
    repo: &'r Repository,
    newer: HashMap<Oid, Tree<'r>>,
    older: HashMap<Oid, Tree<'r>>,
}

const TREE_CACHE_GENERATION: usize = 2048;

impl<'r> TreeCache<'r> {
    fn new(repo: &'r Repository) -> Self {
        TreeCache {
            repo,
            newer: HashMap::new(),
            older: HashMap::new(),
        }
    }

    fn get(&mut self, id: Oid) -> Result<Tree<'r>, git2::Error> {
        if let Some(tree) = self.newer.get(&id) {
            return Ok(tree.clone());
        }
        let tree = match self.older.remove(&id) {
            Some(tree) => tree,
            None => self.repo.find_tree(id)?,
        };
        if self.newer.len() >= TREE_CACHE_GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(id, tree.clone());
        Ok(tree)
    }
}

fn entry_kind(entry: Option<&git2::TreeEntry>) -> Option<ObjectType> {
    entry.and_then(git2::TreeEntry::kind)
}

/// The blob at `path` in `root`, reading directories through the cache:
/// thousands of pages share a handful of directories, each parsed once.
fn blob_at(trees: &mut TreeCache, root: &Tree, path: &str) -> Option<Oid> {
    let mut tree = root.clone();
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let (kind, id) = {
            let entry = tree.get_name(part)?;
            (entry.kind(), entry.id())
        };
        if parts.peek().is_none() {
            return (kind == Some(ObjectType::Blob)).then_some(id);
        }
        if kind != Some(ObjectType::Tree) {
            return None;
        }
        tree = trees.get(id).ok()?;
    }
    None
}

/// Git's order of tree entries: by name, a directory as if its name ended
/// in `/`.
fn git_order(a: &git2::TreeEntry, b: &git2::TreeEntry) -> std::cmp::Ordering {
    let key = |e: &git2::TreeEntry| {
        let slash: &[u8] = if e.kind() == Some(ObjectType::Tree) {
            b"/"
        } else {
            b""
        };
        (e.name_bytes().to_vec(), slash)
    };
    let (a_name, a_slash) = key(a);
    let (b_name, b_slash) = key(b);
    a_name
        .iter()
        .chain(a_slash)
        .cmp(b_name.iter().chain(b_slash))
}

/// Entries whose ids differ between two trees, by one merge of the two
/// sorted lists: for a directory with many pages being asked about this is
/// far cheaper than looking each name up in both trees.
fn differing_entries(
    ours: Option<&Tree>,
    theirs: Option<&Tree>,
) -> Vec<(
    Option<git2::TreeEntry<'static>>,
    Option<git2::TreeEntry<'static>>,
)> {
    let mut out = Vec::new();
    let mut our_iter = ours.into_iter().flat_map(Tree::iter).peekable();
    let mut their_iter = theirs.into_iter().flat_map(Tree::iter).peekable();
    loop {
        let order = match (our_iter.peek(), their_iter.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) if a.name_bytes() == b.name_bytes() => std::cmp::Ordering::Equal,
            (Some(a), Some(b)) => git_order(a, b),
        };
        match order {
            std::cmp::Ordering::Less => {
                out.push((our_iter.next().map(|e| e.to_owned()), None));
            }
            std::cmp::Ordering::Greater => {
                out.push((None, their_iter.next().map(|e| e.to_owned())));
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (our_iter.next(), their_iter.next());
                if a.as_ref().map(git2::TreeEntry::id) != b.as_ref().map(git2::TreeEntry::id) {
                    out.push((a.map(|e| e.to_owned()), b.map(|e| e.to_owned())));
                }
            }
        }
    }
    out
}

/// Below this many names asked about in a directory, looking each up is
/// cheaper than merging the directory's whole listing.
const LOOKUP_LIMIT: usize = 8;

fn compare(
    trees: &mut TreeCache,
    ours: Option<&Tree>,
    theirs: Option<&Tree>,
    trie: &PathTrie,
    prefix: &str,
    out: &mut Vec<Difference>,
    failures: &mut Vec<Failure>,
) {
    let pairs: Vec<(
        &String,
        &PathTrie,
        Option<git2::TreeEntry>,
        Option<git2::TreeEntry>,
    )> = if trie.children.len() <= LOOKUP_LIMIT {
        trie.children
            .iter()
            .filter(|(_, child)| child.live > 0)
            .filter_map(|(name, child)| {
                let our_entry = ours.and_then(|t| t.get_name(name)).map(|e| e.to_owned());
                let their_entry = theirs.and_then(|t| t.get_name(name)).map(|e| e.to_owned());
                let differ = our_entry.as_ref().map(git2::TreeEntry::id)
                    != their_entry.as_ref().map(git2::TreeEntry::id);
                differ.then_some((name, child, our_entry, their_entry))
            })
            .collect()
    } else {
        differing_entries(ours, theirs)
            .into_iter()
            .filter_map(|(our_entry, their_entry)| {
                let entry = our_entry.as_ref().or(their_entry.as_ref())?;
                let name = std::str::from_utf8(entry.name_bytes()).ok()?;
                let (name, child) = trie.children.get_key_value(name)?;
                (child.live > 0).then_some((name, child, our_entry, their_entry))
            })
            .collect()
    };
    for (name, child, our_entry, their_entry) in pairs {
        if !child.queries.is_empty() {
            let blob = |entry: Option<&git2::TreeEntry>| {
                entry
                    .filter(|e| e.kind() == Some(ObjectType::Blob))
                    .map(git2::TreeEntry::id)
            };
            out.push(Difference {
                queries: child.queries.clone(),
                ours: blob(our_entry.as_ref()),
                theirs: blob(their_entry.as_ref()),
            });
        }
        if child.children.is_empty() {
            continue;
        }
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let mut subtree = |entry: Option<&git2::TreeEntry>| -> Result<Option<Tree>, ()> {
            let Some(entry) = entry.filter(|e| entry_kind(Some(e)) == Some(ObjectType::Tree))
            else {
                return Ok(None);
            };
            let id = entry.id();
            trees.get(id).map(Some).map_err(|error| {
                let mut queries = Vec::new();
                child.all_queries(&mut queries);
                failures.push(Failure {
                    queries,
                    reason: format!("tree {id} (`{path}/`) is missing: {}", error.message()),
                });
            })
        };
        let Ok(our_tree) = subtree(our_entry.as_ref()) else {
            continue;
        };
        let Ok(their_tree) = subtree(their_entry.as_ref()) else {
            continue;
        };
        compare(
            trees,
            our_tree.as_ref(),
            their_tree.as_ref(),
            child,
            &path,
            out,
            failures,
        );
    }
}

/// Markdown files under `prefix` that differ between two trees, counting
/// no further than `limit + 1`: enough to tell a sweep from an edit.
fn count_changed_pages(
    trees: &mut TreeCache,
    ours: Option<&Tree>,
    theirs: Option<&Tree>,
    limit: usize,
) -> Result<usize, git2::Error> {
    let mut count = 0;
    let mut stack: Vec<(Option<Oid>, Option<Oid>)> =
        vec![(ours.map(Tree::id), theirs.map(Tree::id))];
    while let Some((our_id, their_id)) = stack.pop() {
        if our_id == their_id {
            continue;
        }
        let our_tree = our_id.map(|id| trees.get(id)).transpose()?;
        let their_tree = their_id.map(|id| trees.get(id)).transpose()?;
        let mut names: Vec<String> = Vec::new();
        for tree in [&our_tree, &their_tree].into_iter().flatten() {
            for entry in tree {
                if let Ok(name) = entry.name() {
                    names.push(name.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        for name in names {
            let ours = our_tree.as_ref().and_then(|t| t.get_name(&name));
            let theirs = their_tree.as_ref().and_then(|t| t.get_name(&name));
            let (our_entry_id, their_entry_id) = (
                ours.as_ref().map(git2::TreeEntry::id),
                theirs.as_ref().map(git2::TreeEntry::id),
            );
            if our_entry_id == their_entry_id {
                continue;
            }
            let is_tree = |e: &Option<git2::TreeEntry>| {
                e.as_ref().and_then(git2::TreeEntry::kind) == Some(ObjectType::Tree)
            };
            if is_tree(&ours) || is_tree(&theirs) {
                stack.push((
                    our_entry_id.filter(|_| is_tree(&ours)),
                    their_entry_id.filter(|_| is_tree(&theirs)),
                ));
            } else if crate::discover::is_markdown(Path::new(&name)) {
                count += 1;
                if count > limit {
                    return Ok(count);
                }
            }
        }
    }
    Ok(count)
}

/// Blobs deleted between parent and commit, by blob id: the candidates a
/// newly appearing path may have been moved from. Only subtrees whose ids
/// differ are read, so a commit that adds one page costs a few trees, not
/// a walk of the whole handbook.
fn deleted_blobs(
    trees: &mut TreeCache,
    ours: &Tree,
    theirs: &Tree,
) -> Result<HashMap<Oid, Vec<String>>, git2::Error> {
    let mut deleted: HashMap<Oid, Vec<String>> = HashMap::new();
    let mut stack: Vec<(Option<Tree>, Tree, String)> =
        vec![(Some(ours.clone()), theirs.clone(), String::new())];
    while let Some((ours, theirs, prefix)) = stack.pop() {
        for their_entry in &theirs {
            let Ok(name) = their_entry.name() else {
                continue;
            };
            let our_entry = ours.as_ref().and_then(|t| t.get_name(name));
            if our_entry.as_ref().map(git2::TreeEntry::id) == Some(their_entry.id()) {
                continue;
            }
            let path = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            };
            let our_kind = entry_kind(our_entry.as_ref());
            match their_entry.kind() {
                Some(ObjectType::Tree) => {
                    let our_subtree = match (our_kind, &our_entry) {
                        (Some(ObjectType::Tree), Some(entry)) => Some(trees.get(entry.id())?),
                        _ => None,
                    };
                    stack.push((our_subtree, trees.get(their_entry.id())?, path));
                }
                Some(ObjectType::Blob) if our_kind != Some(ObjectType::Blob) => {
                    deleted.entry(their_entry.id()).or_default().push(path);
                }
                _ => {}
            }
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

/// Section texts by blob and anchor: each blob is compared twice (as the
/// newer side, then as the older), so it is parsed once.
#[derive(Default)]
struct SectionCache {
    texts: HashMap<(Oid, String), Option<String>>,
}

impl SectionCache {
    fn section(
        &mut self,
        repo: &Repository,
        blob: Oid,
        anchor: &str,
    ) -> Result<Option<String>, git2::Error> {
        let key = (blob, anchor.to_string());
        if let Some(text) = self.texts.get(&key) {
            return Ok(text.clone());
        }
        let content = repo.find_blob(blob)?;
        let text = String::from_utf8_lossy(content.content());
        let section = section_text(&text, anchor).map(str::to_string);
        // Bounded: a long walk over a busy page must not hold every version.
        if self.texts.len() > 4096 {
            self.texts.clear();
        }
        self.texts.insert(key, section.clone());
        Ok(section)
    }
}

/// Answers every query in one first-parent walk from HEAD, reusing and
/// refreshing the cache in `cache_dir` when given.
pub fn resolve(
    repo: &Repository,
    queries: &[Query],
    settings: &Settings,
    cache_dir: Option<&Path>,
    progress: &mut dyn FnMut(usize),
) -> (Vec<Resolved>, HistoryInfo) {
    // Every object is read by id from the repository's own store; hashing
    // each one again on read (libgit2's default, with SHA-1 collision
    // detection) would be most of the walk's cost.
    git2::opts::strict_hash_verification(false);
    // libgit2's object cache grows to 256 MiB and never pays off here: each
    // commit is read once, and trees go through our own bounded cache.
    git2::opts::enable_caching(false);
    let mut info = HistoryInfo {
        shallow: repo.is_shallow(),
        ..HistoryInfo::default()
    };
    let Ok(head) = repo.head().and_then(|head| head.peel_to_commit()) else {
        return (
            queries
                .iter()
                .map(|_| Resolved::new(Answer::NotCommitted))
                .collect(),
            info,
        );
    };
    info.head = Some(head.id().to_string());
    let fingerprint = settings.fingerprint();
    let cached = cache_dir.map(|dir| cache::load(dir, &fingerprint));
    let (cached_head, cached_entries, status) = match cached {
        None => (None, HashMap::new(), CacheStatus::Disabled),
        Some(Ok(file)) => {
            let head_oid = Oid::from_str(&file.head).ok();
            let entries = file
                .entries
                .into_iter()
                .map(|e| ((e.path.clone(), e.anchor.clone()), e))
                .collect();
            (head_oid, entries, CacheStatus::Miss)
        }
        Some(Err(reason)) => (None, HashMap::new(), reason),
    };
    info.cache = status;
    let started = std::time::Instant::now();
    let answers = walk(
        repo,
        &head,
        queries,
        settings,
        cached_head,
        &cached_entries,
        &mut info,
        progress,
    );
    info.elapsed = started.elapsed();
    // A warm run learnt nothing new: rewriting the file would only cost.
    let learnt_nothing = info.cache == CacheStatus::Warm && info.commits_walked == 0;
    if let Some(dir) = cache_dir.filter(|_| !learnt_nothing) {
        let entries: Vec<CachedEntry> = queries
            .iter()
            .zip(&answers)
            .filter_map(|(query, resolved)| CachedEntry::from_answer(query, resolved))
            .collect();
        // A cache that cannot be written only costs the next run time.
        let _ = cache::store(dir, &fingerprint, &head.id().to_string(), entries);
    }
    (answers, info)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    repo: &Repository,
    head: &git2::Commit,
    queries: &[Query],
    settings: &Settings,
    cached_head: Option<Oid>,
    cached: &HashMap<(String, Option<String>), CachedEntry>,
    info: &mut HistoryInfo,
    progress: &mut dyn FnMut(usize),
) -> Vec<Resolved> {
    let boundary = shallow_boundary(repo);
    let mut open: Vec<Option<Open>> = Vec::with_capacity(queries.len());
    let mut answers: Vec<Option<Resolved>> = vec![None; queries.len()];
    let mut trie = PathTrie::default();
    let mut sections = SectionCache::default();
    let mut trees = TreeCache::new(repo);
    let head_tree = match head.tree() {
        Ok(tree) => tree,
        Err(error) => {
            let reason = format!(
                "the tree of HEAD ({}) cannot be read: {}",
                head.id(),
                error.message()
            );
            return queries
                .iter()
                .map(|_| {
                    Resolved::new(Answer::Unreadable {
                        reason: reason.clone(),
                    })
                })
                .collect();
        }
    };
    for (index, query) in queries.iter().enumerate() {
        let entry = blob_at(&mut trees, &head_tree, &query.path);
        let in_head = match (entry, &query.anchor) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(blob), Some(anchor)) => {
                matches!(sections.section(repo, blob, anchor), Ok(Some(_)))
            }
        };
        if !in_head {
            answers[index] = Some(Resolved::new(Answer::NotCommitted));
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
            ignored: None,
            covered_since: None,
        }));
    }

    let fail = |open: &mut Vec<Option<Open>>,
                trie: &mut PathTrie,
                answers: &mut Vec<Option<Resolved>>,
                index: usize,
                reason: String| {
        if let Some(state) = open[index].take() {
            trie.remove(&state.path, index);
            answers[index] = Some(Resolved::new(Answer::Unreadable {
                reason: format!("{reason} (needed for `{}`)", state.path),
            }));
        }
    };

    let mut commit = head.clone();
    let mut cap = UnixTime::MAX;
    let mut cache_used = false;
    let mut reached_root = false;
    // Queries that found their newest change and collect older ones.
    let mut collecting: Vec<usize> = Vec::new();
    loop {
        if trie.live == 0 {
            break;
        }
        if Some(commit.id()) == cached_head {
            cache_used = true;
            let mut hits = 0;
            for (index, slot) in open.iter_mut().enumerate() {
                let Some(state) = slot.as_mut() else { continue };
                let key = (state.path.clone(), queries[index].anchor.clone());
                let Some(entry) = cached.get(&key) else {
                    continue;
                };
                if let Some(resolved) = entry.answer_for(&queries[index], state, cap) {
                    trie.remove(&state.path, index);
                    answers[index] = Some(resolved);
                    *slot = None;
                    hits += 1;
                }
            }
            info.cache = if hits == 0 {
                CacheStatus::Miss
            } else if info.commits_walked == 0 {
                CacheStatus::Warm
            } else {
                CacheStatus::Incremental {
                    commits: info.commits_walked,
                }
            };
            if trie.live == 0 {
                break;
            }
        }
        info.commits_walked += 1;
        progress(info.commits_walked);
        let raw_time = commit.time().seconds();
        let time = raw_time.min(cap);
        cap = time;
        let id = commit.id().to_string();
        let at_boundary = boundary.contains(&commit.id());

        if at_boundary {
            // Parents are cut off: nothing open can be answered.
            for (index, slot) in open.iter_mut().enumerate() {
                let Some(state) = slot.take() else { continue };
                trie.remove(&state.path, index);
                answers[index] = Some(if state.changes.is_empty() {
                    Resolved {
                        answer: Answer::Shallow {
                            boundary: id.clone(),
                        },
                        created: None,
                        ignored: state.ignored,
                        covered_since: None,
                    }
                } else {
                    state.into_resolved()
                });
            }
            break;
        }

        let tree = match trees.get(commit.tree_id()) {
            Ok(tree) => tree,
            Err(error) => {
                let reason = format!("the tree of commit {id} is missing: {}", error.message());
                for index in 0..open.len() {
                    fail(&mut open, &mut trie, &mut answers, index, reason.clone());
                }
                break;
            }
        };
        let parent = if commit.parent_count() == 0 {
            None
        } else {
            match commit.parent(0) {
                Ok(parent) => Some(parent),
                Err(error) => {
                    let reason =
                        format!("the parent of commit {id} is missing: {}", error.message());
                    for index in 0..open.len() {
                        fail(&mut open, &mut trie, &mut answers, index, reason.clone());
                    }
                    break;
                }
            }
        };
        let parent_time = parent.as_ref().map(|p| p.time().seconds());
        let parent_tree = match parent.as_ref().map(|p| trees.get(p.tree_id())).transpose() {
            Ok(tree) => tree,
            Err(error) => {
                let reason = format!(
                    "the tree of commit {} is missing: {}",
                    parent.as_ref().map_or(commit.id(), git2::Commit::id),
                    error.message()
                );
                for index in 0..open.len() {
                    fail(&mut open, &mut trie, &mut answers, index, reason.clone());
                }
                break;
            }
        };

        // Collecting queries stop once the walk is older than their horizon.
        // Only the few that are collecting are looked at: a loop over every
        // query on every commit would cost more than the walk itself.
        let mut touched: Vec<usize> = Vec::new();
        collecting.retain(|&index| {
            let Some(state) = open[index].as_mut() else {
                return false;
            };
            match queries[index].collect_since {
                Some(since) if !state.changes_done && time < since => {
                    // Everything newer than this commit was seen.
                    state.changes_done = true;
                    state.covered_since = Some(time.saturating_add(1));
                    touched.push(index);
                    false
                }
                Some(_) => !state.changes_done,
                None => false,
            }
        });

        let mut differences = Vec::new();
        let mut failures = Vec::new();
        if parent_tree.as_ref().map(Tree::id) != Some(tree.id()) {
            compare(
                &mut trees,
                Some(&tree),
                parent_tree.as_ref(),
                &trie,
                "",
                &mut differences,
                &mut failures,
            );
        }
        for failure in failures {
            for index in failure.queries {
                fail(
                    &mut open,
                    &mut trie,
                    &mut answers,
                    index,
                    failure.reason.clone(),
                );
            }
        }
        let mut deleted: Option<HashMap<Oid, Vec<String>>> = None;
        let mut ignored_commit: Option<bool> = None;
        for difference in differences {
            for &index in &difference.queries {
                if open[index].is_none() {
                    continue;
                }
                touched.push(index);
                let query = &queries[index];
                let Some(ours) = difference.ours else {
                    continue;
                };
                let change = Change {
                    commit: id.clone(),
                    time,
                    parent_time,
                };
                let mut moved_from = None;
                let edited = match (difference.theirs, parent_tree.as_ref()) {
                    (Some(theirs), _) => match &query.anchor {
                        Some(anchor) => {
                            let compared = sections
                                .section(repo, ours, anchor)
                                .and_then(|a| Ok(a != sections.section(repo, theirs, anchor)?));
                            match compared {
                                Ok(changed) => changed,
                                Err(error) => {
                                    let reason = format!(
                                        "a version of the page at commit {id} is missing: {}",
                                        error.message()
                                    );
                                    fail(&mut open, &mut trie, &mut answers, index, reason);
                                    continue;
                                }
                            }
                        }
                        None => true,
                    },
                    (None, Some(parent_tree)) => {
                        if deleted.is_none() {
                            match deleted_blobs(&mut trees, &tree, parent_tree) {
                                Ok(found) => deleted = Some(found),
                                Err(error) => {
                                    let reason = format!(
                                        "commit {id} cannot be compared with its parent: {}",
                                        error.message()
                                    );
                                    fail(&mut open, &mut trie, &mut answers, index, reason);
                                    continue;
                                }
                            }
                        }
                        moved_from = deleted
                            .as_ref()
                            .and_then(|d| d.get(&ours))
                            .and_then(|paths| paths.first().cloned());
                        moved_from.is_none()
                    }
                    (None, None) => true,
                };
                let Some(state) = open[index].as_mut() else {
                    continue;
                };
                let created_here = difference.theirs.is_none() && moved_from.is_none();
                // An edit in an ignored commit is not a change; a creation
                // still is, there being nothing older.
                let ignored = edited
                    && !created_here
                    && *ignored_commit.get_or_insert_with(|| {
                        settings.ignore_revs.contains(&commit.id())
                            || settings.max_files_per_commit.is_some_and(|limit| {
                                count_changed_pages(
                                    &mut trees,
                                    Some(&tree),
                                    parent_tree.as_ref(),
                                    limit,
                                )
                                .is_ok_and(|count| count > limit)
                            })
                    });
                if ignored {
                    state.ignored.get_or_insert(change.clone());
                } else if edited && !state.changes_done {
                    state.changes.push(change.clone());
                    if query.collect_since.is_none_or(|since| time < since) {
                        state.changes_done = true;
                        state.covered_since = Some(time);
                    } else if state.changes.len() == 1 {
                        collecting.push(index);
                    }
                }
                if created_here {
                    state.changes_done = true;
                    state.covered_since = Some(UnixTime::MIN);
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
        for index in touched {
            let slot = &mut open[index];
            if slot.as_ref().is_some_and(Open::done)
                && let Some(state) = slot.take()
            {
                trie.remove(&state.path, index);
                answers[index] = Some(state.into_resolved());
            }
        }
        let Some(parent) = parent else {
            reached_root = true;
            break;
        };
        commit = parent;
    }
    if !cache_used && reached_root && info.cache == CacheStatus::Miss {
        // The walk went to the root without meeting the cached commit: it
        // is not on this mainline, the history was rewritten.
        info.cache = CacheStatus::Rewritten;
    }
    // Queries still open here walked off the root: their newest change was
    // found (collecting ran out of history) or the history is broken.
    for (index, state) in open.into_iter().enumerate() {
        if let Some(state) = state {
            answers[index] = Some(if state.changes.is_empty() {
                Resolved::new(Answer::Unreadable {
                    reason: format!("no commit adds `{}`", state.path),
                })
            } else {
                state.into_resolved()
            });
        }
    }
    answers
        .into_iter()
        .map(|answer| answer.unwrap_or(Resolved::new(Answer::NotCommitted)))
        .collect()
}

impl CachedEntry {
    fn answer_for(&self, query: &Query, state: &Open, cap: UnixTime) -> Option<Resolved> {
        self.merge(
            query,
            &state.changes,
            state.ignored.as_ref(),
            state.created.as_ref(),
            cap,
        )
    }
}
