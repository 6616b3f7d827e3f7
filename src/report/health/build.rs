//! The report from the model: each team's summary, the grid (the rules'
//! verdicts on each past iteration, as `check` gave them the day it
//! completed), and the monthly trend, all from one run of the pipeline
//! whose history walk collected every change over the report's window.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::data::{
    ActionItemHealth, CalendarInfo, CarriedRetro, Cell, FindingRef, FindingTotals, GoalsHealth,
    HealthReport, IterationInfo, Mark, PageAge, PageRef, RetroHealth, Role, Share, TeamHealth,
    TrendPoint, Update,
};
use crate::base::calendar::{Calendar, Iteration};
use crate::base::finding::{Finding, Severity, Sources};
use crate::base::time::{UnixTime, add_days, day_of, midnight, rfc3339};
use crate::config::OptOut;
use crate::config::ruleset::{GOALS, RETROSPECTIVES};
use crate::model::outcome::Outcome;
use crate::model::{Freshness, Handbook, Slot, Stamp, TeamModel};
use crate::rules::Verdict;
use crate::rules::goals::goals_stale;
use crate::rules::retro::{action_items_not_carried, retro_missing};

/// The JSON layout's version.
const VERSION: u32 = 1;

/// How many months the trend covers.
pub(crate) const TREND_MONTHS: u32 = 12;

/// What the report covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    /// Completed iterations in the grid.
    pub iterations: u32,
    /// The limit of a handbook page no rule gives one to, for the trend.
    pub page_max_age_days: u32,
}

/// The last `count` completed iterations on `today` (none before the
/// calendar's first), oldest first.
fn grid_iterations(calendar: &Calendar, today: NaiveDate, count: u32) -> Vec<Iteration> {
    let Some(last) = calendar.last_completed(today) else {
        return Vec::new();
    };
    let first = (last.number - i64::from(count) + 1).max(1);
    (first..=last.number)
        .map(|n| calendar.iteration(n))
        .collect()
}

/// The days the trend is measured on: the last day of each of the last
/// twelve months, and today for the current one.
fn trend_days(today: NaiveDate) -> Vec<NaiveDate> {
    let month_index = today.year() * 12 + today.month0().cast_signed();
    (0..TREND_MONTHS.cast_signed())
        .rev()
        .filter_map(|back| {
            let index = month_index - back;
            if back == 0 {
                return Some(today);
            }
            let next = index + 1;
            let first_of_next = NaiveDate::from_ymd_opt(
                next.div_euclid(12),
                next.rem_euclid(12).cast_unsigned() + 1,
                1,
            )?;
            first_of_next.pred_opt()
        })
        .collect()
}

/// Since when history must know every change for the report: the start of
/// the trend less the longest limit a page has (`longest_limit_days`: a
/// page with no change since then was stale all through the trend, and one
/// with a change is judged by it), and the grid's first iteration less the
/// longest a retro's carry window reaches back (HB304 looks at updates
/// after retros held up to two iterations before it).
pub(crate) fn window_start(
    calendar: &Calendar,
    today: NaiveDate,
    span: Span,
    longest_limit_days: u32,
) -> UnixTime {
    let trend = trend_days(today).first().copied().unwrap_or(today);
    let trend = NaiveDate::from_ymd_opt(trend.year(), trend.month(), 1).unwrap_or(trend);
    let longest = longest_limit_days
        .max(span.page_max_age_days)
        .max(2 * calendar.length_days + calendar.grace_days);
    let trend = add_days(trend, -i64::from(longest));
    let grid = grid_iterations(calendar, today, span.iterations)
        .first()
        .map_or(today, |it| {
            add_days(
                it.start,
                -3 * i64::from(calendar.length_days) - i64::from(calendar.grace_days),
            )
        });
    midnight(trend.min(grid))
}

/// The report, or `None` when the config could not be read (the caller
/// shows why, as `check` would).
pub(crate) fn build(outcome: &Outcome, span: Span) -> Option<HealthReport> {
    let model = outcome.model.as_ref()?;
    let calendar = model.calendar();
    let iterations = grid_iterations(calendar, model.today, span.iterations);
    let teams = model
        .teams
        .iter()
        .map(|team| team_health(model, team, &iterations, outcome))
        .collect();
    Some(HealthReport {
        version: VERSION,
        now: rfc3339(model.now),
        repository: outcome.root.file_name().map_or_else(
            || "handbook".to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        head: outcome.history.head.clone(),
        calendar: CalendarInfo {
            start: calendar.start.to_string(),
            length_days: calendar.length_days,
            grace_days: calendar.grace_days,
        },
        iterations: iterations
            .iter()
            .map(|it| IterationInfo {
                number: it.number,
                start: it.start.to_string(),
                end: it.last_day().to_string(),
                completed: calendar.completed_on(*it).to_string(),
            })
            .collect(),
        teams,
        trend: trend(model, span),
        findings: totals(&outcome.findings),
        notes: outcome.notes.clone(),
    })
}

fn totals(findings: &[Finding]) -> FindingTotals {
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for finding in findings {
        *by_code.entry(finding.rule.code.to_string()).or_default() += 1;
    }
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    FindingTotals {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        by_code,
    }
}

fn role(team: &TeamModel, name: &str) -> Role {
    let people = team.roles.get(name).cloned().unwrap_or_default();
    // Named in the config with nobody known in it: `none`, or only people
    // HB003 reports as unknown.
    let vacant = people.is_empty() && team.named_roles.iter().any(|r| r == name);
    Role { people, vacant }
}

fn update(stamp: Option<Stamp>) -> Option<Update> {
    stamp.map(|stamp| Update {
        date: day_of(stamp.time).to_string(),
        commit: match &stamp.source {
            crate::model::Source::Git { commit } => Some(commit.clone()),
            _ => None,
        },
        source: stamp.source.as_str(),
    })
}

/// Where a team keeps a page kind, as the report names it.
fn page_ref(model: &Handbook, team: &TeamModel, kind: &str) -> PageRef {
    let (state, path, anchor) = match (team.slots.get(kind), team.opted_out.get(kind)) {
        // Nobody keeps it here, by the config's word or the ruleset's.
        (_, Some(OptOut::Off)) | (None, None) => ("off", None, None),
        (_, Some(OptOut::External(place))) => ("external", Some(place.clone()), None),
        (Some(Slot::Found { page, section }), _) => (
            "found",
            Some(model.pages[*page].path.clone()),
            section.as_ref().map(|s| s.anchor.clone()),
        ),
        (Some(Slot::Missing { location, .. }), _) => (
            "missing",
            Some(location.pattern.clone()),
            location.anchor.clone(),
        ),
    };
    PageRef {
        kind: kind.to_string(),
        state,
        path,
        anchor,
    }
}

fn team_health(
    model: &Handbook,
    team: &TeamModel,
    iterations: &[Iteration],
    outcome: &Outcome,
) -> TeamHealth {
    let ours: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.team.as_deref() == Some(team.name.as_str()))
        .collect();
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &ours {
        *by_code.entry(finding.rule.code.to_string()).or_default() += 1;
    }
    let cells: Vec<Cell> = iterations.iter().map(|it| cell(model, team, *it)).collect();
    let retro_required = cells.iter().filter(|c| c.retro != Mark::NotDue).count();
    let held = cells.iter().filter(|c| c.retro == Mark::Yes).count();
    let judged: Vec<&CarriedRetro> = cells.iter().flat_map(|c| &c.carry_retros).collect();
    let open = team
        .retros_in_scope()
        .flat_map(|r| &r.items)
        .filter(|item| !item.checked)
        .count();
    TeamHealth {
        name: team.name.clone(),
        dir: team.dir.clone(),
        pm: role(team, "pm"),
        em: role(team, "em"),
        since: team.since.map(|d| d.to_string()),
        goals: goals_health(model, team),
        process: process_ages(model, team),
        retros: RetroHealth {
            held,
            required: retro_required,
            last: team.retros.last().map(|r| r.date.to_string()),
            kept: match team.opted_out.get(RETROSPECTIVES) {
                Some(OptOut::Off) => "off",
                Some(OptOut::External(_)) => "external",
                None => "here",
            },
        },
        action_items: ActionItemHealth {
            open,
            overdue: by_code.get("HB303").copied().unwrap_or(0),
            carried: judged.iter().filter(|r| r.carried).count(),
            due: judged.len(),
        },
        ownership: ours
            .iter()
            .filter(|f| f.rule.family == "ownership")
            .map(|f| finding_ref(&outcome.sources, f))
            .collect(),
        findings: by_code,
        cells,
    }
}

/// A finding as the report cites it: its file and line (pages, the config
/// and CODEOWNERS alike, from the texts the run read).
fn finding_ref(sources: &Sources, finding: &Finding) -> FindingRef {
    let (path, line) = match &finding.location {
        Some(location) => {
            let line = location
                .span
                .as_ref()
                .and_then(|span| sources.line_column(&location.path, span.start))
                .map(|(line, _)| line);
            (Some(location.path.clone()), line)
        }
        None => (None, None),
    };
    FindingRef {
        code: finding.rule.code.to_string(),
        severity: finding.severity.as_str(),
        message: finding.message.clone(),
        path,
        line,
    }
}

fn goals_health(model: &Handbook, team: &TeamModel) -> GoalsHealth {
    let page = page_ref(model, team, GOALS);
    let freshness = team.slots.get(GOALS).and_then(|s| model.slot_freshness(s));
    let last_update = freshness.and_then(|f| update(f.stamp()));
    // As HB102 counts them, when it reports the page.
    let without = match (freshness, model.calendar().last_completed(model.today)) {
        (Some(freshness), Some(last))
            if goals_stale::iteration_verdict(model, team, last) == Verdict::Missed =>
        {
            goals_stale::missed_in_a_row(model, team, freshness.stamp().as_ref(), last)
        }
        _ => 0,
    };
    GoalsHealth {
        page,
        last_update,
        iterations_without_update: without,
    }
}

/// The team's pages with a maximum age (the iteration-process pages, and
/// any optional kind it keeps that has one).
fn process_ages(model: &Handbook, team: &TeamModel) -> Vec<PageAge> {
    model
        .ruleset
        .pages
        .iter()
        .filter(|(kind, _)| kind.as_str() != GOALS)
        .filter_map(|(kind, page_kind)| {
            let max_age = model.max_age_days(kind)?;
            let slot = team.slots.get(kind);
            // A required kind is shown wherever the team keeps it (or says
            // it does not); an optional one only when its page is there.
            let shown = if page_kind.required {
                slot.is_some() || team.opted_out.contains_key(kind)
            } else {
                matches!(slot, Some(Slot::Found { .. }))
            };
            if !shown {
                return None;
            }
            let age = slot
                .and_then(|s| model.slot_freshness(s))
                .and_then(|freshness| crate::rules::age(model, freshness, max_age));
            Some(PageAge {
                page: page_ref(model, team, kind),
                age_days: age.as_ref().map(|a| a.days),
                stale: age.as_ref().is_some_and(|a| a.stale),
                last_update: update(age.map(|a| a.stamp)),
                max_age_days: Some(max_age),
            })
        })
        .collect()
}

fn mark(verdict: Verdict) -> Mark {
    match verdict {
        Verdict::Met => Mark::Yes,
        Verdict::Missed => Mark::No,
        Verdict::NoPage => Mark::Missing,
        Verdict::NotDue => Mark::NotDue,
        Verdict::Unknown => Mark::Unknown,
    }
}

/// One cell: the three rules' verdicts on one iteration.
fn cell(model: &Handbook, team: &TeamModel, iteration: Iteration) -> Cell {
    let calendar = model.calendar();
    let completed = midnight(calendar.completed_on(iteration));
    let goals = mark(goals_stale::iteration_verdict(model, team, iteration));
    let goals_commit = (goals == Mark::Yes)
        .then(|| {
            let freshness = model.slot_freshness(team.slots.get(GOALS)?)?;
            freshness
                .changes_between(midnight(iteration.start), completed.saturating_add(1))
                .next()
                .map(|c| c.commit.clone())
        })
        .flatten();
    let retro = mark(retro_missing::iteration_verdict(model, team, iteration));
    let retros = if retro == Mark::Yes {
        retro_missing::held_for(model, team, iteration.number, completed)
            .map(|r| model.pages[r.page].path.clone())
            .collect()
    } else {
        Vec::new()
    };
    let (carry, judged) = action_items_not_carried::iteration_verdict(model, team, iteration);
    Cell {
        iteration: iteration.number,
        goals,
        retro,
        carry: mark(carry),
        goals_commit,
        retros,
        carry_retros: judged
            .into_iter()
            .map(|(retro, carried)| CarriedRetro {
                path: model.pages[retro.page].path.clone(),
                date: retro.date.to_string(),
                items: retro.items.len(),
                carried,
            })
            .collect(),
    }
}

/// Whether a page (or section) was updated within `limit_days` of `day`:
/// its newest change (or `reviewed:` stamp) on or before that day is at
/// most that many days old. History collected every change since the
/// report's window, which starts the longest limit before the trend's first
/// day: a page with no change collected on or before `day` was last changed
/// before the window, longer ago than its limit, so this is exact for every
/// day of the trend.
///
/// `None` when history cannot say: a shallow clone's history ends after
/// the day the limit reaches back to, and nothing after it was found.
fn fresh_on(freshness: &Freshness, day: NaiveDate, limit_days: u32) -> Option<bool> {
    let end = midnight(add_days(day, 1));
    let newest = freshness
        .changes()
        .iter()
        .map(|c| c.time)
        .filter(|&t| t < end && t <= freshness.now)
        .max();
    let reviewed = freshness.reviewed.filter(|d| *d <= day).map(midnight);
    let fresh = newest
        .max(reviewed)
        .is_some_and(|t| (day - day_of(t)).num_days() <= i64::from(limit_days));
    let oldest_counted = midnight(add_days(day, -i64::from(limit_days)));
    (fresh || freshness.covers(oldest_counted)).then_some(fresh)
}

/// Whether a page (or section) existed on `day` (by its end).
fn existed_on(freshness: &Freshness, day: NaiveDate) -> bool {
    freshness.existed_by(midnight(add_days(day, 1)) - 1)
}

/// The goals page's limit on a day, by HB102's rule: it needs an update
/// since the start of the last iteration completed then.
fn goals_limit(calendar: &Calendar, day: NaiveDate) -> Option<u32> {
    let last = calendar.last_completed(day)?;
    u32::try_from((day - last.start).num_days()).ok()
}

fn trend(model: &Handbook, span: Span) -> Vec<TrendPoint> {
    let calendar = model.calendar();
    // Required pages and sections: the teams' goals and process slots.
    let required: Vec<(&str, &Freshness)> = model
        .teams
        .iter()
        .flat_map(|team| {
            team.slots.iter().filter_map(|(kind, slot)| {
                let required = model.ruleset.pages.get(kind)?.required;
                if !required || kind.as_str() == RETROSPECTIVES {
                    return None;
                }
                Some((kind.as_str(), model.slot_freshness(slot)?))
            })
        })
        .collect();
    let limit = |kind: Option<&str>, day: NaiveDate| -> Option<u32> {
        match kind {
            Some(GOALS) => goals_limit(calendar, day),
            Some(kind) => Some(model.max_age_days(kind).unwrap_or(span.page_max_age_days)),
            None => Some(span.page_max_age_days),
        }
    };
    let retro_pages: std::collections::HashSet<usize> = model
        .teams
        .iter()
        .flat_map(|t| t.retros.iter().map(|r| r.page))
        .collect();
    trend_days(model.today)
        .into_iter()
        .map(|day| {
            let mut pages = Share { fresh: 0, total: 0 };
            for (index, page) in model.pages.iter().enumerate() {
                // A retro is a record, not a page kept current.
                if retro_pages.contains(&index)
                    || !page.freshness.is_certain()
                    || !existed_on(&page.freshness, day)
                {
                    continue;
                }
                let Some(limit) = limit(page.kind.as_deref(), day) else {
                    continue;
                };
                if let Some(fresh) = fresh_on(&page.freshness, day, limit) {
                    pages.total += 1;
                    pages.fresh += usize::from(fresh);
                }
            }
            let mut required_share = Share { fresh: 0, total: 0 };
            for (kind, freshness) in &required {
                if !freshness.is_certain() || !existed_on(freshness, day) {
                    continue;
                }
                // Before the calendar's start nothing is due of a goals page.
                let Some(limit) = limit(Some(kind), day) else {
                    continue;
                };
                if let Some(fresh) = fresh_on(freshness, day, limit) {
                    required_share.total += 1;
                    required_share.fresh += usize::from(fresh);
                }
            }
            TrendPoint {
                month: format!("{:04}-{:02}", day.year(), day.month()),
                at: day.to_string(),
                pages,
                required: required_share,
            }
        })
        .collect()
}
