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

mod batch;
pub(crate) mod cache;
pub(crate) mod compare;
mod moves;
pub(crate) mod plan;
mod prefetch;
mod reader;
mod walk;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use self::walk::Walker;
use crate::base::framed::CacheStatus;
use crate::base::time::UnixTime;
use crate::git::objects::Store;
use crate::git::repo::Oid;
use crate::git::trees::ReadError;
use crate::history::cache::CachedEntry;
use crate::parse::substance::Digest;
pub(crate) use prefetch::Prefetch;

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
    /// Record every commit that touched the page and why it did or did not
    /// count (`why`).
    pub trail: bool,
}

impl Query {
    /// The order the plan asks in, and answers are found by: pages, then
    /// sections, each by path (and anchor).
    pub(crate) fn order_key(&self) -> (bool, &str, Option<&str>) {
        (self.anchor.is_some(), &self.path, self.anchor.as_deref())
    }
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

/// Why a commit that touched a page did or did not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Touch {
    /// The words are the same: formatting, whitespace, link targets.
    Same,
    /// The page moved here from `from`; `changed` when its words changed.
    Moved {
        from: String,
        similarity: u8,
        changed: bool,
    },
    /// Listed in the ignore-revs file.
    IgnoreRevs,
    /// Changed more pages than `freshness.max-files-per-commit`.
    Sweep,
    /// The words changed: this commit counts.
    Changed,
    /// The page (or section) did not exist before this commit.
    Created,
}

/// One commit in a page's audit trail, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Touched {
    pub change: Change,
    /// The page's path in this commit.
    pub path: String,
    /// The version in this commit, and the one it was compared with (the
    /// parent's at the same path, or the one it moved from).
    pub ours: Oid,
    pub theirs: Option<Oid>,
    pub touch: Touch,
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
    /// How many commits touched the page after its newest change without
    /// counting (same words, a move, ignored).
    pub passed_over: u32,
    /// The oldest path the page's history was followed to, when it moved.
    pub moved_from: Option<String>,
    /// With [`Query::trail`]: every commit that touched the page, newest
    /// first, down to the one that counted.
    pub trail: Vec<Touched>,
}

impl Resolved {
    pub(crate) fn new(answer: Answer) -> Self {
        Resolved {
            answer,
            created: None,
            ignored: None,
            covered_since: None,
            passed_over: 0,
            moved_from: None,
            trail: Vec::new(),
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
    /// Which files are pages (`page-extensions`): what a sweep counts and
    /// a move may come from.
    pub pages: crate::base::paths::PageExtensions,
    /// A page added by a commit moved from a deleted one with at least this
    /// word similarity, in percent (`freshness.move-similarity`).
    pub move_similarity: u8,
    /// A commit that changes the words of this many handbook pages is
    /// named in a note (it may be a sweep); 0 counts nothing.
    pub note_pages: usize,
    /// What decides which commits are a commit's parents besides the
    /// commits themselves: the shallow boundary, grafts and replace refs
    /// (`git fetch --unshallow` or `git replace --graft` change the history
    /// below an unchanged HEAD). Only the cache's key uses it: empty for
    /// a walk without a cache.
    pub ancestry: String,
}

impl Settings {
    /// A stable description of everything that affects answers, for the
    /// cache key.
    pub(crate) fn fingerprint(&self) -> String {
        let mut revs: Vec<String> = self.ignore_revs.iter().map(Oid::to_string).collect();
        revs.sort();
        format!(
            "v{};substance:1;ancestry:{};max-files:{:?};handbook:{};extensions:{};moves:{};notes:{};ignore:{}",
            env!("CARGO_PKG_VERSION"),
            self.ancestry,
            self.max_files_per_commit,
            self.handbook,
            self.pages.as_slice().join(","),
            self.move_similarity,
            self.note_pages,
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
    /// Versions of pages parsed for their substance, and trees read, for
    /// `--verbose`.
    pub parsed: usize,
    pub trees_read: usize,
    /// Commits that changed the words of many pages without being ignored.
    pub many_pages: Vec<ManyPages>,
}

/// A commit that changed the words of many handbook pages: a sweep, maybe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ManyPages {
    pub commit: String,
    pub time: UnixTime,
    pub pages: usize,
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

/// The freshness cache as the walk uses it.
struct Loaded {
    head: Option<Oid>,
    entries: Vec<CachedEntry>,
    status: CacheStatus,
    known: crate::git::trees::OidMap<std::sync::Arc<Digest>>,
    many_pages: Vec<ManyPages>,
}

impl From<Option<Result<cache::CacheFile, CacheStatus>>> for Loaded {
    fn from(cached: Option<Result<cache::CacheFile, CacheStatus>>) -> Loaded {
        let file = match cached {
            None => Err(CacheStatus::Disabled),
            Some(file) => file,
        };
        match file {
            Ok(file) => Loaded {
                head: Oid::from_hex(file.head.as_bytes()).ok(),
                entries: file.entries,
                status: CacheStatus::Miss,
                known: file
                    .digests
                    .into_iter()
                    .filter_map(|(id, digest)| {
                        Some((
                            Oid::from_hex(id.as_bytes()).ok()?,
                            std::sync::Arc::new(digest),
                        ))
                    })
                    .collect(),
                many_pages: file.many_pages,
            },
            Err(status) => Loaded {
                head: None,
                entries: Vec::new(),
                status,
                known: crate::git::trees::OidMap::default(),
                many_pages: Vec::new(),
            },
        }
    }
}

/// The answers to keep in the freshness cache, each with its page's blob
/// at HEAD (`blobs`, by query) when known.
fn cache_entries(
    queries: &[Query],
    answers: &[Resolved],
    blobs: &[Option<Oid>],
) -> Vec<CachedEntry> {
    queries
        .iter()
        .zip(answers)
        .enumerate()
        .filter_map(|(index, (query, resolved))| {
            CachedEntry::from_answer(query, resolved, blobs.get(index).copied().flatten())
        })
        .collect()
}

/// Answers from a cache that describes HEAD itself. Its entries are in the
/// order of the run that wrote them, usually this run's: each is looked for
/// next in line first, by key only when that fails.
fn settle_from_cache(queries: &[Query], entries: &[CachedEntry], answers: &mut [Option<Resolved>]) {
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
}

/// The freshness cache for HEAD, from a walk that answered its queries.
fn cache_file(
    walk: &mut Walker,
    head: Oid,
    fingerprint: String,
    answers: &[Resolved],
    info: &HistoryInfo,
) -> cache::CacheFile {
    cache::CacheFile {
        format: 0,
        fingerprint,
        head: head.to_string(),
        // Fields are evaluated in order: the digests first, as looking them
        // up fills in the blobs the entries keep.
        digests: walk.head_digests(head),
        entries: cache_entries(walk.queries, answers, &walk.head_blobs),
        many_pages: info.many_pages.clone(),
    }
}

/// Answers every query in one first-parent walk from HEAD, reusing the
/// freshness cache when given; the refreshed cache comes back with the
/// answers, for the caller to write while it goes on with them.
pub(crate) fn resolve(
    repo: &Mainline,
    prefetch: Option<Prefetch>,
    queries: &[Query],
    settings: &Settings,
    cache: Option<cache::Stored>,
    progress: &mut dyn FnMut(usize),
) -> (Vec<Resolved>, HistoryInfo, Option<cache::Pending>) {
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
        return (unanswered(Answer::NotCommitted), info, None);
    };
    info.head = Some(head.to_string());
    let fingerprint = settings.fingerprint();
    let cache_dir = cache.as_ref().map(|stored| stored.dir.clone());
    let Loaded {
        head: cached_head,
        mut entries,
        status,
        known,
        many_pages,
    } = Loaded::from(cache.map(|stored| stored.for_settings(&fingerprint)));
    info.cache = status;

    // The cache describes HEAD: its answers stand as they are.
    let cache_met = cached_head == Some(head);
    let mut answers: Vec<Option<Resolved>> = vec![None; queries.len()];
    if cache_met {
        settle_from_cache(queries, &entries, &mut answers);
        if answers.iter().any(Option::is_some) {
            info.cache = CacheStatus::Warm;
        }
        if answers.iter().all(Option::is_some) {
            info.many_pages = many_pages;
            // Nothing to read, nothing new to remember.
            info.elapsed = started.elapsed();
            return (answers.into_iter().flatten().collect(), info, None);
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
            return (unanswered(Answer::Unreadable { reason }), info, None);
        }
    };
    let offered = Prefetch::offered(prefetch.as_ref());
    let mut walk = Walker {
        // A cache to write keeps the digests of HEAD's versions.
        readers: walk::Readers::new(&store, known, offered, cache_dir.is_some()),
        queries,
        settings,
        // From here on the cache is met, if at all, below HEAD.
        cached_head: cached_head.filter(|&id| id != head),
        cached: &cached_entries,
        prefetched: prefetch,
        moves_seen: compare::MovesSeen::default(),
        head_blobs: Vec::new(),
    };
    let answers = walk.run(head, answers, cache_met, &mut info, progress);
    // Commits the walk found above the cached one, then the cache's (when
    // the walk met it, everything below is the cache's to say).
    if matches!(
        info.cache,
        CacheStatus::Warm | CacheStatus::Incremental { .. }
    ) {
        for commit in many_pages {
            if !info.many_pages.iter().any(|m| m.commit == commit.commit) {
                info.many_pages.push(commit);
            }
        }
    }
    (info.parsed, info.trees_read) = walk.objects_read();
    info.elapsed = started.elapsed();
    let to_store = cache_dir.map(|dir| cache::Pending {
        dir,
        file: cache_file(&mut walk, head, fingerprint, &answers, &info),
    });
    // What the walk kept is freed elsewhere: a few milliseconds after the
    // last commit, on the way to the report, on a real handbook.
    let Walker {
        readers,
        moves_seen,
        prefetched,
        ..
    } = walk;
    crate::base::free_elsewhere((
        readers.into_owned(),
        moves_seen,
        prefetched,
        cached_entries,
        store,
    ));
    (answers, info, to_store)
}
