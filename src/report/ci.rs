//! What the CI formats share: fingerprints stable across runs and unrelated
//! edits, positions, levels, full messages.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::base::finding::{Finding, Severity};
use crate::model::outcome::Outcome;

/// 64-bit FNV-1a as 16 hex digits.
pub(super) fn fnv(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The stable identity of a finding: see the module doc.
pub(crate) fn fingerprint(finding: &Finding, outcome: &Outcome) -> String {
    let (path, line_text) = match &finding.location {
        Some(location) => {
            let text = location
                .span
                .as_ref()
                .and_then(|span| {
                    let (text, lines) = outcome.sources.indexed(&location.path)?;
                    let line = lines.line_range(text, lines.line(span.start));
                    Some(text[line].trim().to_string())
                })
                .unwrap_or_default();
            (location.path.as_str(), text)
        }
        None => ("", String::new()),
    };
    fnv(&format!(
        "{}\u{0}{path}\u{0}{}\u{0}{line_text}",
        finding.rule.code,
        finding.team.as_deref().unwrap_or("")
    ))
}

pub(super) struct Position {
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) end_line: usize,
    pub(super) end_column: usize,
}

pub(super) fn position(finding: &Finding, outcome: &Outcome) -> Option<Position> {
    let location = finding.location.as_ref()?;
    let span = location.span.as_ref()?;
    let (text, lines) = outcome.sources.indexed(&location.path)?;
    let (line, column) = lines.line_column(text, span.start);
    let (end_line, end_column) = lines.line_column(text, span.end.max(span.start));
    Some(Position {
        line,
        column,
        end_line,
        end_column: end_column.max(column + usize::from(end_line == line)),
    })
}

/// Where a finding with no file of its own is filed in formats that need a
/// file: the config when there is one.
pub(super) fn fallback_path(outcome: &Outcome) -> String {
    outcome
        .model
        .as_ref()
        .and_then(|m| m.config.path.clone())
        .unwrap_or_else(|| crate::config::CONFIG_FILE.to_string())
}

pub(super) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A string as it is: for [`full_message`] in the JSON formats.
pub(super) fn exact(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text)
}

/// The message, help and `why:`, one to a line. For a text format,
/// `shown` makes each part's hidden characters visible, so the line breaks
/// left are the ones put here; SARIF keeps them exact.
pub(super) fn full_message(finding: &Finding, shown: fn(&str) -> Cow<'_, str>) -> String {
    let mut text = shown(&finding.message).into_owned();
    if let Some(help) = &finding.help {
        let _ = write!(text, "\nhelp: {}", shown(help));
    }
    if let Some(why) = &finding.why {
        let _ = write!(text, "\nwhy: {}", shown(why));
    }
    text
}
