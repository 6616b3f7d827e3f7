use chrono::NaiveDate;

use crate::base::calendar::{Iteration, LOOKBACK_ITERATIONS};
use crate::base::finding::Finding;
use crate::base::time::{UnixTime, add_days, midnight};
use crate::model::{Freshness, Handbook, Retro, TeamModel};
use crate::rules::{Verdict, kind_label};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That after a retrospective with at least one action item, the team's
    /// goals page or roadmap page (the ruleset's `carry-into` kinds, whichever
    /// the team has) got a substantive update within one iteration length plus
    /// the grace days of the retro's date. Not reported while that window is
    /// still open; retros older than six iterations are not looked at.
    ///
    /// ## Why it matters
    /// PM expectation for Productivity: “Update handbook owned pages (goals or
    /// roadmap) with relevant action items after retrospectives”. If the goals
    /// page never moves after a retro, its action items stayed in the retro.
    ///
    /// ## Example
    /// A retro on 2026-10-01 with three action items; two-week iterations with
    /// 3 days of grace; the goals page last changed 2026-09-20. From
    /// 2026-10-18 on, HB304 points at the retro's action items.
    ///
    /// ## How to fix
    /// Carry the relevant action items into the goals or roadmap page (a
    /// milestone, a note under progress) and commit it.
    pub static ACTION_ITEMS_NOT_CARRIED = ("HB304", "action-items-not-carried", "retro", Error, "After a retro with action items, the goals or roadmap page was not updated"), check;
}

/// The goals or roadmap pages (the ruleset's `carry-into` kinds) a team
/// has, with their freshness, among those in the repository at `at`:
/// `None` when history cannot say whether they were updated.
fn targets<'a>(
    model: &'a Handbook,
    team: &'a TeamModel,
    at: UnixTime,
) -> Option<Vec<(&'a String, &'a Freshness)>> {
    let targets: Vec<(&String, &Freshness)> = model
        .ruleset
        .action_items
        .carry_into
        .iter()
        .filter_map(|kind| {
            let slot = team.slots.get(kind)?;
            let freshness = model.slot_freshness(slot)?;
            model
                .slot_recorded_by(slot, at)
                .then_some((kind, freshness))
        })
        .collect();
    (!targets.iter().any(|(_, f)| !f.is_certain())).then_some(targets)
}

/// The day a retro's carry window closes: one iteration plus the grace
/// days after it.
fn window_closes(model: &Handbook, retro: &Retro) -> NaiveDate {
    let calendar = model.calendar();
    add_days(
        retro.date,
        i64::from(calendar.length_days) + i64::from(calendar.grace_days),
    )
}

/// Whether one of the pages was updated in the retro's carry window.
fn carried(targets: &[(&String, &Freshness)], retro: &Retro, closes: NaiveDate) -> bool {
    let (from, to) = (midnight(retro.date), midnight(closes));
    targets.iter().any(|(_, f)| f.updated_between(from, to))
}

/// The oldest retro `check` looks at on `today`.
fn oldest_judged(model: &Handbook, today: NaiveDate) -> NaiveDate {
    add_days(
        today,
        -(LOOKBACK_ITERATIONS + 1) * i64::from(model.calendar().length_days),
    )
}

/// HB304 applied to one completed iteration: the retros with action items
/// `check` first judged on the day it completed (their window had closed
/// and they were recorded by then, and not yet the iteration before), and
/// whether each was carried.
pub(crate) fn iteration_verdict<'a>(
    model: &'a Handbook,
    team: &'a TeamModel,
    iteration: Iteration,
) -> (Verdict, Vec<(&'a Retro, bool)>) {
    let calendar = model.calendar();
    let today = calendar.completed_on(iteration);
    let earlier = calendar.completed_on(calendar.iteration(iteration.number - 1));
    let judged_on = |retro: &Retro, day: NaiveDate| {
        window_closes(model, retro) <= day && model.pages[retro.page].recorded_by(midnight(day))
    };
    let oldest = oldest_judged(model, today);
    let due: Vec<&Retro> = team
        .retros_in_scope()
        .filter(|retro| !retro.items.is_empty() && retro.date >= oldest)
        .filter(|retro| judged_on(retro, today) && !judged_on(retro, earlier))
        .collect();
    if due.is_empty() {
        return (Verdict::NotDue, Vec::new());
    }
    let Some(targets) = targets(model, team, midnight(today)) else {
        return (Verdict::Unknown, Vec::new());
    };
    if targets.is_empty() {
        return (Verdict::NoPage, Vec::new());
    }
    // A retro whose window history does not reach (a shallow clone) has
    // no verdict unless an update was found in it.
    let mut unknown = false;
    let judged: Vec<(&Retro, bool)> = due
        .into_iter()
        .filter_map(|retro| {
            let carried = carried(&targets, retro, window_closes(model, retro));
            let known = carried || targets.iter().all(|(_, f)| f.covers(midnight(retro.date)));
            unknown |= !known;
            known.then_some((retro, carried))
        })
        .collect();
    let verdict = if judged.iter().any(|(_, carried)| !carried) {
        Verdict::Missed
    } else if unknown {
        Verdict::Unknown
    } else {
        Verdict::Met
    };
    (verdict, judged)
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let calendar = model.calendar();
    let window_days = i64::from(calendar.length_days) + i64::from(calendar.grace_days);
    let oldest = oldest_judged(model, model.today);
    let carry_into = &model.ruleset.action_items.carry_into;
    for team in &model.teams {
        let Some(targets) = targets(model, team, UnixTime::MAX) else {
            // No certain history.
            continue;
        };
        if targets.is_empty() {
            // No page to carry into (HB101 says so).
            continue;
        }
        for retro in team.retros_in_scope() {
            if retro.items.is_empty() || retro.date < oldest {
                continue;
            }
            let closes = window_closes(model, retro);
            if model.today < closes || carried(&targets, retro, closes) {
                continue;
            }
            let page = &model.pages[retro.page];
            let names = targets
                .iter()
                .map(|(kind, _)| kind_label(kind))
                .collect::<Vec<_>>()
                .join(" nor the ");
            let (neither, verb) = if targets.len() > 1 {
                ("neither the", "was updated")
            } else {
                ("the", "was not updated")
            };
            let span = page
                .doc
                .headings
                .iter()
                .find(|h| model.ruleset.action_items.heading.is_match(&h.text))
                .map(|h| h.span.clone());
            let count = retro.items.len();
            findings.push(
                Finding::new(
                    &ACTION_ITEMS_NOT_CARRIED,
                    format!(
                        "the retro of {} has {count} action item{}, but {neither} {names} {verb} in the {window_days} days after it",
                        retro.date,
                        if count == 1 { "" } else { "s" },
                    ),
                )
                .at(page.path.clone(), span)
                .label(format!("{count} action item{} not carried", if count == 1 { "" } else { "s" }))
                .help(format!(
                    "carry the relevant action items into the {} and commit it",
                    kind_label(carry_into.first().map_or("goals", String::as_str))
                ))
                .why(Some(model.ruleset.action_items_quote()))
                .team(team.name.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ACTION_ITEMS_NOT_CARRIED;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_goals_were_not_updated_after_a_retro() {
        // Retro 2 (2026-02-03) has items and its window closed on
        // 2026-02-20; retro 3's window is still open.
        let built = healthy_with(&[1, 2, 3, 4], &[1]).build();
        insta::assert_snapshot!(report(&ACTION_ITEMS_NOT_CARRIED, &built));
    }

    #[test]
    fn passes_when_the_roadmap_was_updated_instead() {
        let built = healthy_with(&[1, 2, 3, 4], &[1, 4])
            .page(
                "hb/search/roadmap.md",
                "---\nowner: alice\n---\n# Roadmap\n",
            )
            .changed("hb/search/roadmap.md", &["2026-02-10T10:00:00Z"])
            .build();
        assert_passes(&ACTION_ITEMS_NOT_CARRIED, &built);
    }
}
