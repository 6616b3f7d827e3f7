//! The optional rules (HB501–HB503) on real repositories: off unless the
//! config enables them, and every commit date HB503 reports checked against
//! the git CLI (`git log --follow --diff-filter=A`, the commit that added
//! the page).
//!
//! Calendar: two-week iterations from 2026-01-05, three days of grace; the
//! team `search` started on Monday 2026-01-26. At `NOW`, Thursday
//! 2026-03-05, the weeks that have ended since are those of 2026-01-26 –
//! 2026-02-23; with the default send day, Friday, this week's highlight is
//! not due until the end of today.

mod common;

use common::*;
use handbook_lint::testing::Edit;
use serde_json::Value;

const NOW: &str = "2026-03-05T12:00:00Z";
const SINCE: &str = "    since: 2026-01-26\n";
const ENABLED: &str =
    "severity: { HB501: warning, HB502: error, progress-highlight-late: error }\n";

fn status(day: &str) -> String {
    format!("---\nowner: bob\n---\n# Status, week of {day}\n\nShipped the new index.\n")
}

fn highlight(words: &str) -> String {
    format!("---\nowner: alice\n---\n# Highlight\n\n{words}\n")
}

/// The team's reports and highlights, each committed at its time, in time
/// order: status reports every Friday but the week of 2026-02-09; the
/// highlights of the weeks of 2026-02-02 and 2026-02-23 added on their
/// Friday (late), the one of 2026-02-09 added on time as a draft and
/// renamed after the deadline, none for the week of 2026-02-16.
fn reporting(config_tail: &str) -> Fixture {
    let f = one_team(&format!("{SINCE}{config_tail}"), &[]);
    let draft = "hb/search/highlights/draft.md";
    let commits: Vec<(&str, Vec<Edit>)> = vec![
        (
            "2026-01-28T17:00:00Z",
            vec![write(
                "hb/search/highlights/2026-01-28.md",
                &highlight("Latency down 30%."),
            )],
        ),
        (
            "2026-01-30T16:00:00Z",
            vec![write(
                "hb/search/status/2026-01-30.md",
                &status("2026-01-26"),
            )],
        ),
        (
            "2026-02-06T09:30:00Z",
            vec![
                write(
                    "hb/search/highlights/2026-02-04.md",
                    &highlight("Index rebuilt."),
                ),
                write("hb/search/status/2026-02-06.md", &status("2026-02-02")),
            ],
        ),
        (
            "2026-02-11T10:00:00Z",
            vec![write(draft, &highlight("Typo tolerance shipped."))],
        ),
        (
            "2026-02-14T08:00:00Z",
            vec![mv(draft, "hb/search/highlights/2026-02-11.md")],
        ),
        (
            "2026-02-20T16:00:00Z",
            vec![write(
                "hb/search/status/2026-02-20.md",
                &status("2026-02-16"),
            )],
        ),
        (
            "2026-02-27T00:00:00Z",
            vec![
                write(
                    "hb/search/highlights/2026-02-26.md",
                    &highlight("Beta opened."),
                ),
                write("hb/search/status/2026-02-27.md", &status("2026-02-23")),
            ],
        ),
    ];
    for (when, edits) in commits {
        f.commit_as(BOB, when, "weekly update", &edits);
    }
    f
}

/// The findings of the HB5xx rules, in report order.
fn optional(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("HB5")))
                .collect()
        })
        .unwrap_or_default()
}

fn messages<'v>(findings: &[&'v Value], code: &str) -> Vec<&'v str> {
    findings
        .iter()
        .filter(|f| f["code"] == code)
        .filter_map(|f| f["message"].as_str())
        .collect()
}

/// The commit that added `path` (or, with `filter` `AR`, renamed a page
/// to it) and its committer time, from the git CLI. Not `--follow`: it
/// takes a highlight written from last week's for a copy of it.
fn oracle_added(f: &Fixture, path: &str, filter: &str) -> (String, i64) {
    let log = git(
        f.path(),
        &[
            "log",
            &format!("--diff-filter={filter}"),
            "--format=%H %ct",
            "--",
            path,
        ],
    );
    let oldest = log
        .lines()
        .last()
        .unwrap_or_else(|| panic!("{path} was never added"));
    let (commit, time) = oldest.split_once(' ').expect("id and time");
    (commit.to_string(), time.parse().expect("a unix time"))
}

/// `2026-02-06T09:30:00Z` as a unix time.
fn unix(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .timestamp()
}

/// What a late highlight's message says: its path, the commit's short id
/// and the commit's time.
fn late_claims(message: &str) -> (String, String, String) {
    let path = message.split('`').nth(1).expect("a path in backticks");
    let after = message
        .split_once(" was added in commit ")
        .map(|(_, rest)| rest)
        .expect("names the commit");
    let mut words = after.split([' ', ',']);
    let commit = words.next().unwrap_or_default().to_string();
    let time = after
        .split_once(" at ")
        .and_then(|(_, rest)| rest.split(',').next())
        .unwrap_or_default()
        .to_string();
    (path.to_string(), commit, time)
}

#[test]
fn optional_rules_are_off_unless_the_config_enables_them() {
    let f = reporting("");
    let (report, _) = f.check_json(NOW);
    assert_eq!(optional(&report), Vec::<&Value>::new());
    let listed = f.run(&["rules"]).stdout;
    assert!(
        listed.contains("HB503  progress-highlight-late    off"),
        "{listed}"
    );
    let explained = f.run(&["explain", "HB502"]).stdout;
    assert!(
        explained.contains("off by default; enable it with `severity: { HB502: warning }`"),
        "{explained}"
    );
}

#[test]
fn hb502_fails_for_the_week_without_a_status_report() {
    let f = reporting(ENABLED);
    let (report, code) = f.check_json(NOW);
    let found = optional(&report);
    assert_eq!(
        messages(&found, "HB502"),
        ["team `search` has no weekly status report for the week of 2026-02-09"]
    );
    let hb502 = found.iter().find(|f| f["code"] == "HB502").expect("HB502");
    assert_eq!(hb502["severity"], "error");
    assert_eq!(hb502["path"], "handbook-lint.yaml");
    assert_eq!(code, 1, "an enabled error fails the run");
}

#[test]
fn hb502_passes_with_a_report_every_week() {
    let f = reporting(ENABLED);
    f.commit_as(
        BOB,
        "2026-03-02T09:00:00Z",
        "the missing report",
        &[write(
            "hb/search/status/late.md",
            "---\nowner: bob\ndate: 2026-02-13\n---\n# Status\n\nQuiet week.\n",
        )],
    );
    let (report, _) = f.check_json(NOW);
    assert_eq!(messages(&optional(&report), "HB502"), Vec::<&str>::new());
}

/// Each late highlight names the commit that added it and its time, as the
/// git CLI has them; the renamed draft counts from when it was first added.
#[test]
fn hb503_fails_for_late_and_missing_highlights_at_the_commits_git_reports() {
    let f = reporting(ENABLED);
    let (report, _) = f.check_json(NOW);
    let found = optional(&report);
    let hb503 = messages(&found, "HB503");
    assert!(
        hb503
            .contains(&"team `search` has no weekly progress highlight for the week of 2026-02-16"),
        "{hb503:#?}"
    );
    let late: Vec<&str> = hb503
        .iter()
        .copied()
        .filter(|m| m.contains(" was added in commit "))
        .collect();
    assert_eq!(late.len(), 2, "{hb503:#?}");
    let mut paths = Vec::new();
    for message in late {
        let (path, commit, time) = late_claims(message);
        let (oracle_commit, oracle_time) = oracle_added(&f, &path, "A");
        assert!(
            oracle_commit.starts_with(&commit),
            "{message}: git says {oracle_commit}"
        );
        assert_eq!(unix(&time), oracle_time, "{message}");
        // Late: at or after midnight at the start of the send day (Friday)
        // of the highlight's week.
        let deadline = message
            .split_once("after its deadline ")
            .and_then(|(_, rest)| rest.split(' ').next())
            .expect("names the deadline");
        assert!(oracle_time >= unix(deadline), "{message}");
        paths.push(path);
    }
    paths.sort();
    assert_eq!(
        paths,
        [
            "hb/search/highlights/2026-02-04.md",
            "hb/search/highlights/2026-02-26.md"
        ]
    );
    // The renamed draft: renamed on Saturday, after its deadline, but first
    // added on Wednesday, before it: not late.
    let (_, renamed) = oracle_added(&f, "hb/search/highlights/2026-02-11.md", "AR");
    assert!(renamed >= unix("2026-02-13T00:00:00Z"));
    let (_, added) = oracle_added(&f, "hb/search/highlights/draft.md", "A");
    assert!(added < unix("2026-02-13T00:00:00Z"));
    assert!(
        !hb503.iter().any(|m| m.contains("2026-02-11")),
        "{hb503:#?}"
    );
}

#[test]
fn hb503_passes_when_every_highlight_is_in_by_the_day_before() {
    let f = one_team(&format!("{SINCE}{ENABLED}"), &[]);
    for (day, added) in [
        ("2026-01-29", "2026-01-29T23:59:59Z"),
        ("2026-02-05", "2026-02-05T10:00:00Z"),
        ("2026-02-12", "2026-02-12T10:00:00Z"),
        ("2026-02-19", "2026-02-19T10:00:00Z"),
        ("2026-02-26", "2026-02-26T10:00:00Z"),
    ] {
        let path = format!("hb/search/highlights/{day}.md");
        f.commit(added, "highlight", &[write(&path, &highlight("Progress."))]);
    }
    // This week's, still being written: not due until Friday begins.
    write_only(
        &f,
        "hb/search/highlights/2026-03-04.md",
        &highlight("Draft."),
    );
    let (report, _) = f.check_json(NOW);
    assert_eq!(messages(&optional(&report), "HB503"), Vec::<&str>::new());
    // Committed today, Thursday, it is in by the day before.
    git(f.path(), &["add", "hb/search/highlights/2026-03-04.md"]);
    let out = f.run(&["check", "--staged", "--format", "json", "--now", NOW]);
    let report: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(messages(&optional(&report), "HB503"), Vec::<&str>::new());
}

/// Writes a page in the working tree only: not staged, not committed.
fn write_only(f: &Fixture, path: &str, text: &str) {
    let full = f.path().join(path);
    std::fs::create_dir_all(full.parent().expect("a directory")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

/// A highlight only in the working tree is late once its send day has
/// begun; the send day is the config's.
#[test]
fn hb503_fails_for_this_weeks_highlight_not_committed_by_the_send_day() {
    let f = reporting(&format!("{ENABLED}reporting: {{ send-day: Thursday }}\n"));
    write_only(
        &f,
        "hb/search/highlights/2026-03-04.md",
        &highlight("Draft."),
    );
    let late = "the weekly progress highlight `hb/search/highlights/2026-03-04.md` for the week of 2026-03-02 is not committed yet, after its deadline 2026-03-05T00:00:00Z (the end of the day before the send day, thursday)";
    let (report, _) = f.check_json(NOW);
    let hb503 = messages(&optional(&report), "HB503");
    assert!(hb503.contains(&late), "{hb503:#?}");
    // Being committed now (the pre-commit hook) is just as late.
    stage(
        &f,
        "hb/search/highlights/2026-03-04.md",
        &highlight("Draft."),
    );
    let out = f.run(&["check", "--staged", "--format", "json", "--now", NOW]);
    let report: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(messages(&optional(&report), "HB503"), [late]);
}

#[test]
fn hb501_fails_for_an_old_or_missing_job_spec() {
    let spec = "---\nowner: bob\n---\n# Senior engineer, Search\n\nMake search fast.\n";
    let f = one_team(
        &format!("max-age: {{ job-spec: 4w }}\n{ENABLED}"),
        &[write("hb/search/job-spec.md", spec)],
    );
    let (report, _) = f.check_json(NOW);
    let (commit, _) = oracle_added(&f, "hb/search/job-spec.md", "A");
    assert_eq!(
        messages(&optional(&report), "HB501"),
        [format!(
            "the job spec page `hb/search/job-spec.md` was last updated 2026-01-05 in commit {}, 59 days ago (the limit is 28)",
            &commit[..7]
        )]
    );
    let none = one_team(ENABLED, &[]);
    let (report, _) = none.check_json(NOW);
    assert_eq!(
        messages(&optional(&report), "HB501"),
        ["team `search` has no job spec page: `hb/search/job-spec.md` does not exist"]
    );
}

#[test]
fn hb501_passes_for_a_recent_job_spec_or_a_team_without_one() {
    let spec = "---\nowner: bob\n---\n# Senior engineer, Search\n\nMake search fast.\n";
    let f = one_team(ENABLED, &[write("hb/search/job-spec.md", spec)]);
    let (report, _) = f.check_json(NOW);
    assert_eq!(messages(&optional(&report), "HB501"), Vec::<&str>::new());
    let off = one_team(&format!("    pages: {{ job-spec: off }}\n{ENABLED}"), &[]);
    let (report, _) = off.check_json(NOW);
    assert_eq!(messages(&optional(&report), "HB501"), Vec::<&str>::new());
}

/// The new page kinds are owned as the ruleset says: a highlight is the
/// PM's, a status report the EM's.
#[test]
fn weekly_pages_are_owned_by_the_role_that_maintains_them() {
    let f = one_team(
        "",
        &[write(
            "hb/search/highlights/2026-02-04.md",
            &highlight("Index rebuilt.").replace("owner: alice", "owner: bob"),
        )],
    );
    let (report, _) = f.check_json(NOW);
    let owners: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "HB402")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        owners,
        [
            "the weekly progress highlight of team `search` is owned by `bob`, but the team's PM is `alice`"
        ]
    );
}
