//! The handbook model: what the rules read. Plain data, built by the engine
//! from the config, the parsed pages and the history answers.

pub(crate) mod build;
pub(crate) mod outcome;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use regex::Regex;

use crate::base::calendar::Calendar;
use crate::base::time::{UnixTime, day_of, midnight};
use crate::config::ruleset::Ruleset;
use crate::config::{Config, OptOut, PageLocation};
use crate::history::{Answer, Change};
use crate::parse::{Document, Heading, Located};

/// Where a freshness time came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A commit that changed the page.
    Git { commit: String },
    /// The front matter's `reviewed:` stamp.
    Reviewed,
    /// Not committed yet: being written now.
    WorkingTree,
    /// Staged for the commit being made (`--staged`): a change made now.
    Staged,
}

impl Source {
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Source::Git { .. } => "git",
            Source::Reviewed => "reviewed",
            Source::WorkingTree => "working-tree",
            Source::Staged => "staged",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub time: UnixTime,
    pub source: Source,
}

/// What is known of when a page (or section) last changed in substance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Freshness {
    pub history: Answer,
    /// The newest commit that touched the page but was not counted
    /// (ignore-revs or a sweep).
    pub ignored: Option<Change>,
    /// Commits that touched the page after its last change without counting
    /// (the same words, a move, ignored).
    pub passed_over: u32,
    /// The oldest path the page's history was followed to, when it moved.
    pub moved_from: Option<String>,
    /// Every change at or after this time is in `history` (`UnixTime::MIN`:
    /// the walk reached the page's creation). See
    /// [`crate::history::Resolved::covered_since`].
    pub covered_since: Option<UnixTime>,
    /// `--staged` and the page (or section) differs from HEAD in the index:
    /// the commit being made changes it now.
    pub staged: bool,
    pub reviewed: Option<NaiveDate>,
    pub now: UnixTime,
}

impl Freshness {
    /// Takes what history says of the page (or section).
    pub(crate) fn attach(&mut self, resolved: &crate::history::Resolved) {
        self.history = resolved.answer.clone();
        self.ignored.clone_from(&resolved.ignored);
        self.passed_over = resolved.passed_over;
        self.moved_from.clone_from(&resolved.moved_from);
        self.covered_since = resolved.covered_since;
    }

    /// The newest substantive change from git, if history knows it.
    pub(crate) fn last_change(&self) -> Option<&Change> {
        match &self.history {
            Answer::Changed(changes) => changes.first(),
            _ => None,
        }
    }

    /// All changes the walk collected, newest first.
    pub(crate) fn changes(&self) -> &[Change] {
        match &self.history {
            Answer::Changed(changes) => changes,
            _ => &[],
        }
    }

    /// Whether git could answer; when not, a stale verdict would be a guess.
    pub(crate) fn is_certain(&self) -> bool {
        matches!(self.history, Answer::Changed(_) | Answer::NotCommitted)
    }

    /// The page's freshness: its last substantive change or its `reviewed`
    /// stamp, whichever is later. When history is cut off this is only a
    /// lower bound (see [`Freshness::is_certain`]).
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        if self.staged {
            return Some(Stamp {
                time: self.now,
                source: Source::Staged,
            });
        }
        let git = match &self.history {
            Answer::Changed(changes) => changes.first().and_then(|change| {
                Some(Stamp {
                    time: effective_time(change, self.now)?,
                    source: Source::Git {
                        commit: change.commit.clone(),
                    },
                })
            }),
            Answer::NotCommitted => Some(Stamp {
                time: self.now,
                source: Source::WorkingTree,
            }),
            Answer::Shallow { .. } | Answer::Unreadable { .. } => None,
        };
        let reviewed = self.reviewed.map(|date| Stamp {
            time: midnight(date),
            source: Source::Reviewed,
        });
        match (git, reviewed) {
            (Some(git), Some(reviewed)) if reviewed.time > git.time => Some(reviewed),
            (Some(git), _) => Some(git),
            (None, reviewed) => reviewed,
        }
    }

    /// Whether there was a substantive update at or after `time`: a commit,
    /// a review stamp, or uncommitted work.
    pub(crate) fn updated_since(&self, time: UnixTime) -> bool {
        self.stamp().is_some_and(|stamp| stamp.time >= time)
    }

    /// Whether every change at or after `time` is known: history was
    /// collected back to it (or the page is only in the working tree). Not
    /// so when a shallow clone's history ends after `time`.
    pub(crate) fn covers(&self, time: UnixTime) -> bool {
        matches!(self.history, Answer::NotCommitted)
            || self.covered_since.is_some_and(|covered| covered <= time)
    }

    /// When the page (or section) was created, if that is within the
    /// collected changes: its oldest one, when the walk reached its creation.
    pub(crate) fn created_at(&self) -> Option<UnixTime> {
        if self.covered_since != Some(UnixTime::MIN) {
            return None;
        }
        self.changes()
            .last()
            .and_then(|change| effective_time(change, self.now))
    }

    /// The collected changes counted in `[from, to)`, newest first.
    pub(crate) fn changes_between(
        &self,
        from: UnixTime,
        to: UnixTime,
    ) -> impl Iterator<Item = &Change> {
        self.changes().iter().filter(move |change| {
            effective_time(change, self.now).is_some_and(|time| time >= from && time < to)
        })
    }

    /// Whether the page (or section) existed at `time`, as far as the
    /// collected changes say: created then or before, or before them.
    pub(crate) fn existed_by(&self, time: UnixTime) -> bool {
        self.created_at().is_none_or(|created| created <= time)
    }

    /// Whether any collected change (or the review stamp) falls in
    /// `[from, to)`.
    pub(crate) fn updated_between(&self, from: UnixTime, to: UnixTime) -> bool {
        let in_window = |time: UnixTime| time >= from && time < to;
        self.changes_between(from, to).next().is_some()
            || self.reviewed.is_some_and(|d| in_window(midnight(d)))
            || ((self.staged || matches!(self.history, Answer::NotCommitted))
                && in_window(self.now))
    }
}

/// When a change counts as made. A commit dated after `now` cannot be
/// believed: it counts at its first parent's time (it is no older than
/// that), and not at all when that is in the future too. So a skewed clock
/// never makes a page look fresh for ever.
pub(crate) fn effective_time(change: &Change, now: UnixTime) -> Option<UnixTime> {
    if change.time <= now {
        return Some(change.time);
    }
    change.parent_time.filter(|&parent| parent <= now)
}

#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub path: String,
    /// The page's text. Empty in a run that lists pages without evaluating
    /// the rules (`pages`): nothing there reads it, and a warm run then
    /// never copies it out of the cache.
    pub text: Arc<str>,
    pub doc: Document,
    pub freshness: Freshness,
    /// The commit that added the page, when it was asked for.
    pub created: Option<Change>,
    /// The page kind when the page is a team's required or optional page.
    pub kind: Option<String>,
    /// Index into [`Handbook::teams`] of the team whose directory holds it.
    pub team: Option<usize>,
}

impl Page {
    /// Whether the page was in the repository at `time`: added by then
    /// (when history knows the commit that added it), or, for a page only
    /// in the working tree, `time` is now.
    pub(crate) fn recorded_by(&self, time: UnixTime) -> bool {
        if matches!(self.freshness.history, Answer::NotCommitted) {
            return time >= self.freshness.now;
        }
        self.created
            .as_ref()
            .map(|created| created.time)
            .or_else(|| self.freshness.created_at())
            .is_none_or(|created| created <= time)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SectionSlot {
    pub anchor: String,
    pub heading: Heading,
    pub freshness: Freshness,
}

/// Where a team's page of one kind is, or why it is not there.
// A team has a handful of slots: boxing the found section would cost more
// in code than its bytes do.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Found {
        page: usize,
        section: Option<SectionSlot>,
    },
    /// No file at the location, or (with `page`) the file is there but
    /// the section is not.
    Missing {
        location: PageLocation,
        page: Option<usize>,
    },
}

impl Slot {
    pub(crate) fn page(&self) -> Option<usize> {
        match self {
            Slot::Found { page, .. } => Some(*page),
            Slot::Missing { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetroDateSource {
    FrontMatter,
    FileName,
    Commit,
    WorkingTree,
}

#[derive(Debug, Clone)]
pub(crate) struct ActionItem {
    pub checked: bool,
    pub text: String,
    pub span: Range<usize>,
    /// The first `@handle` in the item.
    pub owner: Option<Located<String>>,
    pub due: Option<NaiveDate>,
    /// A due date written, but not as a date (`(due 2026-13-45)`): the text
    /// after `due`, and where it is (on the item's first line when it is
    /// there, else the item's line).
    pub due_invalid: Option<Located<String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Retro {
    pub page: usize,
    pub date: NaiveDate,
    pub date_source: RetroDateSource,
    /// From front matter `iteration:`, when given.
    pub iteration: Option<i64>,
    pub items: Vec<ActionItem>,
}

/// A page of a weekly kind (a status report, a progress highlight), dated
/// as a retrospective is ([`retro_date`]).
#[derive(Debug, Clone)]
pub(crate) struct WeeklyPage {
    pub page: usize,
    pub date: NaiveDate,
    pub date_source: RetroDateSource,
}

#[derive(Debug, Clone)]
pub(crate) struct TeamModel {
    pub name: String,
    pub dir: String,
    /// Person ids by role, one or more each (see [`crate::config::Team`]).
    pub roles: BTreeMap<String, Vec<String>>,
    pub named_roles: Vec<String>,
    pub since: Option<NaiveDate>,
    /// The team's entry in the config, where missing pages point.
    pub span: Option<Range<usize>>,
    pub slots: BTreeMap<String, Slot>,
    pub retros: Vec<Retro>,
    /// Every page at the location of each weekly kind
    /// ([`crate::config::ruleset::WEEKLY`]), sorted by date once history
    /// is known; the slot of the kind holds the first of them.
    pub weekly: BTreeMap<String, Vec<WeeklyPage>>,
    /// Page kinds the team keeps outside the handbook (`off`, `external`):
    /// no slot, no retros, no findings about them.
    pub opted_out: BTreeMap<String, OptOut>,
}

impl TeamModel {
    /// The retros a team can be held to: none dated before its `since:`.
    pub(crate) fn retros_in_scope(&self) -> impl Iterator<Item = &Retro> {
        let since = self.since;
        self.retros
            .iter()
            .filter(move |retro| since.is_none_or(|since| retro.date >= since))
    }
}

/// Everything the rules see.
#[derive(Debug, Clone)]
pub(crate) struct Handbook {
    pub now: UnixTime,
    pub today: NaiveDate,
    pub config: Config,
    pub ruleset: Ruleset,
    pub pages: Vec<Page>,
    pub teams: Vec<TeamModel>,
    /// The repository's CODEOWNERS, when it has one.
    pub codeowners: Option<crate::config::codeowners::CodeOwners>,
    /// Configured page locations with no file but a file of the same name
    /// with an extension that is not a page's: location → that file.
    pub misnamed: BTreeMap<String, String>,
}

impl Handbook {
    pub(crate) fn calendar(&self) -> &Calendar {
        &self.config.calendar
    }

    /// Where findings about a team as a whole point: its config entry, or
    /// its directory when teams were found by convention.
    pub(crate) fn team_location(&self, team: &TeamModel) -> (String, Option<Range<usize>>) {
        match (&self.config.path, &team.span) {
            (Some(path), Some(span)) => (path.clone(), Some(span.clone())),
            _ => (team.dir.clone(), None),
        }
    }

    /// The first completed iteration a team can be held to: the calendar's
    /// first, or the first starting on or after the team's `since`.
    pub(crate) fn first_required_iteration(&self, team: &TeamModel) -> i64 {
        match team.since {
            Some(since) => self.calendar().first_starting_on_or_after(since).number,
            None => 1,
        }
    }

    /// The max age for a page kind: config override, else ruleset.
    pub(crate) fn max_age_days(&self, kind: &str) -> Option<u32> {
        self.config.max_age.get(kind).copied().or_else(|| {
            self.ruleset
                .pages
                .get(kind)
                .and_then(|page| page.max_age_days)
        })
    }

    /// Whether a slot's page (and section) was in the repository at
    /// `time`: what `check` would have found then.
    pub(crate) fn slot_recorded_by(&self, slot: &Slot, time: UnixTime) -> bool {
        self.slot_freshness(slot)
            .is_none_or(|freshness| freshness.existed_by(time))
            && slot
                .page()
                .is_none_or(|page| self.pages[page].recorded_by(time))
    }

    /// The freshness of a slot: its section's, or its page's.
    pub(crate) fn slot_freshness<'a>(&'a self, slot: &'a Slot) -> Option<&'a Freshness> {
        match slot {
            Slot::Found {
                section: Some(section),
                ..
            } => Some(&section.freshness),
            Slot::Found { page, .. } => Some(&self.pages[*page].freshness),
            Slot::Missing { .. } => None,
        }
    }

    /// The span a finding about a slot should highlight: the section's
    /// heading, or the page's front matter or first line.
    pub(crate) fn slot_span(&self, slot: &Slot) -> Option<Range<usize>> {
        match slot {
            Slot::Found {
                section: Some(section),
                ..
            } => Some(section.heading.span.clone()),
            Slot::Found { page, .. } => Some(page_head_span(&self.pages[*page])),
            Slot::Missing { .. } => None,
        }
    }
}

/// The span that stands for a whole page: the first heading, else the
/// first line.
pub(crate) fn page_head_span(page: &Page) -> Range<usize> {
    if let Some(heading) = page.doc.headings.first() {
        return heading.span.clone();
    }
    let end = page.text.find('\n').unwrap_or(page.text.len());
    0..end
}

static HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(\[,])(@[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9_]|@[A-Za-z0-9])")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
/// `due` and what looks like a date after it: digits, then separated
/// parts (`2026-12-01`, but also `2026-13-45`, `2026/12/01`, `1.12.2026`),
/// so a date the tool cannot read is reported, not taken for no date.
static DUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bdue:?\s*([0-9]+(?:[-/.][0-9A-Za-z]+)+)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static FILE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{4}-[0-9]{2}-[0-9]{2})").unwrap_or_else(|e| unreachable!("{e}"))
});

/// The action items of a page: task-list items under a heading matching
/// the ruleset's pattern, up to the next heading of the same or higher level.
pub(crate) fn action_items(page_text: &str, doc: &Document, heading: &Regex) -> Vec<ActionItem> {
    // The sections in the page's order, each with the farthest end of it
    // and those before it: a task is in one when the last section starting
    // at or before it reaches past it. A binary search per task, not a
    // scan of every section: a page can have thousands of each.
    let mut reach = 0;
    let sections: Vec<(usize, usize)> = doc
        .headings
        .iter()
        .filter(|h| heading.is_match(&h.text))
        .map(|h| {
            reach = reach.max(h.section.end);
            (h.section.start, reach)
        })
        .collect();
    let in_a_section = |offset: usize| {
        let before = sections.partition_point(|&(start, _)| start <= offset);
        before > 0 && sections[before - 1].1 > offset
    };
    doc.tasks
        .iter()
        .filter(|task| in_a_section(task.span.start))
        .map(|task| {
            let line = &page_text[task.span.clone()];
            let owner = HANDLE
                .captures(line)
                .and_then(|c| c.get(1))
                .map(|m| Located {
                    value: m.as_str().to_string(),
                    span: task.span.start + m.start()..task.span.start + m.end(),
                });
            let written = DUE
                .captures(&task.text)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str());
            let due = written.and_then(due_date);
            let due_invalid = written.filter(|_| due.is_none()).map(|text| Located {
                value: text.to_string(),
                span: line.find(text).map_or(task.span.clone(), |at| {
                    task.span.start + at..task.span.start + at + text.len()
                }),
            });
            ActionItem {
                checked: task.checked,
                text: task.text.clone(),
                span: task.span.clone(),
                owner,
                due,
                due_invalid,
            }
        })
        .collect()
}

/// A due date as the docs ask for it: `YYYY-MM-DD`, and a real day.
fn due_date(text: &str) -> Option<NaiveDate> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// A date in a retro's file name (`2026-03-14-retro.md`).
pub(crate) fn date_in_file_name(path: &str) -> Option<NaiveDate> {
    let name = path.rsplit('/').next().unwrap_or(path);
    FILE_DATE
        .captures_iter(name)
        .filter_map(|c| c.get(1))
        .find_map(|m| NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok())
}

/// The day of a retro: front matter `date:`, else a date in the file name,
/// else the day of the commit that added it, else today (not committed).
pub(crate) fn retro_date(page: &Page, today: NaiveDate) -> (NaiveDate, RetroDateSource) {
    if let Some(date) = &page.doc.front.date {
        return (date.value, RetroDateSource::FrontMatter);
    }
    if let Some(date) = date_in_file_name(&page.path) {
        return (date, RetroDateSource::FileName);
    }
    match &page.created {
        Some(change) => (day_of(change.time), RetroDateSource::Commit),
        None => (today, RetroDateSource::WorkingTree),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn action_items_take_owner_and_due_date() {
        let text = "# Retro\n\n## Action items\n\n- [ ] @bob.k fix CI (due 2026-04-01)\n- [ ] nobody owns this, mail me@example.com\n\n## Notes\n\n- [ ] @carol not an action item\n";
        let (doc, _) = parse(text);
        let heading = Regex::new("(?i)^action items?$").unwrap_or_else(|e| unreachable!("{e}"));
        let items = action_items(text, &doc, &heading);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].owner.as_ref().map(|o| o.value.as_str()),
            Some("@bob.k")
        );
        assert_eq!(items[0].due, NaiveDate::from_ymd_opt(2026, 4, 1));
        assert_eq!(items[1].owner, None, "an e-mail address is not a handle");
    }

    #[test]
    fn action_items_are_the_tasks_inside_any_action_items_section() {
        let text = "## Action items\n\n- [ ] a\n\n### Sub\n\n- [ ] b\n\n## Notes\n\n- [ ] c\n\n# Action items\n\n- [ ] d\n  - [ ] e\n";
        let (doc, _) = parse(text);
        let heading = Regex::new("(?i)^action items?$").unwrap_or_else(|e| unreachable!("{e}"));
        let mut texts: Vec<String> = action_items(text, &doc, &heading)
            .into_iter()
            .map(|i| i.text)
            .collect();
        texts.sort();
        assert_eq!(texts, ["a", "b", "d", "e"]);
    }

    /// Thousands of action-item sections and tens of thousands of items:
    /// each item finds its section by a binary search.
    #[test]
    fn many_sections_and_items_are_read_in_n_log_n() {
        use std::fmt::Write as _;
        let mut text = String::new();
        for section in 0..5_000 {
            let _ = write!(text, "## Action items\n\n");
            for item in 0..10 {
                let _ = writeln!(text, "- [ ] s{section}i{item}");
            }
            let _ = write!(text, "\n## Notes\n\n- [ ] not an item\n\n");
        }
        let (doc, _) = parse(&text);
        let heading = Regex::new("(?i)^action items?$").unwrap_or_else(|e| unreachable!("{e}"));
        let items = action_items(&text, &doc, &heading);
        assert_eq!(items.len(), 50_000);
        assert!(items.iter().all(|i| i.text.starts_with('s')));
    }

    #[test]
    fn a_due_date_that_is_not_a_date_is_kept_as_written() {
        let text = "# Retro\n\n## Action items\n\n- [ ] @bob fix (due 2026-13-45)\n- [ ] a due: 2026/04/01\n- [ ] b due 2 weeks after (due 2026-04-01)\n- [ ] c, due to the outage\n- [ ] d (due 2026-4-1)\n";
        let (doc, _) = parse(text);
        let heading = Regex::new("(?i)^action items?$").unwrap_or_else(|e| unreachable!("{e}"));
        let items = action_items(text, &doc, &heading);
        let invalid: Vec<Option<&str>> = items
            .iter()
            .map(|i| i.due_invalid.as_ref().map(|d| d.value.as_str()))
            .collect();
        assert_eq!(
            invalid,
            [
                Some("2026-13-45"),
                Some("2026/04/01"),
                None,
                None,
                Some("2026-4-1")
            ]
        );
        let first = items[0].due_invalid.as_ref().map(|d| &text[d.span.clone()]);
        assert_eq!(first, Some("2026-13-45"));
        assert_eq!(items[2].due, NaiveDate::from_ymd_opt(2026, 4, 1));
        assert!(
            items
                .iter()
                .all(|i| i.due.is_none() || i.due_invalid.is_none())
        );
    }

    #[test]
    fn file_names_carry_retro_dates() {
        assert_eq!(
            date_in_file_name("team/retros/2026-03-14-retro.md"),
            NaiveDate::from_ymd_opt(2026, 3, 14)
        );
        assert_eq!(date_in_file_name("team/retros/sprint-9.md"), None);
    }
}
