//! Substance: the words a reader sees, for a page and for each section.
//!
//! This is what decides whether a commit changed a page (DESIGN.md,
//! "Substance, precisely"). Markdown is parsed as CommonMark with GFM
//! tables, strikethrough and task lists (no footnotes, no smart
//! punctuation); the front matter, HTML comments and tags, link and image
//! destinations, link reference definitions and every formatting marker
//! are dropped; text, code, code blocks, image alt text, an autolink's
//! shown URL and each task item's checkbox (`[ ]` or `[x]`) are kept.
//! Inline pieces of one block are joined as written; blocks are separated.
//! A word is a maximal run of Unicode letters and digits, so punctuation,
//! symbols and `_` never count.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::anchors::{self, Anchors, PendingIds};
use super::{front_matter_block, level_number};

/// An open task item's checkbox, as a word.
pub(crate) const OPEN_BOX: &str = "[ ]";
/// A ticked task item's checkbox, as a word: ticking is a change.
pub(crate) const TICKED_BOX: &str = "[x]";

/// A section's share of the page's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SectionWords {
    pub anchor: String,
    /// The other names the heading answers to (see [`anchors`]).
    pub aliases: Vec<String>,
    pub level: u8,
    /// The range of [`Substance::words`] the section covers: its heading's
    /// words and everything up to the next heading of the same or a higher
    /// level.
    pub words: Range<usize>,
}

/// The words of a page, its sections, and its link destinations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Substance {
    pub words: Vec<String>,
    pub sections: Vec<SectionWords>,
    /// Link and image destinations in order: not substance, but what tells
    /// "only link targets changed" from other formatting in `why`.
    pub links: Vec<String>,
}

/// What the history walk keeps of a blob's substance: hashes of the page's
/// words and of each section's, and how many words there are. Small enough
/// to keep for every blob the walk compared, and in the freshness cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Digest {
    pub page: u64,
    pub words: u32,
    /// Each section's names and the hash of its words; empty when the
    /// digest was made without them.
    pub sections: Vec<SectionDigest>,
    /// Whether `sections` was filled in. The history walk digests most
    /// versions for their page's words alone (no section is asked about,
    /// or a reorganisation's pages are matched): naming every heading's
    /// anchors was a seventh of a digest's time on a real handbook.
    pub sectioned: bool,
}

/// A section's anchor, aliases, and the hash of its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SectionDigest {
    pub anchor: String,
    pub aliases: Vec<String>,
    pub hash: u64,
}

impl Digest {
    /// The digest of a page's whole text, without building its word list:
    /// the history walk makes thousands of these.
    pub(crate) fn of(text: &str) -> Digest {
        Digest::with_words(text).0
    }

    /// The digest, and the page's words as [`word_hashes`] reads them: what
    /// matching moves needs of each page, from one parse.
    pub(crate) fn with_words(text: &str) -> (Digest, Vec<u8>) {
        Digest::made(text, Read::Sections)
    }

    /// [`Digest::with_words`] without the sections: what a walk needs of a
    /// version no section query asks about.
    pub(crate) fn page_with_words(text: &str) -> (Digest, Vec<u8>) {
        Digest::made(text, Read::Words)
    }

    /// [`Digest::page_with_words`], and whether each of `cuts` (a
    /// [`LinkSkeleton`]'s) is, in this parse, the whole destination of an
    /// inline link or image: then every text with the same skeleton has
    /// these words (see [`LinkSkeleton`]).
    pub(crate) fn page_with_words_checking(
        text: &str,
        cuts: &[Range<usize>],
    ) -> (Digest, Vec<u8>, bool) {
        let body = words_body(text);
        // A copy without trailing whitespace has other offsets: its cuts
        // are not checked.
        let Cow::Borrowed(body) = body else {
            let (digest, words) = Digest::page_with_words(text);
            return (digest, words, false);
        };
        let offset = text.len() - body.len();
        let mut reader = WordReader::for_body(body, Read::Words);
        // The destinations of the inline links and images, by their
        // place in `text`.
        let mut destinations: Vec<Range<usize>> = Vec::new();
        for (event, range) in Parser::new_ext(body, PARSE_OPTIONS).into_offset_iter() {
            if let Event::Start(
                Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    ..
                }
                | Tag::Image {
                    link_type: LinkType::Inline,
                    dest_url,
                    ..
                },
            ) = &event
            {
                // The destination ends where the link's closing `)` is.
                let end = offset + range.end - 1;
                if let Some(start) = end.checked_sub(dest_url.len())
                    && text.as_bytes().get(end) == Some(&b')')
                    && text.get(start..end) == Some(&**dest_url)
                {
                    destinations.push(start..end);
                }
            }
            reader.event(event);
        }
        destinations.sort_unstable_by_key(|range| range.start);
        let checked = cuts.iter().all(|cut| {
            destinations
                .binary_search_by_key(&cut.start, |range| range.start)
                .is_ok_and(|at| destinations[at] == *cut)
        });
        let (digest, words) = Digest::from_words(Words::read_by(reader), Read::Words);
        (digest, words, checked)
    }

    fn made(text: &str, read: Read) -> (Digest, Vec<u8>) {
        Digest::from_words(Words::of(text, read), read)
    }

    fn from_words(words: Words, read: Read) -> (Digest, Vec<u8>) {
        let digest = Digest {
            page: xxh3_64(&words.joined),
            words: u32::try_from(words.count).unwrap_or(u32::MAX),
            sectioned: read != Read::Words,
            sections: words
                .sections
                .into_iter()
                .zip(&words.section_bytes)
                .map(|(s, bytes)| SectionDigest {
                    anchor: s.anchor,
                    aliases: s.aliases,
                    hash: xxh3_64(&words.joined[bytes.clone()]),
                })
                .collect(),
        };
        (digest, words.joined)
    }

    /// The digest of a blob too large to be read as a page: its bytes (any
    /// change to them is a change), no sections.
    pub(crate) fn of_bytes(bytes: &[u8]) -> Digest {
        Digest {
            page: xxh3_64(bytes),
            words: 0,
            sections: Vec::new(),
            // It has none, and that is known.
            sectioned: true,
        }
    }

    /// The hash of the section `anchor` names, if the page has it (by
    /// [`anchors::find`]'s rule, as the model finds it at HEAD).
    pub(crate) fn section(&self, anchor: &str) -> Option<u64> {
        debug_assert!(
            self.sectioned,
            "a section looked up in a digest made without them"
        );
        anchors::find(&self.sections, anchor, |s| {
            (s.anchor.as_str(), s.aliases.as_slice())
        })
        .map(|s| s.hash)
    }
}

/// A stable hash of a word sequence (XXH3 of the words, each followed by a
/// NUL, which no word contains). [`Digest::of`] hashes the same bytes in one
/// go.
#[cfg(test)]
pub(crate) fn hash_words(words: &[String]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for word in words {
        hasher.update(word.as_bytes());
        hasher.update(&[0]);
    }
    hasher.digest()
}

/// A page's text with the destinations of its plain inline links cut
/// out: what is left, as a hash, and where the cuts are.
///
/// A reorganisation moves hundreds of pages and fixes their relative
/// links: `[Onboarding](onboarding.md)` becomes
/// `[Onboarding](../onboarding/index.md)`, and nothing a reader sees
/// changes. Two versions with the same skeleton differ only in what stands
/// between a `](` and the next `)` where that is made of
/// [`LINK_DESTINATION_BYTES`] alone. Where every such place in one of them
/// is, by its parse, the destination of an inline link or image
/// ([`Digest::page_with_words_checking`]), all of them have its words:
///
/// - no line is read as another kind of block: the cuts hold no line
///   break, space, tab, `|`, `<`, `>` or backtick, and are never at the
///   start of a line (`](` comes before each), so what starts, ends or
///   splits a block (a fence, an HTML block's end, a table cell, front
///   matter's closing `---`) is where it was;
/// - the link is still a link, with the same text: a destination of these
///   bytes is always valid, and no code span, autolink or raw HTML that
///   could swallow it starts or ends inside one (`` ` ``, `<`, `>`, `"`,
///   `'` and `=`, which would end an unquoted HTML attribute, are left
///   out);
/// - what is inside a destination is consumed with it: `_` there is never
///   emphasis, and no entity or escape (`&`, `\`) is decoded.
///
/// Property-tested against parsing both versions (`substance_props`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkSkeleton {
    pub(crate) hash: u128,
    pub(crate) cuts: Vec<Range<usize>>,
}

/// The bytes a cut destination may hold: letters, digits and
/// `/ . _ # : ? % + @ - , ;` (see [`LinkSkeleton`] for what is left out).
pub(crate) const LINK_DESTINATION_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'.' | b'_' | b'#' | b':' | b'?' | b'%' | b'+' | b'@' | b'-' | b',' | b';'
            );
        byte += 1;
    }
    table
};

impl LinkSkeleton {
    /// The skeleton of `bytes`; `None` for a text whose words are not read
    /// from its bytes as they are (not UTF-8, or a line ends in a tab: see
    /// [`words_body`]), or that has no link destination to cut.
    pub(crate) fn of(bytes: &[u8]) -> Option<LinkSkeleton> {
        let text = std::str::from_utf8(bytes).ok()?;
        if ends_a_line_with_a_tab(text) {
            return None;
        }
        let mut cuts = Vec::new();
        let mut after_cut = 0;
        for at in memchr::memmem::find_iter(bytes, b"](") {
            let start = at + 2;
            if start <= after_cut {
                continue;
            }
            let length = bytes[start..]
                .iter()
                .take_while(|&&byte| LINK_DESTINATION_BYTES[usize::from(byte)])
                .count();
            let end = start + length;
            if bytes.get(end) == Some(&b')') {
                cuts.push(start..end);
                after_cut = end;
            }
        }
        if cuts.is_empty() {
            return None;
        }
        // Each piece left, then its length: texts with other pieces hash
        // other bytes (and 128 bits make two alike by chance unthinkable).
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut piece_start = 0;
        for cut in cuts
            .iter()
            .chain(std::iter::once(&(bytes.len()..bytes.len())))
        {
            let piece = &bytes[piece_start..cut.start];
            hasher.update(piece);
            hasher.update(&(piece.len() as u64).to_le_bytes());
            piece_start = cut.end;
        }
        Some(LinkSkeleton {
            hash: hasher.digest128(),
            cuts,
        })
    }
}

/// Whether a line of `text` ends in a tab, spaces after it aside (as
/// [`str::lines`] ends lines). Every version the walk parses is looked
/// through for one: with `memchr` rather than `str::contains`, which took
/// a hundredth of a cold walk.
fn ends_a_line_with_a_tab(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\t', bytes).any(|tab| {
        let rest = &bytes[tab + 1..];
        let blank = rest
            .iter()
            .take_while(|&&byte| byte == b' ' || byte == b'\t')
            .count();
        matches!(&rest[blank..], [] | [b'\n', ..] | [b'\r', b'\n', ..])
    })
}

fn without_trailing_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end_matches([' ', '\t']));
        out.push('\n');
    }
    out
}

/// What reading a page's events collects besides its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Read {
    /// The words alone.
    Words,
    /// The sections too (their anchors, aliases and word ranges).
    Sections,
    /// The sections and the link destinations: everything `why` shows.
    #[default]
    Everything,
}

/// A page's words joined in one buffer, each followed by a NUL, how many
/// there are, and the sections' word ranges and the bytes they cover.
struct Words {
    joined: Vec<u8>,
    count: usize,
    sections: Vec<SectionWords>,
    section_bytes: Vec<Range<usize>>,
    links: Vec<String>,
}

/// A page's text after its front matter: all of it when it has none.
pub(crate) fn after_front_matter(text: &str) -> &str {
    match front_matter_block(text) {
        Ok(Some((_, _, block))) => &text[block.end..],
        // A block opened and never closed is not front matter: a reader
        // sees it as text.
        Ok(None) | Err(_) => text,
    }
}

/// What of a page's text is parsed for its words: the body after the front
/// matter, without trailing whitespace where a line ends in a tab.
fn words_body(text: &str) -> Cow<'_, str> {
    let body = after_front_matter(text);
    // pulldown-cmark 0.13 ends neither an ATX heading's closing `#`s nor
    // a code fence that a tab follows (CommonMark ignores trailing spaces
    // and tabs there), so `## Plan ##\t` would get the anchor `plan-`
    // and a fence followed by a tab would swallow the rest of the page.
    // Trailing whitespace is never a word: where a line ends in a tab,
    // it is dropped before parsing.
    if ends_a_line_with_a_tab(body) {
        Cow::Owned(without_trailing_whitespace(body))
    } else {
        Cow::Borrowed(body)
    }
}

/// Whether the words of `text` are `words` (joined as
/// [`Digest::with_words`] joins them), read only as far as the first that
/// differs: a page's older version is most often told apart from the newer
/// well before its end, and the rest of its blocks need not be read for
/// their words (pulldown-cmark still finds every block first).
pub(crate) fn has_words(text: &str, words: &[u8]) -> bool {
    let body = words_body(text);
    let mut reader = WordReader::for_body(&body, Read::Words);
    let mut checked = 0;
    for event in Parser::new_ext(&body, PARSE_OPTIONS) {
        reader.event(event);
        let read = &reader.joined[checked..];
        if !read.is_empty() {
            if words.get(checked..checked + read.len()) != Some(read) {
                return false;
            }
            checked += read.len();
        }
    }
    reader.flush();
    reader.joined == words
}

/// Whether `newer` and `older` have the same words, both read side by
/// side and only as far as their first word that differs; the digest of
/// `newer` (without sections) when they are the same. [`has_words`] needs
/// one version's words whole first: where nothing keeps that version's
/// digest, the rest of its blocks need not be read for their words
/// either. (pulldown-cmark still finds every block of both first.)
pub(crate) fn same_words(newer: &str, older: &str) -> Option<Digest> {
    let (newer, older) = (words_body(newer), words_body(older));
    let mut ours = WordReader::for_body(&newer, Read::Words);
    let mut theirs = WordReader::for_body(&older, Read::Words);
    let mut ours_events = Parser::new_ext(&newer, PARSE_OPTIONS);
    let mut theirs_events = Parser::new_ext(&older, PARSE_OPTIONS);
    let (mut ours_read, mut theirs_read) = (false, false);
    // Bytes of the joined words both have, and found equal.
    let mut checked = 0;
    while !(ours_read && theirs_read) {
        // The version with fewer words read so far reads on.
        let ours_behind = theirs_read || (!ours_read && ours.joined.len() <= theirs.joined.len());
        let (reader, events, read) = if ours_behind {
            (&mut ours, &mut ours_events, &mut ours_read)
        } else {
            (&mut theirs, &mut theirs_events, &mut theirs_read)
        };
        if let Some(event) = events.next() {
            reader.event(event);
        } else {
            reader.flush();
            *read = true;
        }
        let both = ours.joined.len().min(theirs.joined.len());
        if ours.joined[checked..both] != theirs.joined[checked..both] {
            return None;
        }
        checked = both;
        // One version read whole, the other has more words already.
        let longer = ours.joined.len() != theirs.joined.len();
        if longer
            && (ours_read && ours.joined.len() == both
                || theirs_read && theirs.joined.len() == both)
        {
            return None;
        }
    }
    (ours.joined == theirs.joined).then(|| Digest::from_words(Words::read_by(ours), Read::Words).0)
}

impl Words {
    fn of(text: &str, read: Read) -> Words {
        let body = words_body(text);
        let mut reader = WordReader::for_body(&body, read);
        for event in Parser::new_ext(&body, PARSE_OPTIONS) {
            reader.event(event);
        }
        Words::read_by(reader)
    }

    /// The words `reader` read, its sections closed.
    fn read_by(mut reader: WordReader) -> Words {
        reader.flush();
        let WordReader {
            joined,
            count,
            mut sections,
            mut section_bytes,
            links,
            ..
        } = reader;
        for index in 0..sections.len() {
            let level = sections[index].level;
            let next = sections[index + 1..]
                .iter()
                .zip(&section_bytes[index + 1..])
                .find(|(s, _)| s.level <= level);
            let (words_end, bytes_end) = next.map_or((count, joined.len()), |(next, bytes)| {
                (next.words.start, bytes.start)
            });
            sections[index].words.end = words_end;
            section_bytes[index].end = bytes_end;
        }
        Words {
            joined,
            count,
            sections,
            section_bytes,
            links,
        }
    }
}

/// The words of a page's body, read from the events of a parse made for
/// something else: reading a working-tree page for its structure gives
/// its digest at no second parse, and the history walk then need not parse
/// that version again (see [`crate::parse::parse_with_digest`]).
pub(crate) struct BodyWords(WordReader);

impl BodyWords {
    /// A reader of `body` (a page's text after its front matter), unless it
    /// must be read from a copy without trailing whitespace (a line ends in
    /// a tab; see [`Words::of`]), which another parse's events are not.
    pub(crate) fn of(body: &str) -> Option<BodyWords> {
        (!ends_a_line_with_a_tab(body)).then(|| BodyWords(WordReader::for_body(body, Read::Words)))
    }

    pub(crate) fn event(&mut self, event: Event) {
        self.0.event(event);
    }

    /// The page's digest, as [`Digest::page_with_words`] makes it.
    pub(crate) fn digest(self) -> Digest {
        Digest::from_words(Words::read_by(self.0), Read::Words).0
    }
}

/// The parser's options: the page's structure and its words are read with
/// the same, or a heading found in one would not be found in the other.
pub(crate) const PARSE_OPTIONS: Options = Options::ENABLE_TASKLISTS
    .union(Options::ENABLE_HEADING_ATTRIBUTES)
    .union(Options::ENABLE_TABLES)
    .union(Options::ENABLE_STRIKETHROUGH);

impl Substance {
    /// The substance of a page's whole text (front matter included, and
    /// dropped).
    pub(crate) fn of(text: &str) -> Substance {
        let Words {
            joined,
            sections,
            links,
            ..
        } = Words::of(text, Read::Everything);
        // Whole characters and NULs were copied in: always UTF-8.
        let joined = String::from_utf8_lossy(&joined);
        let words = joined.split_terminator('\0').map(str::to_string).collect();
        Substance {
            words,
            sections,
            links,
        }
    }

    /// The words of the section `anchor` names, if the page has it.
    pub(crate) fn section(&self, anchor: &str) -> Option<&[String]> {
        anchors::find(&self.sections, anchor, |s| {
            (s.anchor.as_str(), s.aliases.as_slice())
        })
        .and_then(|s| self.words.get(s.words.clone()))
    }

    /// The digest from the word list: what [`Digest::of`] computes without
    /// one, kept to pin that the two agree.
    #[cfg(test)]
    pub(crate) fn digest(&self) -> Digest {
        Digest {
            page: hash_words(&self.words),
            words: u32::try_from(self.words.len()).unwrap_or(u32::MAX),
            sections: self
                .sections
                .iter()
                .map(|s| SectionDigest {
                    anchor: s.anchor.clone(),
                    aliases: s.aliases.clone(),
                    hash: hash_words(&self.words[s.words.clone()]),
                })
                .collect(),
            sectioned: true,
        }
    }
}

/// Word similarity of two pages: |A ∩ B| / max(|A|, |B|), the words taken
/// as multisets. Two empty pages are the same page.
#[cfg(test)]
pub(crate) fn similarity(a: &[String], b: &[String]) -> f64 {
    let mut a: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut b: Vec<&str> = b.iter().map(String::as_str).collect();
    a.sort_unstable();
    b.sort_unstable();
    sorted_similarity(&a, &b)
}

/// The similarity of two pages' sorted word hashes (|A ∩ B| / max(|A|,
/// |B|), as multisets) when it reaches `threshold`; `None` when it does
/// not. A reorganisation that moves hundreds of pages with their words
/// changed compares every added page with every deleted one, and most
/// pairs are unrelated: the merge ends as
/// soon as the words left could no longer lift the pair to the threshold,
/// and steps without a branch on which side is smaller (one the processor
/// guesses wrong half the time on hashes). On a real handbook whose move
/// to another site generator changed 250 pages (18F's), these pairs were a
/// fifth of a cold walk.
pub(crate) fn similarity_reaching(new: &[u64], old: &[u64], threshold: f64) -> Option<f64> {
    let longest = new.len().max(old.len());
    if longest == 0 {
        return score_reaching(0, 0, threshold);
    }
    let (mut in_new, mut in_old, mut common) = (0, 0, 0usize);
    loop {
        // The score can only fall from its best case: every word left in
        // the shorter remainder shared. Checked every
        // [`SIMILARITY_STEPS`], with the score's own division, so the
        // pairs kept are exactly those whose score reaches the threshold.
        let left = (new.len() - in_new).min(old.len() - in_old);
        if left == 0 {
            break;
        }
        if ((common + left) as f64 / longest as f64) < threshold {
            return None;
        }
        // Each step moves past the smaller hash (both when equal): no
        // index passes its end within `left` steps.
        for _ in 0..SIMILARITY_STEPS.min(left) {
            let (ours, theirs) = (new[in_new], old[in_old]);
            common += usize::from(ours == theirs);
            in_new += usize::from(ours <= theirs);
            in_old += usize::from(ours >= theirs);
        }
    }
    score_reaching(common, longest, threshold)
}

/// The similarity of two pages that share `common` words, the longer of
/// `longest`, when it reaches `threshold`: the one place the score is
/// worked out, for pairs merged and pairs counted through an index alike.
/// Two empty pages are the same page.
pub(crate) fn score_reaching(common: usize, longest: usize, threshold: f64) -> Option<f64> {
    let score = if longest == 0 {
        1.0
    } else {
        common as f64 / longest as f64
    };
    (score >= threshold).then_some(score)
}

/// Steps of [`similarity_reaching`]'s merge between two checks of whether
/// the pair can still reach the threshold.
const SIMILARITY_STEPS: usize = 64;

/// Each word's hash, sorted: a page as [`similarity_reaching`] compares it.
/// `joined` is the words each followed by a NUL ([`Digest::with_words`]).
/// Two different words share a 64-bit hash about once in 10^19 pairs, as
/// two different pages share a digest.
pub(crate) fn word_hashes(joined: &[u8]) -> Vec<u64> {
    let mut hashes: Vec<u64> = joined
        .split(|&byte| byte == 0)
        .filter(|word| !word.is_empty())
        .map(xxh3_64)
        .collect();
    hashes.sort_unstable();
    hashes
}

/// [`similarity`] of two pages' words already sorted (words or their
/// [`word_hashes`]): one merge, to the end. What [`similarity_reaching`]
/// computes where the pair reaches the threshold, kept to pin that.
#[cfg(test)]
pub(crate) fn sorted_similarity<T: Ord>(a: &[T], b: &[T]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / longest as f64
}

/// Strips HTML tags and comments from raw HTML, keeping the text between
/// them. Its state runs across the events of one block: a comment may span
/// lines.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Html {
    #[default]
    Text,
    Tag,
    Comment,
}

impl Html {
    fn strip(&mut self, raw: &str, out: &mut String) {
        let mut rest = raw;
        while !rest.is_empty() {
            match self {
                Html::Text => {
                    let Some(at) = rest.find('<') else {
                        out.push_str(rest);
                        return;
                    };
                    out.push_str(&rest[..at]);
                    rest = &rest[at..];
                    if rest.starts_with("<!--") {
                        *self = Html::Comment;
                        rest = &rest[4..];
                    } else if rest[1..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
                    {
                        *self = Html::Tag;
                        rest = &rest[1..];
                    } else {
                        // A lone `<` is punctuation, never a word.
                        rest = &rest[1..];
                    }
                }
                Html::Tag => match rest.find('>') {
                    Some(at) => {
                        *self = Html::Text;
                        rest = &rest[at + 1..];
                    }
                    None => return,
                },
                Html::Comment => match rest.find("-->") {
                    Some(at) => {
                        *self = Html::Text;
                        rest = &rest[at + 3..];
                    }
                    None => return,
                },
            }
        }
    }
}

/// Whether an ASCII byte is part of a word, one byte at a time: the
/// oracle of [`ascii_word_flags`].
#[cfg(test)]
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// Appends every word of `text` to `joined`, each followed by a NUL, and
/// returns how many there were: one piece, split whole.
#[cfg(test)]
fn split_words(text: &str, joined: &mut Vec<u8>) -> usize {
    let mut open = false;
    let words = split_words_from(text, joined, &mut open);
    if open {
        joined.push(0);
    }
    words
}

/// Appends the words of `text` to `joined`, each followed by a NUL (the
/// maximal runs of letters and digits), continuing the word `open` says
/// the text before left open, and leaving the last word open (its NUL
/// unwritten) if the text ends in it: a block's inline pieces are split
/// as they come, as if joined (`**bold**ly` is one word), with no copy of
/// the block's text. Returns how many words began.
///
/// Every version of every page the history walk compares goes through
/// here (a sixth of parsing a real handbook's pages). ASCII text is taken
/// eight bytes at a time: where each byte is a word byte or the first
/// after a word (single spaces between words), the eight are written at
/// once, the others as NULs; where some are dropped (a comma and a space),
/// each run of bytes kept is written at once. The ASCII bytes before
/// another script's character go the same way, and the character alone
/// is classified as a character.
fn split_words_from(text: &str, joined: &mut Vec<u8>, open: &mut bool) -> usize {
    let bytes = text.as_bytes();
    let base = joined.len();
    // One byte out per byte in at most, and room for the last eight to be
    // written whole.
    joined.resize(base + bytes.len() + 8, 0);
    let out = &mut joined[base..];
    let (mut at, mut written, mut words) = (0, 0, 0);
    let mut in_word = *open;
    while at < bytes.len() {
        // Eight ASCII bytes at a time while there are eight: most of a
        // page, with nothing in the loop depending on how many are taken.
        while let Some(chunk) = bytes[at..].first_chunk::<8>() {
            let eight = u64::from_le_bytes(*chunk);
            if eight & (ONES * 0x80) != 0 {
                break;
            }
            let began;
            (written, began, in_word) = ascii_chunk(out, written, eight, 8, in_word);
            words += began;
            at += 8;
        }
        if at == bytes.len() {
            break;
        }
        // The last few bytes and NULs (not words), or the ASCII bytes before
        // another script's character, or that character.
        let mut take = (bytes.len() - at).min(8);
        let mut eight = [0; 8];
        match bytes.get(at..at + 8) {
            // Eight known bytes are a load, not a call to copy them.
            Some(chunk) => eight.copy_from_slice(chunk),
            None => eight[..take].copy_from_slice(&bytes[at..]),
        }
        let mut eight = u64::from_le_bytes(eight);
        let foreign = eight & (ONES * 0x80);
        if foreign != 0 {
            let ascii = (foreign.trailing_zeros() / 8) as usize;
            if ascii == 0 {
                // Another script's character, as a character.
                let c = text[at..].chars().next().unwrap_or(' ');
                let width = c.len_utf8();
                let is_word = c.is_alphanumeric();
                if is_word {
                    out[written..written + width].copy_from_slice(&bytes[at..at + width]);
                    written += width;
                } else if in_word {
                    out[written] = 0;
                    written += 1;
                }
                words += usize::from(is_word && !in_word);
                in_word = is_word;
                at += width;
                continue;
            }
            // The ASCII bytes before it.
            take = ascii;
            eight &= u64::MAX >> (8 * (8 - ascii));
        }
        let began;
        (written, began, in_word) = ascii_chunk(out, written, eight, take, in_word);
        words += began;
        at += take;
    }
    joined.truncate(base + written);
    *open = in_word;
    words
}

/// Splits `take` ASCII bytes (1 to 8, little-endian in `eight`, NULs
/// after them) into `out` from `written`, after a word if `in_word`.
/// Returns where writing ends, how many words began, and whether the last
/// byte is a word's. Inlined where the loop over whole chunks calls it
/// (`take` 8), it does no work on `take` there.
#[inline]
fn ascii_chunk(
    out: &mut [u8],
    written: usize,
    eight: u64,
    take: usize,
    in_word: bool,
) -> (usize, usize, bool) {
    let flags = ascii_word_flags(eight);
    let taken = ONES >> (8 * (8 - take));
    // A byte is written when it or the one before is a word's.
    let before = (flags << 8) | u64::from(in_word);
    let written_flags = (flags | before) & taken;
    // Each flag (0 or 1) times 0xff keeps a word byte whole and makes any
    // other a NUL.
    let kept = eight & (flags * 0xff);
    let written = if written_flags == taken {
        out[written..written + 8].copy_from_slice(&kept.to_le_bytes());
        written + take
    } else {
        write_runs(out, written, written_flags, kept)
    };
    // The flags of the words' first bytes, summed in the top byte.
    let began = ((flags & !before & taken).wrapping_mul(ONES) >> 56) as usize;
    (written, began, (flags >> (8 * (take - 1))) & 1 != 0)
}

/// Writes the bytes of `kept` that `written_flags` flags (0x01 in the
/// place of each) to `out` from `written`, where some are dropped (a run
/// of punctuation or spaces): each run of bytes written (a word's, and the
/// NUL after it) is written at once, from its first byte on; what is
/// written past its end is overwritten or cut. Returns where writing ends.
fn write_runs(out: &mut [u8], mut written: usize, written_flags: u64, kept: u64) -> usize {
    let mut runs = (written_flags.wrapping_mul(BYTE_FLAGS_TO_BITS) >> 56) as u32;
    while runs != 0 {
        let first = runs.trailing_zeros();
        let len = (!(runs >> first)).trailing_zeros();
        let piece = kept >> (8 * first);
        out[written..written + 8].copy_from_slice(&piece.to_le_bytes());
        written += len as usize;
        runs &= !(((1u32 << len) - 1) << first);
    }
    written
}

/// Multiplied by eight flags (0x00 or 0x01 in each byte), gathers them in
/// the top byte: byte `i`'s flag in its bit `i`.
const BYTE_FLAGS_TO_BITS: u64 = 0x0102_0408_1020_4080;

/// 0x01 in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// For eight ASCII bytes (little-endian in `eight`), 0x01 in the place of
/// each that is a letter or a digit and 0x00 elsewhere. No byte's sum
/// below carries into the next: every byte is under 0x80 and every
/// constant added to it at most 0x80.
fn ascii_word_flags(eight: u64) -> u64 {
    const HIGH: u64 = ONES * 0x80;
    debug_assert_eq!(eight & HIGH, 0, "ASCII bytes only");
    // 0x80 where a byte is at least `low` and at most `high`.
    let within = |bytes: u64, low: u64, high: u64| {
        (bytes + ONES * (0x80 - low)) & !(bytes + ONES * (0x7f - high)) & HIGH
    };
    let digits = within(eight, u64::from(b'0'), u64::from(b'9'));
    // Setting 0x20 makes capitals small letters (and nothing else a
    // letter: `@` and `[`..`` ` `` land outside `a`..`z`).
    let letters = within(eight | (ONES * 0x20), u64::from(b'a'), u64::from(b'z'));
    (digits | letters) >> 7
}

/// Reads events into words.
#[derive(Default)]
struct WordReader {
    read: Read,
    /// The words so far, each followed by a NUL.
    joined: Vec<u8>,
    /// How many words `joined` holds.
    count: usize,
    sections: Vec<SectionWords>,
    /// The bytes of `joined` each section covers.
    section_bytes: Vec<Range<usize>>,
    links: Vec<String>,
    /// The block being read ends in a word its next inline piece may go on
    /// (`**bold**ly`): the word's NUL is not written yet.
    open_word: bool,
    html: Html,
    /// An HTML piece's text between its tags, reused.
    html_text: String,
    anchors: Anchors,
    /// HTML anchor ids in or just before the heading being read.
    html_ids: PendingIds,
    heading: Option<HeadingRead>,
}

/// The heading a [`WordReader`] is reading.
struct HeadingRead {
    level: u8,
    /// Its explicit id (`{#id}`).
    id: Option<String>,
    /// Its text so far.
    text: String,
    /// The words, and the bytes of `joined`, before it.
    words_before: usize,
    bytes_before: usize,
}

impl WordReader {
    fn for_body(body: &str, read: Read) -> WordReader {
        WordReader {
            read,
            // A page's words with their NULs take about its text's length:
            // one allocation, where growing it block by block cost a third
            // of splitting the words on a real handbook's walk.
            joined: Vec::with_capacity(body.len() + 64),
            ..WordReader::default()
        }
    }

    /// Ends the block being read: its text becomes words.
    fn flush(&mut self) {
        if self.open_word {
            self.joined.push(0);
            self.open_word = false;
        }
        self.html = Html::Text;
    }

    /// A word that is not made of letters and digits (a checkbox).
    fn word(&mut self, word: &str) {
        self.joined.extend_from_slice(word.as_bytes());
        self.joined.push(0);
        self.count += 1;
    }

    fn text(&mut self, fragment: &str) {
        self.count += split_words_from(fragment, &mut self.joined, &mut self.open_word);
        if self.read == Read::Words {
            return;
        }
        if let Some(heading) = self.heading.as_mut() {
            heading.text.push_str(fragment);
        } else {
            self.html_ids.text(fragment);
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Code(text) => self.text(&text),
            Event::InlineHtml(raw) | Event::Html(raw) => {
                if self.read != Read::Words {
                    self.html_ids.html(&raw);
                }
                let mut kept = std::mem::take(&mut self.html_text);
                kept.clear();
                self.html.strip(&raw, &mut kept);
                self.count += split_words_from(&kept, &mut self.joined, &mut self.open_word);
                self.html_text = kept;
            }
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            Event::TaskListMarker(ticked) => {
                self.flush();
                self.word(if ticked { TICKED_BOX } else { OPEN_BOX });
            }
            // Rules, footnote references (footnotes are off) and math
            // (off) carry no words.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            // Inline: their text joins the block's.
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => {}
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                if self.read == Read::Everything {
                    self.links.push(dest_url.to_string());
                }
            }
            Tag::Heading { level, id, .. } => {
                self.flush();
                if self.read == Read::Words {
                    return;
                }
                self.heading = Some(HeadingRead {
                    level: level_number(level),
                    id: id.map(|id| id.to_string()),
                    text: String::new(),
                    words_before: self.count,
                    bytes_before: self.joined.len(),
                });
            }
            _ => self.flush(),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => {}
            TagEnd::Heading(_) => {
                self.flush();
                if let Some(heading) = self.heading.take() {
                    let (anchor, aliases) =
                        self.anchors
                            .names(heading.id, heading.text.trim(), self.html_ids.take());
                    self.sections.push(SectionWords {
                        anchor,
                        aliases,
                        level: heading.level,
                        words: heading.words_before..self.count,
                    });
                    self.section_bytes
                        .push(heading.bytes_before..self.joined.len());
                }
            }
            _ => self.flush(),
        }
    }
}

/// The words one version of a page lost and gained against another: a
/// short word diff for `why`. Common runs are left out; at most `limit`
/// words of each side are returned, with how many more there were.
pub(crate) struct WordDiff {
    pub removed: Vec<String>,
    pub added: Vec<String>,
    pub more_removed: usize,
    pub more_added: usize,
}

pub(crate) fn word_diff(old: &[String], new: &[String], limit: usize) -> WordDiff {
    let mut diff = WordDiff {
        removed: Vec::new(),
        added: Vec::new(),
        more_removed: 0,
        more_added: 0,
    };
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, old, new);
    for op in ops {
        for change in op.iter_changes(old, new) {
            let (side, more) = match change.tag() {
                similar::ChangeTag::Equal => continue,
                similar::ChangeTag::Delete => (&mut diff.removed, &mut diff.more_removed),
                similar::ChangeTag::Insert => (&mut diff.added, &mut diff.more_added),
            };
            if side.len() < limit {
                side.push(change.value().clone());
            } else {
                *more += 1;
            }
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worked_example_gives_its_words_and_sections() {
        let cases = crate::testing::substance_cases();
        assert!(cases.len() >= 20, "{} cases", cases.len());
        for case in cases {
            let name = &case.name;
            let substance = Substance::of(&case.markdown);
            assert_eq!(substance.words, case.words, "words of {name:?}");
            if !case.sections.is_empty() {
                let mut found: Vec<&str> = substance
                    .sections
                    .iter()
                    .map(|s| s.anchor.as_str())
                    .collect();
                found.sort_unstable();
                let expected: Vec<&str> = case.sections.keys().map(String::as_str).collect();
                assert_eq!(found, expected, "anchors of {name:?}");
            }
            for (anchor, words) in &case.sections {
                assert_eq!(
                    substance.section(anchor),
                    Some(words.as_slice()),
                    "section {anchor} of {name:?}"
                );
            }
        }
    }

    /// The copy in `tests/data/` is the shared file, when the shared
    /// directory is beside the checkout (it is in CI); the copy keeps the
    /// tests from depending on it.
    #[test]
    fn the_copy_of_the_vectors_matches_the_shared_file_when_present() {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/substance-vectors.json");
        let Ok(text) = std::fs::read_to_string(&shared) else {
            return;
        };
        let json = |text: &str| -> serde_json::Value {
            serde_json::from_str(text).expect("the vectors are JSON")
        };
        let copy = std::fs::read_to_string(crate::testing::substance_vectors_path())
            .expect("tests/data/substance-vectors.json");
        assert_eq!(
            json(&text),
            json(&copy),
            "tests/data/substance-vectors.json is out of date"
        );
    }

    #[test]
    fn digests_tell_sections_apart_and_ignore_formatting() {
        let a =
            Digest::of("# Team\n\n## Planning\n\nWe plan on\nMondays.\n\n## Execution\n\nShip.\n");
        let b = Digest::of(
            "Team\n====\n\nPlanning\n--------\n\nWe  plan on Mondays.   \n\n## Execution\n\n*Ship*.\n",
        );
        assert_eq!(a, b);
        let c =
            Digest::of("# Team\n\n## Planning\n\nWe plan on Tuesdays.\n\n## Execution\n\nShip.\n");
        assert_ne!(a.page, c.page);
        assert_ne!(a.section("planning"), c.section("planning"));
        assert_eq!(a.section("execution"), c.section("execution"));
        assert_eq!(a.section("missing"), None);
    }

    #[test]
    fn the_digest_hashes_the_word_list() {
        for text in [
            "",
            "# A\n\ntext\n\n## B\n\n- [ ] task\n\n# C\n",
            "plain *words*, `code` and <b>tags</b>\n",
        ] {
            assert_eq!(Substance::of(text).digest(), Digest::of(text), "{text:?}");
        }
    }

    #[test]
    fn similarity_counts_words_as_multisets() {
        let words = |text: &str| Substance::of(text).words;
        assert!((similarity(&words("a a b"), &words("a b b")) - 2.0 / 3.0).abs() < 1e-9);
        assert!((similarity(&words(""), &words("")) - 1.0).abs() < 1e-9);
        assert!(similarity(&words("a"), &words("")).abs() < 1e-9);
    }

    #[test]
    fn word_diffs_name_what_changed_and_stop_at_the_limit() {
        let words = |text: &str| Substance::of(text).words;
        let diff = word_diff(
            &words("we ship on Fridays"),
            &words("we ship on Mondays now"),
            10,
        );
        assert_eq!(diff.removed, ["Fridays"]);
        assert_eq!(diff.added, ["Mondays", "now"]);
        let diff = word_diff(&[], &words("one two three"), 2);
        assert_eq!((diff.added.len(), diff.more_added), (2, 1));
    }

    /// The words as the definition reads them, character by character: no
    /// shortcut for ASCII, no eight bytes at once.
    fn words_by_characters(text: &str) -> (Vec<u8>, usize) {
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        let joined = words.iter().flat_map(|w| w.bytes().chain([0])).collect();
        (joined, words.len())
    }

    proptest::proptest! {
        /// Splitting eight bytes at a time finds what reading character by
        /// character finds, wherever words, runs of separators and other
        /// scripts' characters fall against the eight-byte chunks, and
        /// after words already joined.
        #[test]
        fn words_split_eight_bytes_at_a_time_are_the_words_read_one_by_one(
            pieces in proptest::collection::vec(
                proptest::sample::select(&[
                    "a", "Z", "09", "word", "longerwords", " ", "  ", ", ", ".", "\n",
                    "_", "@", "[", "`", "{", "/", ":", "\u{7f}", "\0", "é", "ß",
                    "日本", "٣", "—", "\u{a0}", "x\u{301}", "🙂",
                ][..]),
                0..40,
            ),
            before in proptest::sample::select(&["", "already\0", "two\0words\0"][..]),
        ) {
            let text: String = pieces.concat();
            let mut joined = before.as_bytes().to_vec();
            let count = split_words(&text, &mut joined);
            let (expected, expected_count) = words_by_characters(&text);
            proptest::prop_assert_eq!(&joined[before.len()..], expected.as_slice());
            proptest::prop_assert_eq!(&joined[..before.len()], before.as_bytes());
            proptest::prop_assert_eq!(count, expected_count);
        }

        /// Split piece by piece, a word left open at a piece's end going
        /// on into the next, the pieces give the words of their text
        /// joined: a block's inline pieces are split as they come.
        #[test]
        fn words_split_piece_by_piece_are_the_words_of_the_pieces_joined(
            pieces in proptest::collection::vec(
                proptest::sample::select(&[
                    "a", "Z", "09", "word", "longerwords", " ", "  ", ", ", ".", "\n",
                    "_", "@", "`", "é", "日本", "—", "\u{a0}", "🙂", "eight ch", "ninechars",
                ][..]),
                0..40,
            ),
            cuts in proptest::collection::vec(0usize..40, 0..6),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|&cut| cut <= pieces.len()).collect();
            cuts.extend([0, pieces.len()]);
            cuts.sort_unstable();
            let (mut joined, mut count, mut open) = (Vec::new(), 0, false);
            for run in cuts.windows(2) {
                count += split_words_from(&pieces[run[0]..run[1]].concat(), &mut joined, &mut open);
            }
            if open {
                joined.push(0);
            }
            let (expected, expected_count) = words_by_characters(&pieces.concat());
            proptest::prop_assert_eq!(joined, expected);
            proptest::prop_assert_eq!(count, expected_count);
        }
    }

    proptest::proptest! {
        /// A line ending in a tab is found as reading the text line by
        /// line finds it, wherever tabs, spaces and both line endings fall.
        #[test]
        fn a_line_ending_in_a_tab_is_found_as_line_by_line(
            pieces in proptest::collection::vec(
                proptest::sample::select(&["a", " ", "\t", "\n", "\r", "\r\n", "é"][..]),
                0..24,
            ),
        ) {
            let text: String = pieces.concat();
            let by_lines = text
                .lines()
                .any(|line| line.trim_end_matches(' ').ends_with('\t'));
            proptest::prop_assert_eq!(ends_a_line_with_a_tab(&text), by_lines, "{:?}", text);
        }
    }

    /// Every ASCII byte is classified eight at a time as the table does one
    /// at a time, in every place of the eight.
    #[test]
    fn eight_ascii_bytes_are_classified_as_one_by_one() {
        for byte in 0..128u8 {
            for place in 0..8 {
                let mut eight = [b' '; 8];
                eight[place] = byte;
                let flags = ascii_word_flags(u64::from_le_bytes(eight));
                let expected = u64::from(ASCII_WORD[usize::from(byte)]) << (8 * place);
                assert_eq!(flags, expected, "byte {byte:#x} in place {place}");
            }
        }
    }

    /// Eight flags are gathered into a byte's bits in their places.
    #[test]
    fn byte_flags_gather_into_bits_in_place() {
        for bits in 0..=255u8 {
            let flags = (0..8).fold(0u64, |flags, place| {
                flags | (u64::from(bits >> place & 1) << (8 * place))
            });
            assert_eq!(
                flags.wrapping_mul(BYTE_FLAGS_TO_BITS) >> 56,
                u64::from(bits)
            );
        }
    }

    #[test]
    fn html_comments_may_span_lines_and_lone_angles_are_punctuation() {
        let substance = Substance::of("<!--\nhidden\nwords\n-->\n\nshown a < b\n");
        assert_eq!(substance.words, ["shown", "a", "b"]);
    }
}

/// Properties of the substance on generated pages: a small model of a page
/// (headings, paragraphs, lists and task items, tables; emphasis, links,
/// images, code spans) rendered in many styles. Formatting never changes
/// the digest; one word or checkbox changed always does; a section's digest
/// depends on its own words alone.
#[cfg(test)]
#[path = "substance_props.rs"]
mod props;
