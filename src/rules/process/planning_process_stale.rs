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

#[cfg(test)]
mod tests {
    use super::PLANNING_PROCESS_STALE;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_the_planning_section_is_older_than_its_max_age() {
        // Only the execution section changed since the first commit.
        let built = healthy()
            .config_tail("max-age: { iteration-planning: 30d }\n")
            .changed(INDEX, &["2026-02-20T10:00:00Z", FIRST_COMMIT])
            .changed(&format!("{INDEX}#planning"), &[FIRST_COMMIT])
            .build();
        insta::assert_snapshot!(report(&PLANNING_PROCESS_STALE, &built));
    }

    #[test]
    fn passes_when_reviewed_recently() {
        let stamped =
            index("Mondays.", "Fridays.").replace("owner: bob", "owner: bob\nreviewed: 2026-02-25");
        let built = healthy()
            .config_tail("max-age: { iteration-planning: 30d }\n")
            .page(INDEX, &stamped)
            .build();
        assert_passes(&PLANNING_PROCESS_STALE, &built);
    }
}
