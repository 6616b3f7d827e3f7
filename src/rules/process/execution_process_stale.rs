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
