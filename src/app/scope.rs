//! Which findings a run reports: a pull request's view (`--diff-base`) and
//! adoption on an old handbook (`--baseline`, `--write-baseline`).

use crate::base::fswrite::replace_named_file;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use anyhow::{anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::base::fsread;
use crate::model::outcome::Outcome;
use crate::report::fingerprint;

/// Keeps the findings on `changed` files — unless the change touches what
/// every verdict depends on (the config, the ruleset, the ignore-revs
/// file), in which case everything is reported.
pub(crate) fn keep_changed(outcome: &mut Outcome, changed: &BTreeSet<String>) {
    if let Some(model) = &outcome.model {
        let mut verdict_files: Vec<&str> =
            vec![model.config.ruleset.as_str(), ".git-blame-ignore-revs"];
        verdict_files.extend(model.config.path.as_deref());
        verdict_files.extend(model.config.ignore_revs_file.as_deref());
        if verdict_files.iter().any(|file| changed.contains(*file)) {
            return;
        }
    }
    outcome.findings.retain(|finding| {
        finding.path().is_some_and(|path| changed.contains(path))
            || finding
                .about
                .as_deref()
                .is_some_and(|page| names_changed(page, changed))
    });
}

/// Whether a page location (a path, or a glob like `{dir}/retros/*.md`)
/// names a changed path: deleting or renaming a required page, or its
/// section, is what its "missing" finding is about.
fn names_changed(location: &str, changed: &BTreeSet<String>) -> bool {
    if changed.contains(location) {
        return true;
    }
    location.contains(['*', '?', '['])
        && globset::Glob::new(location).is_ok_and(|glob| {
            let matcher = glob.compile_matcher();
            changed.iter().any(|path| matcher.is_match(path))
        })
}

const BASELINE_FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Baseline {
    tool: String,
    format: u32,
    findings: Vec<BaselineEntry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, Hash, Clone)]
#[serde(deny_unknown_fields)]
struct BaselineEntry {
    code: String,
    path: Option<String>,
    fingerprint: String,
}

fn entries(outcome: &Outcome) -> Vec<BaselineEntry> {
    outcome
        .findings
        .iter()
        .map(|finding| BaselineEntry {
            code: finding.rule.code.to_string(),
            path: finding.path().map(str::to_string),
            fingerprint: fingerprint(finding, outcome),
        })
        .collect()
}

/// Records today's findings so later runs fail only on new ones. Written
/// atomically; the file is meant to be committed.
pub(crate) fn write_baseline(path: &Path, outcome: &Outcome) -> anyhow::Result<usize> {
    let baseline = Baseline {
        tool: "handbook-lint".to_string(),
        format: BASELINE_FORMAT,
        findings: entries(outcome),
    };
    let mut text = serde_json::to_string_pretty(&baseline)?;
    text.push('\n');
    replace_named_file(path, &text, "--write-baseline", "the baseline")?;
    Ok(baseline.findings.len())
}

/// Drops the findings recorded in the baseline (each recorded finding
/// forgives one current finding with the same code and fingerprint).
/// Returns how many were dropped.
pub(crate) fn apply_baseline(path: &Path, outcome: &mut Outcome) -> anyhow::Result<usize> {
    let subject = format!("the baseline `{}`", path.display());
    let bytes = fsread::read_chosen(path, &subject, fsread::MAX_BASELINE_BYTES)
        .map_err(|error| anyhow!("{}", error.into_message()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow!("{subject} is not UTF-8 text; write a new one with --write-baseline")
    })?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|error| {
        anyhow!(
            "the baseline `{}` is not a handbook-lint baseline (line {}, column {}: {error}); write a new one with --write-baseline",
            path.display(),
            error.line(),
            error.column()
        )
    })?;
    if baseline.tool != "handbook-lint" || baseline.format != BASELINE_FORMAT {
        bail!(
            "the baseline `{}` is format {} of `{}`; this handbook-lint reads format {BASELINE_FORMAT}: write a new one with --write-baseline",
            path.display(),
            baseline.format,
            baseline.tool
        );
    }
    let mut forgiven: HashMap<(String, String), usize> = HashMap::new();
    for entry in baseline.findings {
        *forgiven.entry((entry.code, entry.fingerprint)).or_default() += 1;
    }
    let current = entries(outcome);
    let mut keep = Vec::with_capacity(current.len());
    for entry in &current {
        let key = (entry.code.clone(), entry.fingerprint.clone());
        match forgiven.get_mut(&key) {
            Some(count) if *count > 0 => {
                *count -= 1;
                keep.push(false);
            }
            _ => keep.push(true),
        }
    }
    let before = outcome.findings.len();
    let mut flags = keep.into_iter();
    outcome.findings.retain(|_| flags.next().unwrap_or(true));
    Ok(before - outcome.findings.len())
}
