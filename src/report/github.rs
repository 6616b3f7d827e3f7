//! GitHub Actions workflow commands (annotations).

use std::fmt::Write as _;

use super::ci::{full_message, level, position};
use super::escape::visible;
use crate::model::outcome::Outcome;

/// GitHub's workflow-command escaping: data escapes `%`, CR and LF;
/// properties also `:` and `,`. Hidden characters are made visible first
/// ([`visible`]), so what is left of CR and LF is the message's own line
/// breaks (between message, help and `why:`), which GitHub shows.
pub(super) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub(super) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…::message` lines, one per finding, then a
/// `::notice` line per note.
pub(crate) fn github(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let mut properties = Vec::new();
        if let Some(path) = finding.path() {
            properties.push(format!("file={}", escape_property(&visible(path))));
        }
        if let Some(p) = position(finding, outcome) {
            properties.push(format!("line={}", p.line));
            properties.push(format!("col={}", p.column));
            properties.push(format!("endLine={}", p.end_line));
            properties.push(format!("endColumn={}", p.end_column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", finding.rule.code, finding.rule.name))
        ));
        let _ = writeln!(
            out,
            "::{} {}::{}",
            level(finding.severity),
            properties.join(","),
            escape_data(&full_message(finding, visible))
        );
    }
    for note in &outcome.notes {
        let _ = writeln!(
            out,
            "::notice title=handbook-lint::{}",
            escape_data(&visible(note))
        );
    }
    out
}
