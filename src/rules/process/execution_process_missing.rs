use crate::base::finding::Finding;
use crate::config::ruleset::EXECUTION;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That every team has a page (or a section of a page) describing how it
    /// executes iterations, where the config says it lives — by default the
    /// `#execution` section of `{dir}/index.md`.
    ///
    /// ## Why it matters
    /// EM expectation for Iteration execution: “Keep the team’s handbook page
    /// up-to-date with the process for executing iterations”.
    ///
    /// ## Example
    /// The team's `index.md` has `## Planning` but no `## Execution`.
    ///
    /// ## How to fix
    /// Write the section (`## Execution`: standups, reviews, how scope changes
    /// are raised), or point `pages.iteration-execution` at where it lives.
    pub static EXECUTION_PROCESS_MISSING = ("HB203", "execution-process-missing", "process", Error, "A team has no iteration-execution process page"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    crate::rules::report_missing(model, EXECUTION, &EXECUTION_PROCESS_MISSING, findings);
}

#[cfg(test)]
mod tests {
    use super::EXECUTION_PROCESS_MISSING;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_there_is_no_index_page_at_all() {
        let built = healthy().without(INDEX).build();
        insta::assert_snapshot!(report(&EXECUTION_PROCESS_MISSING, &built));
    }

    #[test]
    fn passes_with_the_execution_process_on_its_own_page() {
        let built = healthy()
            .config_tail("    pages: { iteration-execution: \"{dir}/execution.md\" }\n")
            .page(INDEX, &index("Mondays.", "").replace("## Execution", ""))
            .page("hb/search/execution.md", "# Execution\n\nStandups.\n")
            .build();
        assert_passes(&EXECUTION_PROCESS_MISSING, &built);
    }
}
