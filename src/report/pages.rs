//! `pages`: every page and configured section with its kind, team, owner
//! and freshness.

use serde::Serialize;

use crate::base::time::{UnixTime, rfc3339};
use crate::model::Handbook;
use crate::model::outcome::Outcome;

/// `pages --format json`: every page and configured section with its
/// freshness — the audit trail behind each verdict. Serialized straight
/// from these structs: on a 10,000-page handbook, building a JSON tree first
/// would cost more than the warm run's history lookup.
#[derive(Debug, Serialize)]
pub(crate) struct PagesReport<'a> {
    pub version: u32,
    pub head: Option<&'a str>,
    pub shallow: bool,
    pub now: String,
    pub pages: Vec<PageRow<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PageRow<'a> {
    pub path: &'a str,
    pub section: Option<&'a str>,
    pub kind: &'a str,
    pub team: Option<&'a str>,
    pub owner: Option<&'a str>,
    /// The freshness in force: the last substantive change, or the
    /// `reviewed:` stamp when later.
    pub updated: Option<String>,
    pub updated_unix: Option<UnixTime>,
    /// `git`, `reviewed`, `working-tree`, `staged`, or `external` for a
    /// page kind the team keeps outside the handbook (`path` then says
    /// where).
    pub source: Option<&'static str>,
    /// The last commit that changed the page in substance.
    pub commit: Option<&'a str>,
    pub git_updated_unix: Option<UnixTime>,
    pub reviewed: Option<String>,
    /// A newer commit that touched the page but was not counted: a
    /// reformatting sweep or an ignore-revs entry.
    pub ignored_commit: Option<&'a str>,
    pub ignored_unix: Option<UnixTime>,
    /// The path the page's history continued under, when it was moved (the
    /// oldest one followed).
    pub moved_from: Option<&'a str>,
    /// How many commits touched the page after its last change without
    /// counting: the same words, a move, ignored.
    pub passed_over: u32,
    /// The last change is dated after `now`.
    pub clock_skew: bool,
    pub history: HistoryState<'a>,
}

/// What git could say: `"git"`, `"uncommitted"`, or why not.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum HistoryState<'a> {
    Plain(&'static str),
    Shallow { shallow: &'a str },
    Unreadable { unreadable: &'a str },
}

pub(crate) fn pages_report<'a>(model: &'a Handbook, outcome: &'a Outcome) -> PagesReport<'a> {
    let mut rows = Vec::with_capacity(model.pages.len());
    let team_name = |index: Option<usize>| index.map(|i| model.teams[i].name.as_str());
    for page in &model.pages {
        rows.push(page_row(
            page,
            None,
            page.kind.as_deref(),
            team_name(page.team),
            &page.freshness,
        ));
    }
    for team in &model.teams {
        for (kind, slot) in &team.slots {
            if let crate::model::Slot::Found {
                page,
                section: Some(section),
            } = slot
            {
                let page = &model.pages[*page];
                rows.push(page_row(
                    page,
                    Some(&section.anchor),
                    Some(kind),
                    Some(team.name.as_str()),
                    &section.freshness,
                ));
            }
        }
    }
    // Kinds a team keeps elsewhere: listed with where, as nothing checks them.
    for team in &model.teams {
        for (kind, out) in &team.opted_out {
            if let crate::config::OptOut::External(place) = out {
                rows.push(external_row(place, kind, &team.name));
            }
        }
    }
    PagesReport {
        version: 1,
        head: outcome.history.head.as_deref(),
        shallow: outcome.history.shallow,
        now: rfc3339(model.now),
        pages: rows,
    }
}

/// `pages --format text`: a header, then one line per page in columns as
/// wide as their widest value (the path last, unpadded). Paths, sections,
/// kinds and teams come from the repository: each cell's hidden characters
/// are shown before widths are measured, so a newline in a file name cannot
/// start a line of its own and the columns stay aligned.
pub(crate) fn pages_text(report: &PagesReport) -> String {
    const HEADER: [&str; 5] = ["UPDATED", "KIND", "TEAM", "SOURCE", "PATH"];
    let rows: Vec<[String; 5]> = report
        .pages
        .iter()
        .map(|row| {
            let path = match row.section {
                Some(section) => format!("{}#{section}", row.path),
                None => row.path.to_string(),
            };
            [
                row.updated
                    .as_deref()
                    .unwrap_or(if row.source == Some(EXTERNAL) {
                        // Kept elsewhere: the tool does not date it.
                        "-"
                    } else {
                        "unknown"
                    }),
                row.kind,
                row.team.unwrap_or("-"),
                row.source.unwrap_or("-"),
                path.as_str(),
            ]
            .map(|cell| crate::report::visible(cell).into_owned())
        })
        .collect();
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = HEADER.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            if index + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[index] - cell.chars().count();
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A page kind kept outside the handbook (`external`): its location in
/// `path`, source and history `external`, no freshness.
fn external_row<'a>(place: &'a str, kind: &'a str, team: &'a str) -> PageRow<'a> {
    PageRow {
        path: place,
        section: None,
        kind,
        team: Some(team),
        owner: None,
        updated: None,
        updated_unix: None,
        source: Some(EXTERNAL),
        commit: None,
        git_updated_unix: None,
        reviewed: None,
        ignored_commit: None,
        ignored_unix: None,
        moved_from: None,
        passed_over: 0,
        clock_skew: false,
        history: HistoryState::Plain(EXTERNAL),
    }
}

/// The source and history of a page kind kept elsewhere.
const EXTERNAL: &str = "external";

pub(super) fn page_row<'a>(
    page: &'a crate::model::Page,
    section: Option<&'a str>,
    kind: Option<&'a str>,
    team: Option<&'a str>,
    freshness: &'a crate::model::Freshness,
) -> PageRow<'a> {
    use crate::history::Answer;
    let stamp = freshness.stamp();
    let change = freshness.last_change();
    PageRow {
        path: &page.path,
        section,
        kind: kind.unwrap_or("page"),
        team,
        owner: page.doc.front.owner.as_ref().map(|o| o.value.as_str()),
        updated: stamp.as_ref().map(|s| rfc3339(s.time)),
        updated_unix: stamp.as_ref().map(|s| s.time),
        source: stamp.as_ref().map(|s| s.source.as_str()),
        commit: change.map(|c| c.commit.as_str()),
        git_updated_unix: change.map(|c| c.time),
        reviewed: freshness.reviewed.map(|d| d.to_string()),
        ignored_commit: freshness.ignored.as_ref().map(|c| c.commit.as_str()),
        ignored_unix: freshness.ignored.as_ref().map(|c| c.time),
        moved_from: freshness.moved_from.as_deref(),
        passed_over: freshness.passed_over,
        clock_skew: change.is_some_and(|c| c.time > freshness.now),
        history: match &freshness.history {
            Answer::Changed(_) => HistoryState::Plain("git"),
            Answer::NotCommitted => HistoryState::Plain("uncommitted"),
            Answer::Shallow { boundary } => HistoryState::Shallow { shallow: boundary },
            Answer::Unreadable { reason } => HistoryState::Unreadable { unreadable: reason },
        },
    }
}
