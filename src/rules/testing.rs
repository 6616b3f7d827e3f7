//! What the rules' tests share: a rule's findings on an in-memory handbook
//! ([`crate::model::testing`]), and their full report as a person sees it
//! (miette's graphical form, no colour, 100 columns), for snapshots.
#![cfg(test)]

pub(crate) use crate::model::testing::{Built, FIRST_COMMIT, HandbookBuilder, goals, index, retro};

use crate::base::finding::Finding;
use crate::report::{Style, graphical};
use crate::rules::Rule;

/// What `rule` reports on the handbook, in report order.
pub(crate) fn findings(rule: &Rule, built: &Built) -> Vec<Finding> {
    let check = rule.check.expect("the rule has a check");
    let mut findings = Vec::new();
    check(&built.model, &mut findings);
    findings.sort_by(Finding::report_order);
    findings
}

/// The full human report of `rule`'s findings; fails when there are none
/// (a fail case must fail).
pub(crate) fn report(rule: &Rule, built: &Built) -> String {
    let findings = findings(rule, built);
    assert!(!findings.is_empty(), "{} found nothing", rule.code);
    assert!(
        findings.iter().all(|f| f.rule.code == rule.code),
        "a check reports only its own rule"
    );
    render(&findings, built)
}

/// Findings as a person reads them: miette's graphical report, no colour,
/// 100 columns.
pub(crate) fn render(findings: &[Finding], built: &Built) -> String {
    graphical(
        findings,
        &built.sources,
        Style {
            color: false,
            width: 100,
        },
    )
}

/// Asserts that `rule` finds nothing, showing what it found otherwise.
pub(crate) fn assert_passes(rule: &Rule, built: &Built) {
    assert!(
        built.input_findings.is_empty(),
        "the handbook itself has problems: {:?}",
        built.input_findings
    );
    let found = findings(rule, built);
    assert!(
        found.is_empty(),
        "{} should pass, found:\n{}",
        rule.code,
        found
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The time every rule test checks at: the last completed iteration is 4
/// (2026-02-16 – 2026-03-01), with two-week iterations from 2026-01-05 and
/// three days of grace.
pub(crate) const NOW: &str = "2026-03-05T12:00:00Z";
pub(crate) const GOALS: &str = "hb/search/goals.md";
pub(crate) const INDEX: &str = "hb/search/index.md";

/// The day after iteration `n` (1–4) ends: when its retro is held.
pub(crate) fn retro_day(n: usize) -> &'static str {
    ["2026-01-20", "2026-02-03", "2026-02-17", "2026-03-02"][n - 1]
}

/// When the PM updates the goals page after the retro of iteration `n`.
pub(crate) fn goals_update(n: usize) -> String {
    let day = ["2026-01-21", "2026-02-04", "2026-02-18", "2026-03-03"][n - 1];
    format!("{day}T10:00:00Z")
}

/// The path of the retro of iteration `n`.
pub(crate) fn retro_path(n: usize) -> String {
    format!("hb/search/retros/{}.md", retro_day(n))
}

/// A handbook no rule faults at [`NOW`]: a retro after each of
/// iterations 1–4 with one closed action item, the goals page updated the
/// day after each.
pub(crate) fn healthy() -> HandbookBuilder {
    healthy_with(&[1, 2, 3, 4], &[1, 2, 3, 4])
}

/// [`healthy`], with retros only after the iterations in `retros` and goals
/// updates only after those in `updates`.
pub(crate) fn healthy_with(retros: &[usize], updates: &[usize]) -> HandbookBuilder {
    let mut builder = HandbookBuilder::one_team(NOW);
    for &n in retros {
        let path = retro_path(n);
        builder = builder
            .page(
                &path,
                &retro(
                    retro_day(n),
                    "- [x] @alice carry the latency milestone into the goals page",
                ),
            )
            .changed(&path, &[&format!("{}T15:00:00Z", retro_day(n))]);
    }
    let mut times: Vec<String> = updates.iter().map(|&n| goals_update(n)).collect();
    times.push(FIRST_COMMIT.to_string());
    let times: Vec<&str> = times.iter().map(String::as_str).collect();
    builder.changed(GOALS, &times)
}
