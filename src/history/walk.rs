//! The walk itself: batches of commits applied newest first to the open
//! queries, until each is answered.

use std::collections::HashMap;
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

use super::batch::{StepDiff, diff_step};
use super::compare::{OfferedDigests, SharedDigests, Verdict, verdict};
use super::moves::Moves;
use super::prefetch::{BATCHES_AHEAD, Batch, Prefetch, Step, read_ahead};
use super::reader::Reader;
use super::{Answer, Change, HistoryInfo, ManyPages, Query, Resolved, Settings, Touch, Touched};
use crate::base::framed::CacheStatus;
use crate::base::time::UnixTime;
use crate::git::objects::{Store, read_commit};
use crate::git::repo::Oid;
use crate::git::trees::{self, Difference, OidMap, PathTrie, ReadError, TreeEntries};
use crate::history::cache::{CachedEntry, Newer};
use crate::parse::substance::Digest;

/// State of one query during the walk.
pub(super) struct Open {
    /// The path the page had in the commit being looked at.
    pub(super) path: String,
    pub(super) changes: Vec<Change>,
    /// Found the newest change (and, when collecting, went past the horizon).
    pub(super) changes_done: bool,
    pub(super) created: Option<Change>,
    pub(super) created_done: bool,
    pub(super) ignored: Option<Change>,
    /// See [`Resolved::covered_since`].
    pub(super) covered_since: Option<UnixTime>,
    /// See [`Resolved::passed_over`].
    pub(super) passed_over: u32,
    /// See [`Resolved::moved_from`].
    pub(super) moved_from: Option<String>,
    /// See [`Resolved::trail`]; kept only when the query asks.
    pub(super) trail: Vec<Touched>,
}

impl Open {
    pub(super) fn new(query: &Query) -> Open {
        Open {
            path: query.path.clone(),
            changes: Vec::new(),
            changes_done: false,
            created: None,
            created_done: !query.want_created,
            ignored: None,
            covered_since: None,
            passed_over: 0,
            moved_from: None,
            trail: Vec::new(),
        }
    }

    pub(super) fn done(&self) -> bool {
        self.changes_done && self.created_done
    }

    /// Whether an edit's words still matter: once the newest change (and
    /// any older ones asked for) is found, only a creation or a move does,
    /// unless every touch is being recorded.
    pub(super) fn words_matter(&self, query: &Query) -> bool {
        !self.changes_done || query.trail
    }

    pub(super) fn into_resolved(self) -> Resolved {
        Resolved {
            answer: Answer::Changed(self.changes),
            created: self.created,
            ignored: self.ignored,
            covered_since: self.covered_since,
            passed_over: self.passed_over,
            moved_from: self.moved_from,
            trail: self.trail,
        }
    }
}

/// Below this many commits a batch is compared on the calling thread:
/// handing it to other threads would cost more than it saves.
pub(super) const PARALLEL_BATCH: usize = 128;

/// Runs of commits per thread in a batch compared on every core.
pub(super) const RUNS_PER_THREAD: usize = 4;

/// Below this many verdicts to work out, a batch's are worked out on the
/// calling thread: each parses up to two versions of a page.
pub(super) const PARALLEL_VERDICTS: usize = 8;

/// One touch of a query's page in a batch, to be judged (see [`Walker::judge`]).
#[derive(Clone, Copy)]
struct ToJudge {
    /// The step in the batch.
    position: usize,
    ours: Oid,
    /// The version compared with; none where the touch created the page.
    theirs: Option<Oid>,
    /// A change here settles the query.
    settles: bool,
}

/// The state of one walk: the object store, one reader per thread, and
/// what is asked.
pub(super) struct Walker<'a> {
    pub(super) readers: Readers<'a>,
    pub(super) queries: &'a [Query],
    pub(super) settings: &'a Settings,
    pub(super) cached_head: Option<Oid>,
    pub(super) cached: &'a HashMap<(String, Option<String>), CachedEntry>,
    /// Commits read ahead, when the run started reading them early.
    pub(super) prefetched: Option<Prefetch>,
    /// Each commit's matching of added to deleted pages, once computed.
    pub(super) moves_seen: super::compare::MovesSeen,
    /// Each query's blob in HEAD's tree, as found when the walk started or
    /// as the cache kept it for a page unchanged since (none when not in
    /// HEAD, or the cache did not say).
    pub(super) head_blobs: Vec<Option<Oid>>,
}

/// The walk's readers, one per thread, and how a batch's work is shared
/// out among them.
pub(super) struct Readers<'a> {
    pub(super) store: &'a Store,
    /// The calling thread's reader: HEAD's tree, moves, sections, and
    /// batches too small to share out.
    pub(super) main: Reader,
    /// One reader per worker thread, made when a batch is big enough.
    pub(super) workers: Vec<Reader>,
    /// Substance digests, shared by every reader.
    digests: SharedDigests,
    /// The batch's listings, lent to every reader while it compares.
    lent: Arc<OidMap<Arc<TreeEntries>>>,
    /// Entries in the listings lent.
    lent_entries: usize,
}

impl Readers<'_> {
    /// What the readers own, apart from the store they read: to be freed
    /// once the walk is over.
    pub(super) fn into_owned(self) -> impl Send + 'static {
        (self.main, self.workers, self.digests, self.lent)
    }
}

/// Directory listings a batch's comparisons read, kept for the comparisons
/// the batch makes again after a move: those read the same directories (the
/// root, the handbook's, the old paths' as earlier moves found them).
/// Without them, a real handbook that reorganises often read a quarter of
/// its walk's trees a second time.
#[derive(Default)]
pub(super) struct BatchTrees {
    listings: OidMap<Arc<TreeEntries>>,
    /// Entries in all the listings, bounded by [`BATCH_TREE_ENTRIES`].
    entries: usize,
}

/// Directory entries a batch keeps at most: a few megabytes. A history
/// of huge directories keeps the first listings read; the rest are read
/// again when needed.
const BATCH_TREE_ENTRIES: usize = 262_144;

impl Readers<'_> {
    /// `newer_whole`: see [`SharedDigests::new`].
    pub(super) fn new(
        store: &Store,
        known: OidMap<Arc<Digest>>,
        offered: OfferedDigests,
        newer_whole: bool,
    ) -> Readers<'_> {
        let digests = SharedDigests::new(known, offered, newer_whole);
        Readers {
            store,
            main: Reader::new(store, digests.clone()),
            workers: Vec::new(),
            digests,
            lent: Arc::default(),
            lent_entries: 0,
        }
    }

    /// Lends a batch's listings to every reader, for the comparisons to come.
    fn lend(&mut self, trees: BatchTrees) {
        self.lent = Arc::new(trees.listings);
        for reader in std::iter::once(&mut self.main).chain(&mut self.workers) {
            reader.trees.lend(Arc::clone(&self.lent));
        }
        self.lent_entries = trees.entries;
    }

    /// Takes the listings back with those the readers read meanwhile, up to
    /// [`BATCH_TREE_ENTRIES`] entries.
    fn take_back(&mut self) -> BatchTrees {
        let mut read = Vec::new();
        for reader in std::iter::once(&mut self.main).chain(&mut self.workers) {
            read.extend(reader.trees.take_read());
        }
        // Every reader let go of its loan: the map is ours again.
        let lent = std::mem::take(&mut self.lent);
        let mut trees = BatchTrees {
            listings: Arc::try_unwrap(lent).unwrap_or_else(|shared| OidMap::clone(&shared)),
            entries: self.lent_entries,
        };
        for (id, listing) in read {
            if trees.entries + listing.entries.len() > BATCH_TREE_ENTRIES {
                continue;
            }
            trees.entries += listing.entries.len();
            trees.listings.insert(id, listing);
        }
        trees
    }

    /// `work` on each item, in order: on the calling thread when there are
    /// fewer than `parallel` items (handing them to other threads would
    /// cost more than it saves), else in contiguous runs, a few per thread,
    /// each with a reader of its own. A thread that finishes early takes
    /// the next run, so one busy stretch does not leave the other cores
    /// idle.
    fn on_every_core<T: Sync, R: Send>(
        &mut self,
        items: &[T],
        parallel: usize,
        work: impl Fn(&mut Reader, &T) -> R + Sync,
    ) -> Vec<R> {
        let threads = rayon::current_num_threads();
        if items.len() < parallel || threads < 2 {
            let main = &mut self.main;
            return items.iter().map(|item| work(main, item)).collect();
        }
        let new_reader = || {
            let mut reader = Reader::new(self.store, self.digests.clone());
            reader.trees.lend(Arc::clone(&self.lent));
            reader
        };
        while self.workers.len() < threads {
            self.workers.push(new_reader());
        }
        let runs = threads * RUNS_PER_THREAD;
        let run = items.len().div_ceil(runs);
        let idle: std::sync::Mutex<Vec<Reader>> =
            std::sync::Mutex::new(std::mem::take(&mut self.workers));
        let parts: Vec<Vec<R>> = items
            .par_chunks(run)
            .map(|part| {
                let taken = idle.lock().ok().and_then(|mut readers| readers.pop());
                let mut reader = taken.unwrap_or_else(new_reader);
                let done = part.iter().map(|item| work(&mut reader, item)).collect();
                if let Ok(mut readers) = idle.lock() {
                    readers.push(reader);
                }
                done
            })
            .collect();
        self.workers = idle.into_inner().unwrap_or_default();
        parts.into_iter().flatten().collect()
    }
}

/// Where the walk's queries stand.
pub(super) struct OpenQueries {
    pub(super) open: Vec<Option<Open>>,
    pub(super) answers: Vec<Option<Resolved>>,
    pub(super) trie: PathTrie,
}

impl OpenQueries {
    /// At a shallow clone's boundary, parents are cut off: nothing open can
    /// be answered but by what was already found.
    pub(super) fn close_at_boundary(&mut self, boundary: &str) {
        for (index, slot) in self.open.iter_mut().enumerate() {
            let Some(open) = slot.take() else { continue };
            self.trie.remove(&open.path, index);
            self.answers[index] = Some(if open.changes.is_empty() {
                Resolved {
                    answer: Answer::Shallow {
                        boundary: boundary.to_string(),
                    },
                    created: None,
                    covered_since: None,
                    ..open.into_resolved()
                }
            } else {
                open.into_resolved()
            });
        }
    }

    /// Gives up on a query: the history it needs cannot be read.
    pub(super) fn fail(&mut self, index: usize, reason: &str) {
        if let Some(state) = self.open[index].take() {
            self.trie.remove(&state.path, index);
            self.answers[index] = Some(Resolved::new(Answer::Unreadable {
                reason: format!("{reason} (needed for `{}`)", state.path),
            }));
        }
    }

    /// Answers a query that is done.
    pub(super) fn settle(&mut self, index: usize) {
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
    /// Compares a batch's commits with their parents, then judges the
    /// touches applying it will ask about (see [`Walker::judge`]) for the
    /// queries as `open` has them. A big batch is shared out in contiguous
    /// runs, a few per thread: a commit's parent tree is the next commit's
    /// tree, so each worker's tree cache keeps hitting within a run.
    ///
    /// `trees` are the listings the batch's comparisons read before; those
    /// read now are added to them.
    pub(super) fn diff_batch(
        &mut self,
        steps: &[Step],
        trie: &PathTrie,
        trees: &mut BatchTrees,
        open: &[Option<Open>],
    ) -> Vec<StepDiff> {
        let settings = self.settings;
        let seen = &self.moves_seen;
        self.readers.lend(std::mem::take(trees));
        let mut diffs = self
            .readers
            .on_every_core(steps, PARALLEL_BATCH, |reader, step| {
                diff_step(reader, step, trie, settings, seen)
            });
        *trees = self.readers.take_back();
        self.judge(steps, &mut diffs, open);
        diffs
    }

    /// Works out, on every core, the verdicts applying the batch will most
    /// likely ask for: for each query still looking for its newest change,
    /// its touches in the batch above the cached commit, newest first, up
    /// to the first that should count (not ignored, and older than the
    /// horizon it collects back to); and where that one's words turn out
    /// the same, its next touches up to the next that should count, and so
    /// on, in rounds.
    /// Judging every touch of every page instead parsed a quarter more
    /// versions on a real handbook, for verdicts nobody asked for; a
    /// verdict this leaves out is worked out when it is asked for, on the
    /// walk's thread while the other cores wait (a real handbook's cold
    /// walk parsed 85 versions so before the rounds).
    fn judge(&mut self, steps: &[Step], diffs: &mut [StepDiff], open: &[Option<Open>]) {
        let queries = self.queries;
        let settings = self.settings;
        // Each query's touches, newest first: the step, the two versions
        // (none older where the touch created the page), and whether a
        // change there settles the query. Queries in the order of their
        // newest touch.
        let mut touches: HashMap<usize, std::collections::VecDeque<ToJudge>> = HashMap::new();
        let mut next: Vec<usize> = Vec::new();
        for (position, (step, diff)) in steps.iter().zip(diffs.iter()).enumerate() {
            // At the commit the cache describes, the cache answers what it
            // can (a batch ends there): what it cannot is judged when asked.
            if Some(step.commit) == self.cached_head {
                break;
            }
            let ignored = diff.sweep || settings.ignore_revs.contains(&step.commit);
            for difference in &diff.differences {
                let Some(ours) = difference.ours else {
                    continue;
                };
                for &index in &difference.queries {
                    let query = &queries[index];
                    if !open[index].as_ref().is_some_and(|o| o.words_matter(query)) {
                        continue;
                    }
                    let past_horizon = query
                        .collect_since
                        .is_none_or(|since| step.raw_time < since);
                    touches
                        .entry(index)
                        .or_insert_with(|| {
                            next.push(index);
                            std::collections::VecDeque::new()
                        })
                        .push_back(ToJudge {
                            position,
                            ours,
                            theirs: diff.predecessor(difference, index),
                            settles: !ignored && past_horizon && !query.trail,
                        });
                }
            }
        }
        loop {
            // Each: the query, the touch, and the version it is compared with.
            let mut tasks: Vec<(usize, ToJudge, Oid)> = Vec::new();
            for &index in &next {
                let Some(queue) = touches.get_mut(&index) else {
                    continue;
                };
                while let Some(touch) = queue.pop_front() {
                    // Created there: nothing older to compare with.
                    let Some(theirs) = touch.theirs else {
                        break;
                    };
                    tasks.push((index, touch, theirs));
                    if touch.settles {
                        break;
                    }
                }
            }
            if tasks.is_empty() {
                return;
            }
            let judged = self.readers.on_every_core(
                &tasks,
                PARALLEL_VERDICTS,
                |reader, &(index, touch, theirs)| {
                    let anchor = queries[index].anchor.as_deref();
                    verdict(
                        &mut reader.digests,
                        reader.objects.odb(),
                        touch.ours,
                        theirs,
                        anchor,
                        touch.settles,
                    )
                },
            );
            next.clear();
            for (&(index, touch, _), judged) in tasks.iter().zip(judged) {
                // The touch that was to settle the query changed no word:
                // its next touches are asked for next.
                if touch.settles && matches!(judged, Ok(Verdict::Same)) {
                    next.push(index);
                }
                diffs[touch.position].verdicts.push((index, judged));
            }
        }
    }

    /// How many versions of pages every reader parsed, and how many trees
    /// they read.
    pub(super) fn objects_read(&self) -> (usize, usize) {
        let readers = || std::iter::once(&self.readers.main).chain(&self.readers.workers);
        (
            readers().map(|r| r.digests.parsed).sum(),
            readers().map(|r| r.trees.reads).sum(),
        )
    }

    /// The digests made (or known) of the pages' versions at `head`, for
    /// the freshness cache: the next walk compares against them. Each
    /// page query's blob at `head` is in `head_blobs` after.
    pub(super) fn head_digests(&mut self, head: Oid) -> Vec<(String, Digest)> {
        let mut buffer = Vec::new();
        let Ok(commit) = read_commit(self.readers.main.odb(), head, &mut buffer) else {
            return Vec::new();
        };
        let mut digests = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (index, query) in self.queries.iter().enumerate() {
            if query.anchor.is_some() {
                continue;
            }
            // Found when the walk started, or kept by the cache; looked up
            // only for the queries the cache vouched for without saying.
            let blob = self.head_blobs.get(index).copied().flatten().or_else(|| {
                let main = &mut self.readers.main;
                trees::blob_at(
                    main.objects.odb(),
                    &mut main.trees,
                    commit.tree,
                    &query.path,
                )
            });
            let Some(blob) = blob else {
                continue;
            };
            if let Some(slot) = self.head_blobs.get_mut(index) {
                *slot = Some(blob);
            }
            if !seen.insert(blob) {
                continue;
            }
            if let Some(digest) = self.readers.main.digests.lookup(blob) {
                digests.push((blob.to_string(), digest));
            }
        }
        digests
    }

    /// Which queries ask about a page (or section) in HEAD's tree. A query
    /// the cache answered for the cached commit, whose blob is the same in
    /// HEAD, is there without reading HEAD's directories.
    pub(super) fn in_head(
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
            let (ours, theirs) = (
                self.readers.main.tree(head_tree),
                self.readers.main.tree(cached_tree),
            );
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                let (mut differences, mut failures) = (Vec::new(), Vec::new());
                let main = &mut self.readers.main;
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
        self.head_blobs = vec![None; queries.len()];
        for (index, query) in queries.iter().enumerate() {
            if same_as_cached[index] {
                // The same blob as at the cached commit, if the cache says
                // which: the new cache needs it, not this walk. Missing
                // there (a section the page lacks), missing here.
                let key = (query.path.clone(), query.anchor.clone());
                let entry = self.cached.get(&key);
                self.head_blobs[index] = entry.and_then(CachedEntry::blob);
                found.push(entry.is_none_or(CachedEntry::was_committed));
                continue;
            }
            let main = &mut self.readers.main;
            let entry = trees::blob_at(main.objects.odb(), &mut main.trees, head_tree, &query.path);
            self.head_blobs[index] = entry;
            found.push(match (entry, &query.anchor) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(blob), Some(anchor)) => main
                    .digests
                    .get(main.objects.odb(), blob, true)
                    .is_ok_and(|digest| digest.section(anchor).is_some()),
            });
        }
        found
    }

    /// Answers the queries `answers` leaves open.
    pub(super) fn run(
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
        let head_tree = match read_commit(self.readers.main.odb(), head, &mut buffer) {
            Ok(commit) => commit.tree,
            Err(error) => return unreadable(format!("HEAD ({head}) cannot be read: {error}")),
        };
        if let Err(error) = self.readers.main.tree(head_tree) {
            return unreadable(format!("the tree of HEAD ({head}) cannot be read: {error}"));
        }
        let mut state = OpenQueries {
            open: Vec::with_capacity(queries.len()),
            answers,
            trie: PathTrie::default(),
        };
        let cached_tree = self
            .cached_head
            .and_then(|id| read_commit(self.readers.main.odb(), id, &mut buffer).ok())
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
            state.open.push(Some(Open::new(query)));
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
    pub(super) fn walk_from(
        &mut self,
        head: Oid,
        cache_met: bool,
        state: &mut OpenQueries,
        info: &mut HistoryInfo,
        progress: &mut dyn FnMut(usize),
    ) {
        let boundary = self.readers.main.objects.shallow_boundary();
        let store = self.readers.store;
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
                            let reader = Reader::new(store, SharedDigests::default());
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
    pub(super) fn answer_from_cache(
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

    /// One changed path of a commit, for one open query: a change of its
    /// words (or not), a creation, or a move that points the query at the
    /// path it had before.
    pub(super) fn apply_difference(
        &mut self,
        difference: &Difference,
        index: usize,
        at: &AtCommit,
        state: &mut OpenQueries,
        walked: &mut WalkState,
        moves: &mut Moves,
    ) -> bool {
        let query = &self.queries[index];
        let Some(ours) = difference.ours else {
            return false;
        };
        let change = Change {
            commit: at.id.to_string(),
            time: at.time,
            parent_time: at.step.parent_time,
        };
        let moved = at.diff.moved_from(index).cloned();
        let theirs = at.diff.predecessor(difference, index);
        let judged = match self.verdict_at(at.diff, index, ours, theirs, &state.open) {
            Ok(judged) => judged,
            Err(error) => {
                let reason = format!(
                    "a version of the page at commit {} is missing: {error}",
                    at.id
                );
                state.fail(index, &reason);
                return false;
            }
        };
        let Some(open) = state.open[index].as_mut() else {
            return false;
        };
        let counts = judged != Verdict::Same;
        let created_here = judged == Verdict::Created;
        // An edit in an ignored commit is not a change; a creation still
        // is, there being nothing older.
        let ignored = counts && !created_here && at.ignored_by.is_some();
        let touch = match (&at.ignored_by, &moved) {
            (Some(why), _) if ignored => why.clone(),
            _ if created_here => Touch::Created,
            (_, Some(from)) => Touch::Moved {
                from: from.path.clone(),
                similarity: from.similarity,
                changed: counts,
            },
            _ if counts => Touch::Changed,
            _ => Touch::Same,
        };
        if query.trail && !open.changes_done {
            open.trail.push(Touched {
                change: change.clone(),
                path: open.path.clone(),
                ours,
                theirs,
                touch: touch.clone(),
            });
        }
        if (ignored || !counts) && open.changes.is_empty() {
            open.passed_over += 1;
        }
        if ignored {
            open.ignored.get_or_insert(change.clone());
        } else if counts && !open.changes_done {
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
        if let Some(from) = moved {
            state.trie.remove(&open.path, index);
            state.trie.insert(&from.path, index);
            open.path.clone_from(&from.path);
            if open.changes.is_empty() {
                open.moved_from = Some(from.path);
            }
            moves.moved(index);
        }
        counts && !created_here && !ignored && query.anchor.is_none()
    }

    /// What a commit did to an open query's words: judged with the batch,
    /// or now, when that did not foresee the need.
    fn verdict_at(
        &mut self,
        diff: &StepDiff,
        index: usize,
        ours: Oid,
        theirs: Option<Oid>,
        open: &[Option<Open>],
    ) -> Result<Verdict, ReadError> {
        let query = &self.queries[index];
        let words_matter = open[index]
            .as_ref()
            .is_some_and(|open| open.words_matter(query));
        let compared = diff.verdicts.iter().find(|(q, _)| *q == index);
        match (theirs, compared) {
            (None, _) => Ok(Verdict::Created),
            (Some(_), _) if !words_matter => Ok(Verdict::Same),
            (Some(_), Some((_, judged))) => judged.clone(),
            (Some(theirs), None) => {
                let main = &mut self.readers.main;
                // Not foreseen: the older version is digested whole.
                verdict(
                    &mut main.digests,
                    main.objects.odb(),
                    ours,
                    theirs,
                    query.anchor.as_deref(),
                    false,
                )
            }
        }
    }

    /// Applies one batch of commits, newest first. Returns whether the walk
    /// goes on.
    pub(super) fn process_batch(
        &mut self,
        steps: &[Step],
        state: &mut OpenQueries,
        walked: &mut WalkState,
        info: &mut HistoryInfo,
        progress: &mut dyn FnMut(usize),
    ) -> bool {
        let queries = self.queries;
        let settings = self.settings;
        let mut trees = BatchTrees::default();
        let mut diffs = self.diff_batch(steps, &state.trie, &mut trees, &state.open);
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
            let ignored_by = if settings.ignore_revs.contains(&step.commit) {
                Some(Touch::IgnoreRevs)
            } else {
                diff.sweep.then_some(Touch::Sweep)
            };
            // Pages this commit dates by changing their words: many may be
            // a sweep nobody listed.
            let mut pages_changed = 0;
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
                        ignored_by: ignored_by.clone(),
                    };
                    if self.apply_difference(difference, index, &at, state, walked, &mut moves) {
                        pages_changed += 1;
                    }
                }
            }
            for index in touched {
                state.settle(index);
            }
            if settings.note_pages > 0 && pages_changed >= settings.note_pages {
                info.many_pages.push(ManyPages {
                    commit: id.clone(),
                    time,
                    pages: pages_changed,
                });
            }
            if !moves.moved_here.is_empty() {
                let mut moved_trie = PathTrie::default();
                for &index in &moves.moved_here {
                    if let Some(open) = &state.open[index] {
                        moved_trie.insert(&open.path, index);
                    }
                }
                let rest = &steps[position + 1..];
                let diffs = self.diff_batch(rest, &moved_trie, &mut trees, &state.open);
                moves.supplement(position + 1, diffs, queries.len());
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
pub(super) fn stop_collecting(
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

/// The commit a difference is applied at.
pub(super) struct AtCommit<'a> {
    pub(super) step: &'a Step,
    pub(super) diff: &'a StepDiff,
    pub(super) id: &'a str,
    pub(super) time: UnixTime,
    /// Why the commit is not a change: in the ignore-revs list, or a sweep.
    pub(super) ignored_by: Option<Touch>,
}

/// What the walk carries from one batch to the next.
pub(super) struct WalkState {
    /// The time of the commit after the one being looked at: older commits
    /// are capped by it.
    pub(super) cap: UnixTime,
    pub(super) cache_used: bool,
    pub(super) reached_root: bool,
    /// Queries that found their newest change and collect older ones.
    pub(super) collecting: Vec<usize>,
}

impl CachedEntry {
    pub(super) fn answer_for(
        &self,
        query: &Query,
        state: &Open,
        cap: UnixTime,
    ) -> Option<Resolved> {
        let newer = Newer {
            changes: &state.changes,
            ignored: state.ignored.as_ref(),
            created: state.created.as_ref(),
            passed_over: state.passed_over,
            moved_from: state.moved_from.as_deref(),
        };
        self.merge(query, &newer, cap)
    }
}
