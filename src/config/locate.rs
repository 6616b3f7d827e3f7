//! Which pages a page location names: the file, or every file its glob
//! matches. One function for the history plan and for the model, so the two
//! can never disagree about which page fills a slot.

use std::collections::HashMap;

use globset::Glob;

use crate::config::PageLocation;

/// Compiled glob tails, shared by every team whose locations end alike
/// (`{dir}/retros/*.md`).
pub(crate) type Matchers = HashMap<String, Option<globset::GlobMatcher>>;

/// The part of a glob before its first wildcard.
fn literal_prefix(pattern: &str) -> &str {
    pattern
        .find(['*', '?', '[', '{'])
        .map_or(pattern, |i| &pattern[..i])
}

/// The pages (sorted by path) a location glob matches. Only pages under the
/// glob's literal prefix can match, and they are found by binary search; the
/// rest of the glob is matched against the rest of the path, and compiled
/// once for every team that shares it (`{dir}/retros/*.md`).
fn matching_pages(paths: &[&str], pattern: &str, matchers: &mut Matchers) -> Vec<usize> {
    let literal = literal_prefix(pattern);
    // An escape in the prefix would change meaning if the glob were split.
    let (literal, tail) = if literal.contains('\\') {
        ("", pattern)
    } else {
        (literal, &pattern[literal.len()..])
    };
    let matcher = matchers
        .entry(tail.to_string())
        .or_insert_with(|| Glob::new(tail).ok().map(|glob| glob.compile_matcher()));
    let Some(matcher) = matcher else {
        return Vec::new();
    };
    let from = paths.partition_point(|path| *path < literal);
    paths[from..]
        .iter()
        .take_while(|path| path.starts_with(literal))
        .enumerate()
        .filter(|(_, path)| matcher.is_match(&path[literal.len()..]))
        .map(|(offset, _)| from + offset)
        .collect()
}

/// The pages (by index into `paths`, sorted) a page location names: the
/// file, or every file its glob matches.
pub(crate) fn located(
    paths: &[&str],
    location: &PageLocation,
    matchers: &mut Matchers,
) -> Vec<usize> {
    if location.is_glob() {
        matching_pages(paths, &location.pattern, matchers)
    } else {
        paths
            .binary_search(&location.pattern.as_str())
            .into_iter()
            .collect()
    }
}
