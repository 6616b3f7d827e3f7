//! Reading files the checked repository names, which is untrusted input:
//! the config, its ruleset and ignore-revs file, CODEOWNERS, every page and
//! every symbolic link among them come from whoever opened the pull request.
//!
//! Two rules, in one place so every reader keeps them:
//!
//! - **Confinement.** A path the repository names is followed (symbolic
//!   links included) and must lead inside the working tree and outside every
//!   git directory (`.git/config` holds the tokens CI checks out with).
//!   Otherwise nothing of it is read.
//! - **Bounded reads.** Every file, including the ones the command line
//!   names, is opened without blocking and checked to be a regular file
//!   before a byte is read, and read with a size cap: no FIFO, device or
//!   socket can hang the run, and no file can exhaust its memory.

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

/// The largest config file read (`handbook-lint.yaml`, or `--config`).
pub(crate) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The largest ruleset file read.
pub(crate) const MAX_RULESET_BYTES: u64 = 1024 * 1024;
/// The largest CODEOWNERS file read: GitHub ignores larger ones (3 MB).
pub(crate) const MAX_CODEOWNERS_BYTES: u64 = 3 * 1000 * 1000;
/// The largest ignore-revs file read: 25,000 commit ids with comments.
pub(crate) const MAX_IGNORE_REVS_BYTES: u64 = 2 * 1024 * 1024;
/// The largest baseline read (`--baseline`): a million findings.
pub(crate) const MAX_BASELINE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file was not read. The message names the file as the user wrote
/// it (`display`), never its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotRead {
    /// Nothing is there (or a symbolic link leads nowhere).
    Missing(String),
    /// It leads outside the working tree or into a git directory.
    Refused(String),
    /// Not a regular file, too large, or the read failed.
    Unreadable(String),
}

impl NotRead {
    pub(crate) fn into_message(self) -> String {
        match self {
            NotRead::Missing(message)
            | NotRead::Refused(message)
            | NotRead::Unreadable(message) => message,
        }
    }
}

/// Where files the repository names may be read from: its working tree,
/// less its git directories.
#[derive(Debug, Clone)]
pub(crate) struct Confinement {
    /// The working tree, symbolic links resolved.
    canonical_root: PathBuf,
    /// The working tree as the caller names it (for joining names).
    root: PathBuf,
    /// The git directory and the common one (a linked worktree has both),
    /// symbolic links resolved.
    git_dirs: Vec<PathBuf>,
}

impl Confinement {
    pub(crate) fn new(root: &Path, git_dirs: &[&Path]) -> Confinement {
        let canonical =
            |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Confinement {
            canonical_root: canonical(root),
            root: root.to_path_buf(),
            git_dirs: git_dirs.iter().map(|dir| canonical(dir)).collect(),
        }
    }

    /// The working tree as given.
    #[cfg(test)]
    fn root(&self) -> &Path {
        &self.root
    }

    /// Where the repository-relative `name` leads, symbolic links followed,
    /// or why it may not be read. `subject` names it in messages
    /// (`` the ruleset `rules.yaml` ``).
    pub(crate) fn resolve(&self, name: &str, subject: &str) -> Result<PathBuf, NotRead> {
        let relative = Path::new(name);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| matches!(c, Component::Prefix(_)))
        {
            return Err(NotRead::Refused(format!(
                "{subject} is an absolute path; it must name a file inside the repository, and is not read"
            )));
        }
        self.confine(&self.root.join(relative), subject)
    }

    /// Checks a path under the working tree (as the page walk found it):
    /// followed to its end, it must still be inside and outside `.git`.
    pub(crate) fn confine(&self, path: &Path, subject: &str) -> Result<PathBuf, NotRead> {
        let target = match std::fs::canonicalize(path) {
            Ok(target) => target,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(NotRead::Missing(if is_symlink(path) {
                    format!("{subject} is a symbolic link to nothing")
                } else {
                    format!("{subject} does not exist")
                }));
            }
            Err(error) => {
                return Err(NotRead::Unreadable(format!(
                    "cannot read {subject}: {}",
                    plain_io_error(&error)
                )));
            }
        };
        let Ok(inside) = target.strip_prefix(&self.canonical_root) else {
            return Err(NotRead::Refused(format!(
                "{subject} leads outside the repository; it is not read"
            )));
        };
        let into_git = self.git_dirs.iter().any(|dir| target.starts_with(dir))
            || inside.components().any(|c| c.as_os_str() == ".git");
        if into_git {
            return Err(NotRead::Refused(format!(
                "{subject} leads into the git directory; it is not read"
            )));
        }
        Ok(target)
    }

    /// Reads the repository-relative `name`: confined, then bounded.
    pub(crate) fn read(&self, name: &str, subject: &str, cap: u64) -> Result<Vec<u8>, NotRead> {
        let path = self.resolve(name, subject)?;
        read_capped(&path, subject, cap).map(|(bytes, _)| bytes)
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// An I/O error in words, without the `(os error N)` suffix.
pub(crate) fn plain_io_error(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(index) => text[..index].to_string(),
        None => text,
    }
}

/// What kind of file a non-regular one is, for the message.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading without waiting: opening a FIFO with no writer
/// would block for ever.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        // Not following a final link: callers pass a path already resolved
        // (and confined), so a link swapped in since is refused, not followed.
        let flags =
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NOFOLLOW;
        let fd = rustix::fs::open(path, flags, Mode::empty())?;
        Ok(std::fs::File::from(fd))
    }
    #[cfg(not(unix))]
    {
        std::fs::File::open(path)
    }
}

/// Reads the regular file at `path`, at most `cap` bytes of it, with the
/// metadata of what was read: anything else (a FIFO, a device, a socket, a
/// directory, a larger file) is an error saying so, and no more than `cap`
/// bytes are ever held.
pub(crate) fn read_capped(
    path: &Path,
    subject: &str,
    cap: u64,
) -> Result<(Vec<u8>, std::fs::Metadata), NotRead> {
    let unreadable = |error: &std::io::Error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            NotRead::Missing(format!("{subject} does not exist"))
        } else {
            NotRead::Unreadable(format!("cannot read {subject}: {}", plain_io_error(error)))
        }
    };
    let file = open_nonblocking(path).map_err(|e| unreadable(&e))?;
    let meta = file.metadata().map_err(|e| unreadable(&e))?;
    if !meta.file_type().is_file() {
        return Err(NotRead::Unreadable(format!(
            "{subject} is {}, not a regular file; it is not read",
            kind_of(meta.file_type())
        )));
    }
    let too_large = |size: u64| {
        NotRead::Unreadable(format!(
            "{subject} is {size} bytes, over the {cap}-byte limit; it is not read"
        ))
    };
    if meta.len() > cap {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // A file growing while it is read stops at the cap all the same.
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes, meta))
}

/// Reads a file the command line names (`--config`, `--baseline`): the
/// person running the tool chose it, so it may be anywhere and may be a
/// symbolic link, but it is still read only as a bounded regular file.
pub(crate) fn read_chosen(path: &Path, subject: &str, cap: u64) -> Result<Vec<u8>, NotRead> {
    let target = std::fs::canonicalize(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            NotRead::Missing(format!("{subject} does not exist"))
        } else {
            NotRead::Unreadable(format!("cannot read {subject}: {}", plain_io_error(&error)))
        }
    })?;
    read_capped(&target, subject, cap).map(|(bytes, _)| bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, Confinement) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).expect("git dir");
        std::fs::create_dir_all(root.join("docs")).expect("docs");
        std::fs::write(root.join(".git/config"), "secret").expect("config");
        std::fs::write(root.join("docs/a.md"), "# A\n").expect("page");
        std::fs::write(dir.path().join("outside.md"), "outside").expect("outside");
        let confinement = Confinement::new(&root, &[&root.join(".git")]);
        (dir, confinement)
    }

    #[test]
    fn a_file_inside_is_read() {
        let (_dir, confinement) = tree();
        let read = confinement.read("docs/a.md", "`docs/a.md`", 100);
        assert_eq!(read, Ok(b"# A\n".to_vec()));
    }

    #[test]
    fn parent_directories_and_absolute_paths_are_refused() {
        let (dir, confinement) = tree();
        let outside = dir.path().join("outside.md");
        for name in [
            "../outside.md",
            "docs/../../outside.md",
            &outside.to_string_lossy(),
        ] {
            let read = confinement.read(name, "the ruleset", 100);
            assert!(matches!(read, Err(NotRead::Refused(_))), "{name}: {read:?}");
        }
    }

    #[test]
    fn the_git_directory_is_refused_directly_and_through_links() {
        let (_dir, confinement) = tree();
        let root = confinement.root().to_path_buf();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join(".git/config"), root.join("docs/link.md"))
            .expect("symlink");
        for name in [".git/config", "docs/../.git/config", "docs/link.md"] {
            if name == "docs/link.md" && cfg!(not(unix)) {
                continue;
            }
            let read = confinement.read(name, "the ignore-revs file", 100);
            let Err(NotRead::Refused(message)) = read else {
                panic!("{name} was read: {read:?}");
            };
            assert!(!message.contains("secret"));
        }
    }

    #[test]
    fn a_larger_file_is_not_read() {
        let (_dir, confinement) = tree();
        let read = confinement.read("docs/a.md", "`docs/a.md`", 3);
        assert!(matches!(read, Err(NotRead::Unreadable(m)) if m.contains("over the 3-byte limit")));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_not_read() {
        let read = read_capped(Path::new("/dev/zero"), "`/dev/zero`", 100);
        assert!(matches!(read, Err(NotRead::Unreadable(m)) if m.contains("is a device")));
        let (_dir, confinement) = tree();
        let fifo = confinement.root().join("docs/fifo.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo");
        let read = confinement.read("docs/fifo.md", "`docs/a.md`", 100);
        assert!(matches!(read, Err(NotRead::Unreadable(m)) if m.contains("is a FIFO")));
    }
}
