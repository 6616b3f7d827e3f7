use crate::base::finding::Finding;
use crate::config::ruleset::EXECUTION;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That the iteration-execution process page (or section) has had a
    /// substantive update within its maximum age (84 days by default,
    /// `max-age:` in the config). For a section, only commits that changed the
    /// section's text count.
    ///
    /// ## Why it matters
    /// EM expectation for Iteration execution: “Keep the team’s handbook page
    /// up-to-date with the process for executing iterations”.
    ///
    /// ## Example
    /// `index.md#execution` unchanged for 120 days while the planning section
    /// above it was edited last week: the execution section is stale.
    ///
    /// ## How to fix
    /// Update the section, or record a review with `reviewed: <today>` in the
    /// front matter if it is still accurate.
    pub static EXECUTION_PROCESS_STALE = ("HB204", "execution-process-stale", "process", Error, "The iteration-execution process page is older than its maximum age"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    crate::rules::report_stale(model, EXECUTION, &EXECUTION_PROCESS_STALE, findings);
}

#[cfg(test)]
mod tests {
    use super::EXECUTION_PROCESS_STALE;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_only_the_other_section_was_edited() {
        let built = healthy()
            .config_tail("max-age: { iteration-execution: 40d }\n")
            .changed(INDEX, &["2026-02-25T10:00:00Z", FIRST_COMMIT])
            .changed(
                &format!("{INDEX}#planning"),
                &["2026-02-25T10:00:00Z", FIRST_COMMIT],
            )
            .changed(&format!("{INDEX}#execution"), &[FIRST_COMMIT])
            .build();
        insta::assert_snapshot!(report(&EXECUTION_PROCESS_STALE, &built));
    }

    #[test]
    fn passes_within_the_default_max_age() {
        // 84 days by default: the section of 2026-01-05 is 59 days old.
        assert_passes(&EXECUTION_PROCESS_STALE, &healthy().build());
    }
}
