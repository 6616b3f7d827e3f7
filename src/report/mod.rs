//! Report stage: findings to text. `human` is miette's graphical report;
//! `short` and `json` are for scripts and editors; `sarif`, `github`,
//! `gitlab` and `junit` for CI. One file per format.

mod ci;
mod escape;
mod github;
// Wired to the `report` command in the next commits.
mod gitlab;
#[allow(dead_code)]
pub(crate) mod health;
mod human;
mod json;
mod junit;
mod pages;
pub(crate) mod progress;
mod sarif;
mod short;

use serde_json::Value;

use self::human::human;
use self::json::json_report;
use self::short::short;
use crate::base::finding::{Finding, Severity};
use crate::model::outcome::Outcome;

pub(crate) use self::ci::fingerprint;
pub(crate) use self::escape::{Visible, json_text, visible, xml};
#[cfg(test)]
pub(crate) use self::human::graphical;
pub(crate) use self::pages::{PageRow, pages_report, pages_text};

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

/// Renders every finding, then a summary line.
pub(crate) fn render(outcome: &Outcome, format: Format, style: Style) -> String {
    match format {
        Format::Human => human(outcome, style),
        Format::Short => short(outcome),
        Format::Json => pretty(&json_report(outcome)),
        Format::Sarif => pretty(&sarif::sarif(outcome)),
        Format::Github => github::github(outcome),
        Format::Gitlab => pretty(&gitlab::gitlab(outcome)),
        Format::Junit => junit::junit(outcome),
    }
}

pub(super) fn pretty(value: &Value) -> String {
    json_text(value).unwrap_or_default()
}

pub(super) fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

pub(super) fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}
