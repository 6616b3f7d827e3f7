use crate::base::finding::Finding;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That every open action item in a retrospective names its owner: a task
    /// list item (`- [ ]`) under an "Action items" heading (any level, up to
    /// the next heading of the same or a higher level) must contain an
    /// `@handle`; the first one is the owner.
    ///
    /// ## Why it matters
    /// PM expectation for Productivity: “Update handbook owned pages (goals or
    /// roadmap) with relevant action items after retrospectives”. An action
    /// item nobody owns is not carried anywhere; it is a wish.
    ///
    /// ## Example
    /// ```markdown
    /// ## Action items
    /// - [ ] Write down the release checklist      <- HB302
    /// - [ ] @alice write down the release checklist
    /// ```
    ///
    /// ## How to fix
    /// Put the owner's handle in the item: `- [ ] @alice …`.
    pub static ACTION_ITEM_UNOWNED = ("HB302", "action-item-unowned", "retro", Error, "A retro action item has no owner"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    for team in &model.teams {
        for retro in team.retros_in_scope() {
            let page = &model.pages[retro.page];
            for item in retro
                .items
                .iter()
                .filter(|i| !i.checked && i.owner.is_none())
            {
                findings.push(
                    Finding::new(
                        &ACTION_ITEM_UNOWNED,
                        format!("action item has no owner: “{}”", shorten(&item.text)),
                    )
                    .at(page.path.clone(), Some(item.span.clone()))
                    .label("no @owner")
                    .help("name who will do it: `- [ ] @handle …`")
                    .why(Some(model.ruleset.action_items_quote()))
                    .team(team.name.clone()),
                );
            }
        }
    }
}

/// Long items are cut for the one-line message; the snippet shows the rest.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::ACTION_ITEM_UNOWNED;
    use crate::rules::testing::*;

    #[test]
    fn fails_for_an_open_item_without_an_owner() {
        let items = "- [x] @alice done\n- [ ] write down the release checklist (due 2026-04-01)";
        let built = healthy()
            .page(&retro_path(4), &retro(retro_day(4), items))
            .build();
        insta::assert_snapshot!(report(&ACTION_ITEM_UNOWNED, &built));
    }

    #[test]
    fn passes_for_closed_items_and_items_outside_action_items() {
        let items = "- [x] nobody needed, it is done\n\n## Notes\n\n- [ ] an open thought, not an action item";
        let built = healthy()
            .page(&retro_path(4), &retro(retro_day(4), items))
            .build();
        assert_passes(&ACTION_ITEM_UNOWNED, &built);
    }
}
