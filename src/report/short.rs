//! One line per finding: `path:line:col: CODE [severity] message`.

use std::fmt::Write as _;

use super::escape::Visible;
use crate::model::outcome::Outcome;

pub(super) fn short(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let position = match &finding.location {
            Some(location) => {
                let (line, column) = location
                    .span
                    .as_ref()
                    .and_then(|span| outcome.sources.line_column(&location.path, span.start))
                    .unwrap_or((1, 1));
                format!("{}:{line}:{column}", Visible(&location.path))
            }
            None => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{position}: {} [{}] {}",
            finding.rule.code,
            finding.severity.as_str(),
            Visible(&finding.message)
        );
    }
    out
}
