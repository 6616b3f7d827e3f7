//! CODEOWNERS as an ownership source: GitHub's syntax and GitLab's
//! sections (`[Section]`, `^[Optional]`, default owners after the header).
//!
//! Within GitHub's file, and within each GitLab section, the last matching
//! line wins; GitLab combines the owners of every section that matches.
//! Patterns follow gitignore rules (the `ignore` crate implements them).

use std::ops::Range;
use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::base::finding::Finding;

/// Where GitHub and GitLab look, in the order they look.
pub(crate) const LOCATIONS: [&str; 4] = [
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

#[derive(Debug, Clone)]
struct Entry {
    section: usize,
    matcher: Gitignore,
    owners: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CodeOwners {
    /// Repository-relative path of the file.
    pub path: String,
    entries: Vec<Entry>,
}

impl CodeOwners {
    /// The owners of `path`: the last matching line of each section, all
    /// sections together. `None` when no line matches.
    pub(crate) fn owners_of(&self, path: &str) -> Option<Vec<String>> {
        let mut by_section: std::collections::BTreeMap<usize, &Entry> =
            std::collections::BTreeMap::new();
        for entry in &self.entries {
            if entry
                .matcher
                .matched_path_or_any_parents(path, false)
                .is_ignore()
            {
                by_section.insert(entry.section, entry);
            }
        }
        if by_section.is_empty() {
            return None;
        }
        let mut owners: Vec<String> = by_section
            .values()
            .flat_map(|e| e.owners.iter().cloned())
            .collect();
        owners.sort();
        owners.dedup();
        Some(owners)
    }
}

fn valid_owner(owner: &str) -> bool {
    (owner.starts_with('@') && owner.len() > 1)
        || (owner.contains('@') && !owner.starts_with('@') && owner.contains('.'))
}

/// Parses a CODEOWNERS file; each malformed line is an HB001 finding at
/// that line, and the rest of the file is used.
pub(crate) fn parse(
    root: &Path,
    path: &str,
    text: &str,
    findings: &mut Vec<Finding>,
) -> CodeOwners {
    let mut entries = Vec::new();
    let mut section = 0;
    let mut defaults: Vec<String> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let span: Range<usize> = offset..offset + line.trim_end().len();
        offset += line.len();
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // An unescaped ` #` starts a comment.
        let content = content.split(" #").next().unwrap_or(content).trim();
        let header = content.strip_prefix('^').unwrap_or(content);
        if header.starts_with('[') {
            let Some(close) = header.find(']') else {
                findings.push(bad_line(path, span, "a section header needs a closing `]`"));
                continue;
            };
            let mut rest = &header[close + 1..];
            // `[Section][2]`: the number of approvals.
            if rest.starts_with('[') {
                rest = rest.find(']').map_or("", |i| &rest[i + 1..]);
            }
            section += 1;
            defaults = rest.split_whitespace().map(str::to_string).collect();
            if let Some(bad) = defaults.iter().find(|o| !valid_owner(o)) {
                findings.push(bad_line(
                    path,
                    span,
                    &format!("`{bad}` is not an owner (`@user`, `@org/team` or an e-mail)"),
                ));
                defaults.clear();
            }
            continue;
        }
        let mut words = content.split_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        let mut owners: Vec<String> = words.map(str::to_string).collect();
        if let Some(bad) = owners.iter().find(|o| !valid_owner(o)) {
            findings.push(bad_line(
                path,
                span,
                &format!("`{bad}` is not an owner (`@user`, `@org/team` or an e-mail)"),
            ));
            continue;
        }
        if owners.is_empty() {
            owners.clone_from(&defaults);
        }
        let mut builder = GitignoreBuilder::new(root);
        if let Err(error) = builder.add_line(None, pattern) {
            findings.push(bad_line(
                path,
                span,
                &format!("`{pattern}` is not a valid pattern: {error}"),
            ));
            continue;
        }
        match builder.build() {
            Ok(matcher) => entries.push(Entry {
                section,
                matcher,
                owners,
            }),
            Err(error) => findings.push(bad_line(
                path,
                span,
                &format!("`{pattern}` is not a valid pattern: {error}"),
            )),
        }
    }
    CodeOwners {
        path: path.to_string(),
        entries,
    }
}

fn bad_line(path: &str, span: Range<usize>, message: &str) -> Finding {
    Finding::new(
        &crate::base::codes::CONFIG_INVALID,
        format!("CODEOWNERS: {message}"),
    )
    .at(path, Some(span))
    .help("see GitHub's or GitLab's CODEOWNERS syntax: `pattern @owner …`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(text: &str, path: &str) -> Option<Vec<String>> {
        let mut findings = Vec::new();
        let parsed = parse(Path::new("/repo"), "CODEOWNERS", text, &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        parsed.owners_of(path)
    }

    #[test]
    fn the_last_matching_line_wins() {
        let text = "*.md @docs\n/hb/search/ @alice @bob\nhb/search/retros/ @bob\n";
        assert_eq!(
            owners(text, "hb/search/goals.md"),
            Some(vec!["@alice".into(), "@bob".into()])
        );
        assert_eq!(
            owners(text, "hb/search/retros/r.md"),
            Some(vec!["@bob".into()])
        );
        assert_eq!(owners(text, "other/x.md"), Some(vec!["@docs".into()]));
        assert_eq!(owners(text, "other/x.txt"), None);
    }

    #[test]
    fn gitlab_sections_combine_and_have_default_owners() {
        let text = "[Handbook] @handbook-team\nhb/\n^[Optional][2] @carol\nhb/search/goals.md\n";
        assert_eq!(
            owners(text, "hb/search/goals.md"),
            Some(vec!["@carol".into(), "@handbook-team".into()])
        );
        assert_eq!(
            owners(text, "hb/search/index.md"),
            Some(vec!["@handbook-team".into()])
        );
    }

    #[test]
    fn malformed_lines_are_reported_and_skipped() {
        let mut findings = Vec::new();
        let text = "hb/ alice\n[Broken\nhb/search/ @bob\n";
        let parsed = parse(Path::new("/repo"), "CODEOWNERS", text, &mut findings);
        assert_eq!(findings.len(), 2);
        assert_eq!(
            parsed.owners_of("hb/search/x.md"),
            Some(vec!["@bob".into()])
        );
    }
}
