//! Machine formats for CI: SARIF 2.1.0 (GitHub code scanning), GitHub
//! workflow-command annotations, GitLab Code Quality, JUnit XML.
//!
//! Each finding gets a fingerprint that survives unrelated edits and later
//! runs: it hashes the rule, the file, the team and the text of the
//! highlighted line — not the line number (which moves when lines are added
//! above) nor the message (which carries dates and counts that change every
//! day a page stays stale).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::base::finding::{Finding, Severity, line_column};
use crate::model::outcome::Outcome;
use crate::rules::registry::RULES;

/// 64-bit FNV-1a as 16 hex digits.
fn fnv(text: &str) -> String {
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
                .zip(outcome.sources.get(&location.path))
                .map(|(span, text)| {
                    let start = text[..span.start.min(text.len())]
                        .rfind('\n')
                        .map_or(0, |i| i + 1);
                    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                    text[start..end].trim().to_string()
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

struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn position(finding: &Finding, outcome: &Outcome) -> Option<Position> {
    let location = finding.location.as_ref()?;
    let span = location.span.as_ref()?;
    let text = outcome.sources.get(&location.path)?;
    let (line, column) = line_column(text, span.start);
    let (end_line, end_column) = line_column(text, span.end.max(span.start));
    Some(Position {
        line,
        column,
        end_line,
        end_column: end_column.max(column + usize::from(end_line == line)),
    })
}

/// Where a finding with no file of its own is filed in formats that need a
/// file: the config when there is one.
fn fallback_path(outcome: &Outcome) -> String {
    outcome
        .model
        .as_ref()
        .and_then(|m| m.config.path.clone())
        .unwrap_or_else(|| crate::config::CONFIG_FILE.to_string())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn full_message(finding: &Finding) -> String {
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    if let Some(why) = &finding.why {
        let _ = write!(text, "\nwhy: {why}");
    }
    text
}

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
                "defaultConfiguration": { "level": level(meta.default_severity) },
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
                "message": { "text": full_message(finding) },
                "locations": [{ "physicalLocation": physical }],
                "partialFingerprints": { "handbookLint/v1": fingerprint(finding, outcome) },
            })
        })
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
            "results": results,
        }],
    })
}

/// GitHub's workflow-command escaping: data escapes `%`, CR and LF;
/// properties also `:` and `,`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…::message` lines, one per finding.
pub(crate) fn github(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let mut properties = Vec::new();
        if let Some(path) = finding.path() {
            properties.push(format!("file={}", escape_property(path)));
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
            escape_data(&full_message(finding))
        );
    }
    out
}

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

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per finding (failed), or one passing case when
/// there are none, so CI dashboards show the check ran.
pub(crate) fn junit(outcome: &Outcome) -> String {
    let failures = outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let tests = outcome.findings.len().max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"handbook-lint\" tests=\"{tests}\" failures=\"{failures}\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"handbook-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">"
    );
    if outcome.findings.is_empty() {
        out.push_str("    <testcase classname=\"handbook-lint\" name=\"handbook\"/>\n");
    }
    for finding in &outcome.findings {
        let path = finding.path().unwrap_or("handbook");
        let line = position(finding, outcome).map_or(0, |p| p.line);
        let name = format!(
            "{} {} ({path}:{line})",
            finding.rule.code, finding.rule.name
        );
        let kind = if finding.severity == Severity::Error {
            "failure"
        } else {
            "system-out"
        };
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{line}\">",
            xml(path),
            xml(&name),
            xml(path)
        );
        if kind == "failure" {
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                finding.rule.code,
                xml(&finding.message),
                xml(&full_message(finding))
            );
        } else {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml(&full_message(finding))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
