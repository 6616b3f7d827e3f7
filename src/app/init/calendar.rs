//! The iteration calendar from the retrospectives' dates: the length from
//! their spacing, the start at the iteration the first retro ended.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::app::init::scan::Page;
use crate::app::init::teams::TeamFound;
use crate::base::paths::is_under;
use crate::base::time::add_days;

static FILE_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})-(\d{2})-(\d{2})").expect("valid regex"));

/// Iteration lengths a spacing is rounded to.
const LENGTHS: [i64; 4] = [7, 14, 21, 28];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inferred {
    pub length_days: i64,
    pub start: NaiveDate,
    /// How many retro dates and spacings it came from.
    pub retros: usize,
    pub gaps: usize,
    pub median_gap: i64,
    pub first_retro: NaiveDate,
}

/// A retro's date as `check` reads it: front matter `date:`, else a
/// `YYYY-MM-DD` in the file name.
fn date_of(page: &Page) -> Option<NaiveDate> {
    if let Some(date) = &page.doc.front.date {
        return Some(date.value);
    }
    let name = page.path.rsplit('/').next().unwrap_or(&page.path);
    let found = FILE_DATE.captures(name)?;
    let part = |i: usize| found.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    NaiveDate::from_ymd_opt(i32::try_from(part(1)?).ok()?, part(2)?, part(3)?)
}

/// Why the retros suggest no calendar (the default stands then): what
/// `init` tells the maintainer, who otherwise reads the default as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoCalendar {
    /// No team has two retrospectives with dates.
    TooFewDated,
    /// Their median spacing, in days: longer than any iteration length.
    TooFarApart(i64),
}

impl NoCalendar {
    /// Why, in a phrase: "no team has two dated retrospectives".
    pub(crate) fn reason(&self) -> String {
        match self {
            NoCalendar::TooFewDated => "no team has two dated retrospectives".to_string(),
            NoCalendar::TooFarApart(days) => {
                format!("retrospectives are {days} days apart (median)")
            }
        }
    }
}

/// The calendar the retros suggest, or why not: fewer than two dates in
/// any team, or a median spacing longer than five weeks.
pub(crate) fn infer(pages: &[Page], teams: &[TeamFound]) -> Result<Inferred, NoCalendar> {
    let mut gaps = Vec::new();
    let mut all = BTreeSet::new();
    for team in teams {
        let Some(folder) = &team.retro_dir else {
            continue;
        };
        let dates: BTreeSet<NaiveDate> = pages
            .iter()
            .filter(|p| is_under(&p.path, folder))
            .filter_map(date_of)
            .collect();
        let ordered: Vec<NaiveDate> = dates.iter().copied().collect();
        gaps.extend(ordered.windows(2).map(|w| (w[1] - w[0]).num_days()));
        all.extend(dates);
    }
    if gaps.is_empty() {
        return Err(NoCalendar::TooFewDated);
    }
    gaps.sort_unstable();
    let median = gaps[gaps.len() / 2];
    if median > 35 {
        return Err(NoCalendar::TooFarApart(median));
    }
    let length = LENGTHS
        .iter()
        .copied()
        .min_by_key(|l| (l - median).abs())
        .unwrap_or(14);
    // Gaps come from dates: there is a first.
    let first = *all.iter().next().ok_or(NoCalendar::TooFewDated)?;
    // The first retro falls on the last day of an iteration: held as the
    // iteration ends, it counts for it with the whole grace to spare.
    Ok(Inferred {
        length_days: length,
        start: add_days(first, 1 - length),
        retros: all.len(),
        gaps: gaps.len(),
        median_gap: median,
        first_retro: first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::init::teams;

    fn retros(dates: &[&str]) -> Vec<Page> {
        dates
            .iter()
            .map(|date| Page {
                path: format!("hb/search/retros/{date}.md"),
                doc: crate::parse::parse("# Retro\n").0,
            })
            .collect()
    }

    fn infer_from(dates: &[&str]) -> Result<Inferred, NoCalendar> {
        let pages = retros(dates);
        let found = teams::find(&pages, &|_, _| None);
        infer(&pages, &found)
    }

    #[test]
    fn spacing_rounds_to_whole_weeks_and_the_first_retro_ends_an_iteration() {
        let inferred = infer_from(&["2026-01-16", "2026-01-29", "2026-02-13", "2026-02-27"])
            .expect("a calendar");
        assert_eq!(inferred.length_days, 14);
        assert_eq!(inferred.median_gap, 14);
        assert_eq!(inferred.start.to_string(), "2026-01-03");
        let weekly = infer_from(&["2026-01-02", "2026-01-09", "2026-01-15", "2026-01-23"])
            .expect("a calendar");
        assert_eq!(weekly.length_days, 7);
    }

    #[test]
    fn one_retro_or_a_sparse_cadence_leaves_the_default() {
        assert_eq!(infer_from(&["2026-01-16"]), Err(NoCalendar::TooFewDated));
        assert_eq!(
            infer_from(&["2026-01-16", "2026-04-16"]),
            Err(NoCalendar::TooFarApart(90))
        );
    }
}
