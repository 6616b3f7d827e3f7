use crate::base::finding::Finding;
use crate::base::time::add_days;
use crate::model::Handbook;

use super::action_item_unowned::shorten;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That no retro action item stays open too long: an open item (`- [ ]`)
    /// with a due date (`(due 2026-12-01)` or `due: 2026-12-01`) is overdue
    /// once its due date plus the grace days has passed; one without a due
    /// date is overdue when it has been open longer than the ruleset's limit
    /// after the retro (two iterations in the built-in ruleset). An open
    /// item whose due date is not a date (`(due 2026-13-45)`,
    /// `due: 2026/12/01`) is reported at that date: the item's deadline
    /// cannot be known.
    ///
    /// ## Why it matters
    /// PM expectation for Productivity: “Update handbook owned pages (goals or
    /// roadmap) with relevant action items after retrospectives”. Retro action
    /// items are how a team improves; items left open for months mean the
    /// retro changed nothing.
    ///
    /// ## Example
    /// `- [ ] @bob automate the release notes (due 2026-09-01)` on 2026-11-24:
    /// overdue by 84 days.
    ///
    /// ## How to fix
    /// Do it and tick it (`- [x]`), give it a new due date, or drop it
    /// explicitly in the next retro.
    pub static ACTION_ITEM_OVERDUE = ("HB303", "action-item-overdue", "retro", Error, "A retro action item is open past its due date"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let calendar = model.calendar();
    let grace = i64::from(calendar.grace_days);
    let limit_days = i64::from(model.ruleset.action_items.overdue_after_iterations)
        * i64::from(calendar.length_days);
    for team in &model.teams {
        for retro in team.retros_in_scope() {
            let page = &model.pages[retro.page];
            for item in retro.items.iter().filter(|i| !i.checked) {
                if let Some(written) = &item.due_invalid {
                    findings.push(
                        Finding::new(
                            &ACTION_ITEM_OVERDUE,
                            format!(
                                "`{}` is not a date; write the due date as YYYY-MM-DD",
                                written.value
                            ),
                        )
                        .at(page.path.clone(), Some(written.span.clone()))
                        .label("not a date")
                        .help("write the due date as `(due YYYY-MM-DD)`, e.g. `(due 2026-12-01)`")
                        .why(Some(model.ruleset.action_items_quote()))
                        .team(team.name.clone()),
                    );
                    continue;
                }
                let (message, label) = if let Some(due) = item.due {
                    let deadline = add_days(due, grace);
                    if model.today <= deadline {
                        continue;
                    }
                    let late = (model.today - due).num_days();
                    (
                        format!(
                            "action item was due {due} and is still open, {late} days later: “{}”",
                            shorten(&item.text)
                        ),
                        format!("due {due}"),
                    )
                } else {
                    let open_days = (model.today - retro.date).num_days();
                    if open_days <= limit_days {
                        continue;
                    }
                    (
                        format!(
                            "action item from the retro of {} has been open for {open_days} days (limit {limit_days} days): “{}”",
                            retro.date,
                            shorten(&item.text)
                        ),
                        format!("open {open_days} days"),
                    )
                };
                findings.push(
                    Finding::new(&ACTION_ITEM_OVERDUE, message)
                        .at(page.path.clone(), Some(item.span.clone()))
                        .label(label)
                        .help("close it (`- [x]`) if done, or give it a new `(due YYYY-MM-DD)`")
                        .why(Some(model.ruleset.action_items_quote()))
                        .team(team.name.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ACTION_ITEM_OVERDUE;
    use crate::rules::testing::*;

    #[test]
    fn fails_past_the_due_date_plus_grace() {
        let items = "- [ ] @bob automate the export (due 2026-03-01)";
        let built = healthy()
            .page(&retro_path(3), &retro(retro_day(3), items))
            .build();
        insta::assert_snapshot!(report(&ACTION_ITEM_OVERDUE, &built));
    }

    #[test]
    fn fails_without_a_due_date_after_two_iterations() {
        let items = "- [ ] @bob automate the export";
        let built = healthy()
            .page(&retro_path(2), &retro(retro_day(2), items))
            .build();
        let found = findings(&ACTION_ITEM_OVERDUE, &built);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("retro of 2026-02-03 has been open for 30 days"),
            "{}",
            found[0].message
        );
    }

    /// Regression: `(due 2026-13-45)` was read as no due date at all.
    #[test]
    fn fails_at_a_due_date_that_is_not_a_date() {
        let items =
            "- [ ] @bob automate the export (due 2026-13-45)\n- [x] @bob done (due 2026-02-30)";
        let built = healthy()
            .page(&retro_path(4), &retro(retro_day(4), items))
            .build();
        insta::assert_snapshot!(report(&ACTION_ITEM_OVERDUE, &built));
    }

    #[test]
    fn passes_within_grace_of_the_due_date() {
        let items = "- [ ] @bob automate the export (due 2026-03-02)";
        let built = healthy()
            .page(&retro_path(3), &retro(retro_day(3), items))
            .build();
        assert_passes(&ACTION_ITEM_OVERDUE, &built);
    }
}
