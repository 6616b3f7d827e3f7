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

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};

use crate::cache::{self, CacheStatus, CachedEntry};
use crate::parse::section_text;
use crate::time::UnixTime;
use crate::trees::{self, Difference, Failure, PathTrie, TreeCache};

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
}

/// Reads up to `count` first-parent commits from `start`, stopping after
/// the cached commit so the cache can take over there.
fn read_steps(
    repo: &Repository,
    start: Oid,
    count: usize,
    boundary: &HashSet<Oid>,
    stop_after: Option<Oid>,
) -> (Vec<Step>, Option<Oid>) {
    let mut steps = Vec::new();
    let mut next = Some(start);
    let mut loaded: Option<git2::Commit> = None;
    while steps.len() < count {
        let Some(id) = next else { break };
        let commit = match loaded.take() {
            Some(commit) if commit.id() == id => commit,
            _ => match repo.find_commit(id) {
                Ok(commit) => commit,
                Err(error) => {
                    // Only reachable for the first commit of a batch: the
                    // previous batch read it as a parent.
                    steps.push(Step {
                        commit: id,
                        raw_time: UnixTime::MIN,
                        tree: Oid::ZERO_SHA1,
                        parent_tree: None,
                        parent_time: None,
                        at_boundary: false,
                        broken: Some(format!("commit {id} is missing: {}", error.message())),
                    });
                    return (steps, None);
                }
            },
        };
        let at_boundary = boundary.contains(&id);
        let mut step = Step {
            commit: id,
            raw_time: commit.time().seconds(),
            tree: commit.tree_id(),
            parent_tree: None,
            parent_time: None,
            at_boundary,
            broken: None,
        };
        next = None;
        if !at_boundary && commit.parent_count() > 0 {
            match commit.parent(0) {
                Ok(parent) => {
                    step.parent_tree = Some(parent.tree_id());
                    step.parent_time = Some(parent.time().seconds());
                    next = Some(parent.id());
                    loaded = Some(parent);
                }
                Err(error) => {
                    step.broken = Some(format!(
                        "the parent of commit {id} is missing: {}",
                        error.message()
                    ));
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
fn diff_step(
    repo: &Repository,
    trees: &mut TreeCache,
    step: &Step,
    trie: &PathTrie,
    sweep_limit: Option<usize>,
) -> StepDiff {
    let mut diff = StepDiff::default();
    if step.at_boundary || step.parent_tree == Some(step.tree) || step.broken.is_some() {
        return diff;
    }
    // A missing root tree leaves every open query unanswered.
    let everything = |what: &str, error: &git2::Error| {
        let mut queries = Vec::new();
        trie.all_queries(&mut queries);
        StepDiff {
            failures: vec![Failure {
                queries,
                reason: format!(
                    "the {what} of commit {} is missing: {}",
                    step.commit,
                    error.message()
                ),
            }],
            ..StepDiff::default()
        }
    };
    let ours = match trees.get(repo, step.tree) {
        Ok(listing) => listing,
        Err(error) => return everything("tree", &error),
    };
    let theirs = match step.parent_tree.map(|id| trees.get(repo, id)).transpose() {
        Ok(listing) => listing,
        Err(error) => return everything("parent tree", &error),
    };
    trees::compare(
        repo,
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
            trees::count_changed_pages(repo, trees, Some(step.tree), step.parent_tree, limit)
                .is_ok_and(|count| count > limit);
    }
    diff
}

/// Commits are read in batches that grow from this size: a warm or
/// incremental run reads a few, a cold run soon reads many at a time.
///
/// Comparing a batch's commits on several threads was tried and measured: it
/// gains nothing, because libgit2 serialises pack reads behind one global
/// lock, and reading trees is nearly all the work.
const FIRST_BATCH: usize = 32;
const LARGEST_BATCH: usize = 4096;
const TREE_CACHE_GENERATION: usize = 2048;

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
    let mut trees = TreeCache::new(TREE_CACHE_GENERATION);
    if let Err(error) = trees.get(repo, head.tree_id()) {
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
    for (index, query) in queries.iter().enumerate() {
        let entry = trees::blob_at(repo, &mut trees, head.tree_id(), &query.path);
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
                reason: &str| {
        if let Some(state) = open[index].take() {
            trie.remove(&state.path, index);
            answers[index] = Some(Resolved::new(Answer::Unreadable {
                reason: format!("{reason} (needed for `{}`)", state.path),
            }));
        }
    };

    let mut cap = UnixTime::MAX;
    let mut cache_used = false;
    let mut reached_root = false;
    // Queries that found their newest change and collect older ones.
    let mut collecting: Vec<usize> = Vec::new();
    let mut next = Some(head.id());
    let mut batch = FIRST_BATCH;
    'batches: while let Some(start) = next {
        if trie.live == 0 {
            break;
        }
        let (steps, after) = read_steps(repo, start, batch, &boundary, cached_head);
        next = after;
        batch = (batch * 2).min(LARGEST_BATCH);
        let mut diffs: Vec<StepDiff> = steps
            .iter()
            .map(|step| diff_step(repo, &mut trees, step, &trie, settings.max_files_per_commit))
            .collect();
        // A move points a query at a path the batch was not compared for;
        // from then on the batch is compared again, commit by commit.
        let mut recompare = false;
        for (position, step) in steps.iter().enumerate() {
            if trie.live == 0 {
                break 'batches;
            }
            if Some(step.commit) == cached_head {
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
                    break 'batches;
                }
                // Queries the cache could not answer are still compared
                // against the trie as it was: keep the batch's results.
            }
            info.commits_walked += 1;
            progress(info.commits_walked);
            let time = step.raw_time.min(cap);
            cap = time;
            let id = step.commit.to_string();

            if step.at_boundary {
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
                break 'batches;
            }

            let diff = if recompare {
                diff_step(repo, &mut trees, step, &trie, settings.max_files_per_commit)
            } else {
                std::mem::take(&mut diffs[position])
            };

            // Collecting queries stop once the walk is older than their
            // horizon. Only the few collecting are looked at: a loop over
            // every query on every commit would cost more than the walk.
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

            for failure in &diff.failures {
                for &index in &failure.queries {
                    fail(&mut open, &mut trie, &mut answers, index, &failure.reason);
                }
            }
            let mut deleted: Option<HashMap<Oid, Vec<String>>> = None;
            let ignored_commit = settings.ignore_revs.contains(&step.commit) || diff.sweep;
            for difference in &diff.differences {
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
                        parent_time: step.parent_time,
                    };
                    let mut moved_from = None;
                    let edited = match (difference.theirs, step.parent_tree) {
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
                                        fail(&mut open, &mut trie, &mut answers, index, &reason);
                                        continue;
                                    }
                                }
                            }
                            None => true,
                        },
                        (None, Some(parent_tree)) => {
                            if deleted.is_none() {
                                match trees::deleted_blobs(repo, &mut trees, step.tree, parent_tree)
                                {
                                    Ok(found) => deleted = Some(found),
                                    Err(error) => {
                                        let reason = format!(
                                            "commit {id} cannot be compared with its parent: {}",
                                            error.message()
                                        );
                                        fail(&mut open, &mut trie, &mut answers, index, &reason);
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
                    // An edit in an ignored commit is not a change; a
                    // creation still is, there being nothing older.
                    if edited && !created_here && ignored_commit {
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
                        recompare = true;
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
            if let Some(reason) = &step.broken {
                for index in 0..open.len() {
                    fail(&mut open, &mut trie, &mut answers, index, reason);
                }
                break 'batches;
            }
            if step.parent_tree.is_none() {
                reached_root = true;
            }
        }
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
