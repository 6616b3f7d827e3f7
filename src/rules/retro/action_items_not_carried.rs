use crate::base::calendar::LOOKBACK_ITERATIONS;
use crate::base::finding::Finding;
use crate::base::time::{add_days, midnight};
use crate::model::Handbook;
use crate::rules::kind_label;

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

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let calendar = model.calendar();
    let window_days = i64::from(calendar.length_days) + i64::from(calendar.grace_days);
    let oldest = add_days(
        model.today,
        -(LOOKBACK_ITERATIONS + 1) * i64::from(calendar.length_days),
    );
    let carry_into = &model.ruleset.action_items.carry_into;
    for team in &model.teams {
        let targets: Vec<(&String, _)> = carry_into
            .iter()
            .filter_map(|kind| {
                let slot = team.slots.get(kind)?;
                Some((kind, model.slot_freshness(slot)?))
            })
            .collect();
        if targets.is_empty() || targets.iter().any(|(_, f)| !f.is_certain()) {
            // No page to carry into (HB101 says so) or no certain history.
            continue;
        }
        for retro in team.retros_in_scope() {
            if retro.items.is_empty() || retro.date < oldest {
                continue;
            }
            let closes = add_days(retro.date, window_days);
            if model.today < closes {
                continue;
            }
            let (from, to) = (midnight(retro.date), midnight(closes));
            if targets.iter().any(|(_, f)| f.updated_between(from, to)) {
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
