use crate::base::calendar::Iteration;
use crate::base::finding::Finding;
use crate::base::time::{day_of, midnight};
use crate::config::ruleset::GOALS;
use crate::model::{Handbook, Slot, TeamModel};
use crate::rules::{Verdict, describe_stamp};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That the goals page got a substantive update for the last completed
    /// iteration: a change dated on or after that iteration's first day. An
    /// iteration is completed once its end plus the grace days has passed.
    /// The message gives the last update and how many completed iterations in
    /// a row had none.
    ///
    /// ## Why it matters
    /// PM expectation for Team goals: “Keep the team’s goals page up-to-date in
    /// the handbook, which included progress updates at the end of
    /// iterations”. A goals page without this iteration's progress tells the
    /// team and its stakeholders last quarter's story.
    ///
    /// ## Example
    /// Two-week iterations starting 2026-01-05 with 3 days of grace; on
    /// 2026-03-05 the last completed iteration is iteration 4 (2026-02-16 –
    /// 2026-03-01). A goals page last changed on 2026-02-10 is stale: one
    /// iteration without an update.
    ///
    /// ## How to fix
    /// Add the progress made in the iteration to the goals page and commit it.
    /// If the goals and progress are genuinely unchanged, say so by setting
    /// `reviewed: <today>` in the page's front matter. Renames, moves and
    /// commits in `.git-blame-ignore-revs` do not count as updates.
    pub static GOALS_STALE = ("HB102", "goals-stale", "goals", Error, "The goals page missed the progress update for the last completed iteration"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let calendar = model.calendar();
    let Some(last) = calendar.last_completed(model.today) else {
        return;
    };
    for team in &model.teams {
        let first_required = model.first_required_iteration(team);
        if last.number < first_required {
            continue;
        }
        let Some(slot @ Slot::Found { page, .. }) = team.slots.get(GOALS) else {
            continue;
        };
        let Some(freshness) = model.slot_freshness(slot) else {
            continue;
        };
        if freshness.updated_since(midnight(last.start)) || !freshness.is_certain() {
            continue;
        }
        let stamp = freshness.stamp();
        let missed = missed_in_a_row(model, team, stamp.as_ref(), last);
        let last_update = stamp
            .as_ref()
            .map_or_else(|| "never".to_string(), describe_stamp);
        let in_a_row = if missed > 1 {
            format!("; {missed} completed iterations in a row without one")
        } else {
            String::new()
        };
        let page = &model.pages[*page];
        findings.push(
            Finding::new(
                &GOALS_STALE,
                format!(
                    "goals page has no progress update for {last}: last updated {last_update}{in_a_row}"
                ),
            )
            .at(page.path.clone(), model.slot_span(slot))
            .label(format!(
                "last updated {}",
                stamp.as_ref().map_or_else(|| "never".to_string(), |s| day_of(s.time).to_string())
            ))
            .help(format!(
                "add the progress of iteration {} to this page and commit it; if nothing changed, set `reviewed: {}` in its front matter",
                last.number, model.today
            ))
            .why(model.ruleset.page_quote(GOALS))
            .team(team.name.clone()),
        );
    }
}

/// How many completed iterations in a row, up to `last`, had no update,
/// when the newest one is `stamp`: the iterations after the one holding it
/// all went without (none before the team's first required one).
pub(crate) fn missed_in_a_row(
    model: &Handbook,
    team: &TeamModel,
    stamp: Option<&crate::model::Stamp>,
    last: Iteration,
) -> i64 {
    let first_required = model.first_required_iteration(team);
    let first_missed = stamp
        .and_then(|s| model.calendar().containing(day_of(s.time)))
        .map_or(first_required, |it| (it.number + 1).max(first_required));
    (last.number - first_missed + 1).max(0)
}

/// HB102 applied to one completed iteration, as `check` judged it on the
/// day the iteration completed: a substantive update (or a `reviewed:`
/// stamp) from its first day to that day. A page added after that day was
/// missing then (HB101).
pub(crate) fn iteration_verdict(
    model: &Handbook,
    team: &TeamModel,
    iteration: Iteration,
) -> Verdict {
    if iteration.number < model.first_required_iteration(team) {
        return Verdict::NotDue;
    }
    let completed = midnight(model.calendar().completed_on(iteration));
    let slot = match team.slots.get(GOALS) {
        None => return Verdict::NotDue,
        Some(Slot::Missing { .. }) => return Verdict::NoPage,
        Some(slot) => slot,
    };
    let Some(freshness) = model.slot_freshness(slot) else {
        return Verdict::Unknown;
    };
    if !freshness.is_certain() {
        return Verdict::Unknown;
    }
    if !model.slot_recorded_by(slot, completed) {
        // Added after the iteration completed: missing then (HB101).
        return Verdict::NoPage;
    }
    let from = midnight(iteration.start);
    if freshness.updated_between(from, completed.saturating_add(1)) {
        Verdict::Met
    } else if !freshness.covers(from) {
        // A shallow clone's history ends inside or after the iteration.
        Verdict::Unknown
    } else {
        Verdict::Missed
    }
}

#[cfg(test)]
mod tests {
    use super::GOALS_STALE;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_the_last_iteration_had_no_progress_update() {
        let built = healthy_with(&[1, 2, 3, 4], &[1, 2]).build();
        insta::assert_snapshot!(report(&GOALS_STALE, &built));
    }

    #[test]
    fn counts_the_iterations_missed_in_a_row() {
        let built = healthy_with(&[1, 2, 3, 4], &[]).build();
        let found = findings(&GOALS_STALE, &built);
        assert!(
            found[0].message.contains("3 completed iterations in a row"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn passes_with_an_update_on_the_iterations_first_day() {
        let built = healthy()
            .changed(GOALS, &["2026-02-16T00:00:00Z", FIRST_COMMIT])
            .build();
        assert_passes(&GOALS_STALE, &built);
    }

    #[test]
    fn passes_with_a_review_stamp_or_before_the_team_adopted_the_rules() {
        let stamped =
            goals("Unchanged.").replace("owner: alice", "owner: alice\nreviewed: 2026-03-02");
        let built = healthy_with(&[1, 2, 3, 4], &[1])
            .page(GOALS, &stamped)
            .build();
        assert_passes(&GOALS_STALE, &built);
        let built = healthy_with(&[1, 2, 3, 4], &[])
            .config_tail("    since: 2026-02-20\n")
            .build();
        assert_passes(&GOALS_STALE, &built);
    }
}
