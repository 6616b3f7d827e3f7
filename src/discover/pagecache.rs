//! The handbook's pages as the last run read them: which files there are,
//! their text and their parse, kept in `.git/handbook-lint/pages.bin` so a
//! run reads and parses only what changed since, as `git status` trusts its
//! index for files whose `stat` did not change.
//!
//! - The listing (which pages exist) is reused when no directory the walk
//!   entered changed (a directory's modification time changes when an entry
//!   is added, removed or renamed in it) and no ignore file that shaped the
//!   walk changed; otherwise the handbook is walked again.
//! - A page is reused when its stamp (size, times, inode, mode) is the one
//!   recorded and it had settled (see [`crate::discover::stamp::FINE_TICK`]) when it was
//!   read; otherwise it is read and parsed again. Symbolic links and files
//!   that could not be read are always read again.
//! - The pages' texts are kept apart, in `page-texts.bin`, read only by a
//!   run that needs them (`check` shows them; `pages` does not): they are
//!   most of the bytes. The snapshot records the texts file's length and
//!   CRC-32, so texts from another snapshot are never taken for its own.
//! - The files are written only when something changed, atomically, and
//!   are checked like every cache file (see [`crate::history::cache`]); a
//!   damaged or foreign one is ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::base::finding::Finding;
use crate::base::framed;
use crate::base::fsread::Confinement;
use crate::discover::stamp::{self, FileStamp};
use crate::discover::{self, Listed, SourceFile, Unreadable};
use crate::parse::substance::Digest;
use crate::parse::{self, Document, ParseProblem};

const FILE_NAME: &str = "pages.bin";
/// The cached pages' texts, apart: a run that only lists pages (`pages`)
/// never reads them, and they are most of the bytes (5.6 of 6.9 MB on an
/// 880-page handbook).
const TEXTS_FILE_NAME: &str = "page-texts.bin";
// 3: headings carry their aliases (kramdown, GitLab, HTML anchors).
// 4: the texts in a file of their own.
// 5: a page's body may be left unread (`Document::body_read`).
const FORMAT: u32 = 5;
/// Below this many files, reading and parsing on one thread is faster than
/// sharing the work out.
const PARALLEL_FILES: usize = 256;
/// The cache is rewritten when more pages than this were read again (or
/// more directories listed again): fewer cost less to read again next time
/// than the cache to write now.
const REWRITE_AFTER: usize = 32;

/// A page read and parsed.
#[derive(Debug, Clone)]
pub(crate) struct LoadedPage {
    pub file: SourceFile,
    pub doc: Document,
    pub problems: Vec<ParseProblem>,
}

/// The pages, what could not be read, and how the cache served.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub pages: Vec<LoadedPage>,
    pub findings: Vec<Finding>,
    /// For `--verbose`: "12 of 625 pages read, listing reused".
    pub status: String,
}

/// Where the walk's behaviour comes from, besides the handbook itself.
pub(crate) struct PageWalk<'a> {
    pub root: &'a Path,
    pub handbook: &'a str,
    pub ignore: &'a GlobSet,
    /// The `ignore:` globs as written: part of the cache key.
    pub ignore_patterns: &'a [String],
    /// Which files are pages (`page-extensions`): part of the cache key.
    pub extensions: &'a discover::PageExtensions,
    /// Where `info/exclude` lives (the common git directory).
    pub git_common_dir: &'a Path,
    /// Where a page's symbolic link may lead.
    pub confinement: &'a Confinement,
    /// Given each page read and parsed here, with its substance digest
    /// (from the same parse): the history walk beside it need not parse
    /// that version again.
    pub offer: Option<Offer<'a>>,
    /// Which pages' bodies are read (by path); without it, every page's.
    /// The others have their front matter read alone, and their text is
    /// not kept (here or in the cache's texts).
    pub needs_body: Option<NeedsBody<'a>>,
}

/// Takes a page's path: whether its body is read.
pub(crate) type NeedsBody<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// Takes a page's text and its substance digest.
pub(crate) type Offer<'a> = &'a (dyn Fn(&str, Digest) + Sync);

/// A page as cached: generic over how the parse is held, so a snapshot is
/// written from borrowed parses (`&Document`) and read into owned ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedContent<D = Document, P = Vec<ParseProblem>> {
    stamp: FileStamp,
    /// Where the text is in the texts file: a run that only lists pages
    /// (`pages`) never reads it.
    text: (u32, u32),
    doc: D,
    problems: P,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedFile<C = CachedContent> {
    path: String,
    is_symlink: bool,
    /// `None` for what is always read again.
    content: Option<C>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedDir {
    path: String,
    stamp: FileStamp,
    /// The ignore files in it, with their stamps.
    ignore_files: Vec<(String, FileStamp)>,
    /// Every name in it (and whether it is a directory), hidden and ignored
    /// ones too: a directory whose files were replaced (a checkout, an
    /// editor saving by rename) changes its time but not its names, and
    /// then holds the same pages.
    names: Vec<(String, bool)>,
}

/// The texts file a snapshot was written with: its payload's length and
/// CRC-32. A texts file from another snapshot (two runs at once, a write
/// that failed half way) is told apart and not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct TextsSeal {
    len: u64,
    crc: u32,
}

impl TextsSeal {
    /// No texts: what a run without a snapshot has.
    const NONE: TextsSeal = TextsSeal { len: 0, crc: 0 };

    /// The seal of a texts file as read (its frame's checksum was checked).
    fn of(framed: &framed::Framed) -> TextsSeal {
        TextsSeal {
            len: framed.payload().len() as u64,
            crc: framed.crc(),
        }
    }
}

/// The cached texts, read when a run needs them.
enum Texts {
    NotRead,
    /// Damaged, gone, or not the file the snapshot was written with.
    Unusable,
    Read(framed::Framed),
}

impl Texts {
    /// Reads the texts file in `dir`, once, if it is the one `seal` names.
    fn load(&mut self, dir: Option<&Path>, seal: TextsSeal) {
        if matches!(self, Texts::NotRead) {
            *self = dir
                .and_then(|dir| framed::read_framed(dir, TEXTS_FILE_NAME).ok())
                .filter(|framed| TextsSeal::of(framed) == seal)
                .map_or(Texts::Unusable, Texts::Read);
        }
    }

    /// The texts read, if [`Texts::load`] found the file the snapshot was
    /// written with; none otherwise (and every cached page is read again
    /// where its text is needed).
    fn loaded(&self) -> &[u8] {
        match self {
            Texts::Read(framed) => framed.payload(),
            Texts::NotRead | Texts::Unusable => &[],
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Snapshot<F = CachedFile> {
    format: u32,
    key: String,
    /// When the stamps were taken: only files settled before this are
    /// trusted.
    taken: (i64, u32),
    /// Ignore files outside the walked directories (above the handbook,
    /// `info/exclude`) and the handbook directory itself: present or not.
    context: Vec<(String, Option<FileStamp>)>,
    dirs: Vec<CachedDir>,
    files: Vec<F>,
    /// The texts file holding every cached page's text, one after the
    /// other.
    texts: TextsSeal,
}

const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

fn key(walk: &PageWalk) -> String {
    let mut patterns = walk.ignore_patterns.to_vec();
    patterns.sort();
    format!(
        "v{};root:{};handbook:{};extensions:{};ignore:{}",
        env!("CARGO_PKG_VERSION"),
        walk.root.display(),
        walk.handbook,
        walk.extensions.as_slice().join(","),
        patterns.join("\u{1f}")
    )
}

/// The files outside the walked directories that decide what the walk
/// sees.
fn context_paths(walk: &PageWalk) -> Vec<PathBuf> {
    let mut paths = vec![walk.git_common_dir.join("info").join("exclude")];
    let mut dir = walk.root.to_path_buf();
    // The repository root and every directory down to the handbook's
    // parent hold ignore files that apply to it.
    for part in walk.handbook.split('/').filter(|p| !p.is_empty()) {
        for name in IGNORE_FILES {
            paths.push(dir.join(name));
        }
        dir.push(part);
    }
    paths
}

fn handbook_dir(walk: &PageWalk) -> PathBuf {
    walk.root.join(walk.handbook)
}

fn stamp_context(walk: &PageWalk) -> Vec<(String, Option<FileStamp>)> {
    context_paths(walk)
        .into_iter()
        .map(|path| {
            let stamp = stamp::stat(&path);
            (path.to_string_lossy().into_owned(), stamp)
        })
        .collect()
}

/// How much of the listing the snapshot holds is still what a walk would
/// find.
enum ListingCheck {
    Holds,
    /// These directories changed (an entry added, removed or renamed in
    /// them, or they are gone): list them again, and nothing else.
    Relist(Vec<String>),
    /// An ignore file changed: what every directory holds may have.
    Walk,
}

fn check_listing(snapshot: &Snapshot, walk: &PageWalk) -> ListingCheck {
    let settled = |stamp: &FileStamp| stamp.settled_before(snapshot.taken);
    let context_holds = snapshot.context.iter().all(|(path, recorded)| {
        let now = stamp::stat(Path::new(path));
        now == *recorded && recorded.as_ref().is_none_or(settled)
    });
    if !context_holds || (snapshot.dirs.is_empty() && stamp::stat(&handbook_dir(walk)).is_some()) {
        return ListingCheck::Walk;
    }
    let mut changed = Vec::new();
    for dir in &snapshot.dirs {
        let path = walk.root.join(&dir.path);
        let ignore_files_hold = dir.ignore_files.iter().all(|(name, recorded)| {
            stamp::stat(&path.join(name)) == Some(*recorded) && settled(recorded)
        });
        if !ignore_files_hold {
            return ListingCheck::Walk;
        }
        if stamp::stat(&path) != Some(dir.stamp) || !settled(&dir.stamp) {
            changed.push(dir.path.clone());
        }
    }
    if changed.is_empty() {
        ListingCheck::Holds
    } else {
        ListingCheck::Relist(changed)
    }
}

/// Whether `path` is `dir` or lies under it (repository-relative).
fn within(path: &str, dir: &str) -> bool {
    path == dir || discover::is_under(path, dir)
}

/// The directory a path is in (`""` at the repository root).
fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The listing with only `changed` directories listed again: each one's
/// files and subdirectories as the walk would find them now; a new
/// subdirectory is walked whole, a vanished one dropped with all it held.
/// `None` when that cannot be told apart from a change of rules (an ignore
/// file appeared or went): then the whole handbook is walked.
fn relist(
    walk: &PageWalk,
    files: &[CachedFile],
    dirs: &[CachedDir],
    changed: &[String],
) -> Option<Relisted> {
    let mut files: BTreeMap<String, bool> = files
        .iter()
        .map(|f| (f.path.clone(), f.is_symlink))
        .collect();
    let mut dirs: BTreeMap<String, CachedDir> =
        dirs.iter().map(|d| (d.path.clone(), d.clone())).collect();
    let mut errors = Vec::new();
    let mut restructured = false;
    for dir in changed {
        // Gone with a directory above it, listed again before it.
        let Some(recorded) = dirs.get(dir) else {
            continue;
        };
        let full = walk.root.join(dir);
        let Some(stamp) = stamp::stat(&full) else {
            drop_tree(&mut files, &mut dirs, dir);
            restructured = true;
            continue;
        };
        let ignore_files = ignore_files_in(&full);
        if ignore_files != recorded.ignore_files {
            return None;
        }
        let names = names_in(&full);
        if names != recorded.names {
            relist_dir(walk, dir, &mut files, &mut dirs, &mut errors);
            restructured = true;
        }
        dirs.insert(
            dir.clone(),
            CachedDir {
                path: dir.clone(),
                stamp,
                ignore_files,
                names,
            },
        );
    }
    let listed = files
        .into_iter()
        .map(|(display, is_symlink)| Listed {
            display,
            is_symlink,
        })
        .collect();
    Some(Relisted {
        listed,
        dirs: dirs.into_values().collect(),
        errors,
        restructured,
    })
}

/// The listing after [`relist`].
struct Relisted {
    listed: Vec<Listed>,
    dirs: Vec<CachedDir>,
    errors: Vec<String>,
    /// A directory's names changed or it went: the listing did.
    restructured: bool,
}

/// Lists one directory again: its pages as they are now, its new
/// subdirectories walked whole, its vanished ones dropped with all they held.
fn relist_dir(
    walk: &PageWalk,
    dir: &str,
    files: &mut BTreeMap<String, bool>,
    dirs: &mut BTreeMap<String, CachedDir>,
    errors: &mut Vec<String>,
) {
    let shallow = discover::list_dir(walk.root, dir, walk.handbook, walk.ignore, walk.extensions);
    errors.extend(shallow.errors);
    files.retain(|path, _| parent_of(path) != dir);
    files.extend(shallow.files.into_iter().map(|f| (f.display, f.is_symlink)));
    let now: Vec<String> = shallow.dirs.into_iter().map(|(path, _)| path).collect();
    let before: Vec<String> = dirs
        .keys()
        .filter(|path| path.as_str() != dir && parent_of(path) == dir)
        .cloned()
        .collect();
    for gone in before.iter().filter(|path| !now.contains(path)) {
        drop_tree(files, dirs, gone);
    }
    for new in now.iter().filter(|path| !before.contains(path)) {
        let listing = discover::list(walk.root, new, walk.ignore, walk.extensions);
        errors.extend(listing.errors);
        let listed = listing.files.into_iter();
        files.extend(
            listed
                .filter(|f| within(&f.display, walk.handbook))
                .map(|f| (f.display, f.is_symlink)),
        );
        dirs.extend(
            walked_dirs(walk, listing.dirs)
                .into_iter()
                .map(|d| (d.path.clone(), d)),
        );
    }
}

/// Drops a directory that is gone, with every file and directory under it.
fn drop_tree(
    files: &mut BTreeMap<String, bool>,
    dirs: &mut BTreeMap<String, CachedDir>,
    gone: &str,
) {
    files.retain(|path, _| !within(path, gone));
    dirs.retain(|path, _| !within(path, gone));
}

/// The ignore files in a directory, with their stamps.
fn ignore_files_in(dir: &Path) -> Vec<(String, FileStamp)> {
    IGNORE_FILES
        .iter()
        .filter_map(|name| stamp::stat(&dir.join(name)).map(|s| ((*name).to_string(), s)))
        .collect()
}

/// The directories a fresh walk entered, with the ignore files and names
/// in each.
fn walked_dirs(walk: &PageWalk, dirs: Vec<(String, FileStamp)>) -> Vec<CachedDir> {
    dirs.into_iter()
        .map(|(path, stamp)| {
            let full = walk.root.join(&path);
            CachedDir {
                ignore_files: ignore_files_in(&full),
                names: names_in(&full),
                path,
                stamp,
            }
        })
        .collect()
}

/// Every name in a directory, sorted (empty when it cannot be read).
fn names_in(dir: &Path) -> Vec<(String, bool)> {
    let mut names: Vec<(String, bool)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                    (entry.file_name().to_string_lossy().into_owned(), is_dir)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Pairs the listing (sorted by path) with the cached pages (sorted too).
fn pair(listed: &[Listed], cached: Vec<(String, CachedContent)>) -> Vec<Option<CachedContent>> {
    let mut cached = cached.into_iter().peekable();
    listed
        .iter()
        .map(|file| {
            while cached
                .next_if(|(path, _)| path.as_str() < file.display.as_str())
                .is_some()
            {}
            cached
                .next_if(|(path, _)| *path == file.display)
                .map(|(_, content)| content)
        })
        .collect()
}

/// A page read from its file (with the stamp of what was read), or why not.
type ReadPage = Result<(LoadedPage, Option<FileStamp>), Unreadable>;

/// A page's text as the run needs it.
enum Text {
    /// In the texts file read, at this span.
    Cached((u32, u32)),
    /// Read from the file this run.
    Read(Arc<str>),
}

/// Which files the handbook holds, known before any is read: what the run
/// asks history about while the pages are read.
pub(crate) struct Listing {
    key: String,
    /// When this run's stamps began.
    taken: (i64, u32),
    listed: Vec<Listed>,
    /// Per listed file, what the cache holds for it and can still trust.
    slots: Vec<Option<CachedContent>>,
    dirs: Vec<CachedDir>,
    context: Vec<(String, Option<FileStamp>)>,
    /// The texts file the snapshot was written with, read only when needed.
    texts_seal: TextsSeal,
    /// The file list changed enough to be worth writing down.
    restructured: bool,
    how: &'static str,
    findings: Vec<Finding>,
}

/// The files a listing holds, each with what the cache can serve of it.
struct ListedFiles {
    listed: Vec<Listed>,
    slots: Vec<Option<CachedContent>>,
    dirs: Vec<CachedDir>,
    context: Vec<(String, Option<FileStamp>)>,
}

/// The cached listing, which still holds: its files, with the contents
/// whose stamps settled before it was taken.
fn reuse_listing_of(snapshot: Snapshot) -> ListedFiles {
    let taken = snapshot.taken;
    let (listed, slots): (Vec<Listed>, Vec<Option<CachedContent>>) = snapshot
        .files
        .into_iter()
        .map(|file| {
            let listed = Listed {
                display: file.path,
                is_symlink: file.is_symlink,
            };
            (
                listed,
                file.content.filter(|c| c.stamp.settled_before(taken)),
            )
        })
        .unzip();
    ListedFiles {
        listed,
        slots,
        dirs: snapshot.dirs,
        context: snapshot.context,
    }
}

/// The files listed again: only the changed directories (`relisted`), or
/// the whole handbook; the cache's contents still serve the files they
/// belong to.
fn list_again(
    walk: &PageWalk,
    cache_dir: Option<&Path>,
    snapshot: Option<Snapshot>,
    relisted: Option<Relisted>,
    findings: &mut Vec<Finding>,
) -> ListedFiles {
    let (cached, context) = match snapshot {
        Some(snapshot) => {
            let taken = snapshot.taken;
            let cached = snapshot
                .files
                .into_iter()
                .filter_map(|file| {
                    let content = file.content.filter(|c| c.stamp.settled_before(taken))?;
                    Some((file.path, content))
                })
                .collect();
            (cached, Some(snapshot.context))
        }
        None => (Vec::new(), None),
    };
    if let Some(relisted) = relisted {
        findings.extend(relisted.errors.iter().map(|e| discover::walk_error(e)));
        let slots = pair(&relisted.listed, cached);
        ListedFiles {
            listed: relisted.listed,
            slots,
            dirs: relisted.dirs,
            context: context.unwrap_or_default(),
        }
    } else {
        // The context first: a change after this shows next time.
        let context = if cache_dir.is_some() {
            stamp_context(walk)
        } else {
            Vec::new()
        };
        let listing = discover::list(walk.root, walk.handbook, walk.ignore, walk.extensions);
        findings.extend(listing.errors.iter().map(|e| discover::walk_error(e)));
        // Without a cache nothing will look at them again.
        let dirs = if cache_dir.is_some() {
            walked_dirs(walk, listing.dirs)
        } else {
            Vec::new()
        };
        let slots = pair(&listing.files, cached);
        ListedFiles {
            listed: listing.files,
            slots,
            dirs,
            context,
        }
    }
}

/// Lists the handbook's files: from the cache where its directories did not
/// change, else by walking them.
pub(crate) fn list(walk: &PageWalk, cache_dir: Option<&Path>) -> Listing {
    let taken = stamp::epoch(std::time::SystemTime::now());
    let key = key(walk);
    let framed = cache_dir.and_then(|dir| framed::read_framed(dir, FILE_NAME).ok());
    let snapshot = framed
        .as_ref()
        .and_then(|framed| postcard::from_bytes::<Snapshot>(framed.payload()).ok())
        .filter(|snapshot| snapshot.format == FORMAT && snapshot.key == key);
    let texts_seal = snapshot
        .as_ref()
        .map_or(TextsSeal::NONE, |snapshot| snapshot.texts);
    let check = snapshot
        .as_ref()
        .map_or(ListingCheck::Walk, |s| check_listing(s, walk));
    let mut findings = Vec::new();
    let relisted = match (&snapshot, &check) {
        (Some(snapshot), ListingCheck::Relist(changed)) => {
            relist(walk, &snapshot.files, &snapshot.dirs, changed)
        }
        _ => None,
    };
    let reuse_listing = matches!(check, ListingCheck::Holds);
    // Listing the handbook again costs more than rewriting the cache; a few
    // directories whose files were replaced (same names) cost less.
    let listing_news = match (&check, &relisted) {
        (ListingCheck::Holds, _) => false,
        (ListingCheck::Relist(changed), Some(relisted)) => {
            relisted.restructured || changed.len() > REWRITE_AFTER
        }
        _ => true,
    };
    let how = match (&check, &relisted) {
        (ListingCheck::Holds, _) => "listing reused",
        (ListingCheck::Relist(_), Some(_)) => "changed directories listed again",
        _ => "listing walked",
    };
    let files = match snapshot {
        Some(snapshot) if reuse_listing => reuse_listing_of(snapshot),
        snapshot => list_again(walk, cache_dir, snapshot, relisted, &mut findings),
    };
    let ListedFiles {
        listed,
        slots,
        dirs,
        context,
    } = files;
    // A walk that could not enter part of the handbook left that part out
    // of the listing, and out of what the next run checks for changes: the
    // snapshot is written under a key no run asks for, so the next one
    // walks again and sees the same problem (or its repair).
    let key = if findings.is_empty() {
        key
    } else {
        format!("{key}\u{1f}incomplete")
    };
    Listing {
        key,
        taken,
        listed,
        slots,
        dirs,
        context,
        texts_seal,
        restructured: listing_news,
        how,
        findings,
    }
}

impl Listing {
    /// The listed files' repository-relative paths, sorted.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.listed.iter().map(|file| file.display.as_str())
    }

    /// Reads and parses what the cache cannot serve, and keeps the cache
    /// up to date. Without `need_text` the pages' texts are left empty (see
    /// [`crate::model::Page::text`]).
    pub(crate) fn read(self, walk: &PageWalk, cache_dir: Option<&Path>, need_text: bool) -> Loaded {
        let Listing {
            key,
            taken,
            listed,
            mut slots,
            dirs,
            context,
            texts_seal,
            restructured: listing_news,
            how,
            mut findings,
        } = self;
        let mut texts = Texts::NotRead;
        if need_text {
            texts.load(cache_dir, texts_seal);
        }
        let cached_texts = texts.loaded();
        let cached_text = |content: &CachedContent| {
            std::str::from_utf8(text_in(cached_texts, content.text)?).ok()
        };

        // A cached page serves when its file's stamp is still the recorded
        // one, when its text is needed the text is whole, and when its body
        // is needed the body was read.
        let current = current_stamps(walk.root, &listed, &slots);
        for ((slot, now), file) in slots.iter_mut().zip(&current).zip(&listed) {
            let holds = slot.as_ref().is_some_and(|content| {
                now.as_ref() == Some(&content.stamp)
                    && (!need_text || cached_text(content).is_some())
                    && (content.doc.body_read
                        || walk.needs_body.is_some_and(|needs| !needs(&file.display)))
            });
            if !holds {
                *slot = None;
            }
        }
        let to_read = slots.iter().filter(|slot| slot.is_none()).count();
        let fresh = read_uncached(walk, &listed, &slots, to_read);
        // Only a page read again that can be cached is news (symbolic links
        // and unreadable files are read on every run anyway), and a few are
        // cheaper to read again next time than the whole cache to rewrite.
        let mut news = 0;
        let empty: Arc<str> = Arc::from("");
        let mut pages = Vec::with_capacity(listed.len());
        // Per page: its stamp and its text, for the snapshot to write.
        let mut kept: Vec<(Option<FileStamp>, Text)> = Vec::with_capacity(listed.len());
        for ((file, slot), fresh) in listed.iter().zip(slots).zip(fresh) {
            match (slot, fresh) {
                (Some(content), _) => {
                    kept.push((Some(content.stamp), Text::Cached(content.text)));
                    pages.push(LoadedPage {
                        file: SourceFile {
                            path: file.display.clone(),
                            text: if need_text {
                                Arc::from(cached_text(&content).unwrap_or_default())
                            } else {
                                empty.clone()
                            },
                        },
                        doc: content.doc,
                        problems: content.problems,
                    });
                }
                (None, Some(Ok((page, stamp)))) => {
                    news += usize::from(stamp.is_some());
                    kept.push((stamp, Text::Read(page.file.text.clone())));
                    pages.push(page);
                }
                (None, Some(Err(error))) => findings.push(error.finding(&file.display)),
                (None, None) => {}
            }
        }
        let status = format!("{to_read} of {} pages read, {how}", listed.len());
        // Texts that could not be used are worth a rewrite, or every run
        // that shows texts reads every page again.
        let texts_lost = matches!(texts, Texts::Unusable) && texts_seal.len > 0;
        let rewrite = listing_news || news > REWRITE_AFTER || texts_lost;
        if let Some(dir) = cache_dir.filter(|_| rewrite) {
            let frame = SnapshotFrame {
                key,
                taken,
                context,
                dirs,
            };
            // The pages kept from the cache keep their texts.
            texts.load(cache_dir, texts_seal);
            write_snapshot(dir, frame, &listed, &pages, &kept, texts.loaded());
        }
        Loaded {
            pages,
            findings,
            status,
        }
    }
}

/// The bytes of a cached text at `span` in the texts read.
fn text_in(texts: &[u8], span: (u32, u32)) -> Option<&[u8]> {
    let (start, len) = (span.0 as usize, span.1 as usize);
    texts.get(start..start.checked_add(len)?)
}

/// Reads and parses the listed files that no slot serves (`to_read` of
/// them), on every core when there are many.
fn read_uncached(
    walk: &PageWalk,
    listed: &[Listed],
    slots: &[Option<CachedContent>],
    to_read: usize,
) -> Vec<Option<ReadPage>> {
    // The text of a page whose body is not read is not kept, here or in
    // the cache: nothing shows it, and a run that needs the body reads the
    // page again (its cached parse lacks the body).
    let unkept: Arc<str> = Arc::from("");
    let read_one = |file: &Listed| -> ReadPage {
        let path = walk.root.join(&file.display);
        let (text, stamp) =
            discover::read_file(walk.confinement, &path, &file.display, file.is_symlink)?;
        let body = walk.needs_body.is_none_or(|needs| needs(&file.display));
        if !body {
            let (doc, problems) = parse::front_matter_only(&text);
            let page = LoadedPage {
                file: SourceFile {
                    path: file.display.clone(),
                    text: Arc::clone(&unkept),
                },
                doc,
                problems,
            };
            return Ok((page, stamp));
        }
        let text = Arc::<str>::from(text);
        let (doc, problems) = match walk.offer {
            Some(offer) => {
                let (doc, problems, digest) = parse::parse_with_digest(&text);
                if let Some(digest) = digest {
                    offer(&text, digest);
                }
                (doc, problems)
            }
            None => parse::parse(&text),
        };
        let page = LoadedPage {
            file: SourceFile {
                path: file.display.clone(),
                text,
            },
            doc,
            problems,
        };
        Ok((page, stamp))
    };
    // On every core even while history is read beside them: the walk
    // needs the newest pages' digests first, and read on one thread the
    // pages came too late for a real handbook's walk, which parsed 343 of
    // them itself (a seventh of its parses; 56 shared out like this).
    if to_read > PARALLEL_FILES {
        listed
            .par_iter()
            .zip(slots.par_iter())
            .map(|(file, slot)| slot.is_none().then(|| read_one(file)))
            .collect()
    } else {
        listed
            .iter()
            .zip(slots)
            .map(|(file, slot)| slot.is_none().then(|| read_one(file)))
            .collect()
    }
}

/// What a page cache snapshot says besides its files.
struct SnapshotFrame {
    key: String,
    taken: (i64, u32),
    context: Vec<(String, Option<FileStamp>)>,
    dirs: Vec<CachedDir>,
}

/// Writes the page cache: every listed file, with the parse and text of the
/// pages that were read (`kept` holds each page's stamp and text).
fn write_snapshot(
    dir: &Path,
    frame: SnapshotFrame,
    listed: &[Listed],
    pages: &[LoadedPage],
    kept: &[(Option<FileStamp>, Text)],
    cached_texts: &[u8],
) {
    let mut texts: Vec<u8> = Vec::new();
    let mut contents = pages.iter().zip(kept).peekable();
    let files = listed
        .iter()
        .map(|file| {
            // Pages are in listing order; unreadable files have none.
            let content = contents
                .next_if(|(page, _)| page.file.path == file.display)
                .and_then(|(page, (stamp, text))| {
                    let stamp = (*stamp)?;
                    // A kept page whose text cannot be found is read again
                    // next time.
                    let text = match text {
                        Text::Cached(span) => text_in(cached_texts, *span)?,
                        Text::Read(text) => text.as_bytes(),
                    };
                    let span = (
                        u32::try_from(texts.len()).ok()?,
                        u32::try_from(text.len()).ok()?,
                    );
                    texts.extend_from_slice(text);
                    Some(CachedContent {
                        stamp,
                        text: span,
                        doc: &page.doc,
                        problems: page.problems.as_slice(),
                    })
                });
            CachedFile {
                path: file.display.clone(),
                is_symlink: file.is_symlink,
                content,
            }
        })
        .collect();
    // The texts first: a snapshot is never read with texts it was not
    // written with (its seal tells them apart). A cache that cannot be
    // written only costs the next run time.
    let Ok(crc) = framed::write_framed(dir, TEXTS_FILE_NAME, &texts) else {
        return;
    };
    let snapshot = Snapshot {
        format: FORMAT,
        key: frame.key,
        taken: frame.taken,
        context: frame.context,
        dirs: frame.dirs,
        files,
        texts: TextsSeal {
            len: texts.len() as u64,
            crc,
        },
    };
    if let Ok(payload) = postcard::to_stdvec(&snapshot) {
        let _ = framed::write_framed(dir, FILE_NAME, &payload);
    }
}

/// The current stamp of every listed file that the cache could serve
/// (`None` for the rest, which are read anyway), looked up directory by
/// directory. On one thread: measured, a second one made it slower (the
/// kernel's path lookups contend).
fn current_stamps(
    root: &Path,
    listed: &[Listed],
    cached: &[Option<CachedContent>],
) -> Vec<Option<FileStamp>> {
    let dir_of = |index: usize| parent_of(&listed[index].display);
    let mut stamps = vec![None; listed.len()];
    // Runs of consecutive files in one directory (the listing is sorted by
    // path, so a directory's files are together but for its subdirectories').
    let mut start = 0;
    while start < listed.len() {
        let dir = dir_of(start);
        let end = (start..listed.len())
            .find(|&i| dir_of(i) != dir)
            .unwrap_or(listed.len());
        let wanted: Vec<usize> = (start..end)
            .filter(|&i| !listed[i].is_symlink && cached[i].is_some())
            .collect();
        if !wanted.is_empty() {
            let names: Vec<&str> = wanted
                .iter()
                .map(|&i| {
                    let path = listed[i].display.as_str();
                    path.rsplit_once('/').map_or(path, |(_, name)| name)
                })
                .collect();
            for (index, stamp) in wanted
                .into_iter()
                .zip(stamp::stat_in(&root.join(dir), &names))
            {
                stamps[index] = stamp;
            }
        }
        start = end;
    }
    stamps
}
