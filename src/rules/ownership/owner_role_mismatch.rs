use std::collections::HashSet;

use crate::finding::Finding;
use crate::model::Handbook;
use crate::rules::{configured_teams, kind_label};
use crate::ruleset::RETROSPECTIVES;

crate::declare_rule! {
    /// ## What it checks
    /// That a page's `owner` (front matter, a person or one of their
    /// `@handles`) is the person the team config holds in the role the ruleset
    /// makes responsible for that page kind: goals and roadmap → PM;
    /// iteration-planning and iteration-execution process → EM;
    /// retrospectives → EM.
    ///
    /// ## Why it matters
    /// The expectations say which role proactively keeps which page current.
    /// When the team's PM changes and the goals page still names the previous
    /// one, nobody feels the page is theirs.
    ///
    /// ## Example
    /// `owner: "@dana"` on the goals page of a team whose `pm:` is now `erin`.
    ///
    /// ## How to fix
    /// Set `owner:` to the person in the role, or, if the config is what is
    /// out of date, update the team's `pm:`/`em:` in `handbook-lint.yaml`.
    pub static OWNER_ROLE_MISMATCH = ("HB402", "owner-role-mismatch", "ownership", Error, "A page's owner is not the person in the responsible role");
}

pub fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    for team in configured_teams(model) {
        let mut owned: Vec<(usize, &str)> = team
            .slots
            .iter()
            .filter_map(|(kind, slot)| Some((slot.page()?, kind.as_str())))
            .collect();
        owned.extend(team.retros.iter().map(|r| (r.page, RETROSPECTIVES)));
        // A page holding two sections (planning and execution) is judged
        // once per role.
        let mut seen = HashSet::new();
        for (page_index, kind) in owned {
            let Some(page_kind) = model.ruleset.pages.get(kind) else {
                continue;
            };
            let role = page_kind.maintained_by.as_str();
            if !seen.insert((page_index, role)) {
                continue;
            }
            let page = &model.pages[page_index];
            let Some(owner) = &page.doc.front.owner else {
                continue;
            };
            let Some(person) = model.config.resolve_person(&owner.value) else {
                continue; // HB003
            };
            let Some(expected) = team.roles.get(role) else {
                continue; // HB401
            };
            if &person.id == expected {
                continue;
            }
            let role_upper = role.to_uppercase();
            findings.push(
                Finding::new(
                    &OWNER_ROLE_MISMATCH,
                    format!(
                        "the {} of team `{}` is owned by `{}`, but the team's {role_upper} is `{expected}`",
                        kind_label(kind),
                        team.name,
                        person.id
                    ),
                )
                .at(page.path.clone(), Some(owner.span.clone()))
                .label(format!("not the {role_upper}"))
                .help(format!(
                    "set `owner: {expected}`; if the team's {role_upper} changed to `{}`, update `{role}:` in handbook-lint.yaml instead",
                    person.id
                ))
                .why(model.ruleset.page_quote(kind))
                .team(team.name.clone()),
            );
        }
    }
}
