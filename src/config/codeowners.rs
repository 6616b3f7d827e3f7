//! CODEOWNERS as an ownership source: GitHub's syntax and GitLab's
//! sections (`[Section]`, `^[Optional]`, default owners after the header).
//!
//! Within GitHub's file, and within each GitLab section, the last matching
//! line wins; GitLab combines the owners of every section that matches.
//! Patterns follow gitignore rules, translated to globs as the `ignore`
//! crate translates a `.gitignore` line, and all of them are compiled into
//! one [`GlobSet`]: a pull request can bring a 2 MiB CODEOWNERS, and a
//! matcher per line took 1.4 GB for it.

use std::collections::BTreeMap;
use std::ops::Range;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::base::finding::Finding;

/// Where GitHub and GitLab look, in the order they look.
pub(crate) const LOCATIONS: [&str; 4] = [
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// One pattern line: its section, whether it names only directories (a
/// trailing `/`), and its owners. Its index is its glob's in the set.
#[derive(Debug, Clone)]
struct Entry {
    section: usize,
    only_dir: bool,
    owners: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CodeOwners {
    /// Repository-relative path of the file.
    pub path: String,
    entries: Vec<Entry>,
    /// The patterns, compiled: one set, or a few when one would pass the
    /// regex size limit; each with the index of its first entry.
    sets: Vec<(usize, GlobSet)>,
}

impl CodeOwners {
    /// The owners of `path`: the last matching line of each section, all
    /// sections together. `None` when no line matches. A line matches a path
    /// when its pattern matches the path or one of its directories.
    pub(crate) fn owners_of(&self, path: &str) -> Option<Vec<String>> {
        // Section → the last entry that matches in it.
        let mut last: BTreeMap<usize, usize> = BTreeMap::new();
        let mut matches = Vec::new();
        for (candidate, is_dir) in candidates(path) {
            for (first, set) in &self.sets {
                set.matches_into(candidate, &mut matches);
                for index in matches.iter().map(|i| first + i) {
                    let entry = &self.entries[index];
                    if entry.only_dir && !is_dir {
                        continue;
                    }
                    let slot = last.entry(entry.section).or_insert(index);
                    *slot = (*slot).max(index);
                }
            }
        }
        if last.is_empty() {
            return None;
        }
        let mut owners: Vec<String> = last
            .values()
            .flat_map(|&index| self.entries[index].owners.iter().cloned())
            .collect();
        owners.sort();
        owners.dedup();
        Some(owners)
    }

    /// How many patterns were compiled, and into how many sets.
    #[cfg(test)]
    fn compiled(&self) -> (usize, usize) {
        (self.entries.len(), self.sets.len())
    }
}

/// The path itself, then each directory above it up to the root (`""`),
/// as gitignore matching walks them.
fn candidates(path: &str) -> impl Iterator<Item = (&str, bool)> {
    let parents = path
        .char_indices()
        .rev()
        .filter(|&(_, c)| c == '/')
        .map(|(index, _)| (&path[..index], true));
    std::iter::once((path, false))
        .chain(parents)
        .chain((!path.is_empty()).then_some(("", true)))
}

/// A pattern as a glob, the way `ignore` reads a `.gitignore` line: a
/// leading `/` anchors it, a trailing `/` makes it match directories only,
/// a pattern without a `/` matches at any depth. `None` for a negation
/// (`!`), which CODEOWNERS does not have: such a line matches nothing, as
/// before.
fn glob_of(pattern: &str) -> Option<Result<(Glob, bool), globset::Error>> {
    let mut line = pattern;
    let mut anchored = false;
    if line.starts_with("\\!") || line.starts_with("\\#") {
        line = &line[1..];
        anchored = line.starts_with('/');
    } else {
        if line.starts_with('!') {
            return None;
        }
        if let Some(rest) = line.strip_prefix('/') {
            line = rest;
            anchored = true;
        }
    }
    let mut only_dir = false;
    if let Some(rest) = line.strip_suffix('/') {
        only_dir = true;
        line = rest.strip_suffix('\\').unwrap_or(rest);
    }
    let mut actual = line.to_string();
    let at_any_depth = !anchored && !line.contains('/');
    if at_any_depth && !actual.starts_with("**/") && actual != "**" {
        actual = format!("**/{actual}");
    }
    if actual.ends_with("/**") {
        actual.push_str("/*");
    }
    spell_out_extension(&mut actual);
    let glob = GlobBuilder::new(&actual)
        .literal_separator(true)
        .backslash_escape(true)
        .allow_unclosed_class(true)
        .build();
    Some(glob.map(|glob| (glob, only_dir)))
}

/// Writes the last character of a wildcard pattern's extension as a class
/// (`*.md` → `*.m[d]`): the same language, but globset then compiles the
/// pattern into its one shared regex set. A pattern ending in a literal
/// `.ext` after a wildcard would otherwise get a regex of its own, tried one
/// by one on every path with that extension: 10,000 `docs/*/*.md` lines were
/// 10,000 regexes and hundreds of megabytes.
fn spell_out_extension(glob: &mut String) {
    let name = glob.rsplit('/').next().unwrap_or(glob);
    let Some(dot) = name.rfind('.') else {
        return;
    };
    let ext = &name[dot + 1..];
    let wild = |text: &str| text.contains(['*', '?', '[', '{', '\\']);
    if !ext.is_empty()
        && ext.chars().all(char::is_alphanumeric)
        && wild(&glob[..glob.len() - ext.len()])
        && let Some(last) = glob.pop()
    {
        glob.push('[');
        glob.push(last);
        glob.push(']');
    }
}

/// Globs compiled into sets as they come. A parsed [`Glob`] takes a
/// kilobyte or two: only one chunk of them is held at a time.
#[derive(Default)]
struct Compiler {
    pending: Vec<Glob>,
    /// The index of the first pending glob.
    first: usize,
    sets: Vec<(usize, GlobSet)>,
}

impl Compiler {
    /// Globs per set. A set's regexes share one automaton, which globset
    /// caps at 10 MiB: thousands of wildcard lines would not fit in one,
    /// and one failed attempt at a huge set costs as much as many small
    /// ones. A CODEOWNERS of up to this many lines is one set.
    const CHUNK: usize = 4096;

    fn add(&mut self, glob: Glob) {
        self.pending.push(glob);
        if self.pending.len() == Self::CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        compile(&pending, self.first, &mut self.sets);
        self.first += pending.len();
    }

    fn finish(mut self) -> Vec<(usize, GlobSet)> {
        self.flush();
        self.sets
    }
}

/// `globs` as one set or, when that passes the size limit, each half on
/// its own, and so on. Each set comes with the index of its first glob.
fn compile(globs: &[Glob], first: usize, sets: &mut Vec<(usize, GlobSet)>) {
    if globs.is_empty() {
        return;
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(glob.clone());
    }
    match builder.build() {
        Ok(set) => sets.push((first, set)),
        Err(_) if globs.len() > 1 => {
            let half = globs.len() / 2;
            compile(&globs[..half], first, sets);
            compile(&globs[half..], first + half, sets);
        }
        // A single glob that parsed always compiles; should one not, it
        // matches nothing rather than stopping the run.
        Err(_) => {}
    }
}

fn valid_owner(owner: &str) -> bool {
    (owner.starts_with('@') && owner.len() > 1)
        || (owner.contains('@') && !owner.starts_with('@') && owner.contains('.'))
}

/// Parses a CODEOWNERS file; each malformed line is an HB001 finding at
/// that line, and the rest of the file is used.
pub(crate) fn parse(path: &str, text: &str, findings: &mut Vec<Finding>) -> CodeOwners {
    let mut entries = Vec::new();
    let mut globs = Compiler::default();
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
        match glob_of(pattern) {
            None => {}
            Some(Ok((glob, only_dir))) => {
                globs.add(glob);
                entries.push(Entry {
                    section,
                    only_dir,
                    owners,
                });
            }
            Some(Err(error)) => findings.push(bad_line(
                path,
                span,
                &format!("`{pattern}` is not a valid pattern: {}", error.kind()),
            )),
        }
    }
    CodeOwners {
        path: path.to_string(),
        entries,
        sets: globs.finish(),
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
        let parsed = parse("CODEOWNERS", text, &mut findings);
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
        let parsed = parse("CODEOWNERS", text, &mut findings);
        assert_eq!(findings.len(), 2);
        assert_eq!(
            parsed.owners_of("hb/search/x.md"),
            Some(vec!["@bob".into()])
        );
    }

    #[test]
    fn patterns_read_as_gitignore_reads_them() {
        let text = "goals.md @a\n/hb/x/ @b\ndocs/ @c\nhb/**/retros/** @d\n!hb/y/ @e\n";
        assert_eq!(owners(text, "hb/y/goals.md"), Some(vec!["@a".into()]));
        assert_eq!(owners(text, "hb/x/goals.md"), Some(vec!["@b".into()]));
        assert_eq!(owners(text, "sub/hb/x/index.md"), None, "anchored");
        assert_eq!(owners(text, "a/docs/b/c.md"), Some(vec!["@c".into()]));
        assert_eq!(owners(text, "a/docs"), None, "a file is not a directory");
        assert_eq!(
            owners(text, "hb/z/q/retros/2026.md"),
            Some(vec!["@d".into()])
        );
        assert_eq!(owners(text, "hb/y/index.md"), None, "no negation");
        let mut findings = Vec::new();
        assert_eq!(parse("CODEOWNERS", text, &mut findings).compiled(), (4, 1));
    }

    #[test]
    fn a_wildcard_extension_is_spelt_as_a_class_and_means_the_same() {
        let spelt = |glob: &str| {
            let mut glob = glob.to_string();
            spell_out_extension(&mut glob);
            glob
        };
        assert_eq!(spelt("**/*.md"), "**/*.m[d]");
        assert_eq!(spelt("hb/*/goals.md"), "hb/*/goals.m[d]");
        assert_eq!(spelt("hb/x/goals.md"), "hb/x/goals.md", "no wildcard");
        assert_eq!(spelt("hb/*/x"), "hb/*/x", "no extension");
        assert_eq!(spelt("*.m*"), "*.m*");
        let text = "hb/*/*.md @a\n";
        assert_eq!(owners(text, "hb/x/goals.md"), Some(vec!["@a".into()]));
        assert_eq!(owners(text, "hb/x/goals.mdx"), None);
        assert_eq!(owners(text, "hb/x/goals.m"), None);
    }

    /// Regression: a 2 MiB CODEOWNERS took 1.4 GB with a matcher per line.
    /// Its 65,000 patterns are compiled into sets of 4,096 now (about 100 MB
    /// in all), and the last line that matches still wins.
    #[test]
    fn a_two_mebibyte_codeowners_compiles_into_a_few_sets() {
        use std::fmt::Write as _;
        let mut text = String::from("* @everyone\n");
        let mut lines = 1;
        while text.len() < 2 * 1024 * 1024 - 200 {
            let i = lines;
            let _ = match i % 4 {
                0 => writeln!(text, "/hb/team{i}/ @owner{i}"),
                1 => writeln!(text, "hb/team{i}/*.md @owner{i} @pm{i}"),
                2 => writeln!(text, "**/retros/{i}-*.md @em{i}"),
                _ => writeln!(text, "/hb/team{}/goals.md @goals{i}", i - 3),
            };
            lines += 1;
        }
        text.push_str("/hb/team8/ @late\n");
        lines += 1;
        let mut findings = Vec::new();
        let parsed = parse("CODEOWNERS", &text, &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        let (patterns, sets) = parsed.compiled();
        assert_eq!(patterns, lines);
        // One set per 4,096 patterns, none split: the work is bounded by
        // the file's size.
        assert_eq!(sets, patterns.div_ceil(Compiler::CHUNK));
        let of = |path: &str| parsed.owners_of(path).unwrap_or_default();
        // Line 4's directory, then line 7's goals page, then the last line.
        assert_eq!(of("hb/team4/index.md"), ["@owner4"]);
        assert_eq!(of("hb/team4/goals.md"), ["@goals7"]);
        assert_eq!(of("hb/team8/goals.md"), ["@late"]);
        assert_eq!(of("hb/team5/x.md"), ["@owner5", "@pm5"]);
        assert_eq!(of("hb/a/retros/6-x.md"), ["@em6"]);
        assert_eq!(of("nowhere.txt"), ["@everyone"]);
    }
}
