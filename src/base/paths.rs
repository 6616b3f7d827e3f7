//! Repository-relative paths: `/`-separated, the empty string for the root.

use std::path::Path;

/// Whether a file is a Markdown page by its extension (the default
/// `page-extensions`).
pub fn is_markdown(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| PageExtensions::default().matches(name))
}

/// The extensions that make a file a page (`page-extensions:`): the end of
/// its name after a dot, so `html.md.erb` can be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageExtensions(Vec<String>);

/// The extensions a page has unless the config says otherwise.
pub(crate) const DEFAULT_PAGE_EXTENSIONS: &[&str] = &["md", "markdown", "mdx"];

impl Default for PageExtensions {
    fn default() -> Self {
        PageExtensions(
            DEFAULT_PAGE_EXTENSIONS
                .iter()
                .map(|e| (*e).to_string())
                .collect(),
        )
    }
}

impl PageExtensions {
    /// Extensions as validated: without a leading dot, not empty.
    pub(crate) fn new(extensions: Vec<String>) -> PageExtensions {
        PageExtensions(extensions)
    }

    /// Whether a file name (not a path) ends in `.` and one of them, with
    /// something before it.
    pub(crate) fn matches(&self, name: &str) -> bool {
        self.0.iter().any(|extension| {
            name.strip_suffix(extension.as_str())
                .and_then(|stem| stem.strip_suffix('.'))
                .is_some_and(|stem| !stem.is_empty())
        })
    }

    /// Whether a path's last part is a page's name.
    pub(crate) fn matches_path(&self, path: &str) -> bool {
        self.matches(path.rsplit('/').next().unwrap_or(path))
    }

    pub(crate) fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// The repository-relative form of `path`, `/`-separated.
pub(crate) fn relative(root: &Path, path: &Path) -> Option<String> {
    // A path the file walk made is `root` joined with plain names: taken
    // as text, without splitting both into components (which was a third
    // of listing a real handbook's pages, before its history walk can
    // start). Anything else is split.
    if std::path::MAIN_SEPARATOR == '/'
        && let (Some(root), Some(path)) = (root.to_str(), path.to_str())
        && let Some(rest) = path
            .strip_prefix(root.strip_suffix('/').unwrap_or(root))
            .and_then(|rest| rest.strip_prefix('/'))
        && !rest.is_empty()
        && rest.split('/').all(|name| !name.is_empty() && name != ".")
    {
        return Some(rest.to_string());
    }
    by_components(root, path)
}

/// [`relative`], by the paths' components.
fn by_components(root: &Path, path: &Path) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::PageExtensions;
    use std::path::Path;

    /// Taken as text or split into components, a path's relative form is
    /// the same, however the two are written.
    #[test]
    fn a_relative_path_is_the_same_as_text_or_by_components() {
        let roots = ["/repo", "/repo/", "/", "/a//repo", "/a/./repo", "repo", "."];
        let rests = [
            "",
            "a",
            "a/b.md",
            "a//b.md",
            "a/./b.md",
            "./a",
            "a/../b",
            "a/",
            ".hidden/x",
            "é/ü.md",
        ];
        for root in roots {
            for rest in rests {
                for joined in [format!("{root}/{rest}"), format!("{root}{rest}")] {
                    let (root, path) = (Path::new(root), Path::new(&joined));
                    assert_eq!(
                        super::relative(root, path),
                        super::by_components(root, path),
                        "{root:?} {path:?}"
                    );
                }
            }
        }
        assert_eq!(
            super::relative(Path::new("/repo"), Path::new("/repo/hb/goals.md")).as_deref(),
            Some("hb/goals.md")
        );
        assert_eq!(
            super::relative(Path::new("/repo"), Path::new("/repository/a")),
            None
        );
    }

    #[test]
    fn an_extension_is_the_end_of_a_file_name_after_a_dot() {
        let default = PageExtensions::default();
        assert!(default.matches("goals.md") && default.matches("a.b.mdx"));
        assert!(!default.matches("goals.html.md.erb"));
        assert!(!default.matches(".md"), "a dot file is no page");
        assert!(!default.matches("goalsmd"));
        assert!(default.matches_path("hb/search/goals.markdown"));
        let erb = PageExtensions::new(vec!["html.md.erb".to_string()]);
        assert!(erb.matches("goals.html.md.erb"));
        assert!(!erb.matches("goals.md") && !erb.matches("goals.md.erb"));
    }
}
