//! JUnit XML, one test case per finding.

use std::fmt::Write as _;

use super::ci::{full_message, position};
use super::escape::{visible, xml};
use crate::base::finding::Severity;
use crate::model::outcome::Outcome;

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
        let path = visible(finding.path().unwrap_or("handbook"));
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
            xml(&path),
            xml(&name),
            xml(&path)
        );
        if kind == "failure" {
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                finding.rule.code,
                xml(&visible(&finding.message)),
                xml(&full_message(finding, visible))
            );
        } else {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml(&full_message(finding, visible))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
