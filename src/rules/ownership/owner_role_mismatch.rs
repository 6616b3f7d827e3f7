use crate::base::finding::Finding;
use crate::model::{Handbook, page_head_span};
use crate::rules::{
    configured_teams, kind_label,
    ownership::{owned_pages, owners_include, people_list, role_holders},
};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That a page's `owner` (front matter, a person or one of their
    /// `@handles`) is the person the team config holds in the role the ruleset
    /// makes responsible for that page kind: goals and roadmap → PM;
    /// iteration-planning and iteration-execution process → EM;
    /// retrospectives → EM. A page without an `owner` is owned by its
    /// CODEOWNERS line, when there is one: then the person in the role must
    /// be among its code owners.
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
    pub static OWNER_ROLE_MISMATCH = ("HB402", "owner-role-mismatch", "ownership", Error, "A page's owner is not the person in the responsible role"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    for team in configured_teams(model) {
        for (page_index, kind, role) in owned_pages(model, team) {
            let page = &model.pages[page_index];
            let Some(expected) = team.roles.get(role) else {
                continue; // HB401
            };
            let role_upper = role.to_uppercase();
            let what = kind_label(kind);
            let finding = if let Some(owner) = &page.doc.front.owner {
                let Some(person) = model.config.resolve_person(&owner.value) else {
                    continue; // HB003
                };
                if expected.contains(&person.id) {
                    continue;
                }
                Finding::new(
                    &OWNER_ROLE_MISMATCH,
                    format!(
                        "the {what} of team `{}` is owned by `{}`, but {}",
                        team.name,
                        person.id,
                        role_holders(role, expected)
                    ),
                )
                .at(page.path.clone(), Some(owner.span.clone()))
                .label(format!("not the {role_upper}"))
                .help(format!(
                    "set {}; if the team's {role_upper} changed to `{}`, update `{role}:` in handbook-lint.yaml instead",
                    owner_setting(expected),
                    person.id
                ))
            } else {
                // No owner in the front matter: CODEOWNERS says who owns it.
                let Some(codeowners) = &model.codeowners else {
                    continue;
                };
                let Some(owners) = codeowners.owners_of(&page.path) else {
                    continue; // HB403 for required pages
                };
                if owners_include(model, &owners, expected) {
                    continue;
                }
                Finding::new(
                    &OWNER_ROLE_MISMATCH,
                    format!(
                        "the {what} of team `{}` is owned (per {}) by {}, but {}",
                        team.name,
                        codeowners.path,
                        owners.join(", "),
                        role_holders(role, expected)
                    ),
                )
                .at(page.path.clone(), Some(page_head_span(page)))
                .label(format!("not the {role_upper}"))
                .help(format!(
                    "give the page to {} in {}, or set {} in its front matter",
                    people_list(expected, "or"),
                    codeowners.path,
                    owner_setting(expected),
                ))
            };
            findings.push(
                finding
                    .why(model.ruleset.page_quote(kind))
                    .team(team.name.clone()),
            );
        }
    }
}

/// "`owner: alice`", or "`owner:` to `bob` or `carol`" for a role
/// several people hold.
fn owner_setting(holders: &[String]) -> String {
    match holders {
        [one] => format!("`owner: {one}`"),
        _ => format!("`owner:` to {}", people_list(holders, "or")),
    }
}

#[cfg(test)]
mod tests {
    use super::OWNER_ROLE_MISMATCH;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_the_goals_page_names_the_former_pm() {
        let page = goals("Kicked off.").replace("owner: alice", "owner: \"@carol\"");
        let built = healthy().page(GOALS, &page).build();
        insta::assert_snapshot!(report(&OWNER_ROLE_MISMATCH, &built));
    }

    #[test]
    fn any_of_several_people_in_the_role_may_own_the_page() {
        let config = crate::model::testing::CONFIG
            .replace("    pm: alice\n", "    pm: [alice, \"@carol\"]\n");
        let page = goals("Kicked off.").replace("owner: alice", "owner: carol");
        assert_passes(
            &OWNER_ROLE_MISMATCH,
            &healthy().config(&config).page(GOALS, &page).build(),
        );
        let page = goals("Kicked off.").replace("owner: alice", "owner: bob");
        let built = healthy().config(&config).page(GOALS, &page).build();
        let found = findings(&OWNER_ROLE_MISMATCH, &built);
        let said: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|f| (f.message.as_str(), f.help.as_deref()))
            .collect();
        assert_eq!(
            said,
            [(
                "the goals page of team `search` is owned by `bob`, but the team's PMs are `alice` and `carol`",
                Some(
                    "set `owner:` to `alice` or `carol`; if the team's PM changed to `bob`, update `pm:` in handbook-lint.yaml instead"
                )
            )]
        );
    }

    #[test]
    fn passes_when_the_owner_is_given_by_handle() {
        let page = goals("Kicked off.").replace("owner: alice", "owner: \"@alice\"");
        assert_passes(&OWNER_ROLE_MISMATCH, &healthy().page(GOALS, &page).build());
    }
}
