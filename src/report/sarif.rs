//! SARIF 2.1.0, for code scanning.

use serde_json::{Value, json};

use super::ci::{exact, fallback_path, fingerprint, full_message, level, position};
use crate::model::outcome::Outcome;
use crate::rules::registry::RULES;

/// SARIF 2.1.0, as GitHub code scanning accepts it.
pub(crate) fn sarif(outcome: &Outcome) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            let meta = rule.meta;
            json!({
                "id": meta.code,
                "name": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.summary },
                "help": { "text": meta.doc_text(), "markdown": meta.doc_text() },
                // An optional rule is off until the config enables it.
                "defaultConfiguration": meta.default_severity.map_or_else(
                    || json!({ "enabled": false }),
                    |severity| json!({ "level": level(severity) }),
                ),
                "properties": { "tags": [meta.family] },
            })
        })
        .collect();
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .map(|finding| {
            let index = RULES.iter().position(|r| r.meta.code == finding.rule.code);
            let path = finding
                .path()
                .map_or_else(|| fallback_path(outcome), str::to_string);
            let mut physical = json!({
                "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
            });
            if let Some(p) = position(finding, outcome) {
                physical["region"] = json!({
                    "startLine": p.line,
                    "startColumn": p.column,
                    "endLine": p.end_line,
                    "endColumn": p.end_column,
                });
            }
            json!({
                "ruleId": finding.rule.code,
                "ruleIndex": index,
                "level": level(finding.severity),
                "message": { "text": full_message(finding, exact) },
                "locations": [{ "physicalLocation": physical }],
                "partialFingerprints": { "handbookLint/v1": fingerprint(finding, outcome) },
            })
        })
        .collect();
    // The run's notes (a sweep nobody listed, an import, no config…) as
    // the invocation's notifications: code scanning shows them beside the
    // results.
    let notes: Vec<Value> = outcome
        .notes
        .iter()
        .map(|note| json!({ "level": "note", "message": { "text": note } }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "handbook-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notes,
            }],
            "results": results,
        }],
    })
}
