//! Dates, durations and the fixed "now" every verdict is computed against.
//!
//! Everything is UTC and day-granular where the handbook rules speak of days:
//! a team in Sydney and one in San Francisco get the same verdict for the same
//! history, and a test that fixes `--now` gets the same answer on any machine.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// A time, date or duration that does not read as one; the message says
/// what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TimeError {
    #[error("`{0}` is not `@` followed by Unix seconds")]
    UnixSeconds(String),
    #[error(
        "`{0}` is not a time: use RFC 3339 (2026-11-24T09:00:00Z), a date (2026-11-24) or @<unix seconds>"
    )]
    Time(String),
    #[error("`{0}` is not a date (expected YYYY-MM-DD)")]
    Date(String),
    #[error("`{0}` is not a duration (expected e.g. 14d or 2w)")]
    Duration(String),
    #[error("`{text}` has unknown unit `{unit}` (use d for days or w for weeks)")]
    Unit { text: String, unit: String },
    #[error("`{0}` is too long")]
    TooLong(String),
    #[error("`{0}` is outside the years 1970 to 9999 the tool reckons with")]
    OutOfRange(String),
}

/// The last second of 9999-12-31, UTC: the latest `--now`.
const LATEST_NOW: UnixTime = 253_402_300_799;

/// Seconds since the Unix epoch, UTC. Git stores commit times this way.
pub(crate) type UnixTime = i64;

/// Parses `--now` / `HANDBOOK_LINT_NOW`: RFC 3339 (`2026-11-24T09:00:00Z`),
/// a plain date (`2026-11-24`, midnight UTC), or `@<unix seconds>` as git
/// prints with `%ct`.
pub(crate) fn parse_now(text: &str) -> Result<UnixTime, TimeError> {
    let text = text.trim();
    // Before 1970 nothing in git exists; past 9999 no date prints as
    // YYYY-MM-DD, and far past it day arithmetic overflows.
    parse_any_now(text).and_then(|now| {
        if (0..=LATEST_NOW).contains(&now) {
            Ok(now)
        } else {
            Err(TimeError::OutOfRange(text.to_string()))
        }
    })
}

fn parse_any_now(text: &str) -> Result<UnixTime, TimeError> {
    if let Some(seconds) = text.strip_prefix('@') {
        return seconds
            .parse::<i64>()
            .map_err(|_| TimeError::UnixSeconds(text.to_string()));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp());
    }
    if let Ok(time) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Ok(time.and_utc().timestamp());
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(midnight(date));
    }
    Err(TimeError::Time(text.to_string()))
}

/// The clock, for runs that did not fix `--now`.
pub(crate) fn system_now() -> UnixTime {
    Utc::now().timestamp()
}

/// Parses a date written in YAML or Markdown: `2026-11-24`, also accepting a
/// full timestamp whose date part is taken (front matter often carries
/// `date: 2026-11-24T10:00:00Z` from static site generators).
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, TimeError> {
    let text = text.trim();
    let date_part = text.get(..10).unwrap_or(text);
    let rest = text.get(10..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return Err(TimeError::Date(text.to_string()));
    }
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").map_err(|_| TimeError::Date(text.to_string()))
}

/// Parses a length of time in whole days: `14d`, `2w`, or a bare number of
/// days. Iterations, grace periods and maximum ages are all day counts.
pub(crate) fn parse_days(text: &str) -> Result<u32, TimeError> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((index, _)) => (&text[..index], text[index..].trim()),
        None => (text, "d"),
    };
    let count: u32 = number
        .parse()
        .map_err(|_| TimeError::Duration(text.to_string()))?;
    let factor = match unit {
        "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        _ => {
            return Err(TimeError::Unit {
                text: text.to_string(),
                unit: unit.to_string(),
            });
        }
    };
    count
        .checked_mul(factor)
        .ok_or_else(|| TimeError::TooLong(text.to_string()))
}

/// Midnight UTC at the start of `date`.
pub(crate) fn midnight(date: NaiveDate) -> UnixTime {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// The UTC day a moment falls on.
pub(crate) fn day_of(time: UnixTime) -> NaiveDate {
    DateTime::<Utc>::from_timestamp(time, 0).map_or(NaiveDate::MIN, |t| t.date_naive())
}

/// RFC 3339 in UTC with a `Z`, the form `pages --format json` reports.
pub fn rfc3339(time: UnixTime) -> String {
    // Fixed items, not a format string: `pages` prints two per row.
    DateTime::<Utc>::from_timestamp(time, 0).map_or_else(
        || time.to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// Adds whole days, saturating at the ends of the calendar.
pub(crate) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::TimeDelta::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_accepts_the_three_documented_forms() {
        assert_eq!(parse_now("2026-11-24"), Ok(1_795_478_400));
        assert_eq!(parse_now("2026-11-24T00:00:00Z"), Ok(1_795_478_400));
        assert_eq!(parse_now("@1795478400"), Ok(1_795_478_400));
        assert!(parse_now("next tuesday").is_err());
    }

    #[test]
    fn durations_are_days() {
        assert_eq!(parse_days("14d"), Ok(14));
        assert_eq!(parse_days("2w"), Ok(14));
        assert_eq!(parse_days("3"), Ok(3));
        assert!(parse_days("3h").is_err());
        assert!(parse_days("").is_err());
    }

    #[test]
    fn dates_take_the_day_of_a_timestamp() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24);
        assert_eq!(parse_date("2026-11-24").ok(), day);
        assert_eq!(parse_date("2026-11-24T10:00:00Z").ok(), day);
        assert!(parse_date("2026-11-24x").is_err());
        assert!(parse_date("24/11/2026").is_err());
    }
}
