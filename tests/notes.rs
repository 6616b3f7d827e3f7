//! Notes instead of silence: every check the tool passes over says so once,
//! and a mistake that would fail every page is one finding, not a cascade.

mod common;

use common::*;
use serde_json::Value;

fn notes(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// With no config the calendar starts on its default day (2024-01-01): a
/// `--now` before it says that nothing is required yet.
#[test]
fn now_before_the_default_start_is_a_note_without_a_config() {
    let f = Fixture::new();
    f.commit(
        "2023-05-01T09:00:00Z",
        "start",
        &[write("hb/search/goals.md", &goals("Started."))],
    );
    let (report, _) = f.check_json("2023-06-01");
    let notes = notes(&report);
    assert!(
        notes.iter().any(|n| n
            == "--now (2023-06-01) is before iterations.start (2024-01-01): no iteration has ended yet, so no update, retrospective or action item is due yet (the pages a team must have are still checked)"),
        "{notes:#?}"
    );
    let (report, _) = f.check_json("2024-06-01");
    assert!(!notes_of_start(&report), "{report:#}");
}

fn notes_of_start(report: &Value) -> bool {
    notes(report).iter().any(|n| n.contains("iterations.start"))
}

/// A `handbook:` that does not exist is one finding at the setting; the
/// pages it would have held are not each "does not exist".
#[test]
fn a_missing_handbook_directory_is_one_finding_not_a_cascade() {
    let f = one_team("", &[]);
    f.commit(
        "2026-01-06T09:00:00Z",
        "point the handbook at a directory that is not there",
        &[
            write("handbook-lint.yaml", &format!("handbook: docs\n{CONFIG}")),
            // Outside any handbook: its broken front matter is not news.
            write("notes/broken.md", "---\nowner: [unclosed\n---\n# Notes\n"),
        ],
    );
    let (report, code) = f.check_json("2026-03-01");
    assert_eq!(codes(&report), ["HB001"], "{report:#}");
    let finding = &report["findings"][0];
    assert_eq!(finding["line"], 1);
    assert_eq!(
        finding["message"],
        "the handbook directory `docs` does not exist"
    );
    assert!(
        finding["help"]
            .as_str()
            .is_some_and(|help| help.ends_with("no page was checked")),
        "{finding:#}"
    );
    assert_eq!(code, 1);
}

/// A team that adopts the process later is told so, not silently skipped.
#[test]
fn a_team_whose_since_is_ahead_gets_a_note() {
    let f = one_team("    since: 2026-09-07\n", &[]);
    let (report, _) = f.check_json("2026-03-01");
    let notes = notes(&report);
    assert!(
        notes
            .iter()
            .any(|n| n == "nothing is required of team `search` until 2026-09-07 (its `since:`)"),
        "{notes:#?}"
    );
    let (report, _) = f.check_json("2026-10-01");
    assert!(
        !notes_contain(&report, "nothing is required of team"),
        "{report:#}"
    );
}

fn notes_contain(report: &Value, text: &str) -> bool {
    notes(report).iter().any(|n| n.contains(text))
}

/// An optional page kind (the roadmap) placed by the config where no team
/// has it is a note: the pattern most likely misses. Left at the ruleset's
/// default, no team having one is no news.
#[test]
fn an_optional_kind_no_team_has_is_a_note_only_when_configured() {
    let f = one_team("", &[]);
    let (report, _) = f.check_json("2026-03-01");
    assert!(!notes_contain(&report, "no team has"), "{report:#}");

    let f = one_team(
        "pages:\n  roadmap: \"{dir}/plans/roadmap.md\"\n",
        &[write("hb/search/roadmap.md", "# Roadmap\n\nSoon.\n")],
    );
    let (report, _) = f.check_json("2026-03-01");
    let notes = notes(&report);
    assert!(
        notes.iter().any(|n| n.starts_with(
            "no team has a `roadmap` page (`{dir}/plans/roadmap.md` matches nothing in any team's directory)"
        )),
        "{notes:#?}"
    );
    assert!(!codes(&report).iter().any(|c| c == "HB001"), "{report:#}");
}
