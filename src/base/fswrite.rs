//! Writing a file the way every command that writes does: into a new file
//! beside the target, flushed, then renamed over it (or, when a person's
//! file must never be replaced, linked into place only if nothing is
//! there). A reader never sees half a file, and a failed write leaves the
//! old one as it was.

use std::io::Write as _;
use std::path::Path;

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Existing {
    /// Replace it (a report, a baseline, our own hook).
    Replace,
    /// Leave it and fail with [`std::io::ErrorKind::AlreadyExists`] (a
    /// config a person may have written meanwhile).
    Keep,
}

/// Writes `text` to `target` through a temporary file in the same
/// directory (named `.handbook-lint-…` while it exists).
pub(crate) fn write_via_temp(
    target: &Path,
    text: &str,
    existing: Existing,
    executable: bool,
) -> std::io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".handbook-lint-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    // A temporary file is private (0600); what it becomes is a file like
    // any other, readable by all, as `git` and editors make them.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = if executable { 0o755 } else { 0o644 };
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    match existing {
        Existing::Replace => temp.persist(target).map(|_| ()).map_err(|e| e.error),
        Existing::Keep => temp
            .persist_noclobber(target)
            .map(|_| ())
            .map_err(|e| e.error),
    }
}

/// Writes `text` over the file at `path`, which a person named with
/// `flag` (`--output`, `--write-baseline`): only a regular file or a new
/// path, since a symbolic link or a device would be replaced by the rename,
/// not written through.
pub(crate) fn replace_named_file(
    path: &Path,
    text: &str,
    flag: &str,
    what: &str,
) -> anyhow::Result<()> {
    if let Some(why) = not_replaceable(path) {
        anyhow::bail!(
            "`{}` {why}; {flag} writes only a regular file or a new path, and wrote nothing",
            path.display()
        );
    }
    write_via_temp(path, text, Existing::Replace, false)
        .map_err(|error| anyhow::anyhow!("cannot write {what} `{}`: {error}", path.display()))
}

/// Why a path may not be written by renaming a new file over it: a
/// symbolic link or a device would be replaced, not written through. `None`
/// for a regular file or nothing.
pub(crate) fn not_replaceable(path: &Path) -> Option<&'static str> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Some("is a symbolic link"),
        Ok(meta) if !meta.file_type().is_file() => Some("is not a regular file"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_never_replaces_and_replace_does() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("f.txt");
        write_via_temp(&target, "one", Existing::Keep, false)?;
        let kept = write_via_temp(&target, "two", Existing::Keep, false);
        assert_eq!(
            kept.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::AlreadyExists)
        );
        assert_eq!(std::fs::read_to_string(&target)?, "one");
        write_via_temp(&target, "three", Existing::Replace, false)?;
        assert_eq!(std::fs::read_to_string(&target)?, "three");
        // Nothing is left behind.
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_not_replaceable() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let link = dir.path().join("l");
        std::os::unix::fs::symlink("/etc/passwd", &link)?;
        assert_eq!(not_replaceable(&link), Some("is a symbolic link"));
        assert_eq!(not_replaceable(dir.path()), Some("is not a regular file"));
        assert_eq!(not_replaceable(&dir.path().join("new")), None);
        Ok(())
    }
}
