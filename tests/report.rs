//! `report`: on a year of history, the grid's marks for every team and
//! iteration are what `check --now <the day the iteration completed>`
//! reported for it, on the repository as it was then (a worktree at the
//! last mainline commit before that time); the dates it gives agree with
//! the `git` CLI.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use common::{Fixture, git, oracle, run_in, write};
use handbook_lint::testing::Edit;
use serde_json::Value;

const NOW: &str = "2026-06-15T12:00:00Z";
const START: &str = "2025-06-02";

const YEAR_CONFIG: &str = "iterations: { length: 14d, start: 2025-06-02, grace: 3d }
people:
  alice: { name: Alice Ng, handles: ['@alice'] }
  bob: { name: Bob Okafor, handles: ['@bob'] }
  carol: { name: Carol Diaz, handles: ['@carol'] }
teams:
  search: { dir: hb/search, pm: alice, em: bob }
  ads: { dir: hb/ads, pm: carol, em: bob, since: 2025-09-01 }
";

/// A small deterministic generator, so the history is the same on every
/// run and still has a bit of everything.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn day(offset: i64) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(START, "%Y-%m-%d").expect("start")
        + chrono::Duration::days(offset)
}

fn at(offset: i64, time: &str) -> String {
    format!("{}T{time}Z", day(offset))
}

fn goals_page(team: &str, progress: &str, bullet: char) -> String {
    format!(
        "---\nowner: {}\n---\n# {team} goals\n\n## Goal\n\nBe useful.\n\n## Milestones\n\n{bullet} Index\n{bullet} Rank\n\n## Timeline\n\nQ3\n\n## Progress\n\n{progress}\n",
        if team == "search" { "alice" } else { "carol" }
    )
}

fn index_page(version: u32) -> String {
    format!(
        "---\nowner: bob\n---\n# Team\n\n## Planning\n\nPlanning, version {version}.\n\n## Execution\n\nStand-ups.\n"
    )
}

type Event = (String, String, Vec<Edit>);

/// One team's events in one iteration: maybe a goals update (anywhere from
/// the first day to the grace days), maybe a formatter's edit, maybe a
/// retro (on the iteration's last days or in grace, once in a while
/// recorded late), maybe a planning change.
fn team_events(rng: &mut Lcg, iteration: i64, t: usize, team: &str) -> Vec<Event> {
    let mut events = Vec::new();
    let start = iteration * 14;
    let salt = format!("{team} {iteration}");
    let offset = |rng: &mut Lcg, days: u64| start + i64::try_from(rng.next(days)).unwrap_or(0);
    if rng.next(10) < 7 {
        let when = at(offset(rng, 17), &format!("1{t}:15:00"));
        let text = goals_page(team, &format!("Progress of {salt}."), '-');
        events.push((
            when,
            format!("{team}: progress"),
            vec![write(&format!("hb/{team}/goals.md"), &text)],
        ));
    }
    if rng.next(10) < 2 {
        // Empty text: the page as it is, with its list markers changed.
        let when = at(offset(rng, 14), "20:30:00");
        events.push((
            when,
            format!("{team}: format"),
            vec![Edit::Write(format!("hb/{team}/goals.md"), String::new())],
        ));
    }
    if rng.next(10) < 8 {
        let held = offset(rng, 5) + 12;
        let committed = if rng.next(10) == 0 { held + 6 } else { held };
        let owner = if t == 0 { "alice" } else { "carol" };
        let mut text = "---\nowner: bob\n---\n# Retro\n\n## Action items\n\n".to_string();
        for i in 0..rng.next(3) {
            let _ = writeln!(text, "- [ ] @{owner} item {i} of {salt}");
        }
        let path = format!("hb/{team}/retros/{}.md", day(held));
        events.push((
            at(committed, "16:00:00"),
            format!("{team}: retro"),
            vec![write(&path, &text)],
        ));
    }
    if rng.next(12) == 0 {
        let text = index_page(u32::try_from(iteration).unwrap_or(0));
        events.push((
            at(offset(rng, 14), "11:45:00"),
            format!("{team}: planning"),
            vec![write(&format!("hb/{team}/index.md"), &text)],
        ));
    }
    events
}

/// One year of two teams' handbook history (see [`team_events`]), an about
/// page edited now and then, and a roadmap page added half-way.
fn year_of_history() -> Fixture {
    let f = Fixture::new();
    let mut events: Vec<Event> = vec![(
        at(-10, "09:00:00"),
        "start".into(),
        vec![
            write("handbook-lint.yaml", YEAR_CONFIG),
            write("hb/search/goals.md", &goals_page("search", "Started.", '-')),
            write("hb/search/index.md", &index_page(0)),
            write("hb/ads/goals.md", &goals_page("ads", "Started.", '-')),
            write("hb/ads/index.md", &index_page(0)),
            write("hb/about.md", "# About\n\nWho we are.\n"),
        ],
    )];
    let mut rng = Lcg(12);
    for iteration in 0..27_i64 {
        for (t, team) in ["search", "ads"].iter().enumerate() {
            events.extend(team_events(&mut rng, iteration, t, team));
        }
        let start = iteration * 14;
        if iteration == 14 {
            let text = "---\nowner: carol\n---\n# Roadmap\n\nNext: ranking.\n";
            events.push((
                at(start + 5, "13:00:00"),
                "ads: roadmap".into(),
                vec![write("hb/ads/roadmap.md", text)],
            ));
        }
        if iteration % 9 == 4 {
            let text = format!("# About\n\nWho we are, {iteration}.\n");
            events.push((
                at(start + 3, "08:00:00"),
                "about".into(),
                vec![write("hb/about.md", &text)],
            ));
        }
    }
    events.sort_by(|a, b| a.0.cmp(&b.0));
    let mut written: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (when, message, edits) in events {
        if when.as_str() > NOW {
            continue;
        }
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|edit| match edit {
                Edit::Write(path, text) if text.is_empty() => {
                    let now = written.get(&path).cloned().unwrap_or_default();
                    Edit::Write(path, now.replace("\n- ", "\n* "))
                }
                Edit::Write(path, text) => {
                    written.insert(path.clone(), text.clone());
                    Edit::Write(path, text)
                }
                other => other,
            })
            .collect();
        f.commit(&when, &message, &edits);
    }
    f
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = run_in(dir, args);
    assert!(out.code <= 1, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", out.stdout))
}

fn team_findings<'a>(check: &'a Value, team: &str, code: &str) -> Vec<&'a Value> {
    check["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|f| f["team"] == team && f["code"] == code)
                .collect()
        })
        .unwrap_or_default()
}

/// A worktree of the repository as it was at `time` (RFC 3339): at the
/// last mainline commit before it.
fn worktree_before(f: &Fixture, scratch: &Path, time: &str) -> std::path::PathBuf {
    let before = format!("--before={time}");
    let commit = git(
        f.path(),
        &["rev-list", "-1", "--first-parent", &before, "HEAD"],
    );
    let tree = scratch.join(time.replace(':', "-"));
    let path = tree.to_string_lossy();
    git(
        f.path(),
        &[
            "worktree",
            "add",
            "--quiet",
            "--detach",
            &path,
            commit.trim(),
        ],
    );
    tree
}

/// `check` on the repository as it was at the start of `day`.
fn check_as_of(f: &Fixture, scratch: &Path, day: &str) -> Value {
    let now = format!("{day}T00:00:00Z");
    let tree = worktree_before(f, scratch, &now);
    json(
        &tree,
        &["--no-cache", "check", "--format", "json", "--now", &now],
    )
}

/// `report --format json` over the whole year of history, with `global`
/// options before it.
fn year_report(dir: &Path, global: &[&str]) -> Value {
    let mut args = global.to_vec();
    args.extend([
        "report",
        "--format",
        "json",
        "--iterations",
        "26",
        "--now",
        NOW,
    ]);
    json(dir, &args)
}

#[test]
fn the_grid_is_what_check_reported_the_day_each_iteration_completed() {
    let f = year_of_history();
    let report = year_report(f.path(), &[]);
    let iterations = report["iterations"].as_array().expect("iterations");
    assert_eq!(iterations.len(), 26, "{report:#}");
    let scratch = tempfile::tempdir().expect("scratch");
    let mut marks_seen: HashSet<(String, String)> = HashSet::new();
    for (column, iteration) in iterations.iter().enumerate() {
        let number = iteration["number"].as_i64().expect("number");
        let completed = iteration["completed"].as_str().expect("completed");
        let check = check_as_of(&f, scratch.path(), completed);
        let today = chrono::NaiveDate::parse_from_str(completed, "%Y-%m-%d").expect("day");
        for team in report["teams"].as_array().expect("teams") {
            let name = team["name"].as_str().expect("name");
            let cell = &team["cells"][column];
            assert_eq!(cell["iteration"], number);
            let at = format!("team {name}, iteration {number}, check as of {completed}");
            for mark in ["goals", "retro", "carry"] {
                marks_seen.insert((
                    mark.to_string(),
                    cell[mark].as_str().unwrap_or("").to_string(),
                ));
            }
            // Goals: HB102 when missed, HB101 when the page was not there.
            let hb102 = !team_findings(&check, name, "HB102").is_empty();
            let hb101 = !team_findings(&check, name, "HB101").is_empty();
            assert_eq!(cell["goals"] == "no", hb102, "{at}: goals {cell} vs HB102");
            assert_eq!(
                cell["goals"] == "missing",
                hb101,
                "{at}: goals {cell} vs HB101"
            );
            // Retro: HB301 names the iteration when it had none.
            let named = team_findings(&check, name, "HB301").iter().any(|f| {
                f["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains(&format!("iteration {number} ("))
            });
            assert_eq!(cell["retro"] == "no", named, "{at}: retro {cell} vs HB301");
            // Carry: HB304 names exactly the retros not carried among those
            // judged so far that check still looks at (six iterations back).
            let reported: BTreeSet<String> = team_findings(&check, name, "HB304")
                .iter()
                .filter_map(|f| f["path"].as_str().map(str::to_string))
                .collect();
            let oldest = today - chrono::Days::new(7 * 14);
            let expected: BTreeSet<String> = team["cells"].as_array().expect("cells")[..=column]
                .iter()
                .flat_map(|c| c["carry_retros"].as_array().cloned().unwrap_or_default())
                .filter(|r| r["carried"] == false)
                .filter(|r| {
                    chrono::NaiveDate::parse_from_str(r["date"].as_str().unwrap_or(""), "%Y-%m-%d")
                        .is_ok_and(|d| d >= oldest)
                })
                .filter_map(|r| r["path"].as_str().map(str::to_string))
                .collect();
            assert_eq!(
                reported, expected,
                "{at}: HB304 vs the grid's carried retros"
            );
            let judged = cell["carry_retros"].as_array().expect("carry_retros");
            let expected_mark = if judged.is_empty() {
                "not-due"
            } else if judged.iter().all(|r| r["carried"] == true) {
                "yes"
            } else {
                "no"
            };
            assert_eq!(cell["carry"], expected_mark, "{at}: {cell}");
        }
    }
    // The year has every kind of mark, or the test proves less than it says.
    for expected in [
        ("goals", "yes"),
        ("goals", "no"),
        ("goals", "not-due"),
        ("retro", "yes"),
        ("retro", "no"),
        ("carry", "yes"),
        ("carry", "no"),
        ("carry", "not-due"),
    ] {
        assert!(
            marks_seen.contains(&(expected.0.to_string(), expected.1.to_string())),
            "no {expected:?} in the grid: {marks_seen:?}"
        );
    }
}

#[test]
fn the_summary_dates_agree_with_git() {
    let f = year_of_history();
    let report = json(f.path(), &["report", "--format", "json", "--now", NOW]);
    for team in report["teams"].as_array().expect("teams") {
        let path = team["goals"]["page"]["path"].as_str().expect("goals path");
        let answer = oracle::last_change(f.path(), path, None, &HashSet::new()).expect("oracle");
        let update = &team["goals"]["last_update"];
        assert_eq!(update["commit"], answer.commit.as_str(), "{path}");
        let day = chrono::DateTime::from_timestamp(answer.time, 0)
            .expect("time")
            .date_naive();
        assert_eq!(update["date"], day.to_string(), "{path}");
        // Each cell's goals commit is a change the oracle dates in the
        // iteration (the newest one by then).
        let cells = team["cells"].as_array().expect("cells");
        let iterations = report["iterations"].as_array().expect("iterations");
        for (cell, iteration) in cells.iter().zip(iterations) {
            let Some(commit) = cell["goals_commit"].as_str() else {
                continue;
            };
            let time: i64 = git(f.path(), &["show", "-s", "--format=%ct", commit])
                .trim()
                .parse()
                .expect("time");
            let date = |key: &str| {
                chrono::NaiveDate::parse_from_str(iteration[key].as_str().unwrap_or(""), "%Y-%m-%d")
                    .expect("date")
            };
            let day = chrono::DateTime::from_timestamp(time, 0)
                .expect("time")
                .date_naive();
            assert!(
                day >= date("start") && day < date("completed"),
                "{commit} on {day} is not in {iteration}"
            );
        }
    }
    // The trend counts every page but the retros, once each month.
    let trend = report["trend"].as_array().expect("trend");
    assert_eq!(trend.len(), 12);
    let last = &trend[11];
    assert_eq!(last["at"], "2026-06-15");
    // Goals and index pages of both teams, the roadmap and the about page.
    assert_eq!(last["pages"]["total"], 6, "{last}");
}

/// The repository as it was at the end of `day`.
fn worktree_at_end_of(f: &Fixture, scratch: &Path, day: chrono::NaiveDate) -> std::path::PathBuf {
    worktree_before(
        f,
        scratch,
        &format!("{}T00:00:00Z", day + chrono::Duration::days(1)),
    )
}

/// The newest substantive change of a page (or section) in `dir`'s history,
/// as a day, by the oracle.
fn oracle_day(dir: &Path, path: &str, anchor: Option<&str>) -> Option<chrono::NaiveDate> {
    let answer = oracle::last_change(dir, path, anchor, &HashSet::new())?;
    Some(chrono::DateTime::from_timestamp(answer.time, 0)?.date_naive())
}

#[test]
fn the_trend_agrees_with_git_month_by_month() {
    let f = year_of_history();
    let report = json(f.path(), &["report", "--format", "json", "--now", NOW]);
    let scratch = tempfile::tempdir().expect("scratch");
    let start = day(0);
    for point in report["trend"].as_array().expect("trend") {
        let at = chrono::NaiveDate::parse_from_str(point["at"].as_str().unwrap_or(""), "%Y-%m-%d")
            .expect("at");
        let tree = worktree_at_end_of(&f, scratch.path(), at);
        // HB102's limit for a goals page: since the start of the last
        // iteration completed (its end plus three days of grace) that day.
        let completed = (0..60)
            .map(|k| start + chrono::Duration::days(14 * k))
            .take_while(|s| *s + chrono::Duration::days(17) <= at)
            .last();
        let goals_limit = completed.map(|s| (at - s).num_days());
        let fresh = |path: &str, anchor: Option<&str>, limit: Option<i64>| -> Option<bool> {
            if !tree.join(path).exists() {
                return None;
            }
            let last = oracle_day(&tree, path, anchor)?;
            Some(limit.is_some_and(|limit| (at - last).num_days() <= limit))
        };
        let mut pages = (0, 0);
        let mut required = (0, 0);
        for team in ["search", "ads"] {
            let goals = format!("hb/{team}/goals.md");
            let index = format!("hb/{team}/index.md");
            // The index page is the planning page (its first slot): 84 days.
            for (path, limit) in [(&goals, goals_limit), (&index, Some(84))] {
                if let Some(ok) = fresh(path, None, limit) {
                    pages.1 += 1;
                    pages.0 += usize::from(ok);
                }
            }
            if let (Some(_), Some(ok)) = (goals_limit, fresh(&goals, None, goals_limit)) {
                required.1 += 1;
                required.0 += usize::from(ok);
            }
            for anchor in ["planning", "execution"] {
                if let Some(ok) = fresh(&index, Some(anchor), Some(84)) {
                    required.1 += 1;
                    required.0 += usize::from(ok);
                }
            }
        }
        for path in ["hb/about.md", "hb/ads/roadmap.md"] {
            if let Some(ok) = fresh(path, None, Some(182)) {
                pages.1 += 1;
                pages.0 += usize::from(ok);
            }
        }
        assert_eq!(
            (
                point["pages"]["fresh"].as_u64(),
                point["pages"]["total"].as_u64()
            ),
            (Some(pages.0 as u64), Some(pages.1 as u64)),
            "pages on {at}: {point}"
        );
        assert_eq!(
            (
                point["required"]["fresh"].as_u64(),
                point["required"]["total"].as_u64()
            ),
            (Some(required.0 as u64), Some(required.1 as u64)),
            "required pages on {at}: {point}"
        );
    }
}

#[test]
fn report_writes_where_it_is_told_and_nowhere_else() {
    let f = year_of_history();
    let out_dir = tempfile::tempdir().expect("out");
    let target = out_dir.path().join("report.html");
    let status_before = git(f.path(), &["status", "--porcelain", "--ignored"]);
    let out = run_in(
        f.path(),
        &["report", "-o", &target.to_string_lossy(), "--now", NOW],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&target).expect("report written");
    assert!(
        html.to_ascii_lowercase().starts_with("<!doctype html"),
        "{html}"
    );
    assert_eq!(
        git(f.path(), &["status", "--porcelain", "--ignored"]),
        status_before
    );
    #[cfg(unix)]
    {
        let link = out_dir.path().join("link.html");
        std::os::unix::fs::symlink("/etc/hostname", &link).expect("link");
        let out = run_in(
            f.path(),
            &["report", "-o", &link.to_string_lossy(), "--now", NOW],
        );
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("is a symbolic link"), "{}", out.stderr);
    }
}

#[test]
fn a_shallow_clone_never_reports_a_miss_its_history_cannot_prove() {
    let f = year_of_history();
    let full = year_report(f.path(), &[]);
    let scratch = tempfile::tempdir().expect("scratch");
    let shallow_dir = scratch.path().join("shallow");
    let source = format!("file://{}", f.path().display());
    git(
        scratch.path(),
        &[
            "clone",
            "--quiet",
            "--depth",
            "40",
            &source,
            &shallow_dir.to_string_lossy(),
        ],
    );
    let shallow = year_report(&shallow_dir, &["--allow-shallow"]);
    let mut unknown = 0;
    let mut agreed = 0;
    for (team, cut) in full["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .zip(shallow["teams"].as_array().expect("teams"))
    {
        for (whole, part) in team["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .zip(cut["cells"].as_array().expect("cells"))
        {
            for mark in ["goals", "carry"] {
                if part[mark] == "unknown" {
                    unknown += 1;
                } else {
                    assert_eq!(
                        part[mark], whole[mark],
                        "{mark} of {} in iteration {}",
                        team["name"], whole["iteration"]
                    );
                    agreed += 1;
                }
            }
        }
    }
    assert!(
        unknown > 0 && agreed > 0,
        "{unknown} unknown, {agreed} agreed"
    );
}
