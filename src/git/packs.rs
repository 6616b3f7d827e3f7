//! Objects read straight from the repository's pack files, with one cache
//! of delta bases that the walk's threads share.
//!
//! gix resolves a delta chain from its base every time, keeping only the
//! object it was asked for: the base at the bottom of a chain (a full
//! object, usually the newest version) and every delta between are
//! inflated again for each version above them. On a real handbook's pack
//! that is five times the inflating the walk needs, for trees and for
//! pages alike. Here every object a chain goes through is kept, by its
//! place in the pack, as git's own delta-base cache keeps them, so each is
//! inflated about once.
//!
//! Entries are inflated with libdeflate, whole (their sizes are in the
//! pack): inflating was a sixth of a real handbook's walk, mostly the fixed
//! cost of each small object's tables, and the walk took a tenth less time
//! than streaming them through zlib-rs.
//!
//! Anything this reader does not find or cannot decode (a loose object, an
//! alternate's, a pack written after the run began, a damaged entry) is
//! left to gix, so errors and what is found are exactly as before.

use std::cell::{Cell, RefCell};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};

use clru::{CLruCache, CLruCacheConfig, WeightScale};
use gix::objs::Kind;
use gix::odb::pack::{Bundle, data::entry::Header};

/// The packs of one repository, opened once for the whole walk.
pub(crate) struct Packs {
    bundles: Vec<Bundle>,
    /// For each pack, where each first byte's ids start in its index.
    fans: Vec<Fan>,
    /// The cache of delta bases, in shards by place: the walk's threads
    /// look up and keep bases all the time, and with one lock they waited
    /// on each other there (a fifth of a cold walk's sleeps on a real
    /// handbook).
    bases: Vec<Mutex<Bases>>,
    /// What each shard may hold, in bytes; an object larger than a quarter
    /// of it is not kept.
    capacity: usize,
}

/// How many shards the cache of delta bases is split into: a few per core
/// of the machines the walk runs on.
const BASE_SHARDS: usize = 8;

/// Decoded objects by (pack, entry offset), least recently used dropped
/// first once they hold more than a shard's share of [`BASES_BYTES`].
type Bases = CLruCache<(usize, u64), Decoded, foldhash::fast::RandomState, ByBytes>;

/// A decoded object: its kind and its bytes.
type Decoded = (Kind, Arc<Vec<u8>>);

/// What the delta-base cache may hold: enough for the trees of a walk and
/// most versions of the pages it compares. On a real handbook's walk, 4 to
/// 32 MiB took the same time (and the peak grew with it); with no cache the
/// walk took a quarter longer than with gix's own.
const BASES_BYTES: usize = 8 * 1024 * 1024;

/// An object larger than this (or than a quarter of a shard) is decoded
/// but not kept: one big file must not push out the many small versions
/// the walk comes back to.
const LARGEST_KEPT: usize = BASES_BYTES / 16;

/// Objects larger than this are left to gix (which reads them as it always
/// did): the walk reads trees, commits and pages, none of them this big.
const LARGEST_DECODED: u64 = 64 * 1024 * 1024;

/// Delta chains longer than this are left to gix: git writes at most 50
/// by default, and a chain of references by id could loop.
const LONGEST_CHAIN: usize = 4096;

/// More packs than this are left to gix: a repository that has not been
/// repacked in years is searched better by gix's own lookups.
const MOST_PACKS: usize = 64;

struct ByBytes;

impl WeightScale<(usize, u64), Decoded> for ByBytes {
    fn weight(&self, _key: &(usize, u64), value: &Decoded) -> usize {
        // The bytes held (with the room inflating them left) and what
        // holding them costs besides.
        value.1.capacity() + 64
    }
}

impl Packs {
    /// Opens every pack in `objects/pack`: the ones that cannot be opened,
    /// or whose index's fan-out table does not agree with it, are left to
    /// gix.
    pub(crate) fn open(objects_dir: &Path, hash: gix::hash::Kind) -> Packs {
        Packs::open_keeping(objects_dir, hash, BASES_BYTES)
    }

    /// [`Packs::open`], keeping `bytes` of delta bases at most.
    fn open_keeping(objects_dir: &Path, hash: gix::hash::Kind, bytes: usize) -> Packs {
        let (mut bundles, mut fans) = (Vec::new(), Vec::new());
        if let Ok(entries) = std::fs::read_dir(objects_dir.join("pack")) {
            let mut indexes: Vec<_> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
                .take(MOST_PACKS + 1)
                .collect();
            if indexes.len() <= MOST_PACKS {
                // The same order on every run.
                indexes.sort();
                (bundles, fans) = indexes
                    .iter()
                    .filter_map(|index| {
                        let bundle = Bundle::at(index, hash).ok()?;
                        let fan = Fan::read(&bundle.index)?;
                        Some((bundle, fan))
                    })
                    .unzip();
            }
        }
        let capacity = NonZeroUsize::new(bytes / BASE_SHARDS).unwrap_or(NonZeroUsize::MIN);
        let shard = || {
            Mutex::new(CLruCache::with_config(
                CLruCacheConfig::new(capacity)
                    .with_hasher(foldhash::fast::RandomState::default())
                    .with_scale(ByBytes),
            ))
        };
        Packs {
            bundles,
            fans,
            capacity: capacity.get(),
            bases: (0..BASE_SHARDS).map(|_| shard()).collect(),
        }
    }

    /// The shard that keeps the object at `key`.
    fn shard(&self, (pack, offset): (usize, u64)) -> &Mutex<Bases> {
        // Fibonacci hashing: neighbouring offsets land in different shards.
        let mixed = (offset ^ pack as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        &self.bases[mixed as usize % self.bases.len()]
    }

    fn kept(&self, key: (usize, u64)) -> Option<Decoded> {
        self.shard(key).lock().ok()?.get(&key).cloned()
    }

    fn keep(&self, key: (usize, u64), (kind, object): (Kind, &Arc<Vec<u8>>)) {
        if object.len() > LARGEST_KEPT.min(self.capacity / 4) {
            return;
        }
        if let Ok(mut bases) = self.shard(key).lock() {
            // Too heavy to keep: nothing is lost but time.
            let _ = bases.put_with_weight(key, (kind, Arc::clone(object)));
        }
    }
}

/// One thread's reader of the shared packs.
pub(crate) struct PackReader {
    packs: Arc<Packs>,
    inflater: RefCell<libdeflater::Decompressor>,
    /// The pack the last object was found in: a walk's objects are mostly
    /// in one.
    last: Cell<usize>,
    /// A delta's instructions, inflated.
    delta: RefCell<Vec<u8>>,
    /// How many pack entries were inflated.
    inflated: Cell<usize>,
}

impl PackReader {
    pub(crate) fn new(packs: Arc<Packs>) -> PackReader {
        PackReader {
            packs,
            inflater: RefCell::new(libdeflater::Decompressor::new()),
            last: Cell::new(0),
            delta: RefCell::default(),
            inflated: Cell::new(0),
        }
    }

    /// A reader of the same packs for another thread.
    pub(crate) fn another(&self) -> PackReader {
        PackReader::new(Arc::clone(&self.packs))
    }

    /// Reads object `id` into `out`, if a pack has it and it decodes; its
    /// kind then.
    pub(crate) fn find(&self, id: &gix::hash::oid, out: &mut Vec<u8>) -> Option<Kind> {
        let (pack, offset) = self.locate(id)?;
        self.decode(pack, offset, out)
    }

    /// The pack that holds `id`, and where.
    fn locate(&self, id: &gix::hash::oid) -> Option<(usize, u64)> {
        let count = self.packs.bundles.len();
        let first = self.last.get();
        for pack in (first..count).chain(0..first.min(count)) {
            let bundle = &self.packs.bundles[pack];
            let Some(index) = self.packs.fans[pack].lookup(&bundle.index, id) else {
                continue;
            };
            self.last.set(pack);
            return Some((pack, bundle.index.pack_offset_at_index(index)));
        }
        None
    }

    /// Decodes the object at `offset` in `pack` into `out`: its delta
    /// chain followed down to a base or to an object kept, then applied
    /// upwards. Every object the chain went through is kept, as git keeps
    /// delta bases; the one asked for is not (most are never a base, and
    /// keeping them all held three times the bytes for the same reads).
    fn decode(&self, pack: usize, offset: u64, out: &mut Vec<u8>) -> Option<Kind> {
        let bundle = &self.packs.bundles[pack];
        let data = &bundle.pack;
        let mut chain = Vec::new();
        let mut entry = data.entry(offset).ok()?;
        let mut inflate = self.inflater.borrow_mut();
        let (kind, mut base) = loop {
            if entry.decompressed_size > LARGEST_DECODED || chain.len() > LONGEST_CHAIN {
                return None;
            }
            if let Some(kept) = self.packs.kept((pack, entry.data_offset)) {
                if chain.is_empty() {
                    // Asked for again, after serving as a base.
                    out.clear();
                    out.extend_from_slice(&kept.1);
                    return Some(kept.0);
                }
                break kept;
            }
            let below = match entry.header {
                Header::OfsDelta { base_distance } => {
                    entry.checked_base_pack_offset(base_distance)?
                }
                // A thin pack's base elsewhere is left to gix.
                Header::RefDelta { base_id } => self.packs.fans[pack]
                    .lookup(&bundle.index, &base_id)
                    .map(|index| bundle.index.pack_offset_at_index(index))?,
                header => {
                    let kind = header.as_kind()?;
                    let size = usize::try_from(entry.decompressed_size).ok()?;
                    self.inflated.set(self.inflated.get() + 1);
                    if chain.is_empty() {
                        inflate_entry(data, &entry, &mut inflate, out, size)?;
                        return Some(kind);
                    }
                    let mut object = Vec::new();
                    inflate_entry(data, &entry, &mut inflate, &mut object, size)?;
                    let object = Arc::new(object);
                    self.packs.keep((pack, entry.data_offset), (kind, &object));
                    break (kind, object);
                }
            };
            chain.push(entry);
            entry = data.entry(below).ok()?;
        };
        self.inflated.set(self.inflated.get() + chain.len());
        let mut delta = self.delta.borrow_mut();
        for (position, entry) in chain.iter().enumerate().rev() {
            let size = usize::try_from(entry.decompressed_size).ok()?;
            inflate_entry(data, entry, &mut inflate, &mut delta, size)?;
            if position == 0 {
                apply_delta(&base, &delta, LARGEST_DECODED, out)?;
                return Some(kind);
            }
            let mut object = Vec::new();
            apply_delta(&base, &delta, LARGEST_DECODED, &mut object)?;
            base = Arc::new(object);
            self.packs.keep((pack, entry.data_offset), (kind, &base));
        }
        None
    }
}

/// Where the ids starting with each byte begin in a pack's index, and the
/// end: the index's own fan-out table, read from its header; and, for a
/// first byte looked up often, the same table for the second byte.
struct Fan {
    first: [u32; 257],
    /// For each first byte: lookups so far, until its second-byte table
    /// is built.
    asked: [AtomicU32; 256],
    /// For each first byte: where the ids with each second byte begin.
    second: [OnceLock<Box<[u32; 257]>>; 256],
    /// [`SCAN_AFTER`] and [`SCAN_AT_LEAST`]; tests scan at once.
    scan_after: u32,
    scan_at_least: u32,
}

/// Positions guessed from an id's value before halving: ids are uniform,
/// so a guess or two lands next to the id; an index made to defeat
/// guessing costs these probes more than halving alone, no more.
const GUESSES: u32 = 3;

/// Lookups of one first byte before its second-byte table is built. A
/// cold walk of a real handbook (49,000 lookups in a pack of 260,000 ids)
/// spent 7 % of its time in the three or four probes a lookup took, each
/// a cache miss; one scan of the byte's ids (20 KiB there) makes every
/// later lookup one probe or two. A short walk never builds one.
const SCAN_AFTER: u32 = 8;

/// First bytes with fewer ids than this are searched as they are: a
/// probe or two finds an id among them already.
const SCAN_AT_LEAST: u32 = 64;

impl Fan {
    /// The fan-out table an index file starts with (after the version 2
    /// header), if it is consistent with the index gix opened. Finding it
    /// with lookups instead touched a thousand pages of a real handbook's
    /// index, a dozen milliseconds before the first commit was read.
    fn read(index: &gix::odb::pack::index::File) -> Option<Fan> {
        use std::io::Read as _;
        let mut head = [0u8; 8 + 256 * 4];
        std::fs::File::open(index.path())
            .ok()?
            .read_exact(&mut head)
            .ok()?;
        let table = match head.split_at(8) {
            ([0xff, b't', b'O', b'c', 0, 0, 0, 2], _) => &head[8..],
            _ => &head[..256 * 4],
        };
        let mut first = [0u32; 257];
        for (byte, count) in table.chunks_exact(4).enumerate() {
            // Ids starting with `byte` or less: where the next byte's begin.
            first[byte + 1] = u32::from_be_bytes(count.try_into().ok()?);
        }
        let ordered = first.windows(2).all(|pair| pair[0] <= pair[1]);
        (ordered && first[256] == index.num_objects()).then(|| Fan {
            first,
            asked: std::array::from_fn(|_| AtomicU32::new(0)),
            second: std::array::from_fn(|_| OnceLock::new()),
            scan_after: SCAN_AFTER,
            scan_at_least: SCAN_AT_LEAST,
        })
    }

    /// The position of `id` in `index`. gix halves the range of its first
    /// byte ten times or so on a real pack, each probe a likely cache
    /// miss; here the range is narrowed by the second byte too where that
    /// table is built, and the first probes guess from the id's value (as
    /// a dictionary is opened near the word), then halve.
    fn lookup(&self, index: &gix::odb::pack::index::File, id: &gix::hash::oid) -> Option<u32> {
        let byte = usize::from(id.first_byte());
        let (mut low, mut high) = (self.first[byte], self.first[byte + 1]);
        // The values just below `low` and at `high`, as far as known.
        let (mut low_value, mut high_value) = ((byte as u64) << 56, u64::MAX);
        if byte < 255 {
            high_value = ((byte as u64 + 1) << 56) - 1;
        }
        if let Some(second) = self.second_bytes(index, byte, low, high) {
            let next = usize::from(id.as_bytes().get(1).copied().unwrap_or(0));
            (low, high) = (second[next], second[next + 1]);
            low_value = (byte as u64) << 56 | (next as u64) << 48;
            high_value = low_value | ((1 << 48) - 1);
        }
        let target = leading(id);
        let mut probes = 0;
        while low < high {
            let mid = if probes < GUESSES && high - low > 2 && high_value > low_value {
                let span = u128::from(high_value - low_value);
                let offset =
                    u128::from(target.saturating_sub(low_value)) * u128::from(high - low) / span;
                low + u32::try_from(offset)
                    .unwrap_or(u32::MAX)
                    .min(high - low - 1)
            } else {
                u32::midpoint(low, high)
            };
            probes += 1;
            let there = index.oid_at_index(mid);
            let value = leading(there);
            let order = target.cmp(&value).then_with(|| id.cmp(there));
            match order {
                std::cmp::Ordering::Less => {
                    high = mid;
                    high_value = value;
                }
                std::cmp::Ordering::Equal => return Some(mid),
                std::cmp::Ordering::Greater => {
                    low = mid + 1;
                    low_value = value;
                }
            }
        }
        None
    }

    /// The second-byte table of the ids from `low` to `high` (those
    /// starting with `byte`), once they have been looked up often enough
    /// to be worth one scan.
    fn second_bytes(
        &self,
        index: &gix::odb::pack::index::File,
        byte: usize,
        low: u32,
        high: u32,
    ) -> Option<&[u32; 257]> {
        if let Some(table) = self.second[byte].get() {
            return Some(table);
        }
        if high - low < self.scan_at_least
            || self.asked[byte].fetch_add(1, Relaxed) < self.scan_after
        {
            return None;
        }
        let table = self.second[byte].get_or_init(|| {
            let mut table = Box::new([0u32; 257]);
            for position in low..high {
                let next = index.oid_at_index(position).as_bytes().get(1).copied();
                table[usize::from(next.unwrap_or(0)) + 1] += 1;
            }
            table[0] = low;
            for next in 1..257 {
                table[next] += table[next - 1];
            }
            table
        });
        Some(table)
    }
}

/// An id's first eight bytes as a number, for guessing where it is.
fn leading(id: &gix::hash::oid) -> u64 {
    id.as_bytes()
        .iter()
        .take(8)
        .fold(0, |value, &byte| value << 8 | u64::from(byte))
}

/// Inflates pack entry `entry` into `out`, which is then `size` bytes
/// long: the stream must be exactly that.
///
/// libdeflate decodes with its fast loop only while the output has room
/// past where it writes for a whole step of it ([`INFLATE_ROOM`]); an
/// output exactly the object's size left most of a small object (a tree's
/// delta is about a hundred bytes) to its careful loop, symbol by symbol
/// (a real handbook's cold walk: 311 M instructions in libdeflate's
/// decoder, 260 M with the room).
fn inflate_entry(
    data: &gix::odb::pack::data::File,
    entry: &gix::odb::pack::data::Entry,
    inflater: &mut libdeflater::Decompressor,
    out: &mut Vec<u8>,
    size: usize,
) -> Option<()> {
    let input = data.entry_slice(entry.data_offset..data.pack_end() as u64)?;
    out.clear();
    out.resize(size.checked_add(INFLATE_ROOM)?, 0);
    let written = inflater.zlib_decompress(input, out).ok()?;
    out.truncate(written);
    (written == size).then_some(())
}

/// Room libdeflate's fast loop needs past what it writes: two literals,
/// a longest match, and the words its copies overrun by
/// (`FASTLOOP_MAX_BYTES_WRITTEN` in its `deflate_decompress.c`, 299 bytes
/// where words are eight).
const INFLATE_ROOM: usize = 2 + 258 + 5 * 8;

/// Applies a git delta (`delta`: the sizes, then copy and insert
/// instructions) to `base`. None when the delta does not fit the base or
/// says the result is larger than `largest`. The result is written to
/// `out`.
fn apply_delta(base: &[u8], delta: &[u8], largest: u64, out: &mut Vec<u8>) -> Option<()> {
    let mut at = 0;
    let base_size = delta_size(delta, &mut at)?;
    let result_size = delta_size(delta, &mut at)?;
    if base_size != base.len() as u64 || result_size > largest {
        return None;
    }
    out.clear();
    out.reserve(usize::try_from(result_size).ok()?);
    while at < delta.len() {
        let command = delta[at];
        at += 1;
        if command & 0x80 != 0 {
            // Copy from the base: the offset's and the size's bytes are
            // present where their bits in the command are set.
            let mut read = |bits: u8, shift: u32, acc: &mut usize| -> Option<()> {
                if command & bits != 0 {
                    *acc |= usize::from(*delta.get(at)?) << shift;
                    at += 1;
                }
                Some(())
            };
            let (mut offset, mut size) = (0usize, 0usize);
            for (bit, shift) in [(0x01, 0), (0x02, 8), (0x04, 16), (0x08, 24)] {
                read(bit, shift, &mut offset)?;
            }
            for (bit, shift) in [(0x10, 0), (0x20, 8), (0x40, 16)] {
                read(bit, shift, &mut size)?;
            }
            if size == 0 {
                size = 0x10000;
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(size)?)?);
        } else if command != 0 {
            // Insert the next `command` bytes of the delta.
            let size = usize::from(command);
            out.extend_from_slice(delta.get(at..at + size)?);
            at += size;
        } else {
            // Reserved by git.
            return None;
        }
        if out.len() as u64 > result_size {
            return None;
        }
    }
    (out.len() as u64 == result_size).then_some(())
}

/// A size at the start of a delta: seven bits a byte, least significant
/// first, the high bit saying another byte follows.
fn delta_size(delta: &[u8], at: &mut usize) -> Option<u64> {
    let mut size = 0u64;
    let mut shift = 0;
    loop {
        let byte = *delta.get(*at)?;
        *at += 1;
        size |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(size);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gix::objs::Find as _;
    use std::fmt::Write as _;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .env("GIT_AUTHOR_DATE", "2026-01-05T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-05T00:00:00Z")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// A repository of four pages in 60 versions each, packed in delta
    /// chains up to 50 deep.
    fn deltified_repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        let mut text = String::new();
        for version in 0..60 {
            for page in 0..4 {
                writeln!(text, "Line {version} of page {page}, with words.").expect("a string");
                let dir = root.join(format!("team{}", page % 2));
                std::fs::create_dir_all(&dir).expect("dir");
                std::fs::write(dir.join(format!("page{page}.md")), &text).expect("write");
            }
            git(root, &["add", "-A"]);
            git(root, &["commit", "-q", "-m", &format!("version {version}")]);
        }
        git(root, &crate::testing::DEEP_REPACK);
        dir
    }

    /// Every object of a pack with deep delta chains decodes here, and to
    /// the bytes gix reads: nothing is left to gix that it should not be,
    /// and the cache of bases (read in every order: the index's, then
    /// reversed, with a cache too small for all) never serves a wrong one.
    #[test]
    fn every_object_of_a_deltified_pack_decodes_as_gix_reads_it() {
        let dir = deltified_repo();
        let root = dir.path();
        let repo = gix::open(root).expect("open");
        let objects = root.join(".git/objects");
        // Room for every base, then for a few: bases are dropped and
        // decoded again.
        for bytes in [BASES_BYTES, 8 * 1024] {
            let packs = Arc::new(Packs::open_keeping(&objects, repo.object_hash(), bytes));
            assert_eq!(packs.bundles.len(), 1);
            let bundle = &packs.bundles[0];
            let ids: Vec<_> = bundle.index.iter().map(|e| e.oid).collect();
            let deltas = bundle
                .index
                .iter()
                .filter(|e| {
                    bundle
                        .pack
                        .entry(e.pack_offset)
                        .is_ok_and(|e| e.header.is_delta())
                })
                .count();
            // The commits are whole; most trees and pages are deltas.
            assert!(
                ids.len() > 400 && deltas > ids.len() / 3,
                "{deltas} of {}",
                ids.len()
            );
            let reader = PackReader::new(Arc::clone(&packs));
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            for id in ids.iter().chain(ids.iter().rev()) {
                let kind = reader.find(id, &mut ours).expect("decoded here");
                let expected = repo
                    .objects
                    .try_find(id, &mut theirs)
                    .expect("read")
                    .expect("found");
                assert_eq!(kind, expected.kind, "{id}");
                assert!(ours == expected.data, "{id}");
            }
            let kept: usize = (packs.bases.iter())
                .map(|shard| shard.lock().expect("lock").weight())
                .sum();
            assert!(kept > 0 && kept <= bytes, "{kept} of {bytes}");
            // With room for every base, each entry is inflated about once
            // a pass (without the cache: once for every object above it
            // in its chain as well).
            if bytes == BASES_BYTES {
                assert!(
                    reader.inflated.get() <= 2 * ids.len(),
                    "{}",
                    reader.inflated.get()
                );
            }
            // The header's fan-out table: where each first byte's ids begin.
            let mut expected = [0u32; 257];
            for id in &ids {
                expected[usize::from(id.first_byte()) + 1] += 1;
            }
            for byte in 1..257 {
                expected[byte] += expected[byte - 1];
            }
            assert_eq!(
                Fan::read(&bundle.index).map(|fan| fan.first),
                Some(expected)
            );
            // Ids next to every listed one are not found; every listed one
            // is found where gix finds it: guessing, and narrowed by the
            // second byte (the table built at the first lookup).
            let listed: std::collections::HashSet<_> = ids.iter().copied().collect();
            let mut scanning = Fan::read(&bundle.index).expect("a fan-out table");
            (scanning.scan_after, scanning.scan_at_least) = (0, 0);
            for fan in [&packs.fans[0], &scanning] {
                for id in &ids {
                    for (byte, bit) in [(19, 1), (1, 0x80)] {
                        let mut near = *id;
                        near.as_mut_slice()[byte] ^= bit;
                        assert_eq!(
                            fan.lookup(&bundle.index, &near).is_some(),
                            listed.contains(&near)
                        );
                    }
                    assert_eq!(fan.lookup(&bundle.index, id), bundle.index.lookup(id));
                }
            }
            assert!(scanning.second.iter().any(|table| table.get().is_some()));
            // An object no pack has is left to gix.
            assert_eq!(reader.find(&gix::hash::Kind::Sha1.null(), &mut ours), None);
        }
    }

    /// An entry inflates to exactly the size its header gives, or not at
    /// all: with room left past that size for libdeflate's fast loop, a
    /// stream longer than the size says is still refused, as is a shorter.
    #[test]
    fn an_entry_inflates_to_its_size_or_not_at_all() {
        let dir = deltified_repo();
        let repo = gix::open(dir.path()).expect("open");
        let packs = Packs::open(&dir.path().join(".git/objects"), repo.object_hash());
        let bundle = &packs.bundles[0];
        let mut inflater = libdeflater::Decompressor::new();
        let mut out = Vec::new();
        let mut checked = 0;
        for listed in bundle.index.iter() {
            let entry = bundle.pack.entry(listed.pack_offset).expect("an entry");
            let size = usize::try_from(entry.decompressed_size).expect("a size");
            let inflated = inflate_entry(&bundle.pack, &entry, &mut inflater, &mut out, size);
            assert!(inflated.is_some() && out.len() == size, "{}", listed.oid);
            for wrong in [size.wrapping_sub(1), size + 1, size + INFLATE_ROOM] {
                let inflated = inflate_entry(&bundle.pack, &entry, &mut inflater, &mut out, wrong);
                assert!(inflated.is_none(), "{} as {wrong} bytes", listed.oid);
            }
            checked += 1;
        }
        assert!(checked > 400, "{checked}");
    }

    /// A damaged pack never yields wrong bytes: each object either decodes
    /// to what it was, or is left to gix (which says what is wrong).
    #[test]
    fn a_damaged_pack_is_left_to_gix_rather_than_misread() {
        let dir = deltified_repo();
        let root = dir.path();
        let repo = gix::open(root).expect("open");
        let mut originals = Vec::new();
        for entry in repo.objects.iter().expect("objects") {
            let id = entry.expect("an id");
            let mut data = Vec::new();
            let kind = repo
                .objects
                .try_find(&id, &mut data)
                .expect("read")
                .expect("found")
                .kind;
            originals.push((id, kind, data));
        }
        let pack_dir = root.join(".git/objects/pack");
        let pack = std::fs::read_dir(&pack_dir)
            .expect("pack dir")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|ext| ext == "pack"))
            .expect("a pack");
        let mut bytes = std::fs::read(&pack).expect("pack");
        // Every 97th byte past the header, in entries' headers and streams.
        for at in (12..bytes.len() - 20).step_by(97) {
            bytes[at] ^= 0x55;
        }
        std::fs::write(&pack, &bytes).expect("write");
        let packs = Arc::new(Packs::open(&root.join(".git/objects"), repo.object_hash()));
        let reader = PackReader::new(packs);
        let (mut decoded, mut out) = (0, Vec::new());
        for (id, kind, data) in &originals {
            if let Some(found) = reader.find(id, &mut out) {
                assert_eq!((found, &out), (*kind, data), "{id}");
                decoded += 1;
            }
        }
        // The damage was found.
        assert!(decoded < originals.len(), "{decoded}");
    }

    #[test]
    fn a_delta_copies_and_inserts_and_checks_its_sizes() {
        let base = b"hello, world";
        // base 12, result 13: copy 0..5 ("hello"), insert " new", copy
        // 6..12 (" world") less its first byte... laid out by hand.
        let mut delta = vec![12, 15];
        delta.extend([0x80 | 0x10, 5]); // copy offset 0, size 5
        delta.extend([4]);
        delta.extend(b" new");
        delta.extend([0x80 | 0x01 | 0x10, 6, 6]); // copy offset 6, size 6
        let apply = |base: &[u8], delta: &[u8], largest| {
            let mut out = Vec::new();
            apply_delta(base, delta, largest, &mut out).map(|()| out)
        };
        assert_eq!(
            apply(base, &delta, 1 << 20).as_deref(),
            Some(&b"hello new world"[..])
        );
        // A base of another size, a copy past the base, a result larger
        // than promised or than allowed: none of them decode.
        assert_eq!(apply(b"hello", &delta, 1 << 20), None);
        let past = [12, 5, 0x80 | 0x01 | 0x10, 10, 5];
        assert_eq!(apply(base, &past, 1 << 20), None);
        let mut long = delta.clone();
        long[1] = 14;
        assert_eq!(apply(base, &long, 1 << 20), None);
        assert_eq!(apply(base, &delta, 10), None);
        // A truncated instruction, and git's reserved command 0.
        assert_eq!(apply(base, &[12, 1, 0x80 | 0x01], 1 << 20), None);
        assert_eq!(apply(base, &[12, 1, 0], 1 << 20), None);
    }
}
