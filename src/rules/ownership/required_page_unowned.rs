use crate::base::finding::Finding;
use crate::config::ruleset::RETROSPECTIVES;
use crate::model::{Handbook, page_head_span};
use crate::rules::{configured_teams, kind_label};

crate::rules::declare_rule! {
    /// ## What it checks
    /// When the repository has a CODEOWNERS file (`.github/`, the root,
    /// `docs/` or `.gitlab/`), that some line of it covers each required page
    /// of each team: the goals page and the iteration-process pages.
    ///
    /// ## Why it matters
    /// CODEOWNERS is how a repository makes the accountable person review
    /// changes to their page. A goals page no rule covers can be rewritten
    /// without its PM ever being asked.
    ///
    /// ## Example
    /// CODEOWNERS says `/handbook/billing/ @carol` and nothing about
    /// `/handbook/search/`: the search team's goals page is unowned.
    ///
    /// ## How to fix
    /// Add a line for the page or its directory naming the responsible person,
    /// e.g. `/handbook/search/goals.md @alice`.
    pub static REQUIRED_PAGE_UNOWNED = ("HB403", "required-page-unowned", "ownership", Error, "No CODEOWNERS rule covers a required page"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let Some(codeowners) = &model.codeowners else {
        return;
    };
    for team in configured_teams(model) {
        for (kind, slot) in &team.slots {
            let required = model.ruleset.pages.get(kind).is_some_and(|k| k.required);
            let Some(page) = slot.page() else { continue };
            if !required || kind == RETROSPECTIVES {
                continue;
            }
            let page = &model.pages[page];
            if codeowners.owners_of(&page.path).is_some() {
                continue;
            }
            let role = model
                .ruleset
                .pages
                .get(kind)
                .map_or("", |k| k.maintained_by.as_str());
            let handle = team
                .roles
                .get(role)
                .and_then(|ids| ids.first())
                .and_then(|id| model.config.person(id))
                .and_then(|p| p.handles.first().cloned())
                .unwrap_or_else(|| format!("@{role}"));
            findings.push(
                Finding::new(
                    &REQUIRED_PAGE_UNOWNED,
                    format!(
                        "no line of {} covers the {} `{}`",
                        codeowners.path,
                        kind_label(kind),
                        page.path
                    ),
                )
                .at(page.path.clone(), Some(page_head_span(page)))
                .label("not in CODEOWNERS")
                .help(format!(
                    "add `/{} {handle}` to {}",
                    page.path, codeowners.path
                ))
                .why(model.ruleset.page_quote(kind))
                .team(team.name.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::REQUIRED_PAGE_UNOWNED;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_codeowners_does_not_cover_the_goals_page() {
        let built = healthy()
            .codeowners("/hb/search/index.md @bob\n/hb/billing/ @carol\n")
            .build();
        insta::assert_snapshot!(report(&REQUIRED_PAGE_UNOWNED, &built));
    }

    #[test]
    fn passes_when_a_directory_line_covers_every_page() {
        let built = healthy().codeowners("/hb/search/ @alice @bob\n").build();
        assert_passes(&REQUIRED_PAGE_UNOWNED, &built);
    }
}
