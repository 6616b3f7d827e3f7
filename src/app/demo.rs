//! `handbook-lint demo`: builds a sample handbook repository with realistic
//! backdated history, lints it at a fixed time and shows the report.
//!
//! Three teams in different states:
//! - `search` keeps everything current: goals updated every iteration
//!   (once through a merged pull request), a retro after each iteration with
//!   owned action items. It has no findings.
//! - `billing` stopped in March: stale goals page owned by its former PM, a
//!   planning process nobody touched since it was written, retros skipped,
//!   and an action item with no owner.
//! - `onboarding` is new: no EM yet, no goals page, no execution process.
//!
//! Halfway through, the whole handbook is moved from `teams/` to
//! `handbook/`; the report's dates show the move did not refresh anything.

use std::path::Path;

use anyhow::{Context, bail};
use chrono::NaiveDate;

use crate::base::finding::Severity;
use crate::base::fswrite::{Existing, write_via_temp};
use crate::base::time::{add_days, parse_now};
use crate::engine::{self, Options};
use crate::git::repo_builder::{Edit, Person, ROBOT, RepoBuilder, mv, write};
use crate::report::health::ReportFormat;
use crate::report::health::build::Span;
use crate::report::{self, Format, Style};

/// The demo's "now": fixed, so the demo shows the same report every day.
pub const DEMO_NOW: &str = "2026-06-15T12:00:00Z";

const ALICE: Person = Person {
    name: "Alice Ng",
    email: "alice@example.com",
};
const BOB: Person = Person {
    name: "Bob Okafor",
    email: "bob@example.com",
};
const CAROL: Person = Person {
    name: "Carol Diaz",
    email: "carol@example.com",
};
const DAN: Person = Person {
    name: "Dan Weiss",
    email: "dan@example.com",
};
const ERIN: Person = Person {
    name: "Erin Park",
    email: "erin@example.com",
};
const FRANK: Person = Person {
    name: "Frank Li",
    email: "frank@example.com",
};

const CONFIG: &str = r#"# handbook-lint configuration for the demo handbook.
ruleset: builtin:pm-em-partnership
handbook: handbook
iterations: { length: 14d, start: 2026-01-05, grace: 3d }
people:
  alice: { name: Alice Ng, handles: ["@alice"] }
  bob: { name: Bob Okafor, handles: ["@bob"] }
  carol: { name: Carol Diaz, handles: ["@carol"] }
  dan: { name: Dan Weiss, handles: ["@dan"] }
  erin: { name: Erin Park, handles: ["@erin"] }
  frank: { name: Frank Li, handles: ["@frank"] }
teams:
  search:
    dir: handbook/search
    pm: alice
    em: bob
  billing:
    dir: handbook/billing
    pm: carol
    em: dan
  onboarding:
    dir: handbook/onboarding
    pm: erin
    since: 2026-04-13
pages:
  goals: "{dir}/goals.md"
  iteration-planning: "{dir}/index.md#planning"
  iteration-execution: "{dir}/index.md#execution"
  retrospectives: "{dir}/retros/*.md"
"#;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

fn at(date: NaiveDate, hour: u32) -> String {
    format!("{date}T{hour:02}:00:00Z")
}

fn goals_page(team: &str, owner: &str, progress: &[String]) -> String {
    let mut text = format!(
        "---\nowner: \"{owner}\"\n---\n# {team} team goals\n\n## Goal\n\nMake {team} the part of the product customers trust most.\n\n## Milestones\n\n1. Baseline metrics dashboard\n2. Ship the top three customer requests\n3. Halve the p95 latency\n\n## Timeline\n\n| Milestone | Target |\n|---|---|\n| Dashboard | 2026-02 |\n| Top requests | 2026-05 |\n| Latency | 2026-08 |\n\n## Progress\n\n"
    );
    for line in progress {
        text.push_str("- ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn index_page(team: &str, owner: &str, planning: &str, execution: Option<&str>) -> String {
    let mut text = format!(
        "---\nowner: \"{owner}\"\n---\n# The {team} team\n\nWho we are and how we work.\n\n## Planning\n\n{planning}\n"
    );
    if let Some(execution) = execution {
        text.push_str("\n## Execution\n\n");
        text.push_str(execution);
        text.push('\n');
    }
    text
}

fn retro_page(team: &str, owner: &str, date: NaiveDate, items: &[&str]) -> String {
    let mut text = format!(
        "---\nowner: \"{owner}\"\ndate: {date}\n---\n# {team} retro {date}\n\n## What went well\n\n- Shipped what we planned.\n\n## Action items\n\n"
    );
    for item in items {
        text.push_str(item);
        text.push('\n');
    }
    text
}

/// The iteration calendar of the demo: iteration `n` ends (exclusive) on
/// this day.
fn iteration_end(n: i64) -> NaiveDate {
    add_days(day("2026-01-05"), 14 * n)
}

/// One step of the demo's history; steps are replayed in time order so the
/// mainline reads like a real one.
enum Step {
    Commit(String, Person<'static>, String, Vec<Edit>),
    /// A pull request: a commit on a branch, merged the next day.
    PullRequest(String, Person<'static>, String, Edit),
    /// The reorganisation: everything under `teams/` moves to `handbook/`.
    Reorganise(String),
}

impl Step {
    fn when(&self) -> &str {
        match self {
            Step::Commit(when, ..) | Step::PullRequest(when, ..) | Step::Reorganise(when) => when,
        }
    }
}

/// When the demo's pages moved from `teams/` to `handbook/`.
const MOVED_ON: &str = "2026-02-20";
const SEARCH_PLANNING: &str = "We plan on the first Monday of each iteration. The PM brings goals, engineers bring estimates.";
const SEARCH_PLANNING_V2: &str = "We plan on the first Monday of each iteration. The PM brings goals, engineers bring estimates. We subtract on-call and holidays from capacity first.";
const BILLING_PLANNING: &str = "We plan in a two-hour meeting. Everyone brings tickets.";

/// Where a team's page lived on `date`: before the reorganisation, under
/// `teams/`.
fn page_path(date: NaiveDate, team: &str, file: &str) -> String {
    if date < day(MOVED_ON) {
        format!("teams/{team}/{file}")
    } else {
        format!("handbook/{team}/{file}")
    }
}

fn commit(when: String, who: Person<'static>, message: &str, edits: Vec<Edit>) -> Step {
    Step::Commit(when, who, message.to_string(), edits)
}

/// Builds the demo repository in `dir`.
pub(crate) fn build(dir: &Path) -> anyhow::Result<()> {
    let mut steps = founding();
    steps.extend(iterations());
    steps.extend(later());
    steps.sort_by(|a, b| a.when().cmp(b.when()));
    commit_all(dir, steps)
}

/// November 2025: the handbook is written; in February it moves.
fn founding() -> Vec<Step> {
    let mut steps = Vec::new();
    let start = day("2025-11-03");
    steps.push(commit(
        at(start, 10),
        ROBOT,
        "Start the team handbook",
        vec![
            write(
                "README.md",
                "# Team handbook\n\nHow our product teams work.\n",
            ),
            write(
                "handbook-lint.yaml",
                &CONFIG
                    .replace("handbook/", "teams/")
                    .replace("handbook: handbook", "handbook: teams"),
            ),
            write(
                &page_path(start, "search", "goals.md"),
                &goals_page("Search", "@alice", &["2025-11: kicked off.".to_string()]),
            ),
            write(
                &page_path(start, "search", "index.md"),
                &index_page(
                    "search",
                    "@bob",
                    SEARCH_PLANNING,
                    Some("Daily standup at 10:00. Demos every other Friday."),
                ),
            ),
            write(
                &page_path(start, "billing", "goals.md"),
                &goals_page("Billing", "@frank", &["2025-11: kicked off.".to_string()]),
            ),
            write(
                &page_path(start, "billing", "index.md"),
                &index_page(
                    "billing",
                    "@dan",
                    BILLING_PLANNING,
                    Some("Standup on Mondays and Thursdays."),
                ),
            ),
        ],
    ));
    steps.push(Step::Reorganise(at(day(MOVED_ON), 9)));
    steps
}

/// Eleven iterations of retros and progress updates.
fn iterations() -> Vec<Step> {
    let mut steps = Vec::new();
    let mut search_progress = vec!["2025-11: kicked off.".to_string()];
    let mut billing_progress = vec!["2025-11: kicked off.".to_string()];
    for n in 1..=11 {
        let retro_day = add_days(iteration_end(n), 1);
        let retro_file = format!("retros/{retro_day}.md");
        // Search: a retro by the EM, then the PM's progress update.
        steps.push(commit(
            at(retro_day, 15),
            BOB,
            &format!("Search retro for iteration {n}"),
            vec![write(
                &page_path(retro_day, "search", &retro_file),
                &retro_page(
                    "Search",
                    "@bob",
                    retro_day,
                    &[
                        "- [x] @alice add the latency milestone to the goals page",
                        "- [ ] @bob pair new joiners on the indexer (due 2026-07-01)",
                    ],
                ),
            )],
        ));
        search_progress.push(format!(
            "Iteration {n}: milestone work on track; retro action items carried over."
        ));
        let goals_edit = write(
            &page_path(retro_day, "search", "goals.md"),
            &goals_page("Search", "@alice", &search_progress),
        );
        if n == 6 {
            steps.push(Step::PullRequest(
                at(retro_day, 16),
                ALICE,
                format!("Goals: iteration {n} progress"),
                goals_edit,
            ));
        } else {
            steps.push(commit(
                at(retro_day, 17),
                ALICE,
                &format!("Goals: iteration {n} progress"),
                vec![goals_edit],
            ));
        }

        // Billing: kept up until March; then retros stop, but for one.
        if n <= 4 {
            billing_progress.push(format!("Iteration {n}: invoicing rewrite in progress."));
            steps.push(commit(
                at(retro_day, 14),
                CAROL,
                &format!("Billing goals: iteration {n}"),
                vec![write(
                    &page_path(retro_day, "billing", "goals.md"),
                    &goals_page("Billing", "@frank", &billing_progress),
                )],
            ));
        }
        if n <= 5 || n == 9 {
            let items: &[&str] = if n == 9 {
                &[
                    "- [ ] Write down how refunds are approved",
                    "- [ ] @dan automate the invoice export (due 2026-05-15)",
                ]
            } else {
                &["- [x] @carol update the roadmap"]
            };
            steps.push(commit(
                at(retro_day, 16),
                DAN,
                &format!("Billing retro for iteration {n}"),
                vec![write(
                    &page_path(retro_day, "billing", &retro_file),
                    &retro_page("Billing", "@dan", retro_day, items),
                )],
            ));
        }
    }
    steps
}

/// Process pages, the onboarding team, and the former PM's commit.
fn later() -> Vec<Step> {
    let mut steps = vec![
        // Process pages: search keeps both current; billing only execution.
        commit(
            "2026-04-20T10:00:00Z".into(),
            BOB,
            "Search: plan with capacity in mind",
            vec![write(
                "handbook/search/index.md",
                &index_page(
                    "search",
                    "@bob",
                    SEARCH_PLANNING_V2,
                    Some("Daily standup at 10:00. Demos every other Friday."),
                ),
            )],
        ),
        commit(
            "2026-05-05T10:00:00Z".into(),
            BOB,
            "Search: execution tweaks",
            vec![write(
                "handbook/search/index.md",
                &index_page(
                    "search",
                    "@bob",
                    SEARCH_PLANNING_V2,
                    Some(
                        "Daily standup at 10:00. Demos every Friday; scope changes go through the PM.",
                    ),
                ),
            )],
        ),
        commit(
            "2026-05-20T10:00:00Z".into(),
            DAN,
            "Billing: new standup schedule",
            vec![write(
                "handbook/billing/index.md",
                &index_page(
                    "billing",
                    "@dan",
                    BILLING_PLANNING,
                    Some("Standup every day at 9:30."),
                ),
            )],
        ),
        // Onboarding: a new team, no EM yet, retros from its first iteration.
        commit(
            "2026-04-01T10:00:00Z".into(),
            ERIN,
            "Add the onboarding team",
            vec![write(
                "handbook/onboarding/index.md",
                &index_page(
                    "onboarding",
                    "@erin",
                    "We plan with the search team until we have an EM.",
                    None,
                ),
            )],
        ),
    ];
    for n in 8..=11 {
        let retro_day = add_days(iteration_end(n), 1);
        let text = retro_page(
            "Onboarding",
            "@erin",
            retro_day,
            &["- [x] @erin set up the team channel"],
        );
        steps.push(commit(
            at(retro_day, 12),
            ERIN,
            &format!("Onboarding retro for iteration {n}"),
            vec![write(
                &format!("handbook/onboarding/retros/{retro_day}.md"),
                &text,
            )],
        ));
    }
    // A commit by the former PM, to show whose name history carries.
    steps.push(commit(
        "2025-12-01T10:00:00Z".into(),
        FRANK,
        "Billing: note the invoicing rewrite",
        vec![write(
            "teams/billing/goals.md",
            &goals_page(
                "Billing",
                "@frank",
                &[
                    "2025-11: kicked off.".to_string(),
                    "2025-12: invoicing rewrite planned.".to_string(),
                ],
            ),
        )],
    ));
    steps
}

/// Commits the steps, in order, into a new repository in `dir`.
fn commit_all(dir: &Path, steps: Vec<Step>) -> anyhow::Result<()> {
    let b = RepoBuilder::init(dir).context("cannot create the demo repository")?;
    for step in steps {
        match step {
            Step::Commit(when, who, message, edits) => {
                b.commit(&when, who, &message, &edits)?;
            }
            Step::PullRequest(when, who, message, edit) => {
                let base = b.head_commit()?;
                let Edit::Write(file, _) = &edit else {
                    continue;
                };
                let file = file.clone();
                let branch = b.commit_on(Some(base), &when, who, &message, &[edit])?;
                let merged = parse_now(&when).map_err(anyhow::Error::msg)? + 86_400;
                b.merge(
                    branch,
                    &[&file],
                    &format!("@{merged}"),
                    who,
                    &format!("Merge pull request #42: {message}"),
                    &[],
                )?;
            }
            Step::Reorganise(when) => {
                let mut moves: Vec<Edit> = b
                    .files_under("teams/")?
                    .iter()
                    .map(|from| mv(from, &from.replacen("teams/", "handbook/", 1)))
                    .collect();
                moves.push(write("handbook-lint.yaml", CONFIG));
                b.commit(
                    &when,
                    ROBOT,
                    "Move team pages from teams/ to handbook/",
                    &moves,
                )?;
            }
        }
    }
    b.checkout()
        .context("cannot check out the demo repository")?;
    Ok(())
}

pub(crate) struct DemoRun {
    pub report: String,
    pub notes: Vec<String>,
    /// The report shows findings of every family and none for `search`.
    pub as_designed: bool,
}

/// The team health report the demo writes beside its repository's files.
pub(crate) const REPORT_FILE: &str = "report.html";

pub(crate) fn run(keep: Option<&Path>, format: Format, style: Style) -> anyhow::Result<DemoRun> {
    let temp;
    let dir = if let Some(dir) = keep {
        if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
            bail!(
                "`{}` exists and is not empty; the demo will not write into it",
                dir.display()
            );
        }
        dir.to_path_buf()
    } else {
        temp = tempfile::Builder::new()
            .prefix("handbook-lint-demo-")
            .tempdir()?;
        temp.path().to_path_buf()
    };
    build(&dir)?;
    let now = parse_now(DEMO_NOW).map_err(anyhow::Error::msg)?;
    // One run serves the check and the team health report.
    let span = Span {
        iterations: 12,
        page_max_age_days: 182,
    };
    let outcome = engine::run(&crate::app::report::options(
        Options::new(dir.clone(), now),
        span,
    ))?;
    let html = crate::app::report::render(&outcome, span, ReportFormat::Html)
        .ok_or_else(|| anyhow::anyhow!("the demo's config could not be read"))?;
    write_via_temp(&dir.join(REPORT_FILE), &html, Existing::Keep, false)
        .with_context(|| format!("cannot write {REPORT_FILE} in {}", dir.display()))?;
    let families: std::collections::BTreeSet<&str> =
        outcome.findings.iter().map(|f| f.rule.family).collect();
    let search_clean = !outcome
        .findings
        .iter()
        .any(|f| f.team.as_deref() == Some("search") && f.severity == Severity::Error);
    let as_designed = ["goals", "process", "retro", "ownership"]
        .iter()
        .all(|family| families.contains(family))
        && search_clean
        && !outcome.is_fatal();
    // Without --keep the directory is deleted when this returns: naming it
    // would send the reader to a path that is not there.
    let mut notes = if keep.is_some() {
        vec![
            format!(
                "demo: a handbook with three teams was built in {} and checked as of {DEMO_NOW}",
                dir.display()
            ),
            format!(
                "demo: try `handbook-lint --repo {} --now {DEMO_NOW} pages --format text`",
                dir.display()
            ),
            format!(
                "demo: its team health report is {}; open it in a browser",
                dir.join(REPORT_FILE).display()
            ),
        ]
    } else {
        vec![format!(
            "demo: a handbook with three teams was built in a temporary directory, checked as of {DEMO_NOW}, and deleted; `--keep DIR` keeps it, and its team health report, to explore"
        )]
    };
    if !as_designed {
        notes.push(format!(
            "demo: the report did not show what the demo is built to show (families: {families:?}, search clean: {search_clean})"
        ));
    }
    Ok(DemoRun {
        report: report::render(&outcome, format, style),
        notes,
        as_designed,
    })
}
