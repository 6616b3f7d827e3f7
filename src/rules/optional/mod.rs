//! HB5xx: the rest of the partnership matrix, as optional rules (off by
//! default; `severity: { HB501: warning }` in the config enables one): the
//! job spec the EM keeps up to date (Hiring), the EM's weekly status report
//! and the PM's weekly progress highlight (Reporting).

mod job_spec_stale;
mod progress_highlight_late;
mod status_report_missing;

pub(crate) use job_spec_stale::JOB_SPEC_STALE;
pub(crate) use progress_highlight_late::PROGRESS_HIGHLIGHT_LATE;
pub(crate) use status_report_missing::STATUS_REPORT_MISSING;

use chrono::{Datelike, NaiveDate};

use crate::base::finding::Finding;
use crate::base::rule::RuleMeta;
use crate::base::time::add_days;
use crate::model::{Handbook, TeamModel};
use crate::rules::kind_label;

/// How many weeks the weekly rules look back, as HB301 looks back six
/// iterations: an old gap is history, not news.
pub(crate) const LOOKBACK_WEEKS: i64 = 6;

/// The Monday of the ISO week (Monday–Sunday, UTC) a day falls in.
pub(crate) fn monday_of(day: NaiveDate) -> NaiveDate {
    add_days(day, -i64::from(day.weekday().num_days_from_monday()))
}

/// The weeks a team can be held to, by their Mondays, oldest first: the
/// [`LOOKBACK_WEEKS`] weeks up to the one starting on `newest`, without
/// those starting before the calendar's `start` or the team's `since:`.
pub(crate) fn weeks_due(model: &Handbook, team: &TeamModel, newest: NaiveDate) -> Vec<NaiveDate> {
    let first_day = team.since.map_or(model.calendar().start, |since| {
        since.max(model.calendar().start)
    });
    (0..LOOKBACK_WEEKS)
        .rev()
        .map(|back| add_days(newest, -7 * back))
        .filter(|monday| *monday >= first_day)
        .collect()
}

/// One finding for a team's weeks without a page of a weekly `kind`: "team
/// `search` has no weekly status report for 2 of the last 6 weeks: week of
/// 2026-03-02, week of 2026-03-16", at the team's config entry (as HB301).
pub(crate) fn missing_weeks(
    model: &Handbook,
    team: &TeamModel,
    (rule, kind): (&'static RuleMeta, &str),
    (missing, considered): (&[NaiveDate], usize),
    help: String,
) -> Finding {
    let what = kind_label(kind);
    let message = match missing {
        [one] => format!("team `{}` has no {what} for the week of {one}", team.name),
        _ => format!(
            "team `{}` has no {what} for {} of the last {considered} weeks: {}",
            team.name,
            missing.len(),
            missing
                .iter()
                .map(|monday| format!("week of {monday}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let (path, span) = model.team_location(team);
    Finding::new(rule, message)
        .at(path, span)
        .label(format!("missing {what}"))
        .help(help)
        .why(model.ruleset.page_quote(kind))
        .team(team.name.clone())
}

/// Where a team's pages of a kind go, for a help text: the location
/// pattern, or a description when the config has none.
pub(crate) fn location_of(model: &Handbook, team: &TeamModel, kind: &str) -> String {
    crate::rules::location_pattern(model, team, kind)
        .unwrap_or_else(|| format!("the team's {kind} folder"))
}

#[cfg(test)]
mod tests {
    use super::monday_of;
    use chrono::NaiveDate;

    #[test]
    fn a_week_runs_from_monday_to_sunday() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or(NaiveDate::MIN);
        assert_eq!(monday_of(day(2)), day(2), "a Monday is its own week's");
        assert_eq!(monday_of(day(8)), day(2), "Sunday ends the week");
        assert_eq!(monday_of(day(9)), day(9));
    }
}
