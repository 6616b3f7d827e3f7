//! One line per finding: `path:line:col: CODE [severity] message`.

use std::fmt::Write as _;

use crate::base::finding::line_column;
use crate::model::outcome::Outcome;

pub(super) fn short(outcome: &Outcome) -> String {
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
