//! The iteration calendar: which iteration a day belongs to, which ones are
//! completed, and which retrospective counts for which iteration.
//!
//! Iterations are numbered from 1: iteration `n` covers the days
//! `[start + (n-1)·length, start + n·length)`. The end is exclusive, so a
//! two-week iteration starting on a Monday ends on the Sunday 13 days later.

/// How many completed iterations checks that look back (retro-missing,
/// carried-into-goals) consider.
pub(crate) const LOOKBACK_ITERATIONS: i64 = 6;

use chrono::NaiveDate;

use crate::base::time::add_days;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Calendar {
    pub start: NaiveDate,
    pub length_days: u32,
    pub grace_days: u32,
}

/// One iteration: its 1-based number and its days, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Iteration {
    pub number: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Iteration {
    /// The last day that belongs to the iteration, for messages.
    pub(crate) fn last_day(&self) -> NaiveDate {
        add_days(self.end, -1)
    }
}

impl std::fmt::Display for Iteration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "iteration {} ({} – {})",
            self.number,
            self.start,
            self.last_day()
        )
    }
}

impl Calendar {
    pub(crate) fn iteration(&self, number: i64) -> Iteration {
        let length = i64::from(self.length_days);
        let start = add_days(self.start, (number - 1) * length);
        Iteration {
            number,
            start,
            end: add_days(start, length),
        }
    }

    /// The iteration a day falls in; `None` before the calendar starts.
    pub(crate) fn containing(&self, day: NaiveDate) -> Option<Iteration> {
        let offset = (day - self.start).num_days();
        if offset < 0 || self.length_days == 0 {
            return None;
        }
        Some(self.iteration(offset / i64::from(self.length_days) + 1))
    }

    /// The newest iteration completed on `today`: its end plus grace is on or
    /// before today. `None` when none has completed yet.
    pub(crate) fn last_completed(&self, today: NaiveDate) -> Option<Iteration> {
        let shifted = add_days(today, -i64::from(self.grace_days));
        // The iteration containing `today - grace` is still open (its end is
        // after that day); the one before it is the newest completed.
        let number = match self.containing(shifted) {
            Some(open) => open.number - 1,
            None => return None,
        };
        (number >= 1).then(|| self.iteration(number))
    }

    /// The day `check` first counts an iteration as completed: its end
    /// plus the grace days.
    pub(crate) fn completed_on(&self, iteration: Iteration) -> NaiveDate {
        add_days(iteration.end, i64::from(self.grace_days))
    }

    /// The first iteration that starts on or after `day`: the first one a
    /// team that adopted the process on `day` can be held to.
    pub(crate) fn first_starting_on_or_after(&self, day: NaiveDate) -> Iteration {
        match self.containing(day) {
            None => self.iteration(1),
            Some(it) if it.start == day => it,
            Some(it) => self.iteration(it.number + 1),
        }
    }

    /// The iteration a retrospective held on `day` counts for: the one whose
    /// window `[start + grace, end + grace)` holds the day, so a retro on the
    /// last days of an iteration or within grace after it belongs to it.
    pub(crate) fn retro_iteration(&self, day: NaiveDate) -> Option<Iteration> {
        self.containing(add_days(day, -i64::from(self.grace_days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn calendar() -> Calendar {
        Calendar {
            start: day(2026, 1, 5),
            length_days: 14,
            grace_days: 3,
        }
    }

    #[test]
    fn iterations_are_numbered_from_one_with_exclusive_ends() {
        let it = calendar().iteration(2);
        assert_eq!((it.start, it.end), (day(2026, 1, 19), day(2026, 2, 2)));
        assert_eq!(it.last_day(), day(2026, 2, 1));
        assert_eq!(calendar().containing(day(2026, 1, 4)), None);
        assert_eq!(
            calendar().containing(day(2026, 1, 18)).map(|i| i.number),
            Some(1)
        );
    }

    #[test]
    fn an_iteration_completes_when_end_plus_grace_is_reached() {
        // Iteration 1 ends (exclusive) on Jan 19; with 3 days of grace it is
        // completed from Jan 22 on, not on Jan 21.
        assert_eq!(calendar().last_completed(day(2026, 1, 21)), None);
        assert_eq!(
            calendar()
                .last_completed(day(2026, 1, 22))
                .map(|i| i.number),
            Some(1)
        );
    }

    #[test]
    fn a_retro_in_the_grace_days_counts_for_the_iteration_just_ended() {
        let cal = calendar();
        assert_eq!(
            cal.retro_iteration(day(2026, 1, 20)).map(|i| i.number),
            Some(1)
        );
        assert_eq!(
            cal.retro_iteration(day(2026, 1, 22)).map(|i| i.number),
            Some(2)
        );
        assert_eq!(cal.retro_iteration(day(2026, 1, 7)), None);
    }

    #[test]
    fn adoption_starts_at_the_next_full_iteration() {
        let cal = calendar();
        assert_eq!(cal.first_starting_on_or_after(day(2026, 1, 19)).number, 2);
        assert_eq!(cal.first_starting_on_or_after(day(2026, 1, 20)).number, 3);
        assert_eq!(cal.first_starting_on_or_after(day(2025, 1, 1)).number, 1);
    }
}
