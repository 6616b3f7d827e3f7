//! HB4xx: who is accountable. Every team needs a PM and an EM, and each page
//! is owned by the person in the role the ruleset makes responsible for it.

mod codeowners_role_mismatch;
mod owner_role_mismatch;
mod required_page_unowned;
mod team_role_vacant;

pub(crate) use codeowners_role_mismatch::CODEOWNERS_ROLE_MISMATCH;
pub(crate) use owner_role_mismatch::OWNER_ROLE_MISMATCH;
pub(crate) use required_page_unowned::REQUIRED_PAGE_UNOWNED;
pub(crate) use team_role_vacant::TEAM_ROLE_VACANT;

use std::collections::HashSet;

use crate::config::ruleset::RETROSPECTIVES;
use crate::model::{Handbook, TeamModel};

/// A team's pages with their kind and the role responsible for them, each
/// (page, role) once: a page holding two sections is judged once per role.
pub(crate) fn owned_pages<'a>(
    model: &'a Handbook,
    team: &'a TeamModel,
) -> Vec<(usize, &'a str, &'a str)> {
    let mut owned: Vec<(usize, &str)> = team
        .slots
        .iter()
        .filter_map(|(kind, slot)| Some((slot.page()?, kind.as_str())))
        .collect();
    owned.extend(team.retros.iter().map(|r| (r.page, RETROSPECTIVES)));
    owned.extend(
        team.weekly
            .iter()
            .flat_map(|(kind, weekly)| weekly.iter().map(|entry| (entry.page, kind.as_str()))),
    );
    let mut seen = HashSet::new();
    owned
        .into_iter()
        .filter_map(|(page, kind)| {
            let role = model.ruleset.pages.get(kind)?.maintained_by.as_str();
            seen.insert((page, role)).then_some((page, kind, role))
        })
        .collect()
}

/// Whether any of a page's code owners is one of the people `expected`.
pub(crate) fn owners_include(model: &Handbook, owners: &[String], expected: &[String]) -> bool {
    owners.iter().any(|owner| {
        model
            .config
            .resolve_person(owner)
            .is_some_and(|p| expected.contains(&p.id))
    })
}

/// "the team's EM is `bob`", "the team's EMs are `bob` and `carol`".
pub(crate) fn role_holders(role: &str, holders: &[String]) -> String {
    let role = role.to_uppercase();
    match holders {
        [one] => format!("the team's {role} is `{one}`"),
        _ => format!("the team's {role}s are {}", people_list(holders, "and")),
    }
}

/// "`bob`", "`bob` or `carol`", "`a`, `b` or `c`".
pub(crate) fn people_list(ids: &[String], last: &str) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
    match quoted.split_last() {
        Some((end, rest)) if !rest.is_empty() => format!("{} {last} {end}", rest.join(", ")),
        _ => quoted.join(""),
    }
}
