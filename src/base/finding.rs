//! The one thing every stage produces and every reporter consumes.
//!
//! Spans are byte ranges into the file's text; line and column numbers are
//! computed only by renderers (columns in characters), so multibyte text in a
//! page never shifts a highlight.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::base::rule::RuleMeta;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Where a finding points: a repository-relative path and, when known, the
/// byte range inside that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub path: String,
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// Short text drawn under the highlighted span.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// The ruleset's words for the expectation this finding enforces, with the
    /// role and responsibility they belong to.
    pub why: Option<String>,
    /// The team the finding concerns, for filtering and machine output.
    pub team: Option<String>,
    /// The page a finding is about when it is reported elsewhere: where a
    /// missing page was expected (a path or a glob). A commit that deletes
    /// or renames that page is what the finding is about.
    pub about: Option<String>,
}

impl Finding {
    pub(crate) fn new(rule: &'static RuleMeta, message: impl Into<String>) -> Self {
        Finding {
            rule,
            // An optional rule's findings reach a report only where the
            // config gives the rule a severity, which then replaces this.
            severity: rule.default_severity.unwrap_or(Severity::Warning),
            message: message.into(),
            location: None,
            label: None,
            help: None,
            why: None,
            team: None,
            about: None,
        }
    }

    #[must_use]
    pub(crate) fn at(mut self, path: impl Into<String>, span: Option<Range<usize>>) -> Self {
        self.location = Some(Location {
            path: path.into(),
            span,
        });
        self
    }

    #[must_use]
    pub(crate) fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    #[must_use]
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub(crate) fn why(mut self, why: Option<String>) -> Self {
        self.why = why;
        self
    }

    #[must_use]
    pub(crate) fn team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }

    #[must_use]
    pub(crate) fn about(mut self, page: impl Into<String>) -> Self {
        self.about = Some(page.into());
        self
    }

    pub(crate) fn path(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.path.as_str())
    }

    /// Report order: by file, then position, then code, then message, so
    /// output is stable. Compares in place: sorting 100,000 findings by a
    /// key of owned strings would copy each path and message at every
    /// comparison.
    pub(crate) fn report_order(&self, other: &Finding) -> std::cmp::Ordering {
        self.order_key().cmp(&other.order_key())
    }

    fn order_key(&self) -> (&str, usize, &'static str, &str) {
        let (path, offset) = match &self.location {
            Some(loc) => (
                loc.path.as_str(),
                loc.span.as_ref().map_or(0, |span| span.start),
            ),
            None => ("", 0),
        };
        (path, offset, self.rule.code, self.message.as_str())
    }
}

/// The text of every file a finding may point into, by repository-relative
/// path, so reporters can show source snippets without reading the disk.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sources {
    files: std::collections::BTreeMap<String, Source>,
}

/// A file's text and, once a reporter asks for a line, its line index.
#[derive(Debug, Clone)]
struct Source {
    text: Arc<str>,
    lines: OnceLock<Arc<LineIndex>>,
}

impl Sources {
    pub(crate) fn insert(&mut self, path: impl Into<String>, text: Arc<str>) {
        self.files.insert(
            path.into(),
            Source {
                text,
                lines: OnceLock::new(),
            },
        );
    }

    /// The file's text with its line index, built on first use: a page
    /// with 100,000 findings is indexed once, not scanned once per finding.
    pub(crate) fn indexed(&self, path: &str) -> Option<(&str, &LineIndex)> {
        let source = self.files.get(path)?;
        let lines = source
            .lines
            .get_or_init(|| Arc::new(LineIndex::new(&source.text)));
        Some((&source.text, lines))
    }

    /// 1-based line and character column of `offset` in the file at `path`.
    pub(crate) fn line_column(&self, path: &str, offset: usize) -> Option<(usize, usize)> {
        let (text, lines) = self.indexed(path)?;
        Some(lines.line_column(text, offset))
    }
}

/// Where each line of a text starts, so a byte offset's line is a binary
/// search rather than a scan from the top of the file.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset of each line's first byte; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(index, _)| index + 1),
        );
        LineIndex { starts }
    }

    /// How many lines the text has (one more than its line breaks).
    pub(crate) fn count(&self) -> usize {
        self.starts.len()
    }

    /// The 1-based line holding `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// The byte range of 1-based `line` without its line break; empty past
    /// the last line.
    pub(crate) fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len()..text.len();
        };
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        start.min(text.len())..end.max(start).min(text.len())
    }

    /// As [`line_column`], in time proportional to the line's length.
    pub(crate) fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line(offset);
        let line_start = self.starts[line - 1];
        let column = text[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

/// 1-based line and 1-based column in characters of a byte offset, by a
/// scan: what [`LineIndex`] must agree with.
#[cfg(test)]
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based line and 1-based character column; clamps to the
/// text. YAML parsers report positions this way.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line.max(1) {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[offset..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    let within = line_text[..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(i, _)| i);
    offset + within
}

/// The byte range of the token starting at `offset`: up to the end of the
/// line, trimmed, so a highlight covers a YAML value rather than one byte.
pub(crate) fn token_at(text: &str, offset: usize) -> Range<usize> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let rest = &text[offset..];
    let end = rest.find('\n').unwrap_or(rest.len());
    let mut token = rest[..end].trim_end();
    token = token.split(" #").next().unwrap_or(token).trim_end();
    // Inside a flow mapping or sequence (`{ length: 0d, start: … }`) a plain
    // value ends at the next separator.
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..offset].contains(['{', '['])
        && let Some(stop) = token.find([',', '}', ']'])
    {
        token = token[..stop].trim_end();
    }
    offset..offset + token.len().max(usize::from(!rest.is_empty()))
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "é: x\nowner: ünknown\n";
        let offset = text.find("ünknown").unwrap_or(0);
        assert_eq!(line_column(text, offset), (2, 8));
        assert_eq!(offset_of(text, 2, 8), offset);
        assert_eq!(offset_of(text, 1, 4), text.find('x').unwrap_or(0));
    }

    #[test]
    fn the_line_index_agrees_with_a_scan() {
        let text = "ab\né\n\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_column(text, offset),
                line_column(text, offset),
                "{offset}"
            );
        }
        assert_eq!(&text[index.line_range(text, 2)], "é");
        assert_eq!(&text[index.line_range(text, 3)], "");
        assert_eq!(&text[index.line_range(text, 4)], "last");
        assert_eq!(index.line_range(text, 5), text.len()..text.len());
    }

    #[test]
    fn token_covers_the_value_without_a_comment() {
        let text = "pm: alice  # the PM\n";
        let start = text.find("alice").unwrap_or(0);
        assert_eq!(&text[token_at(text, start)], "alice");
    }
}
