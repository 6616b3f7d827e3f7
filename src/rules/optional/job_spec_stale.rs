use crate::base::finding::Finding;
use crate::config::ruleset::JOB_SPEC;
use crate::model::Handbook;

crate::rules::declare_rule! {
    /// ## What it checks
    /// Optional, off by default. That every team has a job spec where the
    /// config says it lives (`{dir}/job-spec.md` by default) and that it has
    /// had a substantive update, or a `reviewed:` stamp, within its maximum
    /// age: 182 days (26 weeks) in the built-in ruleset, `max-age: {
    /// job-spec: 26w }` in the config to change it. Freshness is judged as
    /// for the process pages (HB202, HB204). A team that keeps no job spec
    /// in the handbook says so with `pages: { job-spec: off }` (or `{
    /// external: <where> }`).
    ///
    /// Enable it with `severity: { HB501: warning }` (or `error`).
    ///
    /// ## Why it matters
    /// EM expectation for Hiring: “Keep job spec up-to-date”. A job spec
    /// written for last year's roadmap hires for last year's team.
    ///
    /// ## Example
    /// `hb/search/job-spec.md` last changed 2026-01-05; on 2026-09-01 that is
    /// 239 days, over the 182-day limit.
    ///
    /// ## How to fix
    /// Review the job spec against the team's goals and hiring needs and
    /// update it; if it is still accurate, add `reviewed: <today>` to its
    /// front matter. No job spec: write one at the team's location, or set
    /// `pages: { job-spec: off }` for a team that is not hiring.
    pub static JOB_SPEC_STALE = ("HB501", "job-spec-stale", "optional", Off, "The job spec is missing or older than its maximum age"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let first = findings.len();
    crate::rules::report_absent(model, JOB_SPEC, &JOB_SPEC_STALE, findings);
    for finding in &mut findings[first..] {
        finding.help = finding.help.take().map(|help| {
            format!("{help}; a team that keeps no job spec here: `pages: {{ job-spec: off }}`")
        });
    }
    let first = findings.len();
    crate::rules::report_stale(model, JOB_SPEC, &JOB_SPEC_STALE, findings);
    // The shared help speaks of a process page.
    for finding in &mut findings[first..] {
        finding.help = Some(format!(
            "review the job spec against the team's goals and hiring needs and update it; if it is still accurate, add `reviewed: {}` to the front matter",
            model.today
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::JOB_SPEC_STALE;
    use crate::rules::testing::*;

    const JOB_SPEC: &str = "hb/search/job-spec.md";

    fn job_spec() -> String {
        "---\nowner: bob\n---\n# Senior engineer, Search\n\nYou will make search fast.\n"
            .to_string()
    }

    #[test]
    fn fails_when_the_job_spec_is_older_than_its_max_age() {
        let built = healthy()
            .config_tail("max-age: { job-spec: 4w }\n")
            .page(JOB_SPEC, &job_spec())
            .build();
        insta::assert_snapshot!(report(&JOB_SPEC_STALE, &built));
    }

    #[test]
    fn fails_when_the_team_has_no_job_spec() {
        let built = healthy().build();
        let found = findings(&JOB_SPEC_STALE, &built);
        let said: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            said,
            ["team `search` has no job spec page: `hb/search/job-spec.md` does not exist"]
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .is_some_and(|h| h.ends_with("`pages: { job-spec: off }`"))
        );
    }

    #[test]
    fn passes_within_the_default_max_age_or_when_reviewed() {
        // 182 days by default: the page of 2026-01-05 is 59 days old.
        let built = healthy().page(JOB_SPEC, &job_spec()).build();
        assert_passes(&JOB_SPEC_STALE, &built);
        let reviewed = job_spec().replace("owner: bob", "owner: bob\nreviewed: 2026-03-01");
        let built = healthy()
            .config_tail("max-age: { job-spec: 4w }\n")
            .page(JOB_SPEC, &reviewed)
            .build();
        assert_passes(&JOB_SPEC_STALE, &built);
    }

    #[test]
    fn passes_for_a_team_that_keeps_no_job_spec_here() {
        for setting in ["off", "{ external: 'https://jobs.example.com/search' }"] {
            let built = healthy()
                .config_tail(&format!("    pages: {{ job-spec: {setting} }}\n"))
                .build();
            assert_passes(&JOB_SPEC_STALE, &built);
        }
    }
}
