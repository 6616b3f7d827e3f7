//! Discover stage: the handbook's Markdown files and their text.
//!
//! Walks with `ignore` so `.gitignore`d drafts and build output are skipped
//! the way git skips them. A file that cannot be a page (not UTF-8, binary,
//! too large, a symlink leading out of the repository) becomes one HB005
//! finding; the walk goes on.

pub(crate) mod pagecache;
pub(crate) mod stamp;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;

use crate::base::finding::Finding;
use crate::base::fsread::{self, Confinement, NotRead};
pub(crate) use crate::base::paths::{PageExtensions, is_under, relative};
use crate::discover::stamp::FileStamp;
use crate::git::repo::{Repo, StagedBlob};

/// Pages larger than this are not handbook prose; reading them would only
/// slow every run down.
pub(crate) const MAX_PAGE_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub text: Arc<str>,
}

pub(crate) struct Discovered {
    pub files: Vec<SourceFile>,
    pub findings: Vec<Finding>,
}

/// Why a file cannot be read as a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unreadable(pub String);

impl Unreadable {
    /// The HB005 finding for this file.
    pub(crate) fn finding(self, display: &str) -> Finding {
        Finding::new(&crate::base::codes::FILE_UNREADABLE, self.0).at(display, None)
    }
}

/// Reads a file the repository names (the config, its ruleset, the
/// ignore-revs file, CODEOWNERS) as text: confined to the working tree
/// outside `.git`, a regular file, at most `cap` bytes.
pub(crate) fn read_named(
    confinement: &Confinement,
    name: &str,
    subject: &str,
    cap: u64,
) -> Result<Arc<str>, NotRead> {
    named_text(confinement.read(name, subject, cap)?, name)
}

/// The text of a file read by name, or why it is not text.
pub(crate) fn named_text(bytes: Vec<u8>, name: &str) -> Result<Arc<str>, NotRead> {
    page_text(bytes, name).map_err(|Unreadable(message)| NotRead::Unreadable(message))
}

/// Reads a page the walk found; `is_symlink` comes from the walk, so a
/// plain file costs an open, one stat and a read. A symbolic link is
/// followed only to a file inside the working tree and outside `.git`.
/// Returns the text and, for a plain file, the stamp of what was read
/// (taken before reading, so a write during the read shows as a change
/// next time).
pub(crate) fn read_file(
    confinement: &Confinement,
    path: &Path,
    display: &str,
    is_symlink: bool,
) -> Result<(String, Option<FileStamp>), Unreadable> {
    let subject = format!("`{display}`");
    let not_read = |error: NotRead| Unreadable(error.into_message());
    let target = if is_symlink {
        confinement.confine(path, &subject).map_err(not_read)?
    } else {
        path.to_path_buf()
    };
    let (bytes, meta) = fsread::read_capped(&target, &subject, MAX_PAGE_BYTES).map_err(not_read)?;
    // A symbolic link's target may change without the link changing.
    let stamp = (!is_symlink).then(|| FileStamp::of(&meta));
    page_string(bytes, display).map(|text| (text, stamp))
}

/// A page's bytes as text, or why they cannot be a page: binary, or not
/// UTF-8 (with the line of the first bad byte). A byte-order mark is dropped.
pub(crate) fn page_text(bytes: Vec<u8>, display: &str) -> Result<Arc<str>, Unreadable> {
    page_string(bytes, display).map(Arc::from)
}

/// [`page_text`], in the bytes' own buffer: a page whose text is not kept
/// is not copied.
fn page_string(bytes: Vec<u8>, display: &str) -> Result<String, Unreadable> {
    let unreadable = Unreadable;
    if bytes.contains(&0) {
        return Err(unreadable(format!(
            "`{display}` looks binary (it contains NUL bytes); it is not read"
        )));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&error.as_bytes()[..offset]);
            let line = prefix.matches('\n').count() + 1;
            Err(unreadable(format!(
                "`{display}` is not valid UTF-8 (first bad byte on line {line}, byte {offset}); it is not read"
            )))
        }
    }
}

/// Whether a repository-relative path is a handbook page candidate: under
/// `handbook` (empty for the whole repository), with a page's extension
/// (`page-extensions`), not ignored.
fn wanted(display: &str, handbook: &str, ignore: &GlobSet, pages: &PageExtensions) -> bool {
    is_under(display, handbook) && pages.matches_path(display) && !ignore.is_match(display)
}

/// The most directory entries read looking for a missing page under
/// another extension: a hint is not worth a long listing.
const MAX_SIBLINGS: usize = 10_000;

/// A file where a configured page is missing, with the same name but an
/// extension that is not a page's (`goals.html.md.erb` for `goals.md`
/// when `page-extensions` lacks `html.md.erb`), or the location itself
/// when its extension is not a page's: repository-relative. The directory
/// must lie inside the repository (links followed).
pub(crate) fn same_stem(
    confinement: &Confinement,
    location: &str,
    pages: &PageExtensions,
) -> Option<String> {
    let (dir, name) = location.rsplit_once('/').unwrap_or(("", location));
    // The name without its page extension, or without its last one.
    let stem = pages
        .as_slice()
        .iter()
        .filter_map(|extension| name.strip_suffix(extension.as_str())?.strip_suffix('.'))
        .find(|stem| !stem.is_empty())
        .or_else(|| name.rsplit_once('.').map(|(stem, _)| stem))
        .filter(|stem| !stem.is_empty())?;
    let resolved = confinement
        .resolve(if dir.is_empty() { "." } else { dir }, "a page directory")
        .ok()?;
    let prefix = format!("{stem}.");
    let mut found: Vec<String> = std::fs::read_dir(resolved)
        .ok()?
        .take(MAX_SIBLINGS)
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|file| (file.starts_with(&prefix) || file == name) && !pages.matches(file))
        .collect();
    // The location itself first: `{dir}/goals.html.md.erb` is there but
    // is not a page until its extension is one.
    found.sort_by_key(|file| (file != name, file.clone()));
    let file = found.into_iter().next()?;
    Some(if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    })
}

/// The pages as they are staged for the next commit: read from the index,
/// not the working tree. An index with unmerged entries cannot say what
/// would be committed: that is an error naming them.
pub(crate) fn from_index(
    repo: &Repo,
    handbook: &str,
    ignore: &GlobSet,
    pages: &PageExtensions,
) -> anyhow::Result<Discovered> {
    let blobs = repo.staged_blobs(|path| wanted(path, handbook, ignore, pages), MAX_PAGE_BYTES)?;
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for (display, blob) in blobs {
        let result = match blob {
            StagedBlob::Failed(message) => Err(Unreadable(format!(
                "cannot read the staged `{display}`: {message}"
            ))),
            StagedBlob::TooLarge(size) => Err(Unreadable(format!(
                "`{display}` is {size} bytes, over the {MAX_PAGE_BYTES}-byte limit for a page; it is not read"
            ))),
            StagedBlob::Read(bytes) => page_text(bytes, &display),
        };
        match result {
            Ok(text) => files.push(SourceFile {
                path: display,
                text,
            }),
            Err(error) => findings.push(error.finding(&display)),
        }
    }
    Ok(Discovered { files, findings })
}

/// A file the walk found, to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    /// Repository-relative, `/`-separated.
    pub display: String,
    pub is_symlink: bool,
}

/// What walking the handbook found: the page candidates (sorted by path),
/// every directory entered with its stamp (a directory's modification time
/// changes when an entry is added, removed or renamed in it), and what
/// could not be walked.
#[derive(Debug, Default)]
pub(crate) struct WalkedFiles {
    pub files: Vec<Listed>,
    pub dirs: Vec<(String, FileStamp)>,
    pub errors: Vec<String>,
}

/// Walks `root/handbook` for Markdown pages, skipping `ignore` globs
/// (matched against repository-relative paths), honouring `.gitignore`.
pub(crate) fn list(
    root: &Path,
    handbook: &str,
    ignore: &GlobSet,
    pages: &PageExtensions,
) -> WalkedFiles {
    walk(root, handbook, handbook, (ignore, pages), None)
}

/// What one directory of the handbook holds, as [`list`] would find it:
/// its pages and its subdirectories (with their stamps), not their
/// contents, nor the directory itself.
pub(crate) fn list_dir(
    root: &Path,
    dir: &str,
    handbook: &str,
    ignore: &GlobSet,
    pages: &PageExtensions,
) -> WalkedFiles {
    let mut listing = walk(root, dir, handbook, (ignore, pages), Some(1));
    listing.dirs.retain(|(path, _)| path != dir);
    listing
}

fn walk(
    root: &Path,
    start: &str,
    handbook: &str,
    (ignore, pages): (&GlobSet, &PageExtensions),
    depth: Option<usize>,
) -> WalkedFiles {
    let start: PathBuf = if start.is_empty() {
        root.to_path_buf()
    } else {
        root.join(start)
    };
    // The walk reads every `.gitignore` on the way down, with no limit and
    // blocking: one that is not a small regular file keeps its directory
    // (and, above the start, the whole walk) from being entered.
    let mut listing = WalkedFiles::default();
    let mut above = root.to_path_buf();
    let mut parts = start
        .strip_prefix(root)
        .map(Path::components)
        .into_iter()
        .flatten();
    loop {
        if let Some(problem) = unsafe_ignore_file(root, &above) {
            listing.errors.push(problem);
            return listing;
        }
        match parts.next() {
            Some(part) => above.push(part),
            None => break,
        }
    }
    let refused = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let refused_in_walk = std::sync::Arc::clone(&refused);
    let walk_root = root.to_path_buf();
    // One thread: measured on a 13,000-page handbook, walking on two cores
    // gained 15 %, and on a small one starting the threads cost more than
    // the walk.
    let walker = ignore::WalkBuilder::new(&start)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .max_depth(depth)
        // A directory holding `.git` is another repository (a submodule, a
        // nested clone): its pages have their own history, which this
        // repository's does not have, so they are out of scope.
        .filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            if std::fs::symlink_metadata(entry.path().join(".git")).is_ok() {
                return false;
            }
            match unsafe_ignore_file(&walk_root, entry.path()) {
                Some(problem) => {
                    if let Ok(mut refused) = refused_in_walk.lock() {
                        refused.push(problem);
                    }
                    false
                }
                None => true,
            }
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                listing.errors.push(error.to_string());
                continue;
            }
        };
        let path = entry.path();
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let Some(display) = relative(root, path) else {
            continue;
        };
        if file_type.is_dir() {
            if let Ok(meta) = entry.metadata() {
                listing.dirs.push((display, FileStamp::of(&meta)));
            }
        } else if wanted(&display, handbook, ignore, pages) {
            // Not only regular files and links: a FIFO or a device named like
            // a page is reported as what it is (HB005), not taken for a
            // missing page.
            listing.files.push(Listed {
                display,
                is_symlink: entry.path_is_symlink(),
            });
        }
    }
    if let Ok(mut refused) = refused.lock() {
        listing.errors.append(&mut refused);
    }
    // Sorted, so every run sees the pages in the same order.
    listing.files.sort_by(|a, b| a.display.cmp(&b.display));
    listing.dirs.sort_by(|a, b| a.0.cmp(&b.0));
    listing.errors.sort();
    listing
}

/// The largest ignore file the walk reads.
const MAX_IGNORE_FILE_BYTES: u64 = 1024 * 1024;

/// Why an ignore file in `dir` cannot be read by the walk, which reads them
/// itself, in full and blocking: a symbolic link (it could lead into `.git`
/// or out of the repository), a FIFO or device, or a huge file.
fn unsafe_ignore_file(root: &Path, dir: &Path) -> Option<String> {
    for name in [".gitignore", ".ignore"] {
        let path = dir.join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let display = relative(root, &path).unwrap_or_else(|| name.to_string());
        let problem = if meta.file_type().is_symlink() {
            "is a symbolic link"
        } else if !meta.file_type().is_file() {
            "is not a regular file"
        } else if meta.len() > MAX_IGNORE_FILE_BYTES {
            "is over the 1 MiB limit for an ignore file"
        } else {
            continue;
        };
        let entered = relative(root, dir).filter(|d| !d.is_empty()).map_or_else(
            || "the handbook is not walked".to_string(),
            |d| format!("`{d}/` is not walked"),
        );
        return Some(format!(
            "`{display}` {problem}; it is not read, and {entered}"
        ));
    }
    None
}

/// The nearest directory at or above the repository-relative `dir` that is
/// another repository (holds `.git`), below the root: a submodule.
pub(crate) fn enclosing_repository(root: &Path, dir: &str) -> Option<String> {
    let mut path = String::new();
    for part in dir.split('/').filter(|part| !part.is_empty()) {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(part);
        if std::fs::symlink_metadata(root.join(&path).join(".git")).is_ok() {
            return Some(path);
        }
    }
    None
}

/// The finding for a part of the handbook the walk could not enter.
pub(crate) fn walk_error(error: &str) -> Finding {
    Finding::new(
        &crate::base::codes::FILE_UNREADABLE,
        format!("cannot walk the handbook: {error}"),
    )
}
