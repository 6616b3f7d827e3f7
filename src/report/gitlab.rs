//! GitLab Code Quality.

use serde_json::{Value, json};

use super::ci::{fallback_path, fingerprint, position};
use crate::base::finding::Severity;
use crate::model::outcome::Outcome;

/// GitLab Code Quality: a JSON array of issues.
pub(crate) fn gitlab(outcome: &Outcome) -> Value {
    let issues: Vec<Value> = outcome
        .findings
        .iter()
        .map(|finding| {
            let line = position(finding, outcome).map_or(1, |p| p.line);
            json!({
                "description": finding.message,
                "check_name": finding.rule.code,
                "fingerprint": fingerprint(finding, outcome),
                "severity": match finding.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": finding.path().map_or_else(|| fallback_path(outcome), str::to_string),
                    "lines": { "begin": line },
                },
            })
        })
        .collect();
    Value::Array(issues)
}
