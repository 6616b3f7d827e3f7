//! The team health report's data: what `report --format json` prints, and
//! what the HTML and Markdown renderings are made from. Every field is part
//! of the documented JSON (README, "Report"); a change here is a change of
//! `version`.

use std::collections::BTreeMap;

use serde::Serialize;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HealthReport {
    /// The JSON layout's version.
    pub version: u32,
    /// The time the report describes (`--now`), RFC 3339.
    pub now: String,
    /// The repository's directory name, for titles.
    pub repository: String,
    /// The commit at HEAD, when there is one.
    pub head: Option<String>,
    pub calendar: CalendarInfo,
    /// The last completed iterations the grid shows, oldest first (at most
    /// `--iterations`; none before the calendar's start).
    pub iterations: Vec<IterationInfo>,
    pub teams: Vec<TeamHealth>,
    /// One point per month, oldest first: the last twelve months, the
    /// current one measured at `now`.
    pub trend: Vec<TrendPoint>,
    /// Findings of `check` at `now`, by code.
    pub findings: FindingTotals,
    /// What the reader should know that is not a finding (a sweep not
    /// ignored, `--now` before the calendar starts…).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CalendarInfo {
    /// The first day of iteration 0 (`YYYY-MM-DD`).
    pub start: String,
    pub length_days: u32,
    pub grace_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct IterationInfo {
    pub number: i64,
    /// First day.
    pub start: String,
    /// Last day (inclusive).
    pub end: String,
    /// The day `check` first counts it as completed: the day after its last
    /// day plus the grace days. The grid's marks are what `check --now
    /// <this day>` reports for the iteration.
    pub completed: String,
}

/// One team's row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TeamHealth {
    pub name: String,
    pub dir: String,
    /// The people in the roles, by their ids in the config.
    pub pm: Role,
    pub em: Role,
    /// The day the team adopted the rules (`since:`), when set.
    pub since: Option<String>,
    pub goals: GoalsHealth,
    /// The iteration-process pages (planning, execution) and any other
    /// page kind with a maximum age.
    pub process: Vec<PageAge>,
    pub retros: RetroHealth,
    pub action_items: ActionItemHealth,
    /// Ownership findings (HB4xx) at `now`.
    pub ownership: Vec<FindingRef>,
    /// Findings about the team at `now`, by code.
    pub findings: BTreeMap<String, usize>,
    /// One cell per entry of [`HealthReport::iterations`], in that order.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Role {
    pub people: Vec<String>,
    /// Named in the config with nobody known in it: `pm: none` (vacant by
    /// design), or only people the roster lacks (HB003).
    pub vacant: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct GoalsHealth {
    pub page: PageRef,
    /// The last substantive update (or `reviewed:` stamp), when known.
    pub last_update: Option<Update>,
    /// Completed iterations in a row, up to the last one, without an update
    /// (what HB102 counts); 0 when the last one had its update.
    pub iterations_without_update: i64,
}

/// Where a team keeps one page kind.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageRef {
    pub kind: String,
    /// `found`, `missing` (nothing at the configured location), `off`
    /// (nobody keeps it), or `external` (kept outside the handbook; `path`
    /// says where).
    pub state: &'static str,
    /// The file (or the external place), when there is one.
    pub path: Option<String>,
    /// The section's anchor, for a section.
    pub anchor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Update {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The commit, for an update from git.
    pub commit: Option<String>,
    /// `git`, `reviewed`, `working-tree` or `staged`.
    pub source: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageAge {
    pub page: PageRef,
    pub last_update: Option<Update>,
    /// Whole days since the last update, at `now`.
    pub age_days: Option<i64>,
    pub max_age_days: Option<u32>,
    /// Older than its maximum age (what HB202/HB204 report).
    pub stale: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RetroHealth {
    /// Of the grid's iterations the team was required to hold a retro for,
    /// how many had one.
    pub held: usize,
    pub required: usize,
    /// The newest retro's date.
    pub last: Option<String>,
    /// `here` (in the handbook), or `off` or `external` when the team keeps
    /// its retros elsewhere or not at all.
    pub kept: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActionItemHealth {
    /// Unticked items in the team's retros.
    pub open: usize,
    /// Open items past their due date plus grace (what HB303 reports).
    pub overdue: usize,
    /// Retros with action items whose carry window closed within the grid,
    /// and how many of them saw the goals or roadmap page updated in it.
    pub carried: usize,
    pub due: usize,
}

/// A finding, as the report cites it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingRef {
    pub code: String,
    pub severity: &'static str,
    pub message: String,
    pub path: Option<String>,
    pub line: Option<usize>,
}

/// One mark of a grid cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Mark {
    /// Done: the goals page was updated, the retro held, the items carried.
    Yes,
    /// Not done: what `check` reported then (HB102, HB301, HB304).
    No,
    /// The page it needs is not there (HB101 for goals; no goals or roadmap
    /// page to carry items into).
    Missing,
    /// Nothing was due: before the calendar's start or the team's `since:`,
    /// a page kind the team keeps elsewhere, no retro with action items
    /// whose carry window closed in the iteration.
    NotDue,
    /// History cannot say (a shallow clone, an unreadable object).
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cell {
    pub iteration: i64,
    /// Goals updated by HB102's rule applied to this iteration: a
    /// substantive change from its first day to the day it completed.
    pub goals: Mark,
    /// Retro held by HB301's rule: a retro dated in `[start + grace, end +
    /// grace)` or naming the iteration.
    pub retro: Mark,
    /// Action items carried by HB304's rule, for the retros whose carry
    /// window (one iteration plus grace after the retro) closed in this
    /// iteration (after the previous one completed, up to this one).
    pub carry: Mark,
    /// The commit that updated the goals page in the iteration (newest).
    pub goals_commit: Option<String>,
    /// The retro pages counted for the iteration.
    pub retros: Vec<String>,
    /// The retros whose carry window closed in the iteration, and whether
    /// each was carried.
    pub carry_retros: Vec<CarriedRetro>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CarriedRetro {
    pub path: String,
    pub date: String,
    pub items: usize,
    pub carried: bool,
}

/// The trend at one month.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// The day measured: the month's last day, or `now`'s day for the
    /// current month.
    pub at: String,
    /// Every handbook page that existed then (retros excluded: a record is
    /// not kept current), updated within its limit.
    pub pages: Share,
    /// The teams' required pages and sections (goals, process).
    pub required: Share,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Share {
    pub fresh: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingTotals {
    pub errors: usize,
    pub warnings: usize,
    pub by_code: BTreeMap<String, usize>,
}
