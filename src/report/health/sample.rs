//! A hand-made report for the renderers' tests: three teams, twelve
//! iterations, every kind of mark, and names that HTML and Markdown must
//! escape.

use std::collections::BTreeMap;

use super::data::*;

fn update(date: &str, commit: Option<&str>) -> Update {
    Update {
        date: date.to_string(),
        commit: commit.map(str::to_string),
        source: if commit.is_some() { "git" } else { "reviewed" },
    }
}

fn page(kind: &str, state: &'static str, path: Option<&str>, anchor: Option<&str>) -> PageRef {
    PageRef {
        kind: kind.to_string(),
        state,
        path: path.map(str::to_string),
        anchor: anchor.map(str::to_string),
    }
}

fn cells(pattern: &str) -> Vec<Cell> {
    // One character per mark, three per iteration: y n m - ?
    let mark = |c: char| match c {
        'y' => Mark::Yes,
        'n' => Mark::No,
        'm' => Mark::Missing,
        '-' => Mark::NotDue,
        _ => Mark::Unknown,
    };
    pattern
        .split(' ')
        .zip(1..)
        .map(|(marks, iteration)| {
            let mut chars = marks.chars().map(mark);
            let (goals, retro, carry) = (
                chars.next().unwrap_or(Mark::Unknown),
                chars.next().unwrap_or(Mark::Unknown),
                chars.next().unwrap_or(Mark::Unknown),
            );
            Cell {
                iteration,
                goals,
                retro,
                carry,
                goals_commit: (goals == Mark::Yes).then(|| format!("abc{iteration:04}")),
                retros: if retro == Mark::Yes {
                    vec![format!("hb/search/retros/retro-{iteration}.md")]
                } else {
                    Vec::new()
                },
                carry_retros: match carry {
                    Mark::Yes | Mark::No => vec![CarriedRetro {
                        path: format!("hb/search/retros/retro-{}.md", iteration - 1),
                        date: "2026-01-20".to_string(),
                        items: 2,
                        carried: carry == Mark::Yes,
                    }],
                    _ => Vec::new(),
                },
            }
        })
        .collect()
}

fn team(name: &str, pattern: &str) -> TeamHealth {
    TeamHealth {
        name: name.to_string(),
        dir: format!("hb/{name}"),
        pm: Role {
            people: vec!["Alice Example".to_string()],
            vacant: false,
        },
        em: Role {
            people: vec!["Bob & Carol".to_string(), "Dan".to_string()],
            vacant: false,
        },
        since: None,
        goals: GoalsHealth {
            page: page("goals", "found", Some(&format!("hb/{name}/goals.md")), None),
            last_update: Some(update("2026-05-28", Some("0123456789abcdef"))),
            iterations_without_update: 1,
        },
        process: vec![
            PageAge {
                page: page(
                    "iteration-planning",
                    "found",
                    Some(&format!("hb/{name}/index.md")),
                    Some("planning"),
                ),
                last_update: Some(update("2026-02-01", Some("fedcba9876543210"))),
                age_days: Some(134),
                max_age_days: Some(84),
                stale: true,
            },
            PageAge {
                page: page(
                    "iteration-execution",
                    "external",
                    Some("https://notion.so/x?a=1&b=<2>"),
                    None,
                ),
                last_update: None,
                age_days: None,
                max_age_days: Some(84),
                stale: false,
            },
        ],
        retros: RetroHealth {
            held: 9,
            required: 12,
            last: Some("2026-06-02".to_string()),
            kept: "here",
        },
        action_items: ActionItemHealth {
            open: 4,
            overdue: 1,
            carried: 7,
            due: 9,
        },
        ownership: vec![FindingRef {
            code: "HB402".to_string(),
            severity: "warning",
            message: "`goals.md` is owned by `bob`, but the PM <alice> keeps it".to_string(),
            path: Some(format!("hb/{name}/goals.md")),
            line: Some(2),
        }],
        findings: BTreeMap::from([("HB102".to_string(), 1), ("HB402".to_string(), 1)]),
        cells: cells(pattern),
    }
}

/// The sample: `search` does well, `ads | <b>bold</b>` does not, `infra`
/// adopted the rules half-way through.
pub(crate) fn sample() -> HealthReport {
    let iterations = (1..=12)
        .map(|n: i64| {
            let start = crate::base::time::add_days(
                chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
                (n - 1) * 14,
            );
            IterationInfo {
                number: n,
                start: start.to_string(),
                end: crate::base::time::add_days(start, 13).to_string(),
                completed: crate::base::time::add_days(start, 17).to_string(),
            }
        })
        .collect();
    let months = [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02",
        "2026-03", "2026-04", "2026-05", "2026-06",
    ];
    HealthReport {
        version: 1,
        now: "2026-06-15T12:00:00Z".to_string(),
        repository: "acme-handbook".to_string(),
        head: Some("0123456789abcdef0123456789abcdef01234567".to_string()),
        calendar: CalendarInfo {
            start: "2026-01-05".to_string(),
            length_days: 14,
            grace_days: 3,
        },
        iterations,
        teams: vec![
            team("search", "yyy yyy yy- yyy yyy yyy yyy yyy yyy yyy yyn yyy"),
            team("ads | <b>bold</b>", "nny nn- mnn mn- ynn yyy ny- nnn yyy nyn ny? ???"),
            team("infra", "--- --- --- --- --- --- yy- yyy nyy yny yyn yyy"),
        ],
        trend: months
            .iter()
            .zip(0..)
            .map(|(month, i)| TrendPoint {
                month: (*month).to_string(),
                at: format!("{month}-28"),
                pages: Share {
                    fresh: 120 + i * 7,
                    total: 300 + i * 3,
                },
                required: Share {
                    fresh: 10 + i % 5,
                    total: 18,
                },
            })
            .collect(),
        findings: FindingTotals {
            errors: 12,
            warnings: 3,
            by_code: BTreeMap::from([
                ("HB102".to_string(), 2),
                ("HB202".to_string(), 3),
                ("HB301".to_string(), 4),
            ]),
        },
        notes: vec!["commit abc1234 of 2026-03-01 changed 330 pages; if it was a sweep, add it to .git-blame-ignore-revs".to_string()],
    }
}
