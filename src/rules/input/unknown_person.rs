use crate::finding::Finding;
use crate::model::Handbook;
use crate::yaml::did_you_mean;

crate::declare_rule! {
    /// ## What it checks
    /// That every person the handbook names is in the config's `people`: a
    /// team's `pm` and `em`, a page's `owner`, and the `@handle` that owns a
    /// retro action item.
    ///
    /// ## Why it matters
    /// Ownership is only enforceable if the owner is someone the team knows.
    /// An action item owned by a handle nobody has is an action item without
    /// an owner.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] @alcie update the on-call doc   # HB003: no person has the handle @alcie
    /// ```
    ///
    /// ## How to fix
    /// Fix the spelling, or add the person (and their handles) under `people:`
    /// in `handbook-lint.yaml`. Checked only when the config lists people.
    pub static UNKNOWN_PERSON = ("HB003", "unknown-person", "input", Error, "A person named in the handbook is not in the roster");
}

pub fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let people = &model.config.people;
    if people.is_empty() {
        return;
    }
    let suggestion = |name: &str| {
        let bare = name.trim_start_matches('@');
        did_you_mean(bare, people.iter().map(|p| p.id.as_str())).map_or_else(
            || "add them under `people:` in handbook-lint.yaml".to_string(),
            |s| format!("did you mean `{s}`? Otherwise add them under `people:`"),
        )
    };
    for page in &model.pages {
        if let Some(owner) = &page.doc.front.owner
            && model.config.resolve_person(&owner.value).is_none()
        {
            findings.push(
                Finding::new(
                    &UNKNOWN_PERSON,
                    format!("page owner `{}` is not in `people`", owner.value),
                )
                .at(page.path.clone(), Some(owner.span.clone()))
                .label("unknown person")
                .help(suggestion(&owner.value)),
            );
        }
    }
    for team in &model.teams {
        for retro in &team.retros {
            let page = &model.pages[retro.page];
            for item in &retro.items {
                let Some(owner) = &item.owner else { continue };
                if model.config.resolve_person(&owner.value).is_none() {
                    findings.push(
                        Finding::new(
                            &UNKNOWN_PERSON,
                            format!("action item owner `{}` is not anyone's handle", owner.value),
                        )
                        .at(page.path.clone(), Some(owner.span.clone()))
                        .label("unknown handle")
                        .help(suggestion(&owner.value))
                        .team(team.name.clone()),
                    );
                }
            }
        }
    }
}
