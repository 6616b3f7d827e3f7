//! The human report: miette's graphical form, each finding with its source
//! line, a label, help and the `why:` line, then a summary.

use std::fmt::{self, Write as _};
use std::ops::Range;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::escape::{Visible, push_visible, visible};
use super::{Style, counts, plural};
use crate::base::finding::{Finding, LineIndex, Severity, Sources};
use crate::model::outcome::Outcome;

pub(super) struct View<'a> {
    finding: &'a Finding,
    /// The message with its hidden characters shown (see [`visible`]).
    message: String,
    source: Option<Excerpt>,
    help: Option<String>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.finding.location, &self.source) {
            // No snippet to carry the file name: put it in the message.
            (Some(location), None) => {
                write!(f, "{}: {}", Visible(&location.path), self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for View<'_> {}

impl Diagnostic for View<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.rule.code, self.finding.rule.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        let label = LabeledSpan::new_primary_with_span(
            self.finding
                .label
                .as_deref()
                .map(|label| visible(label).into_owned()),
            source.span.clone(),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// Lines of context miette shows around a finding.
const CONTEXT_LINES: usize = 1;

/// A source line longer than this (in bytes) is shown in part, around the
/// finding: one hostile 2 MiB line can carry thousands of findings, and
/// each would print all of it.
const LINE_LIMIT: usize = 240;

/// What miette shows of a page for one finding: only the lines around it
/// (so a page with 100,000 findings is not copied 100,000 times), long
/// lines cut around the finding, hidden characters made visible, while
/// line and column numbers stay those of the page.
struct Excerpt {
    name: String,
    text: String,
    /// The page's line number of the excerpt's first line, 0-based.
    first_line: usize,
    /// The finding's span in `text`.
    span: Range<usize>,
    /// The finding's character column in the page, 0-based.
    column: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette asks for the finding's own span without context for the
        // `[path:line:column]` header: the page's column, not the excerpt's.
        let column = if context_lines_before == 0 && span.offset() == self.span.start {
            self.column
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            column,
            contents.line_count(),
        )))
    }
}

/// The excerpt of `text` that shows `span`.
fn excerpt(name: &str, text: &str, lines: &LineIndex, span: &Range<usize>) -> Excerpt {
    let start = floor_boundary(text, span.start.min(text.len()));
    let end = floor_boundary(text, span.end.clamp(start, text.len()));
    let (start_line, end_line) = (lines.line(start), lines.line(end));
    let first = start_line.saturating_sub(CONTEXT_LINES).max(1);
    let last = (end_line + CONTEXT_LINES).min(lines.count());
    let mut out = Excerpt {
        name: visible(name).into_owned(),
        text: String::new(),
        first_line: first - 1,
        span: 0..0,
        column: lines.line_column(text, start).1 - 1,
    };
    let (mut mapped_start, mut mapped_end) = (None, None);
    for line in first..=last {
        let mut range = lines.line_range(text, line);
        if text[range.clone()].ends_with('\r') {
            // CRLF: miette reads the `\r\n` as the line break it is.
            range.end -= 1;
        }
        let anchor = if line == start_line {
            start
        } else if line == end_line {
            end
        } else {
            range.start
        };
        let window = clip(text, &range, anchor);
        if window.start > range.start {
            out.text.push('…');
        }
        for (index, c) in text[window.clone()].char_indices() {
            let at = window.start + index;
            if at == start {
                mapped_start = Some(out.text.len());
            }
            if at == end {
                mapped_end = Some(out.text.len());
            }
            if c == '\t' {
                // miette expands tabs to spaces: an indented page reads as
                // written, and no tab reaches the terminal.
                out.text.push(c);
            } else {
                push_visible(&mut out.text, c);
            }
        }
        // A span that starts or ends at (or, cut, past) the window's end.
        if line == start_line && mapped_start.is_none() {
            mapped_start = Some(out.text.len());
        }
        if line == end_line && mapped_end.is_none() {
            mapped_end = Some(out.text.len());
        }
        if window.end < range.end {
            out.text.push('…');
        }
        // The line break after the last line too: without it, miette would
        // not show an empty last line of context.
        if line < lines.count() {
            out.text.push('\n');
        }
    }
    let mapped_start = mapped_start.unwrap_or(0);
    out.span = mapped_start..mapped_end.unwrap_or(mapped_start).max(mapped_start);
    out
}

/// The part of the line `range` shown: all of it, or [`LINE_LIMIT`] bytes
/// around `anchor`.
fn clip(text: &str, range: &Range<usize>, anchor: usize) -> Range<usize> {
    if range.len() <= LINE_LIMIT {
        return range.clone();
    }
    let anchor = anchor.clamp(range.start, range.end);
    let end = (anchor.saturating_sub(LINE_LIMIT / 4) + LINE_LIMIT).min(range.end);
    let start = end.saturating_sub(LINE_LIMIT).max(range.start);
    floor_boundary(text, start)..floor_boundary(text, end)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub(super) fn view<'a>(finding: &'a Finding, sources: &Sources) -> View<'a> {
    let source = finding.location.as_ref().and_then(|location| {
        let span = location.span.as_ref()?;
        let (text, lines) = sources.indexed(&location.path)?;
        Some(excerpt(&location.path, text, lines, span))
    });
    let help = match (&finding.help, &finding.why) {
        (Some(help), Some(why)) => Some(format!("{}\nwhy: {}", visible(help), visible(why))),
        (Some(help), None) => Some(visible(help).into_owned()),
        (None, Some(why)) => Some(format!("why: {}", visible(why))),
        (None, None) => None,
    };
    View {
        finding,
        message: visible(&finding.message).into_owned(),
        source,
        help,
    }
}

/// Each finding as miette's graphical report: the source line, a label,
/// help, and the `why:` line.
pub(crate) fn graphical(findings: &[Finding], sources: &Sources, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    let mut out = String::new();
    for finding in findings {
        let view = view(finding, sources);
        if handler.render_report(&mut out, &view).is_err() {
            let _ = writeln!(out, "{}: {}", finding.rule.code, visible(&finding.message));
        }
        out.push('\n');
    }
    out
}

pub(super) fn human(outcome: &Outcome, style: Style) -> String {
    let mut out = graphical(&outcome.findings, &outcome.sources, style);
    let (errors, warnings) = counts(&outcome.findings);
    let scope = outcome.model.as_ref().map_or_else(String::new, |model| {
        format!(
            " in {} ({} checked)",
            plural(model.teams.len(), "team"),
            plural(model.pages.len(), "page")
        )
    });
    if outcome.findings.is_empty() {
        let _ = writeln!(out, "No findings{scope}.");
    } else {
        let _ = writeln!(
            out,
            "Found {} and {}{scope}.",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, span: Range<usize>) -> (Excerpt, String) {
        let lines = LineIndex::new(text);
        let excerpt = excerpt("hb/p.md", text, &lines, &span);
        let marked = excerpt
            .text
            .get(excerpt.span.clone())
            .unwrap_or("?")
            .to_string();
        (excerpt, marked)
    }

    #[test]
    fn an_excerpt_is_the_lines_around_the_finding_with_the_page_numbers() {
        let text = "one\ntwo\nthree four\nfive\nsix\n";
        let start = text.find("four").unwrap_or(0);
        let (excerpt, marked) = shown(text, start..start + 4);
        assert_eq!(excerpt.text, "two\nthree four\nfive\n");
        assert_eq!(marked, "four");
        assert_eq!((excerpt.first_line, excerpt.column), (1, 6));
    }

    #[test]
    fn an_excerpt_shows_hidden_characters_and_keeps_the_span_on_its_text() {
        let text = "# T\n- [ ] \u{1b}]0;pwned\u{7} fix\r\n\tend";
        let start = text.find("fix").unwrap_or(0);
        let (excerpt, marked) = shown(text, start..start + 3);
        assert_eq!(excerpt.text, "# T\n- [ ] \\u{1b}]0;pwned\\u{7} fix\n\tend");
        assert_eq!(marked, "fix");
    }

    #[test]
    fn a_long_line_is_cut_around_the_finding() {
        let text = format!(
            "{}TARGET{}\nnext\n",
            "a".repeat(100_000),
            "b".repeat(100_000)
        );
        let start = text.find("TARGET").unwrap_or(0);
        let (excerpt, marked) = shown(&text, start..start + 6);
        assert_eq!(marked, "TARGET");
        assert!(
            excerpt.text.len() < 2 * LINE_LIMIT,
            "{}",
            excerpt.text.len()
        );
        assert!(excerpt.text.starts_with('…') && excerpt.text.contains("…\nnext"));
        assert_eq!(excerpt.column, 100_000);
    }

    #[test]
    fn the_report_names_the_page_line_and_column() {
        let mut sources = Sources::default();
        let text = "é\n\tx\n- [ ] \u{1b}[31mred\n";
        sources.insert("hb/a\nb.md", std::sync::Arc::from(text));
        let start = text.find("red").unwrap_or(0);
        let finding = Finding::new(&crate::base::codes::UNKNOWN_PERSON, "bad \u{1b}[31m")
            .at("hb/a\nb.md", Some(start..start + 3))
            .label("here\u{7}");
        let style = Style {
            color: false,
            width: 100,
        };
        let out = graphical(&[finding], &sources, style);
        assert!(out.contains("[hb/a\\nb.md:3:12]"), "{out}");
        assert!(
            out.contains("bad \\u{1b}[31m") && out.contains("here\\u{7}"),
            "{out}"
        );
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out}");
    }
}
