use std::collections::BTreeSet;

use crate::base::finding::Finding;
use crate::base::time::add_days;
use crate::config::ruleset::STATUS_REPORTS;
use crate::model::Handbook;
use crate::rules::optional::{location_of, missing_weeks, monday_of, weeks_due};

crate::rules::declare_rule! {
    /// ## What it checks
    /// Optional, off by default. That each team has a weekly status report
    /// page for every week that has ended: the last six weeks, none starting
    /// before the calendar's `start` or the team's `since:`. Weeks are ISO
    /// weeks, Monday to Sunday (UTC). Reports are the pages at the team's
    /// `status-reports` location (`{dir}/status/*.md` by default); a report's
    /// date is its front-matter `date:`, else a `YYYY-MM-DD` in its file
    /// name, else the day of the commit that added it, as for a
    /// retrospective.
    ///
    /// Enable it with `severity: { HB502: warning }` (or `error`).
    ///
    /// ## Why it matters
    /// EM expectation for Reporting: “Provide weekly status report to
    /// engineering leadership”. A week without a report is a week leadership
    /// heard nothing from the team.
    ///
    /// ## Example
    /// `hb/search/status/2026-03-02.md` and `hb/search/status/2026-03-16.md`,
    /// and nothing dated in the week of 2026-03-09.
    ///
    /// ## How to fix
    /// Add the week's report as a page in the team's status folder, with its
    /// date in the front matter or the file name (`2026-03-09.md`); point
    /// `pages.status-reports` at where the team keeps them, or set it `off`
    /// (or `{ external: <where> }`) for a team that reports elsewhere.
    pub static STATUS_REPORT_MISSING = ("HB502", "status-report-missing", "optional", Off, "A week has ended without a weekly status report"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    if !model.ruleset.pages.contains_key(STATUS_REPORTS) {
        return;
    }
    // A week is due once its Sunday has passed: the newest is last week.
    let newest = add_days(monday_of(model.today), -7);
    for team in &model.teams {
        let Some(reports) = team.weekly.get(STATUS_REPORTS) else {
            continue; // kept elsewhere, or not at all
        };
        let weeks = weeks_due(model, team, newest);
        let reported: BTreeSet<_> = reports.iter().map(|r| monday_of(r.date)).collect();
        let missing: Vec<_> = weeks
            .iter()
            .copied()
            .filter(|week| !reported.contains(week))
            .collect();
        if missing.is_empty() {
            continue;
        }
        findings.push(missing_weeks(
            model,
            team,
            (&STATUS_REPORT_MISSING, STATUS_REPORTS),
            (&missing, weeks.len()),
            format!(
                "add each week's report as a page matching {}, with `date:` in its front matter or the date in its file name",
                location_of(model, team, STATUS_REPORTS)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::STATUS_REPORT_MISSING;
    use crate::rules::testing::*;

    /// A status report page, dated by its file name.
    fn report_page(builder: HandbookBuilder, day: &str) -> HandbookBuilder {
        let path = format!("hb/search/status/{day}.md");
        builder
            .page(
                &path,
                "---\nowner: bob\n---\n# Status\n\nShipped the index.\n",
            )
            .changed(&path, &[&format!("{day}T16:00:00Z")])
    }

    /// Weekly reports for the weeks of 2026-01-26 – 2026-02-23, the last
    /// five that ended by [`NOW`] (Thursday 2026-03-05), but `skipped`.
    fn reported(skipped: &[&str]) -> HandbookBuilder {
        let fridays = [
            "2026-01-30",
            "2026-02-06",
            "2026-02-13",
            "2026-02-20",
            "2026-02-27",
        ];
        fridays
            .iter()
            .filter(|day| !skipped.contains(day))
            .fold(healthy(), |builder, day| report_page(builder, day))
    }

    #[test]
    fn fails_for_the_weeks_without_a_report() {
        let built = reported(&["2026-02-06", "2026-02-20"]).build();
        insta::assert_snapshot!(report(&STATUS_REPORT_MISSING, &built));
        let found = findings(&STATUS_REPORT_MISSING, &built);
        // Six weeks back from the week of 2026-02-23: the week of
        // 2026-01-19 had none either.
        assert_eq!(
            found[0].message,
            "team `search` has no weekly status report for 3 of the last 6 weeks: week of 2026-01-19, week of 2026-02-02, week of 2026-02-16"
        );
    }

    #[test]
    fn passes_with_a_report_each_week_since_the_team_started() {
        // `since:` a Monday: the weeks before it are not required.
        let built = reported(&[]).config_tail("    since: 2026-01-26\n").build();
        assert_passes(&STATUS_REPORT_MISSING, &built);
    }

    /// A report dated in its front matter counts for that week, whatever
    /// its file is called; the current week is not due yet.
    #[test]
    fn passes_with_a_report_dated_in_its_front_matter() {
        let dated = "---\nowner: bob\ndate: 2026-02-05\n---\n# Status\n\nReindexed.\n";
        let built = reported(&["2026-02-06"])
            .config_tail("    since: 2026-01-26\n")
            .page("hb/search/status/week-6.md", dated)
            .build();
        assert_passes(&STATUS_REPORT_MISSING, &built);
    }

    #[test]
    fn passes_for_a_team_that_reports_elsewhere() {
        let built = healthy()
            .config_tail(
                "    pages: { status-reports: { external: 'https://notion.so/status' } }\n",
            )
            .build();
        assert_passes(&STATUS_REPORT_MISSING, &built);
    }
}
