//! The human report: miette's graphical form, each finding with its source
//! line, a label, help and the `why:` line, then a summary.

use std::fmt::{self, Write as _};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{Style, counts, plural};
use crate::base::finding::{Finding, Severity, Sources};
use crate::model::outcome::Outcome;

pub(super) struct View<'a> {
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

pub(super) fn view<'a>(finding: &'a Finding, sources: &Sources) -> View<'a> {
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
