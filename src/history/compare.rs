//! Whether a commit changed a page's (or a section's) substance, and where
//! a page it added moved from (DESIGN.md, "Substance, precisely").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::discover::MAX_PAGE_BYTES;
use crate::git::objects::Objects;
use crate::git::repo::Oid;
use crate::git::trees::{self, Odb, OidMap, PageChange, ReadError};
use crate::parse::substance::{
    Digest, LinkSkeleton, has_words, same_words, score_reaching, similarity_reaching, word_hashes,
};

/// The digests a walk's readers share: those the freshness cache kept, and
/// those parsed since. A version one thread parsed is not parsed again by
/// another: with a cache per thread, a tenth of a real handbook's parses
/// were repeats (a page matched as a move on one thread, judged on another).
#[derive(Clone, Default)]
pub(super) struct SharedDigests {
    /// From the freshness cache: the blobs at the commit it describes.
    known: Arc<OidMap<Arc<Digest>>>,
    made: OfferedDigests,
    /// A page's newer version is digested whole when it is compared: a
    /// freshness cache will be written, and keeps HEAD's versions' digests
    /// (most newer versions compared are HEAD's). Without a cache, two
    /// versions are read side by side only until their words differ.
    newer_whole: bool,
}

/// Digests made outside the walk and offered to it: the working tree's
/// pages, parsed beside the walk, are most often HEAD's versions (a cold
/// walk of a real handbook parsed 748 of them again, a quarter of its
/// parses). The walk's own digests join them.
#[derive(Clone, Default)]
pub(crate) struct OfferedDigests(Arc<Mutex<OidMap<Arc<Digest>>>>);

impl OfferedDigests {
    /// Offers the digest of the blob `blob` (the id of the bytes it was
    /// made from).
    pub(crate) fn offer(&self, blob: Oid, digest: Digest) {
        if let Ok(mut made) = self.0.lock()
            && made.len() < DIGESTS_KEPT
        {
            made.entry(blob).or_insert_with(|| Arc::new(digest));
        }
    }
}

impl SharedDigests {
    /// `newer_whole`: whether a page's newer version is digested whole
    /// when it is compared (see [`Digests::newer_has_older_words`]).
    pub(super) fn new(
        known: OidMap<Arc<Digest>>,
        offered: OfferedDigests,
        newer_whole: bool,
    ) -> SharedDigests {
        SharedDigests {
            known: Arc::new(known),
            made: offered,
            newer_whole,
        }
    }

    fn find(&self, blob: Oid) -> Option<Arc<Digest>> {
        let made = self.made.0.lock().ok()?.get(&blob).cloned();
        let known = self.known.get(&blob);
        // A digest offered without its sections does not hide the cache's
        // with them (a section query would parse the version again).
        match (made, known) {
            (Some(made), Some(known)) if !made.sectioned && known.sectioned => {
                Some(Arc::clone(known))
            }
            (Some(made), _) => Some(made),
            (None, known) => known.cloned(),
        }
    }

    fn insert(&self, blob: Oid, digest: Arc<Digest>) {
        if let Ok(mut made) = self.made.0.lock() {
            if made.len() >= DIGESTS_KEPT {
                made.clear();
            }
            // Two threads may parse a version at once, one for its
            // sections: the digest with sections stays.
            if made
                .get(&blob)
                .is_some_and(|kept| kept.sectioned && !digest.sectioned)
            {
                return;
            }
            made.insert(blob, digest);
        }
    }
}

/// Digests by blob id. Each blob is compared twice (as the newer side of
/// one commit, then the older side of the next), so it is parsed once;
/// digests the freshness cache kept are never parsed at all.
#[derive(Default)]
pub(super) struct Digests {
    shared: SharedDigests,
    buffer: Vec<u8>,
    /// The older version's bytes, where two are read side by side.
    older: Vec<u8>,
    /// How many blobs were parsed, for `--verbose`.
    pub(super) parsed: usize,
}

/// Parsed digests kept before the oldest are dropped: a long walk over a
/// busy page must not hold every version.
const DIGESTS_KEPT: usize = 16_384;

/// Below this many versions to parse, a commit's moves are matched on
/// the thread that found them.
const PARALLEL_PARSES: usize = 32;

impl Digests {
    pub(super) fn new(shared: SharedDigests) -> Digests {
        Digests {
            shared,
            ..Digests::default()
        }
    }

    /// The digest of `blob`, with its sections if `sections` (a version
    /// digested without them is parsed again then).
    pub(super) fn get(
        &mut self,
        odb: &Odb,
        blob: Oid,
        sections: bool,
    ) -> Result<Arc<Digest>, ReadError> {
        if let Some(digest) = self.shared.find(blob)
            && (digest.sectioned || !sections)
        {
            return Ok(digest);
        }
        let digest = Arc::new(parse_version(odb, blob, &mut self.buffer, sections)?.0);
        self.parsed += 1;
        self.shared.insert(blob, Arc::clone(&digest));
        Ok(digest)
    }

    /// Whether the older version `theirs` has the words of the newer
    /// `ours`, when neither was digested yet. `None` when either is
    /// digested already or too large to be a page: the caller compares
    /// digests. On a real handbook a page's newest change is most often its
    /// first touch, and the older version differs well before its end (a
    /// third of the way in, as a rule), so neither is read for its words
    /// beyond there where it can be helped:
    ///
    /// - Versions with the same [`LinkSkeleton`] (a commit that only
    ///   points links elsewhere): the newer is parsed whole, checking that
    ///   each cut is a link destination; then the older has its words
    ///   unread.
    /// - Where the newer's digest is kept whole (see
    ///   [`SharedDigests::new`]): the newer is parsed whole, the
    ///   older only as far as its first word that differs.
    /// - Otherwise both are read side by side, as far as that word.
    ///
    /// The digest made is kept for both when the words are the same (the
    /// older's is the newer's then); a change settles the page, and a walk
    /// that settled it needs no more of those versions.
    fn newer_has_older_words(
        &mut self,
        odb: &Odb,
        ours: Oid,
        theirs: Oid,
    ) -> Result<Option<bool>, ReadError> {
        if self.shared.find(ours).is_some() || self.shared.find(theirs).is_some() {
            return Ok(None);
        }
        let newer = trees::read_blob(odb, ours, &mut self.buffer)?;
        let older = trees::read_blob(odb, theirs, &mut self.older)?;
        // A version too large to be a page is digested by its bytes, by
        // the caller.
        if newer.len().max(older.len()) as u64 > MAX_PAGE_BYTES {
            return Ok(None);
        }
        // A commit that only points links elsewhere (a reorganisation's
        // fixes to the pages it did not move) changes the skeleton of no
        // page: where the newer version's parse says its cuts are all
        // link destinations, an older one with its skeleton has its words.
        let skeleton = LinkSkeleton::of(newer)
            .filter(|skeleton| LinkSkeleton::of(older).is_some_and(|o| o.hash == skeleton.hash));
        if skeleton.is_none() && !self.shared.newer_whole {
            self.parsed += 2;
            let digest = with_text(newer, |newer| {
                with_text(older, |older| same_words(newer, older))
            });
            let same = digest.is_some();
            if let Some(digest) = digest {
                let digest = Arc::new(digest);
                self.shared.insert(ours, Arc::clone(&digest));
                self.shared.insert(theirs, digest);
            }
            return Ok(Some(same));
        }
        let (digest, words, checked) = if let Some(skeleton) = &skeleton {
            with_text(newer, |text| {
                Digest::page_with_words_checking(text, &skeleton.cuts)
            })
        } else {
            let (digest, words) = with_text(newer, Digest::page_with_words);
            (digest, words, false)
        };
        self.parsed += 1;
        let digest = Arc::new(digest);
        self.shared.insert(ours, Arc::clone(&digest));
        let same = checked || {
            self.parsed += 1;
            with_text(older, |text| has_words(text, &words))
        };
        if same {
            self.shared.insert(theirs, digest);
        }
        Ok(Some(same))
    }

    /// Digests every version in `blobs` not digested yet, on every core
    /// when there are many (a reorganisation matches hundreds of moved
    /// pages). Returns the words of the versions parsed here, for
    /// [`match_moves`] to keep those similarity will need.
    ///
    /// Versions that differ only in where their links point (the same
    /// [`LinkSkeleton`]) are parsed once: a reorganisation that moves a
    /// page and fixes its relative links deletes one and adds the other
    /// (on a real handbook, 786 of the 1,377 versions its reorganisations
    /// had digested here). The one parsed is checked to have a link
    /// destination at every cut; where it has not, each is parsed.
    fn digest_all(
        &mut self,
        objects: &Objects,
        blobs: &[Oid],
    ) -> Result<OidMap<Vec<u8>>, ReadError> {
        let mut todo: Vec<Oid> = blobs
            .iter()
            .copied()
            .filter(|&blob| self.shared.find(blob).is_none())
            .collect();
        todo.sort_unstable();
        todo.dedup();
        // Each version's skeleton (its bytes kept while they fit), then
        // the versions grouped by skeleton: the first of each group parsed
        // for all.
        let kept = std::sync::atomic::AtomicUsize::new(0);
        let read = self.on_threads(objects, &todo, |odb, &blob, buffer| {
            Version::read(odb, blob, buffer, &kept)
        });
        let mut versions = Vec::with_capacity(todo.len());
        for result in read {
            versions.push(result?);
        }
        let mut groups: HashMap<u128, Vec<usize>> = HashMap::new();
        for (index, version) in versions.iter().enumerate() {
            if let Some(skeleton) = &version.skeleton {
                groups.entry(skeleton.hash).or_default().push(index);
            }
        }
        // The first version of each group of two or more, and the others
        // its parse stands for if it checks.
        let mut stands_for: Vec<Option<&[usize]>> = vec![None; versions.len()];
        for members in groups.values().filter(|members| members.len() > 1) {
            stands_for[members[0]] = Some(&members[1..]);
        }
        let first_pass: Vec<usize> = (0..versions.len())
            .filter(|&index| {
                stands_for[index].is_some()
                    || versions[index]
                        .skeleton
                        .as_ref()
                        .is_none_or(|skeleton| groups[&skeleton.hash].len() == 1)
            })
            .collect();
        let parse = |odb: &Odb, &index: &usize, buffer: &mut Vec<u8>| {
            versions[index].parse(odb, todo[index], buffer)
        };
        let parsed = self.on_threads(objects, &first_pass, parse);
        let mut words = OidMap::default();
        let mut unchecked = Vec::new();
        for (&index, result) in first_pass.iter().zip(parsed) {
            let (digest, page_words, checked) = result?;
            let digest = Arc::new(digest);
            if let Some(others) = stands_for[index] {
                if checked {
                    for &other in others {
                        self.shared.insert(todo[other], Arc::clone(&digest));
                    }
                } else {
                    unchecked.extend_from_slice(others);
                }
            }
            self.shared.insert(todo[index], digest);
            words.insert(todo[index], page_words);
        }
        // The others of a group whose first version has something else
        // where a cut is: each parsed.
        unchecked.sort_unstable();
        let parsed_again = self.on_threads(objects, &unchecked, parse);
        for (&index, result) in unchecked.iter().zip(parsed_again) {
            let (digest, page_words, _) = result?;
            self.shared.insert(todo[index], Arc::new(digest));
            words.insert(todo[index], page_words);
        }
        self.parsed += first_pass.len() + unchecked.len();
        Ok(words)
    }

    /// The versions' words as [`word_hashes`] sorts them, for similarity,
    /// on every core when there are many: from the words `kept`, else
    /// parsed again. A version too large to be a page has none.
    fn word_hashes_all(
        &mut self,
        objects: &Objects,
        blobs: &[Oid],
        kept: &OidMap<Vec<u8>>,
    ) -> Result<Vec<Vec<u64>>, ReadError> {
        self.parsed += blobs
            .iter()
            .filter(|&blob| !kept.contains_key(blob))
            .count();
        self.on_threads(objects, blobs, |odb, &blob, buffer| match kept.get(&blob) {
            Some(words) => Ok(word_hashes(words)),
            None => Ok(word_hashes(&parse_version(odb, blob, buffer, false)?.1)),
        })
        .into_iter()
        .collect()
    }

    /// `work` on each item, in order: on this thread when there are few,
    /// else in runs on every core, each with an object handle of its own.
    fn on_threads<T: Sync, R: Send>(
        &mut self,
        objects: &Objects,
        items: &[T],
        work: impl Fn(&Odb, &T, &mut Vec<u8>) -> Result<R, ReadError> + Sync,
    ) -> Vec<Result<R, ReadError>> {
        let threads = rayon::current_num_threads();
        if items.len() < PARALLEL_PARSES || threads < 2 {
            let buffer = &mut self.buffer;
            return items
                .iter()
                .map(|item| work(objects.odb(), item, buffer))
                .collect();
        }
        let runs: Vec<(Objects, &[T])> = items
            .chunks(items.len().div_ceil(threads * 2))
            .map(|run| (objects.another(), run))
            .collect();
        runs.into_par_iter()
            .flat_map_iter(|(objects, run)| {
                let mut buffer = Vec::new();
                run.iter()
                    .map(|item| work(objects.odb(), item, &mut buffer))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every digest made or known, for the freshness cache.
    pub(super) fn lookup(&self, blob: Oid) -> Option<Digest> {
        self.shared.find(blob).map(|digest| Digest::clone(&digest))
    }
}

/// A version read for [`Digests::digest_all`]: its skeleton, and its
/// bytes while [`VERSION_BYTES_KEPT`] allows (else they are read again).
struct Version {
    bytes: Option<Vec<u8>>,
    skeleton: Option<LinkSkeleton>,
}

/// The bytes of the versions [`Digests::digest_all`] keeps between
/// reading them and parsing them: a reorganisation of a thousand pages is
/// a few MiB.
const VERSION_BYTES_KEPT: usize = 16 * 1024 * 1024;

impl Version {
    fn read(
        odb: &Odb,
        blob: Oid,
        buffer: &mut Vec<u8>,
        kept: &std::sync::atomic::AtomicUsize,
    ) -> Result<Version, ReadError> {
        use std::sync::atomic::Ordering::Relaxed;
        let content = trees::read_blob(odb, blob, buffer)?;
        // A version too large to be a page is digested by its bytes.
        let skeleton = (content.len() as u64 <= MAX_PAGE_BYTES)
            .then(|| LinkSkeleton::of(content))
            .flatten();
        let bytes = (kept.fetch_add(content.len(), Relaxed) + content.len() <= VERSION_BYTES_KEPT)
            .then(|| content.to_vec());
        Ok(Version { bytes, skeleton })
    }

    /// Its digest and words, as [`parse_version`] makes them, and whether
    /// its skeleton's cuts are all link destinations.
    fn parse(
        &self,
        odb: &Odb,
        blob: Oid,
        buffer: &mut Vec<u8>,
    ) -> Result<(Digest, Vec<u8>, bool), ReadError> {
        let Some(skeleton) = &self.skeleton else {
            let (digest, words) = match &self.bytes {
                Some(bytes) if bytes.len() as u64 > MAX_PAGE_BYTES => {
                    (Digest::of_bytes(bytes), Vec::new())
                }
                Some(bytes) => with_text(bytes, Digest::page_with_words),
                None => parse_version(odb, blob, buffer, false)?,
            };
            return Ok((digest, words, false));
        };
        let bytes = match &self.bytes {
            Some(bytes) => bytes.as_slice(),
            None => trees::read_blob(odb, blob, buffer)?,
        };
        // A skeleton is made only of UTF-8.
        Ok(with_text(bytes, |text| {
            Digest::page_with_words_checking(text, &skeleton.cuts)
        }))
    }
}

/// A version's digest and its words as [`Digest::with_words`] joins them.
type Parsed = (Digest, Vec<u8>);

/// A version's digest and words (see [`Digest::with_words`]), with its
/// sections if `sections`. A version larger than a page may be is not
/// parsed (as in the working tree): its bytes stand for its words, and it
/// has none to compare.
fn parse_version(
    odb: &Odb,
    blob: Oid,
    buffer: &mut Vec<u8>,
    sections: bool,
) -> Result<Parsed, ReadError> {
    let content = trees::read_blob(odb, blob, buffer)?;
    if content.len() as u64 > MAX_PAGE_BYTES {
        return Ok((Digest::of_bytes(content), Vec::new()));
    }
    let digest = if sections {
        Digest::with_words
    } else {
        Digest::page_with_words
    };
    Ok(with_text(content, digest))
}

/// `read` of a version's bytes as text, a byte that is not UTF-8 replaced.
/// Checking UTF-8 in one go is several times faster than the lossy
/// conversion's chunks, and almost every page is valid.
fn with_text<R>(content: &[u8], read: impl FnOnce(&str) -> R) -> R {
    match std::str::from_utf8(content) {
        Ok(text) => read(text),
        Err(_) => read(&String::from_utf8_lossy(content)),
    }
}

/// What one commit did to a page or section, by its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The words changed.
    Changed,
    /// The section did not exist in the predecessor.
    Created,
    /// The same words: formatting, link targets, whitespace.
    Same,
}

/// Compares a version of a page with its predecessor (the parent's blob
/// at the same path, or the blob it moved from): the whole page, or the
/// section with `anchor`. `settles`: a change found here ends the walk's
/// interest in the page, so the predecessor's digest will not be asked
/// for again (see [`Digests::newer_has_older_words`]).
pub(super) fn verdict(
    digests: &mut Digests,
    odb: &Odb,
    ours: Oid,
    theirs: Oid,
    anchor: Option<&str>,
    settles: bool,
) -> Result<Verdict, ReadError> {
    if ours == theirs {
        return Ok(Verdict::Same);
    }
    if settles
        && anchor.is_none()
        && let Some(same) = digests.newer_has_older_words(odb, ours, theirs)?
    {
        return Ok(if same {
            Verdict::Same
        } else {
            Verdict::Changed
        });
    }
    let newer = digests.get(odb, ours, anchor.is_some())?;
    let older = digests.get(odb, theirs, anchor.is_some())?;
    Ok(match anchor {
        None if newer.page == older.page => Verdict::Same,
        None => Verdict::Changed,
        Some(anchor) => match (newer.section(anchor), older.section(anchor)) {
            (_, None) => Verdict::Created,
            (new, old) if new == old => Verdict::Same,
            _ => Verdict::Changed,
        },
    })
}

/// Where a page added by a commit came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MovedFrom {
    pub path: String,
    pub blob: Oid,
    /// Word similarity in percent (100 for the same blob or the same words).
    pub similarity: u8,
}

/// Every commit's complete matching, once computed: a commit is compared
/// again when a move earlier in its batch sends queries to other paths, and
/// a reorganisation's matching parses hundreds of pages. Shared by the
/// walk's threads.
#[derive(Default)]
pub(super) struct MovesSeen(std::sync::Mutex<HashMap<Oid, Arc<HashMap<String, MovedFrom>>>>);

impl MovesSeen {
    pub(super) fn get(&self, commit: Oid) -> Option<Arc<HashMap<String, MovedFrom>>> {
        self.0.lock().ok()?.get(&commit).cloned()
    }

    pub(super) fn insert(&self, commit: Oid, found: Arc<HashMap<String, MovedFrom>>) {
        if let Ok(mut seen) = self.0.lock() {
            seen.insert(commit, found);
        }
    }
}

/// What the first two stages pair pages by.
#[derive(PartialEq, Eq, Hash)]
enum Key {
    Blob(Oid),
    Words(u64),
}

/// Below this many candidate pairs, similarity is worked out on the
/// thread that matches the commit's moves.
const PARALLEL_PAIRS: usize = 4096;

/// Beyond this many candidate pairs left for word similarity, only the
/// pages asked about are matched by it: a commit that adds and deletes
/// thousands of unrelated pages must not cost millions of comparisons.
const SIMILARITY_PAIRS: usize = 250_000;

/// The words of the pages left for similarity kept from their parse for
/// the same-words stage, in bytes at most: a reorganisation of thousands of
/// edited pages must not hold every page's words through similarity (it
/// added a tenth to the large generated handbook's peak memory). A page
/// whose words were not kept is parsed again.
const MOVE_WORDS_KEPT: usize = 1024 * 1024;

/// Matches the pages a commit added to the ones it deleted: first the same
/// blob, then the same words, then word similarity of at least `threshold`
/// (0–1), best pair first, ties by path order, each page used once. A copy
/// (the old path still there) is not in `changes` as a deletion, so it is
/// never a move. Returns where every added page moved from, if anywhere;
/// with `blobs_only`, the first stage alone (no page is parsed), which
/// settles a commit that moves pages unchanged. `wanted` are the added
/// pages asked about: the only ones compared by similarity when a commit
/// adds and deletes too many for every pair.
pub(super) fn match_moves(
    digests: &mut Digests,
    objects: &Objects,
    changes: &[PageChange],
    threshold: f64,
    wanted: &[&str],
    blobs_only: bool,
) -> Result<HashMap<String, MovedFrom>, ReadError> {
    let odb = objects.odb();
    let added: Vec<(&str, Oid)> = changes
        .iter()
        .filter(|c| c.theirs.is_none())
        .filter_map(|c| Some((c.path.as_str(), c.ours?)))
        .collect();
    let deleted: Vec<(&str, Oid)> = changes
        .iter()
        .filter(|c| c.ours.is_none())
        .filter_map(|c| Some((c.path.as_str(), c.theirs?)))
        .collect();
    let mut found: HashMap<String, MovedFrom> = HashMap::new();
    // The same blob, then the same words: every pair scores 100%, so
    // best-first is path order.
    let (mut added, mut deleted) =
        pair_equal(|blob| Ok(Key::Blob(blob)), added, deleted, &mut found)?;
    if blobs_only || deleted.is_empty() || added.is_empty() {
        return Ok(found);
    }
    let mut parsed = digests.digest_all(objects, &blobs_of(&added, &deleted))?;
    let same_words = |blob| Ok(Key::Words(digests.get(odb, blob, false)?.page));
    (added, deleted) = pair_equal(same_words, added, deleted, &mut found)?;
    if deleted.is_empty() || added.is_empty() {
        return Ok(found);
    }
    if added.len().saturating_mul(deleted.len()) > SIMILARITY_PAIRS {
        added.retain(|(path, _)| wanted.contains(path));
    }
    (added, deleted) = within_reach(digests, odb, added, deleted, threshold)?;
    if deleted.is_empty() || added.is_empty() {
        return Ok(found);
    }
    let blobs = blobs_of(&added, &deleted);
    // The words of the pages left are kept for similarity (up to
    // [`MOVE_WORDS_KEPT`]), the others' dropped. Chosen before the same
    // words had paired any, the pages kept were mostly paired ones: a real
    // handbook's reorganisations parsed 58 pages a second time.
    let (mut kept, mut kept_bytes) = (OidMap::default(), 0);
    for &blob in &blobs {
        // Two pages with the same blob share its words.
        if kept.contains_key(&blob) {
            continue;
        }
        if let Some(words) = parsed.remove(&blob)
            && kept_bytes + words.len() <= MOVE_WORDS_KEPT
        {
            kept_bytes += words.len();
            kept.insert(blob, words);
        }
    }
    drop(parsed);
    let mut hashes = digests.word_hashes_all(objects, &blobs, &kept)?;
    let deleted_words = hashes.split_off(added.len());
    let added_words = hashes;
    let mut pairs = all_similar_pairs(&added_words, &deleted_words, threshold);
    // Best first; ties in path order (each pair's paths differ from every
    // other's, so the order is total).
    pairs.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| added[x.1].0.cmp(added[y.1].0))
            .then_with(|| deleted[x.2].0.cmp(deleted[y.2].0))
    });
    let (mut added_used, mut deleted_used) = (vec![false; added.len()], vec![false; deleted.len()]);
    for (score, a, d) in pairs {
        if added_used[a] || deleted_used[d] {
            continue;
        }
        added_used[a] = true;
        deleted_used[d] = true;
        found.insert(
            added[a].0.to_string(),
            MovedFrom {
                path: deleted[d].0.to_string(),
                blob: deleted[d].1,
                // Floored, so 49.9% never shows as a passing 50%.
                similarity: (score * 100.0).floor() as u8,
            },
        );
    }
    Ok(found)
}

/// The added and deleted pages that may reach `threshold` with some page
/// on the other side, by their word counts alone: |A ∩ B| ≤ min(|A|, |B|),
/// so a page much longer or shorter than every page it could pair with
/// pairs with none, and its words need not be hashed (nor parsed again).
fn within_reach<'p>(
    digests: &mut Digests,
    odb: &Odb,
    added: Vec<(&'p str, Oid)>,
    deleted: Vec<(&'p str, Oid)>,
    threshold: f64,
) -> Result<Unmatched<'p>, ReadError> {
    let mut counts = |pages: &[(&str, Oid)]| -> Result<Vec<usize>, ReadError> {
        pages
            .iter()
            .map(|&(_, blob)| Ok(digests.get(odb, blob, false)?.words as usize))
            .collect()
    };
    let (added_counts, deleted_counts) = (counts(&added)?, counts(&deleted)?);
    let mut deleted_reached = vec![false; deleted.len()];
    let mut added_kept = Vec::with_capacity(added.len());
    for (page, &a) in added.into_iter().zip(&added_counts) {
        let mut reaches = false;
        for (reached, &d) in deleted_reached.iter_mut().zip(&deleted_counts) {
            if may_reach(a, d, threshold) {
                *reached = true;
                reaches = true;
            }
        }
        if reaches {
            added_kept.push(page);
        }
    }
    let deleted_kept = deleted
        .into_iter()
        .zip(deleted_reached)
        .filter_map(|(page, reached)| reached.then_some(page))
        .collect();
    Ok((added_kept, deleted_kept))
}

/// Whether pages of `a` and `b` words may be `threshold` similar: the
/// shorter holds at least that share of the longer's count (two empty
/// pages are the same page).
fn may_reach(a: usize, b: usize, threshold: f64) -> bool {
    let (short, long) = (a.min(b), a.max(b));
    long == 0 || short as f64 >= threshold * long as f64
}

/// The blobs of the added pages, then of the deleted ones.
fn blobs_of(added: &[(&str, Oid)], deleted: &[(&str, Oid)]) -> Vec<Oid> {
    added.iter().chain(deleted).map(|&(_, blob)| blob).collect()
}

/// Every pair of an added page and a deleted one (their sorted word
/// hashes) whose similarity reaches `threshold`: (similarity, added page,
/// deleted page), in no order. Few pairs are merged one by one on this
/// thread; many, each added page's on a core, through an index of the
/// deleted pages' words where they are not too many.
fn all_similar_pairs(
    added: &[Vec<u64>],
    deleted: &[Vec<u64>],
    threshold: f64,
) -> Vec<(f64, usize, usize)> {
    if added.len().saturating_mul(deleted.len()) < PARALLEL_PAIRS {
        return (added.iter().enumerate())
            .flat_map(|(a, new)| similar_pairs(a, new, deleted, threshold))
            .collect();
    }
    let Some(index) = WordIndex::of(deleted) else {
        return (added.par_iter().enumerate())
            .flat_map_iter(|(a, new)| similar_pairs(a, new, deleted, threshold))
            .collect();
    };
    (added.par_iter().enumerate())
        .flat_map_iter(|(a, new)| index.similar_pairs(a, new, deleted, threshold))
        .collect()
}

/// Where each word of a commit's deleted pages is, and how often: an added
/// page's shared words with every deleted page at once, from its own words
/// alone. Merging each pair instead went through both pages' words for
/// every pair: a reorganisation of 250 edited pages (18F's handbook moving
/// to another site generator) spent a fifth of its cold walk there, and
/// most words are in few pages.
struct WordIndex {
    /// For each distinct word: (deleted page, times in it).
    places: HashMap<u64, Vec<(u32, u32)>, foldhash::fast::RandomState>,
}

/// The most words (all deleted pages' together) an index is made of: its
/// places take 8 bytes a distinct word a page, and a reorganisation of
/// thousands of pages is merged pair by pair instead, in the memory it
/// already holds.
const INDEXED_WORDS: usize = 1 << 20;

impl WordIndex {
    fn of(deleted: &[Vec<u64>]) -> Option<WordIndex> {
        let words: usize = deleted.iter().map(Vec::len).sum();
        let pages = u32::try_from(deleted.len()).ok()?;
        if words > INDEXED_WORDS {
            return None;
        }
        let mut places: HashMap<u64, Vec<(u32, u32)>, _> = HashMap::default();
        for (page, words) in (0..pages).zip(deleted) {
            for (word, times) in runs(words) {
                places.entry(word).or_default().push((page, times));
            }
        }
        Some(WordIndex { places })
    }

    /// [`similar_pairs`], from the index: the same pairs, with the same
    /// scores (words shared counted as a multiset, over the longer page's
    /// count).
    fn similar_pairs<'w>(
        &'w self,
        a: usize,
        new: &'w [u64],
        deleted: &'w [Vec<u64>],
        threshold: f64,
    ) -> impl Iterator<Item = (f64, usize, usize)> + 'w {
        let mut common = vec![0usize; deleted.len()];
        for (word, times) in runs(new) {
            for &(page, theirs) in self.places.get(&word).into_iter().flatten() {
                common[page as usize] += times.min(theirs) as usize;
            }
        }
        deleted
            .iter()
            .zip(common)
            .enumerate()
            .filter_map(move |(d, (old, common))| {
                if !may_reach(new.len(), old.len(), threshold) {
                    return None;
                }
                score_reaching(common, new.len().max(old.len()), threshold)
                    .map(|score| (score, a, d))
            })
    }
}

/// Each distinct word of sorted `words`, with how many times it is there.
fn runs(words: &[u64]) -> impl Iterator<Item = (u64, u32)> + '_ {
    words
        .chunk_by(|x, y| x == y)
        .map(|run| (run[0], u32::try_from(run.len()).unwrap_or(u32::MAX)))
}

/// The pairs of added page `a` (its sorted word hashes `new`) with the
/// deleted pages (theirs `deleted`) whose similarity reaches `threshold`:
/// (similarity, `a`, the deleted page's position).
fn similar_pairs<'w>(
    a: usize,
    new: &'w [u64],
    deleted: &'w [Vec<u64>],
    threshold: f64,
) -> impl Iterator<Item = (f64, usize, usize)> + 'w {
    deleted.iter().enumerate().filter_map(move |(d, old)| {
        // A pair of very different lengths cannot reach the threshold.
        if !may_reach(new.len(), old.len(), threshold) {
            return None;
        }
        similarity_reaching(new, old, threshold).map(|score| (score, a, d))
    })
}

/// Pages left after one stage: the added and the deleted ones unmatched.
type Unmatched<'p> = (Vec<(&'p str, Oid)>, Vec<(&'p str, Oid)>);

/// Pairs added and deleted pages with the same key (blob, or words), in
/// path order, each used once.
fn pair_equal<'p>(
    mut key: impl FnMut(Oid) -> Result<Key, ReadError>,
    added: Vec<(&'p str, Oid)>,
    deleted: Vec<(&'p str, Oid)>,
    found: &mut HashMap<String, MovedFrom>,
) -> Result<Unmatched<'p>, ReadError> {
    // Positions by key, the first in path order on top.
    let mut by_key: HashMap<Key, Vec<usize>> = HashMap::new();
    for (position, &(_, blob)) in deleted.iter().enumerate().rev() {
        by_key.entry(key(blob)?).or_default().push(position);
    }
    let mut used = vec![false; deleted.len()];
    let mut unmatched = Vec::new();
    for (path, blob) in added {
        let candidates = by_key.get_mut(&key(blob)?);
        match candidates.and_then(Vec::pop) {
            Some(position) => {
                used[position] = true;
                let (from, from_blob) = deleted[position];
                found.insert(
                    path.to_string(),
                    MovedFrom {
                        path: from.to_string(),
                        blob: from_blob,
                        similarity: 100,
                    },
                );
            }
            None => unmatched.push((path, blob)),
        }
    }
    let deleted = deleted
        .into_iter()
        .zip(used)
        .filter_map(|(entry, used)| (!used).then_some(entry))
        .collect();
    Ok((unmatched, deleted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::objects::blob_id;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The index finds the pairs merging each pair finds, with the
        /// same scores: pages of words from a small vocabulary (many
        /// shared, with repeats, some empty), enough of them to be
        /// indexed, any threshold.
        #[test]
        fn indexed_similarity_finds_the_pairs_merging_finds(
            pages in proptest::collection::vec(
                proptest::collection::vec(0u64..30, 0..120), 160..200),
            threshold in prop_oneof![0.0..=1.0f64, Just(0.5), Just(0.0), Just(1.0)],
            split in 70usize..90,
        ) {
            let mut pages = pages;
            for page in &mut pages {
                page.sort_unstable();
            }
            let deleted = pages.split_off(split);
            let added = pages;
            prop_assert!(added.len() * deleted.len() >= PARALLEL_PAIRS);
            prop_assert!(WordIndex::of(&deleted).is_some(), "indexed");
            let mut indexed = all_similar_pairs(&added, &deleted, threshold);
            let mut merged: Vec<_> = (added.iter().enumerate())
                .flat_map(|(a, new)| similar_pairs(a, new, &deleted, threshold))
                .collect();
            let order = |x: &(f64, usize, usize), y: &(f64, usize, usize)| {
                (x.1, x.2).cmp(&(y.1, y.2))
            };
            indexed.sort_by(order);
            merged.sort_by(order);
            prop_assert_eq!(indexed, merged);
        }
    }

    /// A digest offered by the pages' reading serves the walk's readers
    /// (one handle each); a second offer does not displace it, nor does it
    /// hide the cache's digest with sections; a full map takes no more.
    #[test]
    fn offered_digests_serve_every_reader() {
        let offered = OfferedDigests::default();
        let readers = [
            SharedDigests::new(OidMap::default(), offered.clone(), true),
            SharedDigests::new(OidMap::default(), offered.clone(), true),
        ];
        let text = "# Goals\n\nShip the thing.\n";
        let blob = blob_id(text.as_bytes());
        assert!(readers[0].find(blob).is_none());
        offered.offer(blob, Digest::page_with_words(text).0);
        for reader in &readers {
            assert_eq!(
                reader.find(blob).map(|digest| digest.page),
                Some(Digest::of(text).page)
            );
        }
        offered.offer(blob, Digest::of("other words"));
        assert_eq!(
            readers[1].find(blob).map(|digest| digest.page),
            Some(Digest::of(text).page)
        );
        // The cache's digest with sections is not hidden by an offered one
        // without them.
        let team = "# Team\n\n## Planning\n\nWe plan.\n";
        let kept = blob_id(team.as_bytes());
        let known: OidMap<Arc<Digest>> =
            std::iter::once((kept, Arc::new(Digest::with_words(team).0))).collect();
        let reader = SharedDigests::new(known, offered.clone(), true);
        offered.offer(kept, Digest::page_with_words(team).0);
        assert!(reader.find(kept).is_some_and(|digest| digest.sectioned));
        for n in 0..DIGESTS_KEPT {
            offered.offer(blob_id(n.to_string().as_bytes()), Digest::of("x"));
        }
        let late = blob_id(b"late");
        offered.offer(late, Digest::of("late"));
        assert!(readers[0].find(late).is_none());
    }
}
