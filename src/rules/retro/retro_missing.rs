use crate::base::calendar::{Iteration, LOOKBACK_ITERATIONS};
use crate::base::finding::Finding;
use crate::base::time::{UnixTime, midnight};
use crate::config::ruleset::RETROSPECTIVES;
use crate::model::{Handbook, Retro, TeamModel};
use crate::rules::{Verdict, kind_label};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That each completed iteration (the last six, and none before the
    /// calendar's start or the team's `since:`) has a retrospective page. A
    /// retro's date is its front-matter `date:`, else a `YYYY-MM-DD` in its
    /// file name, else the day of the commit that added it; it counts for the
    /// iteration whose window `[start + grace, end + grace)` holds that date,
    /// or for the iteration its front matter names (`iteration: 12`).
    ///
    /// ## Why it matters
    /// EM expectation for Productivity: “Hold retrospectives after each
    /// iteration”. A missing record usually means a skipped retro — and with
    /// it the action items that would have improved the next iteration.
    ///
    /// ## Example
    /// Retros under `handbook/search/retros/` dated 2026-09-30 and 2026-10-28,
    /// and none in between: the iteration ending in mid-October has none.
    ///
    /// ## How to fix
    /// Add the retro's notes as a page in the team's retros folder with its
    /// date in the front matter or file name (`2026-10-14-retro.md`).
    pub static RETRO_MISSING = ("HB301", "retro-missing", "retro", Error, "A completed iteration has no retrospective"), check;
}

/// Whether retros are required of a team at all.
fn required_of(model: &Handbook, team: &TeamModel) -> bool {
    model
        .ruleset
        .pages
        .get(RETROSPECTIVES)
        .is_some_and(|kind| kind.required)
        && !team.opted_out.contains_key(RETROSPECTIVES)
}

/// The retros that count for iteration `number`: dated in its window
/// `[start + grace, end + grace)` or naming it, and recorded by `by`.
pub(crate) fn held_for<'a>(
    model: &'a Handbook,
    team: &'a TeamModel,
    number: i64,
    by: UnixTime,
) -> impl Iterator<Item = &'a Retro> {
    let calendar = model.calendar();
    team.retros.iter().filter(move |retro| {
        retro
            .iteration
            .or_else(|| calendar.retro_iteration(retro.date).map(|it| it.number))
            == Some(number)
            && model.pages[retro.page].recorded_by(by)
    })
}

/// HB301 applied to one completed iteration, as `check` judged it on the
/// day the iteration completed.
pub(crate) fn iteration_verdict(
    model: &Handbook,
    team: &TeamModel,
    iteration: Iteration,
) -> Verdict {
    if !required_of(model, team) || iteration.number < model.first_required_iteration(team) {
        return Verdict::NotDue;
    }
    let completed = midnight(model.calendar().completed_on(iteration));
    if held_for(model, team, iteration.number, completed)
        .next()
        .is_some()
    {
        Verdict::Met
    } else {
        Verdict::Missed
    }
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let calendar = model.calendar();
    let Some(last) = calendar.last_completed(model.today) else {
        return;
    };
    // A team keeping its retros elsewhere (or not at all) has none here.
    for team in model.teams.iter().filter(|team| required_of(model, team)) {
        let first = model
            .first_required_iteration(team)
            .max(last.number - LOOKBACK_ITERATIONS + 1);
        if first > last.number {
            continue;
        }
        let missed: Vec<_> = (first..=last.number)
            .filter(|&n| held_for(model, team, n, UnixTime::MAX).next().is_none())
            .map(|n| calendar.iteration(n))
            .collect();
        if missed.is_empty() {
            continue;
        }
        let considered = last.number - first + 1;
        let list = missed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let message = if missed.len() == 1 {
            format!("team `{}` has no retrospective for {list}", team.name)
        } else {
            format!(
                "team `{}` has no retrospective for {} of the last {considered} completed iterations: {list}",
                team.name,
                missed.len()
            )
        };
        let pattern = crate::rules::location_pattern(model, team, RETROSPECTIVES)
            .unwrap_or_else(|| "the team's retros folder".to_string());
        let (path, span) = model.team_location(team);
        findings.push(
            Finding::new(&RETRO_MISSING, message)
                .at(path, span)
                .label(format!("missing {}", kind_label(RETROSPECTIVES)))
                .help(format!(
                    "record each retro as a page matching {pattern}, with `date:` in its front matter or the date in its file name"
                ))
                .why(model.ruleset.page_quote(RETROSPECTIVES))
                .team(team.name.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RETRO_MISSING;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_an_iteration_had_no_retro() {
        let built = healthy_with(&[1, 2, 4], &[1, 2, 3, 4]).build();
        insta::assert_snapshot!(report(&RETRO_MISSING, &built));
    }

    #[test]
    fn passes_with_a_retro_in_the_grace_days_or_named_by_iteration() {
        let late = retro("2026-02-18", "- [x] @alice done");
        let built = healthy_with(&[1, 2, 4], &[1, 2, 3, 4])
            .page("hb/search/retros/late.md", &late)
            .build();
        assert_passes(&RETRO_MISSING, &built);
        let named =
            "---\nowner: bob\niteration: 3\n---\n# Retro\n\n## Action items\n\n- [x] @alice done\n";
        let built = healthy_with(&[1, 2, 4], &[1, 2, 3, 4])
            .page("hb/search/retros/three.md", named)
            .changed("hb/search/retros/three.md", &["2026-03-04T15:00:00Z"])
            .build();
        assert_passes(&RETRO_MISSING, &built);
    }
}
