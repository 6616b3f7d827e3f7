use crate::base::finding::Finding;
use crate::config::ruleset::PLANNING;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That the iteration-planning process page (or section) has had a
    /// substantive update within its maximum age: 84 days (six two-week
    /// iterations) in the built-in ruleset, `max-age:` in the config to change
    /// it. For a section, only commits that changed the section's text count.
    ///
    /// ## Why it matters
    /// EM expectation for Iteration planning: “Keep the team’s handbook page
    /// up-to-date with the process for planning iterations”. A process page
    /// nobody has touched for months usually describes a process the team has
    /// since changed.
    ///
    /// ## Example
    /// `index.md#planning` last changed 2026-03-02; on 2026-11-24 that is 267
    /// days, over the 84-day limit.
    ///
    /// ## How to fix
    /// Review the process with the team and update the page. If it is still
    /// accurate, record that with `reviewed: <today>` in the front matter.
    pub static PLANNING_PROCESS_STALE = ("HB202", "planning-process-stale", "process", Error, "The iteration-planning process page is older than its maximum age"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    crate::rules::report_stale(model, PLANNING, &PLANNING_PROCESS_STALE, findings);
}
