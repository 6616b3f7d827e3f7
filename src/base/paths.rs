//! Repository-relative paths: `/`-separated, the empty string for the root.

use std::path::Path;

/// Whether a file is a Markdown page by its extension.
pub fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown" | "mdx")
    )
}

/// The repository-relative form of `path`, `/`-separated.
pub(crate) fn relative(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = relative
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    (parts.len() == relative.components().count()).then(|| parts.join("/"))
}

/// Whether `path` lies in directory `dir` (repository-relative; the empty
/// directory is the root).
pub(crate) fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}
