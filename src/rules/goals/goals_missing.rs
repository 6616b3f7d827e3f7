use crate::base::finding::Finding;
use crate::config::ruleset::GOALS;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That every team has a goals page where the config (or the ruleset's
    /// default, `{dir}/goals.md`) says it lives.
    ///
    /// ## Why it matters
    /// Team goals are the PM's accountability. PM expectation: “Keep the
    /// team’s goals page up-to-date in the handbook, which included progress
    /// updates at the end of iterations”. Without the page there is nothing to
    /// keep up to date, and engineers cannot “stay connected with the team
    /// goals”.
    ///
    /// ## Example
    /// A team `search` with `dir: handbook/search` and no
    /// `handbook/search/goals.md`. The finding points at the team's entry in
    /// `handbook-lint.yaml`.
    ///
    /// ## How to fix
    /// Create the page with the team's goal, milestones, timeline and progress,
    /// or set `pages.goals` (for all teams or one) to where it really lives.
    pub static GOALS_MISSING = ("HB101", "goals-missing", "goals", Error, "A team has no goals page"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    crate::rules::report_missing(model, GOALS, &GOALS_MISSING, findings);
}

#[cfg(test)]
mod tests {
    use super::GOALS_MISSING;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_the_team_has_no_goals_page() {
        let built = healthy().without(GOALS).build();
        insta::assert_snapshot!(report(&GOALS_MISSING, &built));
    }

    #[test]
    fn passes_with_a_goals_page_at_a_configured_location() {
        let built = healthy()
            .config_tail("    pages: { goals: \"{dir}/okrs.md\" }\n")
            .without(GOALS)
            .page("hb/search/okrs.md", &goals("Kicked off."))
            .build();
        assert_passes(&GOALS_MISSING, &built);
    }
}
