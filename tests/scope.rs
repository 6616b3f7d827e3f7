//! What a run reports and how it exits: --fail-on, --exit-zero, baselines,
//! --diff-base, suppressions and per-path overrides.

mod common;

use common::*;

const NOW: &str = "2026-03-05T12:00:00Z";

/// Stale goals (HB102), a retro with an unowned item (HB302).
fn handbook() -> Fixture {
    one_team(
        "    since: 2026-02-16\n",
        &[write(
            "hb/search/retros/2026-03-02.md",
            &retro("2026-03-02", "- [ ] nobody"),
        )],
    )
}

fn codes(out: &str) -> Vec<String> {
    let mut codes: Vec<String> = out
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect();
    codes.sort();
    codes
}

#[test]
fn fail_on_and_exit_zero_decide_the_exit_code() {
    let f = handbook();
    f.commit(
        "2026-01-06T09:00:00Z",
        "warnings only",
        &[write(
            "handbook-lint.yaml",
            &format!(
                "{CONFIG}    since: 2026-02-16\nseverity: {{ HB102: warning, HB302: warning }}\n"
            ),
        )],
    );
    assert_eq!(
        f.run(&["check", "--now", NOW]).code,
        0,
        "warnings do not fail by default"
    );
    assert_eq!(
        f.run(&["check", "--now", NOW, "--fail-on", "warning"]).code,
        1
    );
    assert_eq!(
        f.run(&["check", "--now", NOW, "--fail-on", "warning", "--exit-zero"])
            .code,
        0
    );
    let outside = tempfile::tempdir().expect("temp");
    assert_eq!(
        run_in(outside.path(), &["check", "--exit-zero"]).code,
        2,
        "2 still means the tool could not run"
    );
}

#[test]
fn a_baseline_reports_only_new_findings() {
    let f = handbook();
    // Beside the repository: the fixture's commits clear untracked files.
    let keep = tempfile::tempdir().expect("temp");
    let baseline = keep.path().join("handbook-lint-baseline.json");
    let baseline_arg = baseline.to_str().unwrap_or_default();
    let out = f.run(&[
        "check",
        "--format",
        "short",
        "--now",
        NOW,
        "--write-baseline",
        baseline_arg,
    ]);
    assert_eq!(codes(&out.stdout), ["HB102", "HB302"]);
    assert!(out.stderr.contains("recorded 2 findings"), "{}", out.stderr);
    let out = f.run(&[
        "check",
        "--format",
        "short",
        "--now",
        NOW,
        "--baseline",
        baseline_arg,
    ]);
    assert_eq!((out.stdout.as_str(), out.code), ("", 0));
    // A new finding is reported; the old ones stay forgiven, even as their
    // messages change from day to day.
    f.commit(
        "2026-03-03T09:00:00Z",
        "another retro",
        &[write(
            "hb/search/retros/2026-03-03.md",
            &retro("2026-03-03", "- [ ] still nobody"),
        )],
    );
    let out = f.run(&[
        "check",
        "--format",
        "short",
        "--now",
        "2026-03-09",
        "--baseline",
        baseline_arg,
    ]);
    assert_eq!(codes(&out.stdout), ["HB302"]);
    assert!(out.stdout.contains("2026-03-03.md"), "{}", out.stdout);
    assert_eq!(out.code, 1);
}

#[test]
fn a_bad_baseline_is_an_error_naming_the_file() {
    let f = handbook();
    let baseline = f.path().join("baseline.json");
    for (text, expected) in [
        ("{ not json", "is not a handbook-lint baseline (line 1"),
        (
            "{\"tool\": \"handbook-lint\", \"format\": 9, \"findings\": []}",
            "is format 9",
        ),
        (
            "{\"tool\": \"other\", \"format\": 1, \"findings\": []}",
            "of `other`",
        ),
    ] {
        std::fs::write(&baseline, text).expect("write");
        let out = f.run(&[
            "check",
            "--now",
            NOW,
            "--baseline",
            baseline.to_str().unwrap_or_default(),
        ]);
        assert_eq!(out.code, 2, "{text}");
        assert!(
            out.stderr.contains(expected) && out.stderr.contains("baseline.json"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn diff_base_reports_what_a_pull_request_changes() {
    let f = handbook();
    git(f.path(), &["branch", "base"]);
    f.commit(
        "2026-03-03T09:00:00Z",
        "a pull request adds a retro",
        &[write(
            "hb/search/retros/2026-03-03.md",
            &retro("2026-03-03", "- [ ] still nobody"),
        )],
    );
    let out = f.run(&[
        "check",
        "--format",
        "short",
        "--now",
        NOW,
        "--diff-base",
        "base",
    ]);
    assert_eq!(codes(&out.stdout), ["HB302"]);
    assert!(out.stdout.contains("2026-03-03.md"), "{}", out.stdout);
    // The config changed: every verdict may differ, everything is reported.
    f.commit(
        "2026-03-04T09:00:00Z",
        "config",
        &[write(
            "handbook-lint.yaml",
            &format!("{CONFIG}    since: 2026-02-15\n"),
        )],
    );
    let out = f.run(&[
        "check",
        "--format",
        "short",
        "--now",
        NOW,
        "--diff-base",
        "base",
    ]);
    assert!(
        codes(&out.stdout).contains(&"HB102".to_string()),
        "{}",
        out.stdout
    );
    let out = f.run(&["check", "--now", NOW, "--diff-base", "no-such-branch"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--diff-base `no-such-branch` does not name a commit"),
        "{}",
        out.stderr
    );
}

#[test]
fn overrides_set_severities_by_path() {
    let f = handbook();
    let config = format!(
        "{CONFIG}    since: 2026-02-16\noverrides:\n  - paths: ['hb/*/retros/**']\n    severity: {{ HB302: warning }}\n"
    );
    f.commit(
        "2026-01-06T09:00:00Z",
        "override",
        &[write("handbook-lint.yaml", &config)],
    );
    let (report, _) = f.check_json(NOW);
    let severity = |code: &str| {
        report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["code"] == code))
            .map(|f| f["severity"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(severity("HB302").as_deref(), Some("warning"));
    assert_eq!(severity("HB102").as_deref(), Some("error"));
}
