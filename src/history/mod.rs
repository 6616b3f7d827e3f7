//! History stage: when each page (or section) last changed in substance.
//!
//! One walk of the first-parent history from HEAD answers every question at
//! once. At each commit the trees of the commit and its first parent are
//! compared by object id, descending only into directories that hold a path
//! still being asked about; identical subtrees are skipped without being
//! read. The walk stops as soon as every question is answered, or when it
//! reaches the commit a cached answer describes (see [`crate::history::cache`]).
//!
//! Commits are read in batches by a thread of their own, from the start of
//! the run (see [`Prefetch`]); a big batch is compared in runs of commits,
//! a few per core, each thread with its own object handle and tree cache
//! (and working out, with the commit at hand, where an added page may have
//! moved from and whether a changed section changed), and then applied in
//! order, where everything that depends on order (moves, the cache,
//! collecting) happens. When the cache describes HEAD itself, its answers
//! stand and no object is read.
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

pub(crate) mod cache;
pub(crate) mod plan;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::mpsc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::base::framed::CacheStatus;
use crate::base::time::UnixTime;
use crate::git::objects::{CommitInfo, Objects, Store, read_commit};
use crate::git::repo::Oid;
use crate::git::trees::{self, Difference, Failure, Odb, PathTrie, ReadError, TreeCache};
use crate::history::cache::CachedEntry;
use crate::parse::section_text;

/// What to find out about a path at HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
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

/// A commit that changed a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Change {
    pub commit: String,
    /// Committer time, capped by the mainline commits after it.
    pub time: UnixTime,
    /// The first parent's committer time: what a change dated in the future
    /// is counted at, since it cannot be older than its parent.
    pub parent_time: Option<UnixTime>,
}

/// What history says about one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Answer {
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
pub(crate) struct Resolved {
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
    pub(crate) fn new(answer: Answer) -> Self {
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
pub(crate) struct Settings {
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
    pub(crate) fn fingerprint(&self) -> String {
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
pub(crate) struct HistoryInfo {
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

/// Section texts by blob and anchor: each blob is compared twice (as the
/// newer side, then as the older), so it is parsed once.
#[derive(Default)]
struct SectionCache {
    texts: HashMap<(Oid, String), Option<String>>,
    buffer: Vec<u8>,
}

impl SectionCache {
    fn section(&mut self, odb: &Odb, blob: Oid, anchor: &str) -> Result<Option<String>, ReadError> {
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
const TREE_CACHE_GENERATION: usize = 512;

/// One thread's way into the object store: its own handle (with its
/// own cache of delta bases) and its own cache of parsed trees.
struct Reader {
    objects: Objects,
    trees: TreeCache,
    sections: SectionCache,
}

impl Reader {
    fn new(store: &Store) -> Reader {
        Reader {
            objects: store.objects(),
            trees: TreeCache::new(TREE_CACHE_GENERATION),
            sections: SectionCache::default(),
        }
    }

    fn odb(&self) -> &Odb {
        self.objects.odb()
    }

    fn tree(&mut self, id: Oid) -> Result<std::sync::Arc<trees::TreeEntries>, ReadError> {
        self.trees.get(self.objects.odb(), id)
    }

    fn section_changed(&mut self, ours: Oid, theirs: Oid, anchor: &str) -> Result<bool, ReadError> {
        section_changed(self.objects.odb(), &mut self.sections, ours, theirs, anchor)
    }
}

/// Whether the section `anchor` differs between two versions of a page.
fn section_changed(
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

/// The repository the walk reads: its git directory, the commit HEAD
/// points at (none before the first commit) and whether it is a shallow
/// clone.
#[derive(Debug, Clone)]
pub(crate) struct Mainline {
    pub git_dir: std::path::PathBuf,
    pub head: Option<Oid>,
    pub shallow: bool,
}

/// Answers every query in one first-parent walk from HEAD, reusing and
/// refreshing the freshness cache when given.
pub(crate) fn resolve(
    repo: &Mainline,
    prefetch: Option<Prefetch>,
    queries: &[Query],
    settings: &Settings,
    cache: Option<cache::Stored>,
    progress: &mut dyn FnMut(usize),
) -> (Vec<Resolved>, HistoryInfo) {
    let started = std::time::Instant::now();
    let mut info = HistoryInfo {
        shallow: repo.shallow,
        ..HistoryInfo::default()
    };
    let unanswered = |answer: Answer| {
        queries
            .iter()
            .map(|_| Resolved::new(answer.clone()))
            .collect()
    };
    let Some(head) = repo.head else {
        return (unanswered(Answer::NotCommitted), info);
    };
    info.head = Some(head.to_string());
    let fingerprint = settings.fingerprint();
    let cache_dir = cache.as_ref().map(|stored| stored.dir.clone());
    let cached = cache.map(|stored| stored.for_settings(&fingerprint));
    let (cached_head, mut entries, status) = match cached {
        None => (None, Vec::new(), CacheStatus::Disabled),
        Some(Ok(file)) => (
            Oid::from_hex(file.head.as_bytes()).ok(),
            file.entries,
            CacheStatus::Miss,
        ),
        Some(Err(reason)) => (None, Vec::new(), reason),
    };
    info.cache = status;

    // The cache describes HEAD: its answers stand as they are. Its entries
    // are in the order of the run that wrote them, usually this run's.
    let cache_met = cached_head == Some(head);
    let mut answers: Vec<Option<Resolved>> = vec![None; queries.len()];
    if cache_met {
        let mut next = 0;
        let mut by_key: Option<HashMap<(&str, Option<&str>), usize>> = None;
        for (index, query) in queries.iter().enumerate() {
            let position = if entries.get(next).is_some_and(|e| e.is_for(query)) {
                Some(next)
            } else {
                let by_key = by_key.get_or_insert_with(|| {
                    let keys = entries
                        .iter()
                        .map(|e| (e.path.as_str(), e.anchor.as_deref()));
                    keys.zip(0..).collect()
                });
                by_key
                    .get(&(query.path.as_str(), query.anchor.as_deref()))
                    .copied()
            };
            if let Some(position) = position {
                next = position + 1;
                answers[index] = entries[position].settled(query);
            }
        }
        if answers.iter().any(Option::is_some) {
            info.cache = CacheStatus::Warm;
        }
        if answers.iter().all(Option::is_some) {
            // Nothing to read, nothing new to remember.
            info.elapsed = started.elapsed();
            return (answers.into_iter().flatten().collect(), info);
        }
    }
    let cached_entries: HashMap<(String, Option<String>), CachedEntry> = entries
        .drain(..)
        .map(|e| ((e.path.clone(), e.anchor.clone()), e))
        .collect();

    let opened = match &prefetch {
        Some(prefetch) => prefetch
            .store
            .recv()
            .unwrap_or_else(|_| Err(ReadError("the thread reading history ended".to_string()))),
        None => Store::open(&repo.git_dir),
    };
    let store = match opened {
        Ok(store) => store,
        Err(reason) => {
            let reason = format!("the repository's objects cannot be opened: {reason}");
            return (unanswered(Answer::Unreadable { reason }), info);
        }
    };
    let mut walk = Walker {
        store: &store,
        main: Reader::new(&store),
        workers: Vec::new(),
        queries,
        settings,
        // From here on the cache is met, if at all, below HEAD.
        cached_head: cached_head.filter(|&id| id != head),
        cached: &cached_entries,
        prefetched: prefetch,
    };
    let answers = walk.run(head, answers, cache_met, &mut info, progress);
    info.elapsed = started.elapsed();
    if let Some(dir) = &cache_dir {
        let entries: Vec<CachedEntry> = queries
            .iter()
            .zip(&answers)
            .filter_map(|(query, resolved)| CachedEntry::from_answer(query, resolved))
            .collect();
        // A cache that cannot be written only costs the next run time.
        let _ = cache::store(dir, &fingerprint, &head.to_string(), entries);
    }
    (answers, info)
}

/// One first-parent commit as the walk needs it.
struct Step {
    commit: Oid,
    raw_time: UnixTime,
    tree: Oid,
    parent_tree: Option<Oid>,
    parent_time: Option<UnixTime>,
    /// A shallow clone's boundary: its parents are not there.
    at_boundary: bool,
    /// Why the walk cannot go past this commit (its parent is missing).
    broken: Option<String>,
}

/// What comparing a commit with its parent found.
#[derive(Default)]
struct StepDiff {
    differences: Vec<Difference>,
    failures: Vec<Failure>,
    /// The commit changes more pages than the sweep limit.
    sweep: bool,
    /// When a page was added: the paths the commit deleted, by blob (where
    /// it may have moved from), or why they cannot be read.
    deleted: Option<Result<HashMap<Oid, Vec<String>>, ReadError>>,
    /// For each section query whose page changed: whether the section's
    /// text did, or why that cannot be told.
    sections: Vec<(usize, Result<bool, ReadError>)>,
}

/// Reads up to `count` first-parent commits from `start`, stopping after
/// the cached commit so the cache can take over there. Returns the commit
/// to go on from.
fn read_steps(
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

/// Compares one commit with its parent along the trie.
///
/// What needs the commit's trees or blobs is done here too, where they are
/// at hand and on every core: the deleted paths a page added here may have
/// moved from, and whether a changed page's section changed.
fn diff_step(
    reader: &mut Reader,
    step: &Step,
    trie: &PathTrie,
    queries: &[Query],
    sweep_limit: Option<usize>,
) -> StepDiff {
    let Reader {
        objects,
        trees,
        sections,
    } = reader;
    let odb: &Odb = objects.odb();
    let mut diff = StepDiff::default();
    if step.at_boundary || step.parent_tree == Some(step.tree) || step.broken.is_some() {
        return diff;
    }
    // A missing root tree leaves every open query unanswered.
    let everything = |what: &str, error: &ReadError| {
        let mut queries = Vec::new();
        trie.all_queries(&mut queries);
        StepDiff {
            failures: vec![Failure {
                queries,
                reason: format!("the {what} of commit {} is missing: {error}", step.commit),
            }],
            ..StepDiff::default()
        }
    };
    let ours = match trees.get(odb, step.tree) {
        Ok(listing) => listing,
        Err(error) => return everything("tree", &error),
    };
    let theirs = match step.parent_tree.map(|id| trees.get(odb, id)).transpose() {
        Ok(listing) => listing,
        Err(error) => return everything("parent tree", &error),
    };
    trees::compare(
        odb,
        trees,
        Some(&ours),
        theirs.as_deref(),
        trie,
        "",
        &mut diff.differences,
        &mut diff.failures,
    );
    if let (Some(limit), false) = (sweep_limit, diff.differences.is_empty()) {
        diff.sweep =
            trees::count_changed_pages(odb, trees, Some(step.tree), step.parent_tree, limit)
                .is_ok_and(|count| count > limit);
    }
    let added = diff
        .differences
        .iter()
        .any(|d| d.ours.is_some() && d.theirs.is_none());
    if let (true, Some(parent_tree)) = (added, step.parent_tree) {
        diff.deleted = Some(trees::deleted_blobs(odb, trees, step.tree, parent_tree));
    }
    for difference in &diff.differences {
        let (Some(ours), Some(theirs)) = (difference.ours, difference.theirs) else {
            continue;
        };
        for &index in &difference.queries {
            if let Some(anchor) = &queries[index].anchor {
                let changed = section_changed(odb, sections, ours, theirs, anchor);
                diff.sections.push((index, changed));
            }
        }
    }
    trees.retire(step.tree);
    trees.end_comparison();
    diff
}

/// Commits are read in batches that grow from this size: a warm or
/// incremental run reads a few, a cold run soon reads many at a time.
const FIRST_BATCH: usize = 32;
const LARGEST_BATCH: usize = 4096;
/// How many batches reading may run ahead of comparing: enough to read a
/// whole small history while the pages are parsed, bounded on a big one.
const BATCHES_AHEAD: usize = 8;

/// A batch of first-parent commits, newest first, and the commit after it.
type Batch = (Vec<Step>, Option<Oid>);

/// Reads first-parent commits from `start` in growing batches into
/// `sender`, splitting a batch after `split_after` (where a cache takes
/// over), until the root, the shallow boundary, or the receiver is gone;
/// with `stop_at_split`, also after the split, where the walk most likely
/// ends (it reads on by itself if not).
fn read_ahead(
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
    store: mpsc::Receiver<Result<Store, ReadError>>,
    batches: mpsc::Receiver<Batch>,
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
            let reader = opened.as_ref().ok().map(Reader::new);
            if store_sender.send(opened).is_err() {
                return;
            }
            if let Some(reader) = reader {
                let boundary = reader.objects.shallow_boundary();
                read_ahead(&reader, head, &boundary, split_after, true, &sender);
            }
        });
        Prefetch { store, batches }
    }
}

/// Below this many commits a batch is compared on the calling thread:
/// handing it to other threads would cost more than it saves.
const PARALLEL_BATCH: usize = 128;
/// Runs of commits per thread in a batch compared on every core.
const RUNS_PER_THREAD: usize = 4;

/// The state of one walk: the object store, one reader per thread, and
/// what is asked.
struct Walker<'a> {
    store: &'a Store,
    /// The calling thread's reader: HEAD's tree, moves, sections, and
    /// batches too small to share out.
    main: Reader,
    /// One reader per worker thread, made when a batch is big enough.
    workers: Vec<Reader>,
    queries: &'a [Query],
    settings: &'a Settings,
    cached_head: Option<Oid>,
    cached: &'a HashMap<(String, Option<String>), CachedEntry>,
    /// Commits read ahead, when the run started reading them early.
    prefetched: Option<Prefetch>,
}

/// Where the walk's queries stand.
struct OpenQueries {
    open: Vec<Option<Open>>,
    answers: Vec<Option<Resolved>>,
    trie: PathTrie,
}

impl OpenQueries {
    /// At a shallow clone's boundary, parents are cut off: nothing open can
    /// be answered but by what was already found.
    fn close_at_boundary(&mut self, boundary: &str) {
        for (index, slot) in self.open.iter_mut().enumerate() {
            let Some(open) = slot.take() else { continue };
            self.trie.remove(&open.path, index);
            self.answers[index] = Some(if open.changes.is_empty() {
                Resolved {
                    answer: Answer::Shallow {
                        boundary: boundary.to_string(),
                    },
                    created: None,
                    ignored: open.ignored,
                    covered_since: None,
                }
            } else {
                open.into_resolved()
            });
        }
    }

    /// Gives up on a query: the history it needs cannot be read.
    fn fail(&mut self, index: usize, reason: &str) {
        if let Some(state) = self.open[index].take() {
            self.trie.remove(&state.path, index);
            self.answers[index] = Some(Resolved::new(Answer::Unreadable {
                reason: format!("{reason} (needed for `{}`)", state.path),
            }));
        }
    }

    /// Answers a query that is done.
    fn settle(&mut self, index: usize) {
        let slot = &mut self.open[index];
        if slot.as_ref().is_some_and(Open::done)
            && let Some(state) = slot.take()
        {
            self.trie.remove(&state.path, index);
            self.answers[index] = Some(state.into_resolved());
        }
    }
}

impl Walker<'_> {
    /// Compares a batch's commits with their parents. A big batch is shared
    /// out in contiguous runs, a few per thread: a commit's parent tree is
    /// the next commit's tree, so each worker's tree cache keeps hitting
    /// within a run.
    fn diff_batch(&mut self, steps: &[Step], trie: &PathTrie) -> Vec<StepDiff> {
        let limit = self.settings.max_files_per_commit;
        let queries = self.queries;
        let threads = rayon::current_num_threads();
        if steps.len() < PARALLEL_BATCH || threads < 2 {
            let main = &mut self.main;
            return steps
                .iter()
                .map(|step| diff_step(main, step, trie, queries, limit))
                .collect();
        }
        while self.workers.len() < threads {
            self.workers.push(Reader::new(self.store));
        }
        // Runs of commits, a few per thread: a thread that finishes early
        // takes the next run, so one busy stretch of history does not leave
        // the other cores idle.
        let runs = threads * RUNS_PER_THREAD;
        let run = steps.len().div_ceil(runs);
        let idle: std::sync::Mutex<Vec<Reader>> =
            std::sync::Mutex::new(std::mem::take(&mut self.workers));
        let parts: Vec<Vec<StepDiff>> = steps
            .par_chunks(run)
            .map(|part| {
                let taken = idle.lock().ok().and_then(|mut readers| readers.pop());
                let mut reader = taken.unwrap_or_else(|| Reader::new(self.store));
                let diffs = part
                    .iter()
                    .map(|step| diff_step(&mut reader, step, trie, queries, limit))
                    .collect();
                if let Ok(mut readers) = idle.lock() {
                    readers.push(reader);
                }
                diffs
            })
            .collect();
        self.workers = idle.into_inner().unwrap_or_default();
        parts.into_iter().flatten().collect()
    }

    /// Which queries ask about a page (or section) in HEAD's tree. A query
    /// the cache answered for the cached commit, whose blob is the same in
    /// HEAD, is there without reading HEAD's directories.
    fn in_head(
        &mut self,
        head_tree: Oid,
        cached_tree: Option<Oid>,
        answered: &[Option<Resolved>],
    ) -> Vec<bool> {
        let queries = self.queries;
        // Answered already: whatever is said here is not used.
        let mut same_as_cached: Vec<bool> = answered.iter().map(Option::is_some).collect();
        if let Some(cached_tree) = cached_tree {
            let mut trie = PathTrie::default();
            for (index, query) in queries.iter().enumerate() {
                let key = (query.path.clone(), query.anchor.clone());
                if answered[index].is_none() && self.cached.contains_key(&key) {
                    trie.insert(&query.path, index);
                }
            }
            let (ours, theirs) = (self.main.tree(head_tree), self.main.tree(cached_tree));
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                let (mut differences, mut failures) = (Vec::new(), Vec::new());
                let main = &mut self.main;
                trees::compare(
                    main.objects.odb(),
                    &mut main.trees,
                    Some(&ours),
                    Some(&theirs),
                    &trie,
                    "",
                    &mut differences,
                    &mut failures,
                );
                let mut unsure = vec![false; queries.len()];
                let differing = differences.iter().flat_map(|d| &d.queries);
                for &index in differing.chain(failures.iter().flat_map(|f| &f.queries)) {
                    unsure[index] = true;
                }
                let mut all = Vec::new();
                trie.all_queries(&mut all);
                for index in all {
                    same_as_cached[index] = !unsure[index];
                }
            }
        }
        let mut found = Vec::with_capacity(queries.len());
        for (index, query) in queries.iter().enumerate() {
            if same_as_cached[index] {
                found.push(true);
                continue;
            }
            let main = &mut self.main;
            let entry = trees::blob_at(main.objects.odb(), &mut main.trees, head_tree, &query.path);
            found.push(match (entry, &query.anchor) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(blob), Some(anchor)) => {
                    matches!(
                        main.sections.section(main.objects.odb(), blob, anchor),
                        Ok(Some(_))
                    )
                }
            });
        }
        found
    }

    /// Answers the queries `answers` leaves open.
    fn run(
        &mut self,
        head: Oid,
        answers: Vec<Option<Resolved>>,
        cache_met: bool,
        info: &mut HistoryInfo,
        progress: &mut dyn FnMut(usize),
    ) -> Vec<Resolved> {
        let queries = self.queries;
        let unreadable = |reason: String| {
            queries
                .iter()
                .map(|_| {
                    Resolved::new(Answer::Unreadable {
                        reason: reason.clone(),
                    })
                })
                .collect()
        };
        let mut buffer = Vec::new();
        let head_tree = match read_commit(self.main.odb(), head, &mut buffer) {
            Ok(commit) => commit.tree,
            Err(error) => return unreadable(format!("HEAD ({head}) cannot be read: {error}")),
        };
        if let Err(error) = self.main.tree(head_tree) {
            return unreadable(format!("the tree of HEAD ({head}) cannot be read: {error}"));
        }
        let mut state = OpenQueries {
            open: Vec::with_capacity(queries.len()),
            answers,
            trie: PathTrie::default(),
        };
        let cached_tree = self
            .cached_head
            .and_then(|id| read_commit(self.main.odb(), id, &mut buffer).ok())
            .map(|commit| commit.tree);
        let in_head = self.in_head(head_tree, cached_tree, &state.answers);
        for (index, query) in queries.iter().enumerate() {
            if state.answers[index].is_some() {
                state.open.push(None);
                continue;
            }
            if !in_head[index] {
                state.answers[index] = Some(Resolved::new(Answer::NotCommitted));
                state.open.push(None);
                continue;
            }
            state.trie.insert(&query.path, index);
            state.open.push(Some(Open {
                path: query.path.clone(),
                changes: Vec::new(),
                changes_done: false,
                created: None,
                created_done: !query.want_created,
                ignored: None,
                covered_since: None,
            }));
        }
        if state.trie.live > 0 {
            self.walk_from(head, cache_met, &mut state, info, progress);
        }
        // Queries still open here walked off the root: their newest change
        // was found (collecting ran out of history) or the history is broken.
        for (index, open) in state.open.into_iter().enumerate() {
            if let Some(open) = open {
                state.answers[index] = Some(if open.changes.is_empty() {
                    Resolved::new(Answer::Unreadable {
                        reason: format!("no commit adds `{}`", open.path),
                    })
                } else {
                    open.into_resolved()
                });
            }
        }
        state
            .answers
            .into_iter()
            .map(|answer| answer.unwrap_or(Resolved::new(Answer::NotCommitted)))
            .collect()
    }

    /// The first-parent walk from `head` for the queries still open.
    /// Commits are read by another thread (the run's read-ahead, or one
    /// started here), so reading commits overlaps with comparing trees.
    fn walk_from(
        &mut self,
        head: Oid,
        cache_met: bool,
        state: &mut OpenQueries,
        info: &mut HistoryInfo,
        progress: &mut dyn FnMut(usize),
    ) {
        let boundary = self.main.objects.shallow_boundary();
        let store = self.store;
        let cached_head = self.cached_head;
        let mut walked = WalkState {
            cap: UnixTime::MAX,
            cache_used: cache_met,
            reached_root: false,
            collecting: Vec::new(),
        };
        let mut prefetched = self.prefetched.take();
        std::thread::scope(|scope| {
            let mut own: Option<mpsc::Receiver<Batch>> = None;
            // The commit the next batch starts at.
            let mut expected = Some(head);
            loop {
                // The read-ahead's batches while it has them; then (it ended
                // early, or there was none) a reading thread of our own.
                let batch = if let Some(Ok(batch)) = prefetched.as_ref().map(|p| p.batches.recv()) {
                    Some(batch)
                } else {
                    prefetched = None;
                    let Some(start) = expected else { break };
                    let receiver = own.get_or_insert_with(|| {
                        let (sender, receiver) = mpsc::sync_channel(BATCHES_AHEAD);
                        let boundary = &boundary;
                        scope.spawn(move || {
                            let reader = Reader::new(store);
                            read_ahead(&reader, start, boundary, cached_head, false, &sender);
                        });
                        receiver
                    });
                    receiver.recv().ok()
                };
                let Some((steps, next)) = batch else { break };
                expected = next;
                if !self.process_batch(&steps, state, &mut walked, info, progress) {
                    break;
                }
                if next.is_none() {
                    break;
                }
            }
            // Dropping the receivers stops the reading threads at their next
            // batch.
            drop(own);
        });
        drop(prefetched);
        if !walked.cache_used && walked.reached_root && info.cache == CacheStatus::Miss {
            // The walk went to the root without meeting the cached commit: it
            // is not on this mainline, the history was rewritten.
            info.cache = CacheStatus::Rewritten;
        }
    }

    /// At the commit the cache describes: the cache answers what it can.
    fn answer_from_cache(
        &self,
        state: &mut OpenQueries,
        walked: &mut WalkState,
        info: &mut HistoryInfo,
    ) {
        let queries = self.queries;
        walked.cache_used = true;
        let mut hits = 0;
        for (index, slot) in state.open.iter_mut().enumerate() {
            let Some(open) = slot.as_mut() else { continue };
            let key = (open.path.clone(), queries[index].anchor.clone());
            let Some(entry) = self.cached.get(&key) else {
                continue;
            };
            if let Some(resolved) = entry.answer_for(&queries[index], open, walked.cap) {
                state.trie.remove(&open.path, index);
                state.answers[index] = Some(resolved);
                *slot = None;
                hits += 1;
            }
        }
        info.cache = if hits == 0 {
            CacheStatus::Miss
        } else {
            CacheStatus::Incremental {
                commits: info.commits_walked,
            }
        };
    }

    /// One changed path of a commit, for one open query: an edit (or not,
    /// for a section whose text is the same), a creation, or a move that
    /// points the query at the path it had before.
    fn apply_difference(
        &mut self,
        difference: &Difference,
        index: usize,
        at: &AtCommit,
        state: &mut OpenQueries,
        walked: &mut WalkState,
        moves: &mut Moves,
    ) {
        let queries = self.queries;
        let query = &queries[index];
        let Some(ours) = difference.ours else {
            return;
        };
        let change = Change {
            commit: at.id.to_string(),
            time: at.time,
            parent_time: at.step.parent_time,
        };
        let mut moved_from = None;
        let edited = match (difference.theirs, &at.diff.deleted) {
            (Some(theirs), _) if query.anchor.is_some() => {
                let compared = match at.diff.sections.iter().find(|(q, _)| *q == index) {
                    Some((_, changed)) => changed.clone(),
                    // Not compared with the commit: now.
                    None => self.main.section_changed(
                        ours,
                        theirs,
                        query.anchor.as_deref().unwrap_or_default(),
                    ),
                };
                match compared {
                    Ok(changed) => changed,
                    Err(error) => {
                        let reason = format!(
                            "a version of the page at commit {} is missing: {error}",
                            at.id
                        );
                        state.fail(index, &reason);
                        return;
                    }
                }
            }
            (Some(_), _) => true,
            (None, Some(Err(error))) => {
                let reason = format!(
                    "commit {} cannot be compared with its parent: {error}",
                    at.id
                );
                state.fail(index, &reason);
                return;
            }
            (None, deleted) => {
                moved_from = deleted
                    .as_ref()
                    .and_then(|d| d.as_ref().ok())
                    .and_then(|d| d.get(&ours))
                    .and_then(|paths| paths.first().cloned());
                moved_from.is_none()
            }
        };
        let Some(open) = state.open[index].as_mut() else {
            return;
        };
        let created_here = difference.theirs.is_none() && moved_from.is_none();
        // An edit in an ignored commit is not a change; a
        // creation still is, there being nothing older.
        if edited && !created_here && at.ignored {
            open.ignored.get_or_insert(change.clone());
        } else if edited && !open.changes_done {
            open.changes.push(change.clone());
            if query.collect_since.is_none_or(|since| at.time < since) {
                open.changes_done = true;
                open.covered_since = Some(at.time);
            } else if open.changes.len() == 1 {
                walked.collecting.push(index);
            }
        }
        if created_here {
            open.changes_done = true;
            open.covered_since = Some(UnixTime::MIN);
            if !open.created_done {
                open.created = Some(change);
                open.created_done = true;
            }
        }
        if let Some(old_path) = moved_from {
            state.trie.remove(&open.path, index);
            state.trie.insert(&old_path, index);
            open.path = old_path;
            moves.moved(index, queries.len());
        }
    }

    /// Applies one batch of commits, newest first. Returns whether the walk
    /// goes on.
    fn process_batch(
        &mut self,
        steps: &[Step],
        state: &mut OpenQueries,
        walked: &mut WalkState,
        info: &mut HistoryInfo,
        progress: &mut dyn FnMut(usize),
    ) -> bool {
        let queries = self.queries;
        let settings = self.settings;
        let mut diffs = self.diff_batch(steps, &state.trie);
        // A move points a query at a path the batch was not compared for:
        // from then on, the batch's comparisons no longer speak for the
        // queries that moved, and the rest of the batch is compared again
        // for those queries alone.
        let mut moves = Moves::default();
        for (position, step) in steps.iter().enumerate() {
            if state.trie.live == 0 {
                return false;
            }
            if Some(step.commit) == self.cached_head {
                self.answer_from_cache(state, walked, info);
                if state.trie.live == 0 {
                    return false;
                }
                // Queries the cache could not answer are still compared
                // against the trie as it was: keep the batch's results.
            }
            info.commits_walked += 1;
            progress(info.commits_walked);
            let time = step.raw_time.min(walked.cap);
            walked.cap = time;
            let id = step.commit.to_string();

            if step.at_boundary {
                state.close_at_boundary(&id);
                return false;
            }

            let diff = moves.correct(position, std::mem::take(&mut diffs[position]));

            let mut touched = stop_collecting(walked, state, queries, time);

            for failure in &diff.failures {
                for &index in &failure.queries {
                    state.fail(index, &failure.reason);
                }
            }
            let ignored_commit = settings.ignore_revs.contains(&step.commit) || diff.sweep;
            for difference in &diff.differences {
                for &index in &difference.queries {
                    if state.open[index].is_none() {
                        continue;
                    }
                    touched.push(index);
                    let at = AtCommit {
                        step,
                        diff: &diff,
                        id: &id,
                        time,
                        ignored: ignored_commit,
                    };
                    self.apply_difference(difference, index, &at, state, walked, &mut moves);
                }
            }
            for index in touched {
                state.settle(index);
            }
            if moves.moved_here {
                moves.moved_here = false;
                let mut moved_trie = PathTrie::default();
                for &index in &moves.queries {
                    if let Some(open) = &state.open[index] {
                        moved_trie.insert(&open.path, index);
                    }
                }
                let rest = &steps[position + 1..];
                moves.supplement = self.diff_batch(rest, &moved_trie);
                moves.supplement_from = position + 1;
            }
            if let Some(reason) = &step.broken {
                for index in 0..state.open.len() {
                    state.fail(index, reason);
                }
                return false;
            }
            if step.parent_tree.is_none() {
                walked.reached_root = true;
            }
        }
        true
    }
}

/// Collecting queries stop once the walk is older than their horizon; the
/// ones that stop here are returned, to be settled. Only the few collecting
/// are looked at: a loop over every query on every commit would cost more
/// than the walk.
fn stop_collecting(
    walked: &mut WalkState,
    state: &mut OpenQueries,
    queries: &[Query],
    time: UnixTime,
) -> Vec<usize> {
    let mut touched: Vec<usize> = Vec::new();
    walked.collecting.retain(|&index| {
        let Some(open) = state.open[index].as_mut() else {
            return false;
        };
        match queries[index].collect_since {
            Some(since) if !open.changes_done && time < since => {
                // Everything newer than this commit was seen.
                open.changes_done = true;
                open.covered_since = Some(time.saturating_add(1));
                touched.push(index);
                false
            }
            Some(_) => !open.changes_done,
            None => false,
        }
    });
    touched
}

/// The queries that moved within a batch, and the comparisons made again
/// for them (at their new paths) for the commits after the last move.
#[derive(Default)]
struct Moves {
    queries: Vec<usize>,
    is_moved: Vec<bool>,
    /// A query moved in the commit being applied.
    moved_here: bool,
    supplement: Vec<StepDiff>,
    supplement_from: usize,
}

impl Moves {
    fn moved(&mut self, index: usize, count: usize) {
        if self.is_moved.is_empty() {
            self.is_moved = vec![false; count];
        }
        if !self.is_moved[index] {
            self.is_moved[index] = true;
            self.queries.push(index);
        }
        self.moved_here = true;
    }

    /// The batch's comparison at `position`, without what it says about
    /// moved queries (it compared their paths before the move) and with
    /// what the comparison made again says instead.
    fn correct(&mut self, position: usize, mut diff: StepDiff) -> StepDiff {
        if self.queries.is_empty() {
            return diff;
        }
        let is_moved = &self.is_moved;
        diff.differences.retain_mut(|d| {
            d.queries.retain(|&q| !is_moved[q]);
            !d.queries.is_empty()
        });
        diff.failures.retain_mut(|f| {
            f.queries.retain(|&q| !is_moved[q]);
            !f.queries.is_empty()
        });
        diff.sections.retain(|(q, _)| !is_moved[*q]);
        if let Some(extra) = position
            .checked_sub(self.supplement_from)
            .and_then(|offset| self.supplement.get_mut(offset))
        {
            let extra = std::mem::take(extra);
            diff.differences.extend(extra.differences);
            diff.failures.extend(extra.failures);
            diff.sweep |= extra.sweep;
            diff.sections.extend(extra.sections);
            // The same commit: the same deleted paths, when either read them.
            diff.deleted = diff.deleted.or(extra.deleted);
        }
        diff
    }
}

/// What the walk carries from one batch to the next.
/// The commit a difference is applied at.
struct AtCommit<'a> {
    step: &'a Step,
    diff: &'a StepDiff,
    id: &'a str,
    time: UnixTime,
    /// In the ignore-revs list, or a sweep.
    ignored: bool,
}

struct WalkState {
    /// The time of the commit after the one being looked at: older commits
    /// are capped by it.
    cap: UnixTime,
    cache_used: bool,
    reached_root: bool,
    /// Queries that found their newest change and collect older ones.
    collecting: Vec<usize>,
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
