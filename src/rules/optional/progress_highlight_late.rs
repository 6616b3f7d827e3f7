use chrono::NaiveDate;

use crate::base::finding::Finding;
use crate::base::time::{UnixTime, add_days, midnight, rfc3339};
use crate::config::ruleset::PROGRESS_HIGHLIGHTS;
use crate::config::validate::WEEKDAYS;
use crate::history::Answer;
use crate::model::{Handbook, Page, TeamModel, page_head_span};
use crate::rules::optional::{location_of, missing_weeks, monday_of, weeks_due};

crate::rules::declare_rule! {
    /// ## What it checks
    /// Optional, off by default. That each team has a weekly progress
    /// highlight page for every week whose deadline has passed (the last
    /// six, none starting before the calendar's `start` or the team's
    /// `since:`), and that the commit that first added it is dated before
    /// the deadline: midnight UTC at the start of the send day, that is by
    /// the end of the day before the weekly status email goes out. The send
    /// day is `reporting: { send-day: friday }` in the config (Friday by
    /// default). Weeks are ISO weeks, Monday to Sunday (UTC). Highlights are
    /// the pages at the team's `progress-highlights` location
    /// (`{dir}/highlights/*.md` by default), each dated as a retrospective
    /// is: its front-matter `date:`, else a `YYYY-MM-DD` in its file name,
    /// else the day of the commit that added it. A highlight not committed
    /// yet counts as added now. The history of a highlight that moved is
    /// followed to the commit that first added it.
    ///
    /// Enable it with `severity: { HB503: warning }` (or `error`).
    ///
    /// ## Why it matters
    /// PM expectations for Reporting: “Provide weekly progress highlight for
    /// weekly status report email that is also shared at the company
    /// meeting” and “Look over weekly update by EOD [the day before it gets
    /// sent] and supplement any info”. A highlight written on the morning
    /// of the send day leaves the EM no time to look it over.
    ///
    /// ## Example
    /// With `send-day: friday`, `hb/search/highlights/2026-02-26.md` first
    /// committed on Friday 2026-02-27 at 09:30 UTC: after the deadline,
    /// 2026-02-27T00:00:00Z.
    ///
    /// ## How to fix
    /// Commit each week's highlight by the end of the day before the send
    /// day. Set `reporting.send-day` to the day the email really goes out;
    /// point `pages.progress-highlights` at where the team keeps them, or
    /// set it `off` for a team that does not write them here.
    pub static PROGRESS_HIGHLIGHT_LATE = ("HB503", "progress-highlight-late", "optional", Off, "A weekly progress highlight is missing or was added after the day before its send day"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    if !model.ruleset.pages.contains_key(PROGRESS_HIGHLIGHTS) {
        return;
    }
    let this_week = monday_of(model.today);
    // A week is due once its deadline has passed: this week's too, once
    // the send day has begun.
    let newest = if model.now >= deadline(model, this_week) {
        this_week
    } else {
        add_days(this_week, -7)
    };
    for team in &model.teams {
        let Some(highlights) = team.weekly.get(PROGRESS_HIGHLIGHTS) else {
            continue; // kept elsewhere, or not at all
        };
        let weeks = weeks_due(model, team, newest);
        let mut missing = Vec::new();
        for &week in &weeks {
            let pages: Vec<&Page> = highlights
                .iter()
                .filter(|entry| monday_of(entry.date) == week)
                .map(|entry| &model.pages[entry.page])
                .collect();
            if pages.is_empty() {
                missing.push(week);
                continue;
            }
            if let Some(finding) = late(model, team, week, &pages) {
                findings.push(finding);
            }
        }
        if !missing.is_empty() {
            findings.push(missing_weeks(
                model,
                team,
                (&PROGRESS_HIGHLIGHT_LATE, PROGRESS_HIGHLIGHTS),
                (&missing, weeks.len()),
                format!(
                    "add each week's highlight as a page matching {}, dated in its front matter or file name, committed by the end of the day before the send day ({})",
                    location_of(model, team, PROGRESS_HIGHLIGHTS),
                    send_day(model)
                ),
            ));
        }
    }
}

/// When a week's highlight is due: midnight UTC at the start of the send
/// day of that week.
fn deadline(model: &Handbook, week: NaiveDate) -> UnixTime {
    midnight(add_days(
        week,
        i64::from(model.config.send_day.num_days_from_monday()),
    ))
}

/// The send day as the config writes it.
fn send_day(model: &Handbook) -> &'static str {
    WEEKDAYS[model.config.send_day.num_days_from_monday() as usize]
}

/// When a highlight was first added: the commit that added it, or now when
/// it is not committed yet. `None`: history cannot say (no verdict).
fn added(model: &Handbook, page: &Page) -> Option<(UnixTime, Option<String>)> {
    if let Some(created) = &page.created {
        return Some((created.time, Some(created.commit.clone())));
    }
    matches!(page.freshness.history, Answer::NotCommitted).then_some((model.now, None))
}

/// A finding when none of a week's highlights was added by its deadline,
/// about the first one added.
fn late(model: &Handbook, team: &TeamModel, week: NaiveDate, pages: &[&Page]) -> Option<Finding> {
    let due = deadline(model, week);
    let mut added_at: Vec<(UnixTime, Option<String>, &Page)> = Vec::new();
    for page in pages {
        let (time, commit) = added(model, page)?;
        if time < due {
            return None;
        }
        added_at.push((time, commit, page));
    }
    added_at.sort_by_key(|(time, _, _)| *time);
    let (time, commit, page) = added_at.into_iter().next()?;
    let when = match &commit {
        Some(commit) => format!(
            "was added in commit {} at {}",
            commit.get(..7).unwrap_or(commit),
            rfc3339(time)
        ),
        None => "is not committed yet".to_string(),
    };
    Some(
        Finding::new(
            &PROGRESS_HIGHLIGHT_LATE,
            format!(
                "the weekly progress highlight `{}` for the week of {week} {when}, after its deadline {} (the end of the day before the send day, {})",
                page.path,
                rfc3339(due),
                send_day(model)
            ),
        )
        .at(page.path.clone(), Some(page_head_span(page)))
        .label(if commit.is_some() { "added late" } else { "not committed" })
        .help(format!(
            "commit each week's highlight by the end of the day before the send day, so the EM can look it over; if the email goes out on another day, set `reporting: {{ send-day: <day> }}` in handbook-lint.yaml (now {})",
            send_day(model)
        ))
        .why(model.ruleset.page_quote(PROGRESS_HIGHLIGHTS))
        .team(team.name.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::PROGRESS_HIGHLIGHT_LATE;
    use crate::rules::testing::*;

    /// A highlight for the week holding `day`, named by that day and first
    /// committed at `added`.
    fn highlight(builder: HandbookBuilder, day: &str, added: &str) -> HandbookBuilder {
        let path = format!("hb/search/highlights/{day}.md");
        builder
            .page(
                &path,
                "---\nowner: alice\n---\n# Highlight\n\nSearch is 2x faster.\n",
            )
            .changed(&path, &[added])
    }

    /// Highlights for the weeks of 2026-01-26 – 2026-02-23 (the last five
    /// whose Friday has come by [`NOW`], Thursday 2026-03-05), each
    /// committed on the Wednesday; the team started on 2026-01-26.
    fn on_time() -> HandbookBuilder {
        let wednesdays = [
            "2026-01-28",
            "2026-02-04",
            "2026-02-11",
            "2026-02-18",
            "2026-02-25",
        ];
        wednesdays.iter().fold(
            healthy().config_tail("    since: 2026-01-26\n"),
            |b, day| highlight(b, day, &format!("{day}T17:00:00Z")),
        )
    }

    #[test]
    fn fails_for_a_highlight_committed_on_the_send_day() {
        let built = highlight(on_time(), "2026-02-25", "2026-02-27T09:30:00Z").build();
        insta::assert_snapshot!(report(&PROGRESS_HIGHLIGHT_LATE, &built));
    }

    #[test]
    fn fails_for_the_weeks_without_a_highlight() {
        let built = on_time()
            .without("hb/search/highlights/2026-02-04.md")
            .without("hb/search/highlights/2026-02-18.md")
            .build();
        let found = findings(&PROGRESS_HIGHLIGHT_LATE, &built);
        let said: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            said,
            [
                "team `search` has no weekly progress highlight for 2 of the last 5 weeks: week of 2026-02-02, week of 2026-02-16"
            ]
        );
    }

    /// The deadline is the start of the send day in the highlight's week:
    /// with a Monday send day, a highlight dated in its week is always late.
    #[test]
    fn fails_with_a_monday_send_day_for_a_highlight_added_that_week() {
        let built = on_time()
            .config_tail("reporting: { send-day: monday }\n")
            .build();
        let found = findings(&PROGRESS_HIGHLIGHT_LATE, &built);
        // The five Wednesday highlights are late, and this week's Monday
        // (2026-03-02) has passed with none.
        assert_eq!(found.len(), 6, "{found:#?}");
        let first = found
            .iter()
            .find(|f| f.message.contains("2026-01-28.md"))
            .map(|f| f.message.as_str())
            .unwrap_or_default();
        assert!(
            first.contains(" at 2026-01-28T17:00:00Z, after its deadline 2026-01-26T00:00:00Z (the end of the day before the send day, monday)"),
            "{first}"
        );
    }

    /// Once the send day has begun, this week's highlight is due: one still
    /// not committed is late.
    #[test]
    fn fails_for_this_weeks_highlight_not_committed_by_the_send_day() {
        let built = on_time()
            .config_tail("reporting: { send-day: thursday }\n")
            .page(
                "hb/search/highlights/2026-03-04.md",
                "---\nowner: alice\n---\n# Highlight\n\nDraft.\n",
            )
            .uncommitted("hb/search/highlights/2026-03-04.md")
            .build();
        let found = findings(&PROGRESS_HIGHLIGHT_LATE, &built);
        let said: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            said,
            [
                "the weekly progress highlight `hb/search/highlights/2026-03-04.md` for the week of 2026-03-02 is not committed yet, after its deadline 2026-03-05T00:00:00Z (the end of the day before the send day, thursday)"
            ]
        );
    }

    #[test]
    fn passes_when_each_highlight_is_committed_by_the_day_before() {
        // Thursday 23:59 is still the day before Friday.
        let built = highlight(on_time(), "2026-02-25", "2026-02-26T23:59:59Z").build();
        assert_passes(&PROGRESS_HIGHLIGHT_LATE, &built);
    }

    /// On Thursday this week's highlight is not due yet: written and not
    /// committed, it is not late.
    #[test]
    fn passes_with_this_weeks_highlight_not_yet_committed() {
        let built = on_time()
            .page(
                "hb/search/highlights/2026-03-04.md",
                "---\nowner: alice\n---\n# Highlight\n\nDraft.\n",
            )
            .uncommitted("hb/search/highlights/2026-03-04.md")
            .build();
        assert_passes(&PROGRESS_HIGHLIGHT_LATE, &built);
    }
}
