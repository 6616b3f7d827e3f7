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
