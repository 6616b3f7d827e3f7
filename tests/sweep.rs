//! A whole-handbook formatter sweep a week ago hides nothing: with no sweep
//! limit and no ignore-revs file, `check` reports every stale goals and
//! process page the sweep rewrote, because the sweep changed no words.

mod common;

use std::fmt::Write as _;

use common::*;
use handbook_lint::testing::ROBOT;

const NOW: &str = "2026-06-01T12:00:00Z";
const TEAMS: [&str; 3] = ["search", "billing", "growth"];

fn config() -> String {
    let mut text = String::from(
        "iterations: { length: 14d, start: 2026-01-05, grace: 3d }\npeople:\n  alice: { name: Alice Ng, handles: ['@alice'] }\n  bob: { name: Bob Okafor, handles: ['@bob'] }\npages:\n  iteration-planning: \"{dir}/index.md#planning\"\n  iteration-execution: \"{dir}/index.md#execution\"\nteams:\n",
    );
    for team in TEAMS {
        let _ = write!(
            text,
            "  {team}:\n    dir: hb/{team}\n    pm: alice\n    em: bob\n"
        );
    }
    text
}

/// What Prettier does to these pages: setext headings become ATX, `*`
/// bullets `-`, emphasis `_`, paragraphs rewrapped, tables re-padded.
fn goals_page(team: &str, prettier: bool) -> String {
    if prettier {
        format!(
            "---\nowner: alice\n---\n\n# {team} goals\n\n## Goal\n\nBe _fast_ and\nreliable.\n\n## Milestones\n\n- Index\n- Rank\n\n## Timeline\n\n| Milestone | Due        |\n| --------- | ---------- |\n| Index     | 2026-03-01 |\n\n## Progress\n\nIndexing works.\n"
        )
    } else {
        format!(
            "---\nowner: alice\n---\n{team} goals\n===\n\nGoal\n---\n\nBe *fast* and reliable.\n\n## Milestones\n\n* Index\n* Rank\n\n## Timeline\n\n|Milestone|Due|\n|-|-|\n|Index|2026-03-01|\n\n## Progress\n\nIndexing works.   \n"
        )
    }
}

fn index_page(team: &str, prettier: bool) -> String {
    if prettier {
        format!(
            "---\nowner: bob\n---\n\n# {team}\n\n## Planning\n\nWe plan on Mondays, see\n[the board](https://example.com/board).\n\n## Execution\n\nWe ship on Fridays.\n"
        )
    } else {
        format!(
            "---\nowner: bob\n---\n# {team}\n\nPlanning\n--------\n\nWe plan on Mondays, see [the board](https://example.com/board).\n\n\n## Execution\n\nWe ship on Fridays.  \n"
        )
    }
}

#[test]
fn a_formatter_sweep_a_week_ago_hides_no_stale_page() {
    let f = Fixture::new();
    let mut edits = vec![write("handbook-lint.yaml", &config())];
    for team in TEAMS {
        edits.push(write(
            &format!("hb/{team}/goals.md"),
            &goals_page(team, false),
        ));
        edits.push(write(
            &format!("hb/{team}/index.md"),
            &index_page(team, false),
        ));
    }
    f.commit("2026-01-05T09:00:00Z", "start", &edits);
    let sweep: Vec<_> = TEAMS
        .iter()
        .flat_map(|team| {
            [
                write(&format!("hb/{team}/goals.md"), &goals_page(team, true)),
                write(&format!("hb/{team}/index.md"), &index_page(team, true)),
            ]
        })
        .collect();
    let sweep_commit = f.commit_as(ROBOT, "2026-05-25T09:00:00Z", "style: run prettier", &sweep);

    // By bytes, every page was updated a week ago: git says so.
    for team in TEAMS {
        for page in ["goals.md", "index.md"] {
            let path = format!("hb/{team}/{page}");
            let last = git(f.path(), &["log", "-1", "--format=%H", "--", &path]);
            assert_eq!(last.trim(), sweep_commit, "{path}");
        }
    }
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 1, "{report:#}");
    let findings = report["findings"].as_array().expect("findings");
    for team in TEAMS {
        for (code, path) in [
            ("HB102", format!("hb/{team}/goals.md")),
            ("HB202", format!("hb/{team}/index.md")),
            ("HB204", format!("hb/{team}/index.md")),
        ] {
            let found = findings
                .iter()
                .find(|f| f["code"] == code && f["team"] == team && f["path"] == path.as_str());
            let finding = found.unwrap_or_else(|| panic!("no {code} for {team}: {report:#}"));
            let message = finding["message"].as_str().unwrap_or_default();
            assert!(message.contains("2026-01-05"), "{message}");
        }
    }
    // The sweep changed no words: no note names it.
    let out = f.run(&["check", "--format", "short", "--now", NOW]);
    assert!(!out.stderr.contains("changed the words"), "{}", out.stderr);
    // And `pages` says the sweep was passed over on every page.
    let pages = f.pages(NOW);
    for row in pages["pages"].as_array().expect("rows") {
        assert_eq!(row["updated"], "2026-01-05T09:00:00Z", "{row:#}");
        assert_eq!(row["passed_over"], 1, "{row:#}");
    }
}
