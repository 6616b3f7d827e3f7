//! Whether a commit changed a page's (or a section's) substance, and where
//! a page it added moved from (DESIGN.md, "Substance, precisely").

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::discover::MAX_PAGE_BYTES;
use crate::git::repo::Oid;
use crate::git::trees::{self, Odb, OidMap, PageChange, ReadError};
use crate::parse::substance::{Digest, sorted_similarity, word_hashes};

/// Digests by blob id. Each blob is compared twice (as the newer side of
/// one commit, then the older side of the next), so it is parsed once;
/// digests the freshness cache kept are never parsed at all.
#[derive(Default)]
pub(super) struct Digests {
    /// From the freshness cache: the blobs at the commit it describes.
    pub(super) known: Arc<OidMap<Digest>>,
    made: OidMap<Arc<Digest>>,
    buffer: Vec<u8>,
    /// How many blobs were parsed, for `--verbose`.
    pub(super) parsed: usize,
}

/// Parsed digests kept per reader before the oldest are dropped: a long
/// walk over a busy page must not hold every version.
const DIGESTS_KEPT: usize = 8192;

impl Digests {
    pub(super) fn new(known: Arc<OidMap<Digest>>) -> Digests {
        Digests {
            known,
            ..Digests::default()
        }
    }

    pub(super) fn get(&mut self, odb: &Odb, blob: Oid) -> Result<Arc<Digest>, ReadError> {
        Ok(self.get_with_words(odb, blob)?.0)
    }

    /// The digest, and the words when the blob was parsed for it here (see
    /// [`Digest::with_words`]): matching moves keeps them for similarity,
    /// so a page is parsed once. None when the digest was known already.
    fn get_with_words(
        &mut self,
        odb: &Odb,
        blob: Oid,
    ) -> Result<(Arc<Digest>, Option<Vec<u8>>), ReadError> {
        if let Some(digest) = self.made.get(&blob) {
            return Ok((digest.clone(), None));
        }
        let (digest, words) = if let Some(digest) = self.known.get(&blob) {
            (digest.clone(), None)
        } else if let Some(text) = self.page_text(odb, blob)? {
            let (digest, words) = Digest::with_words(&text);
            (digest, Some(words))
        } else {
            // Too large to be a page: its bytes stand for its words.
            (Digest::of_bytes(&self.buffer), Some(Vec::new()))
        };
        let digest = Arc::new(digest);
        if self.made.len() >= DIGESTS_KEPT {
            self.made.clear();
        }
        self.made.insert(blob, digest.clone());
        Ok((digest, words))
    }

    /// A version's words as [`word_hashes`] sorts them, for similarity;
    /// none for a version too large to be a page.
    fn word_hashes(&mut self, odb: &Odb, blob: Oid) -> Result<Vec<u64>, ReadError> {
        Ok(match self.page_text(odb, blob)? {
            Some(text) => word_hashes(&Digest::with_words(&text).1),
            None => Vec::new(),
        })
    }

    /// A version's text, read into the buffer; `None` when it is larger
    /// than a page may be (as in the working tree, it is not parsed).
    fn page_text(&mut self, odb: &Odb, blob: Oid) -> Result<Option<Cow<'_, str>>, ReadError> {
        let content = trees::read_blob(odb, blob, &mut self.buffer)?;
        self.parsed += 1;
        // Checking UTF-8 in one go is several times faster than the lossy
        // conversion's chunks, and almost every page is valid.
        Ok(
            (content.len() as u64 <= MAX_PAGE_BYTES).then(|| match std::str::from_utf8(content) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(content),
            }),
        )
    }

    /// Every digest made or known, for the freshness cache.
    pub(super) fn lookup(&self, blob: Oid) -> Option<Digest> {
        self.made
            .get(&blob)
            .map(|d| Digest::clone(d))
            .or_else(|| self.known.get(&blob).cloned())
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
/// section with `anchor`.
pub(super) fn verdict(
    digests: &mut Digests,
    odb: &Odb,
    ours: Oid,
    theirs: Oid,
    anchor: Option<&str>,
) -> Result<Verdict, ReadError> {
    if ours == theirs {
        return Ok(Verdict::Same);
    }
    let newer = digests.get(odb, ours)?;
    let older = digests.get(odb, theirs)?;
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

/// Beyond this many candidate pairs left for word similarity, only the
/// pages asked about are matched by it: a commit that adds and deletes
/// thousands of unrelated pages must not cost millions of comparisons.
const SIMILARITY_PAIRS: usize = 250_000;

/// The words of the pages a commit adds and deletes kept from the
/// same-words stage for similarity, in bytes at most: a reorganisation of
/// thousands of pages must not hold every page's words at once (it added a
/// tenth to the large generated handbook's peak memory). A page whose
/// words were not kept is parsed again if it reaches similarity.
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
    odb: &Odb,
    changes: &[PageChange],
    threshold: f64,
    wanted: &[&str],
    blobs_only: bool,
) -> Result<HashMap<String, MovedFrom>, ReadError> {
    let mut added: Vec<(&str, Oid)> = changes
        .iter()
        .filter(|c| c.theirs.is_none())
        .filter_map(|c| Some((c.path.as_str(), c.ours?)))
        .collect();
    let mut deleted: Vec<(&str, Oid)> = changes
        .iter()
        .filter(|c| c.ours.is_none())
        .filter_map(|c| Some((c.path.as_str(), c.theirs?)))
        .collect();
    let mut found: HashMap<String, MovedFrom> = HashMap::new();
    // The same blob, then the same words: every pair scores 100%, so
    // best-first is path order. The words each page was parsed into for
    // the second are kept for similarity, up to [`MOVE_WORDS_KEPT`].
    let stages: &[Stage] = if blobs_only {
        &[Stage::Blob]
    } else {
        &[Stage::Blob, Stage::Words]
    };
    let (mut parsed, mut kept): (OidMap<Vec<u8>>, usize) = (OidMap::default(), 0);
    for &stage in stages {
        if deleted.is_empty() || added.is_empty() {
            return Ok(found);
        }
        let key = |blob: Oid| -> Result<Key, ReadError> {
            Ok(match stage {
                Stage::Blob => Key::Blob(blob),
                Stage::Words => {
                    let (digest, words) = digests.get_with_words(odb, blob)?;
                    if let Some(words) = words.filter(|w| kept + w.len() <= MOVE_WORDS_KEPT) {
                        kept += words.len();
                        parsed.insert(blob, words);
                    }
                    Key::Words(digest.page)
                }
            })
        };
        (added, deleted) = pair_equal(key, added, deleted, &mut found)?;
    }
    if blobs_only || deleted.is_empty() || added.is_empty() {
        return Ok(found);
    }
    if added.len().saturating_mul(deleted.len()) > SIMILARITY_PAIRS {
        added.retain(|(path, _)| wanted.contains(path));
    }
    let mut words = |pages: &[(&str, Oid)]| -> Result<Vec<Vec<u64>>, ReadError> {
        pages
            .iter()
            .map(|&(_, blob)| match parsed.get(&blob) {
                Some(words) => Ok(word_hashes(words)),
                None => digests.word_hashes(odb, blob),
            })
            .collect()
    };
    let added_words = words(&added)?;
    let deleted_words = words(&deleted)?;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (a, new) in added_words.iter().enumerate() {
        for (d, old) in deleted_words.iter().enumerate() {
            // |A ∩ B| ≤ min(|A|, |B|): a pair of very different lengths
            // cannot reach the threshold, and is not counted.
            let (short, long) = (new.len().min(old.len()), new.len().max(old.len()));
            if long > 0 && (short as f64) < threshold * long as f64 {
                continue;
            }
            let score = sorted_similarity(new, old);
            if score >= threshold {
                pairs.push((score, a, d));
            }
        }
    }
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

/// The first two stages of [`match_moves`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Blob,
    Words,
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
