use crate::base::finding::Finding;
use crate::config::ruleset::PLANNING;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That every team has a page (or a section of a page) describing how it
    /// plans iterations, where the config says it lives — by default the
    /// `#planning` section of `{dir}/index.md`.
    ///
    /// ## Why it matters
    /// EM expectation for Iteration planning: “Keep the team’s handbook page
    /// up-to-date with the process for planning iterations”. A team whose
    /// planning process is unwritten plans by habit, and new members learn it
    /// by accident.
    ///
    /// ## Example
    /// `pages: { iteration-planning: "{dir}/index.md#planning" }` and the
    /// team's `index.md` has no heading whose anchor is `planning`.
    ///
    /// ## How to fix
    /// Write the section (`## Planning`), or point `pages.iteration-planning`
    /// at where the team documents it.
    pub static PLANNING_PROCESS_MISSING = ("HB201", "planning-process-missing", "process", Error, "A team has no iteration-planning process page"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    crate::rules::report_missing(model, PLANNING, &PLANNING_PROCESS_MISSING, findings);
}

#[cfg(test)]
mod tests {
    use super::PLANNING_PROCESS_MISSING;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_the_planning_section_is_missing() {
        let only_execution = "---\nowner: bob\n---\n# Search\n\n## Execution\n\nWe demo.\n";
        let built = healthy().page(INDEX, only_execution).build();
        insta::assert_snapshot!(report(&PLANNING_PROCESS_MISSING, &built));
    }

    /// A misspelt heading gets the page's anchors and the nearest one.
    #[test]
    fn a_near_miss_names_the_nearest_anchor() {
        let misspelt = "---\nowner: bob\n---\n# Search\n\n## Planing\n\nMondays.\n\n## Execution\n\nWe demo.\n";
        let built = healthy().page(INDEX, misspelt).build();
        insta::assert_snapshot!(report(&PLANNING_PROCESS_MISSING, &built));
    }

    /// kramdown (Jekyll, GitLab handbooks) names `## 1. Planning`
    /// `planning`; GitHub names it `1-planning`. Either finds it.
    #[test]
    fn passes_with_a_kramdown_or_html_anchor() {
        for heading in [
            "## 1. Planning",
            "<a name=\"planning\"></a>\n## How we plan",
        ] {
            let page = format!(
                "---\nowner: bob\n---\n# Search\n\n{heading}\n\nMondays.\n\n## Execution\n\nWe demo.\n"
            );
            let built = healthy().page(INDEX, &page).build();
            assert_passes(&PLANNING_PROCESS_MISSING, &built);
        }
    }

    #[test]
    fn passes_with_an_explicit_heading_id() {
        let renamed = "---\nowner: bob\n---\n# Search\n\n## How we plan {#planning}\n\nMondays.\n\n## Execution\n\nWe demo.\n";
        let built = healthy().page(INDEX, renamed).build();
        assert_passes(&PLANNING_PROCESS_MISSING, &built);
    }
}
