//! The JSON report, in its documented shape (`version`, `tool`, `now`,
//! `findings`, `notes`, `summary`).

use serde_json::{Value, json};

use super::counts;
use crate::base::finding::{Finding, Sources};
use crate::base::time::rfc3339;
use crate::model::outcome::Outcome;

/// One finding as JSON, with 1-based lines and character columns.
pub(crate) fn finding_json(finding: &Finding, sources: &Sources) -> Value {
    let (path, start, end) = match &finding.location {
        Some(location) => {
            let positions = location.span.as_ref().and_then(|span| {
                let (text, lines) = sources.indexed(&location.path)?;
                Some((
                    lines.line_column(text, span.start),
                    lines.line_column(text, span.end),
                ))
            });
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

pub(super) fn json_report(outcome: &Outcome) -> Value {
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
