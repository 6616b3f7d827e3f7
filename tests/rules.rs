//! Each rule with a fixture that fails it and one that passes it. The
//! fixtures are real repositories; every date a message reports is checked
//! against the git CLI.
//!
//! Calendar in every fixture: two-week iterations from 2026-01-05, three
//! days of grace. At `NOW` (2026-03-05) the last completed iteration is 4
//! (2026-02-16 – 2026-03-01).

mod common;

use common::*;
use handbook_lint::testing::{Edit, Person};
use serde_json::Value;

const NOW: &str = "2026-03-05T12:00:00Z";
const GOALS: &str = "hb/search/goals.md";
const INDEX: &str = "hb/search/index.md";

/// What the healthy fixture holds; each test takes something away.
struct Handbook {
    config: String,
    goals_path: &'static str,
    goals: Option<String>,
    /// Iterations (1–4) after whose retro the PM updates the goals page.
    goals_updates: Vec<u32>,
    index: Option<String>,
    /// Iterations (1–4) that had a retro.
    retros: Vec<u32>,
    /// The action items written in each retro.
    items: String,
    /// More commits, by Alice, at the given times; everything is committed
    /// in time order so the mainline's clock runs forward.
    extra: Vec<(&'static str, Edit)>,
}

impl Default for Handbook {
    fn default() -> Self {
        Handbook {
            config: CONFIG.to_string(),
            goals_path: GOALS,
            goals: Some(goals("Kicked off.")),
            goals_updates: vec![1, 2, 3, 4],
            index: Some(index("We plan on Mondays.", "We demo on Fridays.")),
            retros: vec![1, 2, 3, 4],
            items: "- [x] @alice carry the latency milestone into the goals page".to_string(),
            extra: Vec::new(),
        }
    }
}

/// The retro of iteration `n` is held the day after it ends; the goals page
/// is updated the day after that.
fn retro_day(n: u32) -> String {
    ["2026-01-20", "2026-02-03", "2026-02-17", "2026-03-02"][n as usize - 1].to_string()
}

fn goals_day(n: u32) -> String {
    ["2026-01-21", "2026-02-04", "2026-02-18", "2026-03-03"][n as usize - 1].to_string()
}

fn build(handbook: &Handbook) -> Fixture {
    let mut start = vec![write("handbook-lint.yaml", &handbook.config)];
    if let Some(goals) = &handbook.goals {
        start.push(write(handbook.goals_path, goals));
    }
    if let Some(index) = &handbook.index {
        start.push(write(INDEX, index));
    }
    let mut steps: Vec<(String, Person, String, Vec<Edit>)> = vec![(
        "2026-01-05T09:00:00Z".to_string(),
        ALICE,
        "Start the handbook".to_string(),
        start,
    )];
    for n in 1..=4 {
        if handbook.retros.contains(&n) {
            let day = retro_day(n);
            steps.push((
                format!("{day}T15:00:00Z"),
                BOB,
                format!("Retro {n}"),
                vec![write(
                    &format!("hb/search/retros/{day}.md"),
                    &retro(&day, &handbook.items),
                )],
            ));
        }
        if handbook.goals_updates.contains(&n) && handbook.goals.is_some() {
            let text = handbook.goals.as_deref().unwrap_or_default().replace(
                "Kicked off.",
                &format!("Kicked off.\n- Iteration {n}: on track."),
            );
            steps.push((
                format!("{}T10:00:00Z", goals_day(n)),
                ALICE,
                format!("Goals {n}"),
                vec![write(handbook.goals_path, &text)],
            ));
        }
    }
    for (when, edit) in &handbook.extra {
        steps.push((
            when.to_string(),
            ALICE,
            "More".to_string(),
            vec![edit.clone()],
        ));
    }
    steps.sort_by(|a, b| a.0.cmp(&b.0));
    let f = Fixture::new();
    for (when, who, message, edits) in steps {
        f.commit_as(who, &when, &message, &edits);
    }
    f
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Short output restricted to one code, for snapshots that stay about the
/// rule under test.
fn lines_of(f: &Fixture, code: &str) -> String {
    let (out, _) = f.check_short(NOW);
    let needle = format!(" {code} ");
    let mut lines = String::new();
    for line in out.lines().filter(|l| l.contains(&needle)) {
        lines.push_str(line);
        lines.push('\n');
    }
    lines
}

fn assert_only(f: &Fixture, expected: &[&str]) -> Value {
    let (report, code) = f.check_json(NOW);
    let mut found = codes(&report);
    found.sort();
    found.dedup();
    assert_eq!(found, expected, "{report:#}");
    assert_eq!(code, i32::from(!expected.is_empty()), "exit code");
    report
}

/// The date and short commit in "last updated 2026-02-04 in commit 1a2b3c4".
fn reported_change(message: &str) -> (String, String) {
    let rest = message
        .split("last updated ")
        .nth(1)
        .expect("a last-updated date");
    let date = rest[..10].to_string();
    let commit = rest
        .split(" in commit ")
        .nth(1)
        .map(|c| c[..7].to_string())
        .unwrap_or_default();
    (date, commit)
}

fn assert_change_matches(message: &str, oracle: Option<(String, i64)>) {
    let (date, commit) = reported_change(message);
    let (oracle_commit, oracle_time) = oracle.expect("git knows the change");
    assert_eq!(
        date,
        handbook_lint::testing::rfc3339(oracle_time)[..10],
        "{message}"
    );
    assert_eq!(commit, oracle_commit[..7], "{message}");
}

#[test]
fn healthy_handbook_is_clean() {
    let f = build(&Handbook::default());
    assert_only(&f, &[]);
    let out = f.run(&["check", "--now", NOW]);
    assert!(
        out.stdout.contains("No findings in 1 team"),
        "{}",
        out.stdout
    );
}

// HB101 goals-missing

#[test]
fn hb101_fails_when_the_team_has_no_goals_page() {
    let f = build(&Handbook {
        goals: None,
        ..Handbook::default()
    });
    assert_only(&f, &["HB101"]);
    insta::assert_snapshot!(lines_of(&f, "HB101"));
}

#[test]
fn hb101_passes_with_a_goals_page_at_a_configured_location() {
    let mut handbook = Handbook {
        goals_path: "hb/search/okrs.md",
        ..Handbook::default()
    };
    handbook
        .config
        .push_str("    pages: { goals: \"{dir}/okrs.md\" }\n");
    assert_only(&build(&handbook), &[]);
}

// HB102 goals-stale

#[test]
fn hb102_fails_when_the_last_iteration_had_no_progress_update() {
    let f = build(&Handbook {
        goals_updates: vec![1, 2],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB102"]);
    let message = report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert_change_matches(message, oracle_last_change(f.path(), GOALS));
    assert!(
        message.contains("iteration 4 (2026-02-16 – 2026-03-01)"),
        "{message}"
    );
    insta::assert_snapshot!(lines_of(&f, "HB102"));
}

#[test]
fn hb102_counts_iterations_missed_in_a_row() {
    let f = build(&Handbook {
        goals_updates: vec![],
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    let finding = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "HB102"))
        .cloned()
        .expect("HB102");
    let message = finding["message"].as_str().unwrap_or_default();
    // Last update 2026-01-05, in iteration 1: iterations 2, 3 and 4 missed.
    assert!(
        message.contains("3 completed iterations in a row"),
        "{message}"
    );
    assert_change_matches(message, oracle_last_change(f.path(), GOALS));
}

#[test]
fn hb102_passes_with_an_update_on_the_iterations_first_day_or_a_review_stamp() {
    let f = build(&Handbook {
        goals_updates: vec![1, 2],
        extra: vec![(
            "2026-02-16T00:00:00Z",
            write(GOALS, &goals("Iteration 4 started.")),
        )],
        ..Handbook::default()
    });
    assert_only(&f, &[]);

    let stamped = goals("Unchanged.").replace("owner: alice", "owner: alice\nreviewed: 2026-03-02");
    let f = build(&Handbook {
        goals_updates: vec![1, 2],
        extra: vec![("2026-02-05T10:00:00Z", write(GOALS, &stamped))],
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

#[test]
fn hb102_respects_a_teams_since_date() {
    let mut handbook = Handbook {
        goals_updates: vec![],
        ..Handbook::default()
    };
    handbook.config.push_str("    since: 2026-02-20\n");
    let f = build(&handbook);
    // Adopted after iteration 4 started: nothing is required of it yet.
    assert_only(&f, &[]);
}

// HB103 goals-incomplete

#[test]
fn hb103_fails_when_the_goals_page_lacks_timeline_and_progress() {
    let thin = "---\nowner: alice\n---\n# Search goals\n\n## Goal\n\nBe fast.\n\n## Milestones\n\nKicked off.\n";
    let f = build(&Handbook {
        goals: Some(thin.to_string()),
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB103"]);
    assert_eq!(
        report["findings"][0]["message"],
        "goals page has no timeline, progress"
    );
    insta::assert_snapshot!(lines_of(&f, "HB103"));
}

#[test]
fn hb103_passes_with_bold_labels_instead_of_headings() {
    let labelled = "---\nowner: alice\n---\n# Search goals\n\n**Goal:** be fast.\n\n**Milestones:** index, rank.\n\n**Timeline:** Q1, Q2.\n\n**Status:** Kicked off.\n";
    let f = build(&Handbook {
        goals: Some(labelled.to_string()),
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

// HB201 / HB203 process pages missing

#[test]
fn hb201_fails_when_the_planning_section_is_missing() {
    let only_execution = "---\nowner: bob\n---\n# Search\n\n## Execution\n\nWe demo.\n";
    let f = build(&Handbook {
        index: Some(only_execution.to_string()),
        ..Handbook::default()
    });
    assert_only(&f, &["HB201"]);
    insta::assert_snapshot!(lines_of(&f, "HB201"));
}

#[test]
fn hb201_passes_with_an_explicit_heading_id() {
    let renamed = "---\nowner: bob\n---\n# Search\n\n## How we plan {#planning}\n\nMondays.\n\n## Execution\n\nWe demo.\n";
    let f = build(&Handbook {
        index: Some(renamed.to_string()),
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

#[test]
fn hb203_fails_when_there_is_no_index_page_at_all() {
    let f = build(&Handbook {
        index: None,
        ..Handbook::default()
    });
    assert_only(&f, &["HB201", "HB203"]);
    insta::assert_snapshot!(lines_of(&f, "HB203"));
}

#[test]
fn hb203_passes_with_the_execution_process_on_its_own_page() {
    let mut handbook = Handbook::default();
    handbook
        .config
        .push_str("    pages: { iteration-execution: \"{dir}/execution.md\" }\n");
    handbook.extra = vec![(
        "2026-02-10T10:00:00Z",
        write("hb/search/execution.md", "# Execution\n\nStandups.\n"),
    )];
    assert_only(&build(&handbook), &[]);
}

// HB202 / HB204 process pages stale

#[test]
fn hb202_fails_when_the_planning_section_is_older_than_its_max_age() {
    let mut handbook = Handbook::default();
    handbook
        .config
        .push_str("max-age: { iteration-planning: 30d }\n");
    // Only the execution section changes later; planning stays at 2026-01-05.
    handbook.extra = vec![(
        "2026-02-20T10:00:00Z",
        write(
            INDEX,
            &index("We plan on Mondays.", "We demo on Thursdays."),
        ),
    )];
    let f = build(&handbook);
    let report = assert_only(&f, &["HB202"]);
    let message = report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert_change_matches(message, oracle_section_change(f.path(), INDEX, "planning"));
    assert!(
        message.contains("59 days ago (the limit is 30)"),
        "{message}"
    );
    insta::assert_snapshot!(lines_of(&f, "HB202"));
}

#[test]
fn hb202_passes_when_reviewed_recently() {
    let mut handbook = Handbook::default();
    handbook
        .config
        .push_str("max-age: { iteration-planning: 30d }\n");
    let stamped = index("We plan on Mondays.", "We demo on Fridays.")
        .replace("owner: bob", "owner: bob\nreviewed: 2026-02-25");
    handbook.extra = vec![("2026-02-20T10:00:00Z", write(INDEX, &stamped))];
    assert_only(&build(&handbook), &[]);
}

#[test]
fn hb204_fails_when_only_the_other_section_was_edited() {
    let mut handbook = Handbook::default();
    handbook
        .config
        .push_str("max-age: { iteration-execution: 40d }\n");
    handbook.extra = vec![(
        "2026-02-25T10:00:00Z",
        write(INDEX, &index("We plan on Tuesdays.", "We demo on Fridays.")),
    )];
    let f = build(&handbook);
    let report = assert_only(&f, &["HB204"]);
    let message = report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert_change_matches(message, oracle_section_change(f.path(), INDEX, "execution"));
    insta::assert_snapshot!(lines_of(&f, "HB204"));
}

#[test]
fn hb204_passes_within_the_default_max_age() {
    // 84 days by default: the 2026-01-05 section is 59 days old.
    let f = build(&Handbook::default());
    assert_only(&f, &[]);
}

// HB301 retro-missing

#[test]
fn hb301_fails_when_an_iteration_had_no_retro() {
    let f = build(&Handbook {
        retros: vec![1, 2, 4],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB301"]);
    assert_eq!(
        report["findings"][0]["message"],
        "team `search` has no retrospective for iteration 3 (2026-02-02 – 2026-02-15)"
    );
    insta::assert_snapshot!(lines_of(&f, "HB301"));
}

#[test]
fn hb301_passes_with_a_retro_held_in_the_grace_days_or_named_by_iteration() {
    // Iteration 3 ended 2026-02-16 (exclusive); 2026-02-18 is within grace.
    let late = retro("2026-02-18", "- [x] @alice done");
    let f = build(&Handbook {
        retros: vec![1, 2, 4],
        extra: vec![(
            "2026-02-18T15:00:00Z",
            write("hb/search/retros/late.md", &late),
        )],
        ..Handbook::default()
    });
    assert_only(&f, &[]);

    let f = build(&Handbook {
        retros: vec![1, 2, 4],
        ..Handbook::default()
    });
    let named =
        "---\nowner: bob\niteration: 3\n---\n# Retro\n\n## Action items\n\n- [x] @alice done\n";
    f.commit_as(
        BOB,
        "2026-03-04T15:00:00Z",
        "retro for 3, written late",
        &[write("hb/search/retros/three.md", named)],
    );
    assert_only(&f, &[]);
}

// HB302 action-item-unowned

#[test]
fn hb302_fails_for_an_open_item_without_an_owner() {
    let items = "- [x] @alice done\n- [ ] write down the release checklist (due 2026-04-01)";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB302"]);
    assert_eq!(report["findings"][0]["line"], 10);
    insta::assert_snapshot!(lines_of(&f, "HB302"));
}

#[test]
fn hb302_passes_for_closed_items_and_items_outside_action_items() {
    let items =
        "- [x] nobody needed, it is done\n\n## Notes\n\n- [ ] an open thought, not an action item";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

// HB303 action-item-overdue

#[test]
fn hb303_fails_past_the_due_date_plus_grace() {
    let items = "- [ ] @bob automate the export (due 2026-03-01)";
    let f = build(&Handbook {
        items: items.to_string(),
        retros: vec![1, 2, 3, 4],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB303"]);
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(4),
        "one per retro"
    );
    insta::assert_snapshot!(lines_of(&f, "HB303"));
}

#[test]
fn hb303_fails_without_a_due_date_after_two_iterations() {
    let items = "- [ ] @bob automate the export";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter(|f| f["code"] == "HB303")
                .filter_map(|f| f["message"].as_str())
                .collect()
        })
        .unwrap_or_default();
    // The retros of 2026-01-20 and 2026-02-03 are more than 28 days old;
    // 2026-02-17 is 16 days old.
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("retro of 2026-01-20 has been open for 44 days"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("retro of 2026-02-03 has been open for 30 days"),
        "{messages:?}"
    );
}

#[test]
fn hb303_passes_within_grace_of_the_due_date() {
    let items = "- [ ] @bob automate the export (due 2026-03-02)";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

// HB304 action-items-not-carried

#[test]
fn hb304_fails_when_goals_were_not_updated_after_a_retro() {
    // Goals updated after retro 1 only; retro 2 (2026-02-03) has items and
    // its window closed on 2026-02-20.
    let f = build(&Handbook {
        goals_updates: vec![1],
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    let found = codes(&report);
    assert!(found.contains(&"HB304".to_string()), "{report:#}");
    let carried: Vec<&Value> = report["findings"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["code"] == "HB304").collect())
        .unwrap_or_default();
    assert_eq!(carried.len(), 1, "retro 3's window is still open");
    assert_eq!(carried[0]["path"], "hb/search/retros/2026-02-03.md");
    insta::assert_snapshot!(lines_of(&f, "HB304"));
}

#[test]
fn hb304_passes_when_the_roadmap_was_updated_instead() {
    let f = build(&Handbook {
        goals_updates: vec![1, 4],
        extra: vec![(
            "2026-02-10T10:00:00Z",
            write(
                "hb/search/roadmap.md",
                "---\nowner: alice\n---\n# Roadmap\n",
            ),
        )],
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    assert!(!codes(&report).contains(&"HB304".to_string()), "{report:#}");
}

// HB401 team-role-vacant

#[test]
fn hb401_fails_for_a_team_without_an_em() {
    let handbook = Handbook {
        config: CONFIG.replace("    em: bob\n", ""),
        ..Handbook::default()
    };
    let f = build(&handbook);
    assert_only(&f, &["HB401"]);
    insta::assert_snapshot!(lines_of(&f, "HB401"));
}

#[test]
fn hb401_passes_when_both_roles_are_named() {
    assert_only(&build(&Handbook::default()), &[]);
}

// HB402 owner-role-mismatch

#[test]
fn hb402_fails_when_the_goals_page_names_the_former_pm() {
    let handbook = Handbook {
        goals: Some(goals("Kicked off.").replace("owner: alice", "owner: \"@carol\"")),
        ..Handbook::default()
    };
    let f = build(&handbook);
    let report = assert_only(&f, &["HB402"]);
    assert_eq!(
        report["findings"][0]["message"],
        "the goals page of team `search` is owned by `carol`, but the team's PM is `alice`"
    );
    insta::assert_snapshot!(lines_of(&f, "HB402"));
}

#[test]
fn hb402_passes_when_the_owner_is_given_by_handle() {
    let handbook = Handbook {
        goals: Some(goals("Kicked off.").replace("owner: alice", "owner: \"@alice\"")),
        ..Handbook::default()
    };
    assert_only(&build(&handbook), &[]);
}

// HB003 unknown-person

#[test]
fn hb003_fails_for_unknown_handles_and_owners() {
    let items = "- [ ] @zed fix the build (due 2026-04-01)";
    let handbook = Handbook {
        items: items.to_string(),
        retros: vec![1, 2, 3, 4],
        goals: Some(goals("Kicked off.").replace("owner: alice", "owner: alcie")),
        ..Handbook::default()
    };
    let f = build(&handbook);
    let report = assert_only(&f, &["HB003"]);
    let helps: Vec<&str> = report["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["help"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        helps.iter().any(|h| h.contains("did you mean `alice`?")),
        "{helps:?}"
    );
    insta::assert_snapshot!(lines_of(&f, "HB003"));
}

#[test]
fn hb003_passes_when_everyone_is_in_people() {
    let items = "- [ ] @carol fix the build (due 2026-04-01)";
    assert_only(
        &build(&Handbook {
            items: items.to_string(),
            ..Handbook::default()
        }),
        &[],
    );
}

// HB001 config-invalid

#[test]
fn hb001_fails_for_an_unknown_rule_code_and_the_rest_still_runs() {
    let mut handbook = Handbook {
        goals_updates: vec![1, 2],
        ..Handbook::default()
    };
    handbook.config.push_str("severity:\n  HB1022: warning\n");
    let f = build(&handbook);
    let report = assert_only(&f, &["HB001", "HB102"]);
    assert_eq!(report["findings"][0]["help"], "did you mean `HB102`?");
    assert_eq!(report["findings"][0]["line"], 12);
    insta::assert_snapshot!(lines_of(&f, "HB001"));
}

#[test]
fn hb001_passes_with_a_valid_severity_override() {
    let mut handbook = Handbook {
        goals_updates: vec![1, 2],
        ..Handbook::default()
    };
    handbook.config.push_str("severity:\n  HB102: warning\n");
    let f = build(&handbook);
    let (report, code) = f.check_json(NOW);
    assert_eq!(codes(&report), ["HB102"]);
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert_eq!(code, 0, "warnings alone exit 0");
}

// HB002 front-matter-invalid

#[test]
fn hb002_fails_for_an_unquoted_handle_and_other_pages_are_still_checked() {
    let handbook = Handbook {
        goals: Some(goals("Kicked off.").replace("owner: alice", "owner: @alice")),
        goals_updates: vec![1, 2],
        ..Handbook::default()
    };
    let f = build(&handbook);
    let report = assert_only(&f, &["HB002", "HB102"]);
    let help = report["findings"][0]["help"].as_str().unwrap_or_default();
    assert!(help.contains("owner: \"@alice\""), "{help}");
    assert_eq!(report["findings"][0]["path"], GOALS);
    assert_eq!(report["findings"][0]["line"], 2);
    insta::assert_snapshot!(lines_of(&f, "HB002"));
}

#[test]
fn hb002_passes_for_front_matter_with_fields_it_does_not_know() {
    let handbook = Handbook {
        goals: Some(goals("Kicked off.").replace(
            "owner: alice",
            "owner: alice\ntitle: Goals\nweight: 3\ntags: [a, b]",
        )),
        ..Handbook::default()
    };
    assert_only(&build(&handbook), &[]);
}

// HB005 file-unreadable

#[test]
fn hb005_fails_for_a_page_that_is_not_utf8_and_the_rest_is_checked() {
    let f = build(&Handbook {
        goals_updates: vec![1, 2],
        ..Handbook::default()
    });
    std::fs::write(f.path().join("hb/search/latin1.md"), b"# Caf\xe9\n").expect("write");
    let report = assert_only(&f, &["HB005", "HB102"]);
    let message = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "HB005"))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    assert!(
        message.contains("hb/search/latin1.md") && message.contains("line 1"),
        "{message}"
    );
}

#[test]
fn hb005_passes_for_utf8_with_a_byte_order_mark() {
    let f = build(&Handbook::default());
    std::fs::write(f.path().join("hb/search/bom.md"), "\u{feff}# Café\n").expect("write");
    assert_only(&f, &[]);
}

// HB004 history-unavailable

#[test]
fn hb004_fails_for_a_repository_without_commits() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path().join("hb/search")).expect("mkdir");
    std::fs::write(f.path().join("handbook-lint.yaml"), CONFIG).expect("write");
    std::fs::write(f.path().join(GOALS), goals("x")).expect("write");
    let (report, code) = f.check_json(NOW);
    let found = codes(&report);
    assert!(found.contains(&"HB004".to_string()), "{report:#}");
    assert!(
        !found.contains(&"HB102".to_string()),
        "no verdict without history"
    );
    assert_eq!(code, 1);
}

#[test]
fn hb004_passes_on_a_detached_head() {
    let f = build(&Handbook::default());
    let head = git(f.path(), &["rev-parse", "HEAD"]);
    git(f.path(), &["checkout", "--quiet", "--detach", head.trim()]);
    assert_only(&f, &[]);
}

// HB006 suppression-invalid / HB007 suppression-unused

#[test]
fn hb006_fails_for_an_unknown_code_in_a_suppression() {
    let items = "<!-- handbook-lint-disable-next-line HB3O2 -->\n- [x] @alice done";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    let (report, code) = f.check_json(NOW);
    assert!(codes(&report).contains(&"HB006".to_string()), "{report:#}");
    assert_eq!(code, 1);
    insta::assert_snapshot!(lines_of(&f, "HB006"));
}

#[test]
fn hb006_passes_for_codes_and_names() {
    let items = "<!-- handbook-lint-disable-next-line HB302, action-item-overdue -->\n- [ ] nobody (due 2026-01-01)";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

#[test]
fn hb007_fails_for_a_suppression_with_nothing_to_suppress() {
    let items = "<!-- handbook-lint-disable-next-line HB302 -->\n- [x] @alice done";
    let f = build(&Handbook {
        items: items.to_string(),
        ..Handbook::default()
    });
    let (report, code) = f.check_json(NOW);
    assert_eq!(codes(&report), ["HB007"; 4]);
    assert_eq!(code, 0, "a warning does not fail the check");
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(4),
        "one per retro"
    );
    insta::assert_snapshot!(lines_of(&f, "HB007"));
}

#[test]
fn hb007_passes_when_regions_and_file_suppressions_are_used() {
    // A region from -disable to -enable, and an item after it reported.
    let items = "<!-- handbook-lint-disable HB302 -->\n- [ ] nobody\n<!-- handbook-lint-enable HB302 -->\n\n- [x] @alice done";
    let f = build(&Handbook {
        items: items.to_string(),
        retros: vec![4],
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    let found = codes(&report);
    assert!(
        !found.contains(&"HB302".to_string()) && !found.contains(&"HB007".to_string()),
        "{report:#}"
    );
    let items = "<!-- handbook-lint-disable HB302 -->\n<!-- handbook-lint-enable HB302 -->\n\n- [ ] after the region";
    let f = build(&Handbook {
        items: items.to_string(),
        retros: vec![4],
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    let found = codes(&report);
    assert!(
        found.contains(&"HB302".to_string()) && found.contains(&"HB007".to_string()),
        "{report:#}"
    );
    // A whole-file suppression on the stale goals page.
    let f = build(&Handbook {
        goals: Some(goals("Kicked off.").replace(
            "# Search goals",
            "<!-- handbook-lint-disable-file HB102 -->\n# Search goals",
        )),
        goals_updates: vec![1],
        ..Handbook::default()
    });
    let (report, _) = f.check_json(NOW);
    assert!(!codes(&report).contains(&"HB102".to_string()), "{report:#}");
}

// HB403 required-page-unowned / HB404 codeowners-role-mismatch, and HB402
// through CODEOWNERS

#[test]
fn hb403_fails_when_codeowners_does_not_cover_the_goals_page() {
    let f = build(&Handbook {
        extra: vec![(
            "2026-01-06T09:00:00Z",
            write(
                ".github/CODEOWNERS",
                "/hb/search/index.md @bob\n/hb/search/retros/ @bob\n",
            ),
        )],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB403"]);
    assert_eq!(report["findings"][0]["path"], GOALS);
    assert!(
        report["findings"][0]["help"]
            .as_str()
            .is_some_and(|h| h.contains("/hb/search/goals.md @alice"))
    );
    insta::assert_snapshot!(lines_of(&f, "HB403"));
}

#[test]
fn hb403_passes_when_a_directory_line_covers_every_page() {
    let f = build(&Handbook {
        extra: vec![(
            "2026-01-06T09:00:00Z",
            write("CODEOWNERS", "# the search team\n/hb/search/ @alice @bob\n"),
        )],
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

#[test]
fn hb404_fails_when_codeowners_names_the_former_pm() {
    let codeowners = "/hb/search/ @bob\n/hb/search/goals.md @carol\n";
    let f = build(&Handbook {
        extra: vec![("2026-01-06T09:00:00Z", write("CODEOWNERS", codeowners))],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB404"]);
    assert_eq!(
        report["findings"][0]["message"],
        "CODEOWNERS gives the goals page `hb/search/goals.md` to @carol, not to the team's PM `alice`"
    );
    insta::assert_snapshot!(lines_of(&f, "HB404"));
}

#[test]
fn hb404_passes_when_the_pm_is_among_the_code_owners() {
    let f = build(&Handbook {
        extra: vec![(
            "2026-01-06T09:00:00Z",
            write(
                "CODEOWNERS",
                "/hb/search/ @bob\n/hb/search/goals.md @carol @alice\n",
            ),
        )],
        ..Handbook::default()
    });
    assert_only(&f, &[]);
}

#[test]
fn hb402_uses_codeowners_for_a_page_without_an_owner() {
    let f = build(&Handbook {
        goals: Some(goals("Kicked off.").replace("---\nowner: alice\n---\n", "")),
        extra: vec![(
            "2026-01-06T09:00:00Z",
            write("CODEOWNERS", "/hb/search/ @bob\n"),
        )],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB402"]);
    assert_eq!(
        report["findings"][0]["message"],
        "the goals page of team `search` is owned (per CODEOWNERS) by @bob, but the team's PM is `alice`"
    );
}

#[test]
fn a_malformed_codeowners_line_is_reported_and_the_rest_is_used() {
    let f = build(&Handbook {
        extra: vec![(
            "2026-01-06T09:00:00Z",
            write("CODEOWNERS", "/hb/search/ alice\n/hb/search/ @alice @bob\n"),
        )],
        ..Handbook::default()
    });
    let report = assert_only(&f, &["HB001"]);
    assert_eq!(report["findings"][0]["path"], "CODEOWNERS");
    assert_eq!(report["findings"][0]["line"], 1);
}
