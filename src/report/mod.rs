//! Report stage: findings to text. `human` is miette's graphical report;
//! `short` and `json` are for scripts and editors.

pub(crate) mod formats;
pub(crate) mod progress;

use std::fmt::{self, Write as _};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::base::finding::{Finding, Severity, Sources, line_column};
use crate::base::time::{UnixTime, rfc3339};
use crate::model::Handbook;
use crate::model::outcome::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Graphical report with source snippets, labels and help.
    Human,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Short,
    /// A JSON document for scripts.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

/// How human output looks: colour and width are decided by the caller
/// (terminal or not, NO_COLOR), so snapshots can fix both.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub color: bool,
    pub width: usize,
}

struct View<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<String>>,
    help: Option<String>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.finding.location, &self.source) {
            // No snippet to carry the file name: put it in the message.
            (Some(location), None) => write!(f, "{}: {}", location.path, self.finding.message),
            _ => f.write_str(&self.finding.message),
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
        self.source.as_ref()?;
        let span = self.finding.location.as_ref()?.span.clone()?;
        let label = LabeledSpan::new_primary_with_span(
            self.finding.label.clone(),
            span.start..span.end.max(span.start),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

fn view<'a>(finding: &'a Finding, sources: &Sources) -> View<'a> {
    let source = finding.location.as_ref().and_then(|location| {
        location.span.as_ref()?;
        let text = sources.get(&location.path)?;
        Some(NamedSource::new(&location.path, text.to_string()).with_language("markdown"))
    });
    let help = match (&finding.help, &finding.why) {
        (Some(help), Some(why)) => Some(format!("{help}\nwhy: {why}")),
        (Some(help), None) => Some(help.clone()),
        (None, Some(why)) => Some(format!("why: {why}")),
        (None, None) => None,
    };
    View {
        finding,
        source,
        help,
    }
}

/// Renders every finding, then a summary line.
pub(crate) fn render(outcome: &Outcome, format: Format, style: Style) -> String {
    match format {
        Format::Human => human(outcome, style),
        Format::Short => short(outcome),
        Format::Json => pretty(&json_report(outcome)),
        Format::Sarif => pretty(&crate::report::formats::sarif(outcome)),
        Format::Github => crate::report::formats::github(outcome),
        Format::Gitlab => pretty(&crate::report::formats::gitlab(outcome)),
        Format::Junit => crate::report::formats::junit(outcome),
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
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
        .with_context_lines(1);
    let mut out = String::new();
    for finding in findings {
        let view = view(finding, sources);
        if handler.render_report(&mut out, &view).is_err() {
            let _ = writeln!(out, "{}: {}", finding.rule.code, finding.message);
        }
        out.push('\n');
    }
    out
}

fn human(outcome: &Outcome, style: Style) -> String {
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

fn short(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let position = match &finding.location {
            Some(location) => {
                let (line, column) = match (&location.span, outcome.sources.get(&location.path)) {
                    (Some(span), Some(text)) => line_column(text, span.start),
                    _ => (1, 1),
                };
                format!("{}:{line}:{column}", location.path)
            }
            None => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{position}: {} [{}] {}",
            finding.rule.code,
            finding.severity.as_str(),
            finding.message
        );
    }
    out
}

/// One finding as JSON, with 1-based lines and character columns.
pub(crate) fn finding_json(finding: &Finding, sources: &Sources) -> Value {
    let (path, start, end) = match &finding.location {
        Some(location) => {
            let positions = location
                .span
                .as_ref()
                .zip(sources.get(&location.path))
                .map(|(span, text)| (line_column(text, span.start), line_column(text, span.end)));
            (
                Some(location.path.clone()),
                positions.map(|p| p.0),
                positions.map(|p| p.1),
            )
        }
        None => (None, None, None),
    };
    json!({
        "code": finding.rule.code,
        "name": finding.rule.name,
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "path": path,
        "line": start.map(|p| p.0),
        "column": start.map(|p| p.1),
        "end_line": end.map(|p| p.0),
        "end_column": end.map(|p| p.1),
        "label": finding.label,
        "help": finding.help,
        "why": finding.why,
        "team": finding.team,
    })
}

fn json_report(outcome: &Outcome) -> Value {
    let (errors, warnings) = counts(&outcome.findings);
    let findings: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| finding_json(f, &outcome.sources))
        .collect();
    json!({
        "version": 1,
        "tool": { "name": "handbook-lint", "version": env!("CARGO_PKG_VERSION") },
        "now": outcome.model.as_ref().map(|m| rfc3339(m.now)),
        "findings": findings,
        "summary": {
            "errors": errors,
            "warnings": warnings,
            "teams": outcome.model.as_ref().map_or(0, |m| m.teams.len()),
            "pages": outcome.model.as_ref().map_or(0, |m| m.pages.len()),
        },
        "notes": outcome.notes,
    })
}

/// `pages --format json`: every page and configured section with its
/// freshness — the audit trail behind each verdict. Serialized straight
/// from these structs: on a 10,000-page handbook, building a JSON tree first
/// would cost more than the warm run's history lookup.
#[derive(Debug, Serialize)]
pub(crate) struct PagesReport<'a> {
    pub version: u32,
    pub head: Option<&'a str>,
    pub shallow: bool,
    pub now: String,
    pub pages: Vec<PageRow<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PageRow<'a> {
    pub path: &'a str,
    pub section: Option<&'a str>,
    pub kind: &'a str,
    pub team: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// The freshness in force: the last substantive change, or the
    /// `reviewed:` stamp when later.
    pub updated: Option<String>,
    pub updated_unix: Option<UnixTime>,
    /// `git`, `reviewed` or `working-tree`.
    pub source: Option<&'static str>,
    /// The last commit that changed the page in substance.
    pub commit: Option<&'a str>,
    pub git_updated_unix: Option<UnixTime>,
    pub reviewed: Option<String>,
    /// A newer commit that touched the page but was not counted: a
    /// reformatting sweep or an ignore-revs entry.
    pub ignored_commit: Option<&'a str>,
    pub ignored_unix: Option<UnixTime>,
    /// The last change is dated after `now`.
    pub clock_skew: bool,
    pub history: HistoryState<'a>,
}

/// What git could say: `"git"`, `"uncommitted"`, or why not.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum HistoryState<'a> {
    Plain(&'static str),
    Shallow { shallow: &'a str },
    Unreadable { unreadable: &'a str },
}

pub(crate) fn pages_report<'a>(model: &'a Handbook, outcome: &'a Outcome) -> PagesReport<'a> {
    let mut rows = Vec::with_capacity(model.pages.len());
    let team_name = |index: Option<usize>| index.map(|i| model.teams[i].name.as_str());
    for page in &model.pages {
        rows.push(page_row(
            page,
            None,
            page.kind.as_deref(),
            team_name(page.team),
            &page.freshness,
        ));
    }
    for team in &model.teams {
        for (kind, slot) in &team.slots {
            if let crate::model::Slot::Found {
                page,
                section: Some(section),
            } = slot
            {
                let page = &model.pages[*page];
                rows.push(page_row(
                    page,
                    Some(&section.anchor),
                    Some(kind),
                    Some(team.name.as_str()),
                    &section.freshness,
                ));
            }
        }
    }
    PagesReport {
        version: 1,
        head: outcome.history.head.as_deref(),
        shallow: outcome.history.shallow,
        now: rfc3339(model.now),
        pages: rows,
    }
}

fn page_row<'a>(
    page: &'a crate::model::Page,
    section: Option<&'a str>,
    kind: Option<&'a str>,
    team: Option<&'a str>,
    freshness: &'a crate::model::Freshness,
) -> PageRow<'a> {
    use crate::history::Answer;
    let stamp = freshness.stamp();
    let change = freshness.last_change();
    PageRow {
        path: &page.path,
        section,
        kind: kind.unwrap_or("page"),
        team,
        owner: page.doc.front.owner.as_ref().map(|o| o.value.as_str()),
        updated: stamp.as_ref().map(|s| rfc3339(s.time)),
        updated_unix: stamp.as_ref().map(|s| s.time),
        source: stamp.as_ref().map(|s| s.source.as_str()),
        commit: change.map(|c| c.commit.as_str()),
        git_updated_unix: change.map(|c| c.time),
        reviewed: freshness.reviewed.map(|d| d.to_string()),
        ignored_commit: freshness.ignored.as_ref().map(|c| c.commit.as_str()),
        ignored_unix: freshness.ignored.as_ref().map(|c| c.time),
        clock_skew: change.is_some_and(|c| c.time > freshness.now),
        history: match &freshness.history {
            Answer::Changed(_) => HistoryState::Plain("git"),
            Answer::NotCommitted => HistoryState::Plain("uncommitted"),
            Answer::Shallow { boundary } => HistoryState::Shallow { shallow: boundary },
            Answer::Unreadable { reason } => HistoryState::Unreadable { unreadable: reason },
        },
    }
}
