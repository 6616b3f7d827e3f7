use crate::base::finding::Finding;
use crate::model::{Handbook, page_head_span};
use crate::rules::{
    configured_teams, kind_label,
    ownership::{owned_pages, owners_include, people_list},
};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That a page's code owners (from CODEOWNERS) include the person the team
    /// config holds in the role the ruleset makes responsible for the page —
    /// goals and roadmap the PM, process pages and retrospectives the EM —
    /// for pages that also name an `owner` in their front matter. (For a page
    /// without one, CODEOWNERS is its owner and a mismatch is HB402.)
    ///
    /// ## Why it matters
    /// Front matter and CODEOWNERS drift apart: the page says the PM owns it,
    /// but review requests still go to the previous PM.
    ///
    /// ## Example
    /// `owner: alice` on the goals page, and CODEOWNERS gives the page to
    /// `@dana`, the team's former PM.
    ///
    /// ## How to fix
    /// Update the CODEOWNERS line to name the person in the role.
    pub static CODEOWNERS_ROLE_MISMATCH = ("HB404", "codeowners-role-mismatch", "ownership", Error, "A page's code owners do not include the person in the responsible role"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let Some(codeowners) = &model.codeowners else {
        return;
    };
    for team in configured_teams(model) {
        for (page_index, kind, role) in owned_pages(model, team) {
            let page = &model.pages[page_index];
            if page.doc.front.owner.is_none() {
                continue; // HB402 judges CODEOWNERS then
            }
            let Some(expected) = team.roles.get(role) else {
                continue;
            };
            let Some(owners) = codeowners.owners_of(&page.path) else {
                continue;
            };
            if owners_include(model, &owners, expected) {
                continue;
            }
            findings.push(
                Finding::new(
                    &CODEOWNERS_ROLE_MISMATCH,
                    format!(
                        "{} gives the {} `{}` to {}, not to {}",
                        codeowners.path,
                        kind_label(kind),
                        page.path,
                        owners.join(", "),
                        holders_named(role, expected)
                    ),
                )
                .at(page.path.clone(), Some(page_head_span(page)))
                .label(format!("code owners lack the {}", role.to_uppercase()))
                .help(match expected.as_slice() {
                    [one] => format!("name `{one}`'s handle on the CODEOWNERS line for this page"),
                    _ => format!(
                        "name the handle of {} on the CODEOWNERS line for this page",
                        people_list(expected, "or")
                    ),
                })
                .why(model.ruleset.page_quote(kind))
                .team(team.name.clone()),
            );
        }
    }
}

/// "the team's EM `bob`", "any of the team's EMs `bob` or `carol`".
fn holders_named(role: &str, holders: &[String]) -> String {
    let role = role.to_uppercase();
    match holders {
        [one] => format!("the team's {role} `{one}`"),
        _ => format!("any of the team's {role}s {}", people_list(holders, "or")),
    }
}

#[cfg(test)]
mod tests {
    use super::CODEOWNERS_ROLE_MISMATCH;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_codeowners_names_the_former_pm() {
        let built = healthy()
            .codeowners("/hb/search/ @bob\n/hb/search/goals.md @carol\n")
            .build();
        insta::assert_snapshot!(report(&CODEOWNERS_ROLE_MISMATCH, &built));
    }

    #[test]
    fn passes_when_codeowners_names_the_pm() {
        let built = healthy()
            .codeowners("/hb/search/ @bob\n/hb/search/goals.md @alice\n")
            .build();
        assert_passes(&CODEOWNERS_ROLE_MISMATCH, &built);
    }
}
