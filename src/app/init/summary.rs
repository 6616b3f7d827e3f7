//! What `init` tells the person who ran it: the teams with their PM, EM and
//! sections, what it inferred and from where, what it could not decide,
//! and the check's findings by family.

use std::fmt::Write as _;
use std::time::Duration;

use crate::app::init::Plan;
use crate::app::init::teams::KINDS;
use crate::base::codes;
use crate::base::finding::Severity;
use crate::base::time::{UnixTime, day_of};
use crate::model::outcome::Outcome;
use crate::report::visible;

/// The rule families, by the first digit of the code.
const FAMILIES: [(&str, &str); 5] = [
    ("HB0", "input"),
    ("HB1", "goals"),
    ("HB2", "process"),
    ("HB3", "retros"),
    ("HB4", "ownership"),
];

fn short_kind(kind: &str) -> &str {
    match kind {
        "iteration-planning" => "planning",
        "iteration-execution" => "execution",
        "retrospectives" => "retros",
        other => other,
    }
}

pub(crate) fn text(
    plan: &Plan,
    outcome: &Outcome,
    now: UnixTime,
    written: &str,
    took: Duration,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "handbook-lint init: {written} ({:.1} s)",
        took.as_secs_f64()
    );
    write_teams(&mut out, plan);
    write_inferred(&mut out, plan);
    write_undecided(&mut out, plan);
    write_findings(&mut out, outcome, now);
    out.push_str(
        "next: correct handbook-lint.yaml where it is wrong, run `handbook-lint check`, then adopt it with\n  `handbook-lint check --write-baseline handbook-lint-baseline.json` (and `--baseline handbook-lint-baseline.json` in CI)\n",
    );
    visible_lines(&out)
}

/// Every line with its hidden characters shown: names come from the
/// repository.
fn visible_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(&visible(line));
        out.push('\n');
    }
    out
}

fn write_teams(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "teams found: {}", plan.teams.len());
    for (team, roles) in plan.teams.iter().zip(&plan.roles.teams) {
        let role = |name: &str| match roles.roles.get(name) {
            Some(Ok(decided)) => decided.ids.join(" and "),
            _ => "?".to_string(),
        };
        let pages: Vec<String> = KINDS
            .iter()
            .map(|kind| {
                let pattern = team
                    .pages
                    .get(kind)
                    .map(|f| f.pattern.clone())
                    .or_else(|| plan.global.get(kind).map(|(p, _)| p.clone()));
                match pattern {
                    Some(p) if team.pages.contains_key(kind) => {
                        format!("{} {}", short_kind(kind), p.trim_start_matches("{dir}/"))
                    }
                    _ => format!("{} (none found)", short_kind(kind)),
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "  {} ({}): PM {}, EM {}; {}",
            team.name,
            team.dir,
            role("pm"),
            role("em"),
            pages.join(", ")
        );
    }
}

fn write_inferred(out: &mut String, plan: &Plan) {
    out.push_str("inferred:\n");
    if let Some(handbook) = &plan.handbook {
        let _ = writeln!(
            out,
            "  handbook: {} ({} of {} pages)",
            handbook.dir, handbook.pages, handbook.total
        );
    }
    match &plan.calendar {
        Ok(c) => {
            let _ = writeln!(
                out,
                "  iterations: {} days (median spacing of {} retros: {} days), starting {}",
                c.length_days, c.retros, c.median_gap, c.start
            );
        }
        Err(why) => {
            let _ = writeln!(out, "  iterations: the defaults ({})", why.reason());
        }
    }
    let sources: std::collections::BTreeSet<String> = plan
        .roles
        .teams
        .iter()
        .flat_map(|t| t.roles.values())
        .filter_map(|r| r.as_ref().ok())
        .map(|d| d.from.split(':').next().unwrap_or("").to_string())
        .collect();
    let _ = writeln!(
        out,
        "  people: {} (from {})",
        plan.roles.people.len(),
        if sources.is_empty() {
            "nothing".to_string()
        } else {
            sources.into_iter().collect::<Vec<_>>().join(", ")
        }
    );
    let sweeps = &plan.sweeps;
    let _ = writeln!(
        out,
        "  sweeps: {} of {} mainline commits changed at least {} pages in place{}",
        sweeps.found.len(),
        sweeps.walked,
        sweeps.threshold,
        if sweeps.found.is_empty() {
            String::new()
        } else {
            "; proposed for .git-blame-ignore-revs at the end of the config".to_string()
        }
    );
    if let Some(why) = &sweeps.stopped {
        let _ = writeln!(out, "  sweeps: older commits not read: {why}");
    }
}

fn write_undecided(out: &mut String, plan: &Plan) {
    let mut lines = Vec::new();
    for (team, roles) in plan.teams.iter().zip(&plan.roles.teams) {
        for role in ["pm", "em"] {
            if let Some(Err(why)) = roles.roles.get(role) {
                lines.push(format!("{}: no {} ({why})", team.name, role.to_uppercase()));
            }
        }
        let missing: Vec<&str> = KINDS
            .iter()
            .filter(|k| !team.pages.contains_key(*k))
            .map(|k| short_kind(k))
            .collect();
        if !missing.is_empty() {
            lines.push(format!(
                "{}: no {} page or section found",
                team.name,
                missing.join(", ")
            ));
        }
    }
    lines.extend(plan.skipped.iter().map(|s| format!("not read: {s}")));
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "could not decide: {}", lines.len());
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
}

fn write_findings(out: &mut String, outcome: &Outcome, now: UnixTime) {
    let findings = &outcome.findings;
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let _ = writeln!(
        out,
        "check as of {}: {} findings ({errors} errors)",
        day_of(now),
        findings.len()
    );
    let families: Vec<String> = FAMILIES
        .iter()
        .map(|(prefix, name)| {
            let n = findings
                .iter()
                .filter(|f| f.rule.code.starts_with(prefix))
                .count();
            format!("{prefix}xx {name} {n}")
        })
        .collect();
    let _ = writeln!(out, "  {}", families.join(", "));
    for finding in findings
        .iter()
        .filter(|f| f.rule.code == codes::CONFIG_INVALID.code)
    {
        let _ = writeln!(
            out,
            "  HB001 {}: {}",
            finding.path().unwrap_or("config"),
            finding.message
        );
    }
    if outcome.model.is_none() {
        out.push_str("  the check could not run with this config (see HB001 above)\n");
    }
}
