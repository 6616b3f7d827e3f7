//! The handbook model, built from what the stages before it produced: the
//! config and ruleset, the pages read and parsed, the history walk's
//! answers. Plain data in, plain data out; no git, no files.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::base::finding::{Finding, Sources};
use crate::base::paths::is_under;
use crate::base::time::UnixTime;
use crate::config::Config;
use crate::config::locate::{Matchers, located};
use crate::config::ruleset::{RETROSPECTIVES, Ruleset, WEEKLY};
use crate::discover::pagecache::LoadedPage;
use crate::history::{Answer, Query, Resolved};
use crate::model::{
    Freshness, Page, Retro, RetroDateSource, SectionSlot, Slot, TeamModel, WeeklyPage,
    action_items, retro_date,
};
use crate::parse::substance::Digest;
use crate::parse::{Located, ParseProblem};

/// The pages as read, each with the freshness it has before history says
/// anything; parse problems become HB002 findings. With `keep_sources`,
/// each page's text is kept for the snippets of findings.
pub(crate) fn pages(
    loaded: Vec<LoadedPage>,
    now: UnixTime,
    keep_sources: bool,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::with_capacity(loaded.len());
    for LoadedPage {
        file,
        doc,
        problems,
    } in loaded
    {
        for problem in problems {
            findings.push(parse_problem_finding(&file.path, problem));
        }
        let reviewed = doc
            .front
            .reviewed
            .as_ref()
            .and_then(|stamp| review_stamp(&file.path, stamp, now, findings));
        if keep_sources {
            // What a finding's snippet is cut from.
            sources.insert(file.path.clone(), file.text.clone());
        }
        pages.push(Page {
            path: file.path,
            text: file.text,
            freshness: Freshness {
                history: Answer::NotCommitted,
                ignored: None,
                passed_over: 0,
                moved_from: None,
                covered_since: None,
                staged: false,
                reviewed,
                now,
            },
            doc,
            created: None,
            kind: None,
            team: None,
        });
    }
    pages
}

/// A page's `reviewed:` date, unless it is after today: a review stamp in
/// the future would keep the page fresh for ever without a word changing,
/// so it is a finding and does not count.
fn review_stamp(
    path: &str,
    stamp: &Located<NaiveDate>,
    now: UnixTime,
    findings: &mut Vec<Finding>,
) -> Option<NaiveDate> {
    let today = crate::base::time::day_of(now);
    if stamp.value <= today {
        return Some(stamp.value);
    }
    findings.push(
        Finding::new(
            &crate::base::codes::FRONT_MATTER_INVALID,
            format!(
                "`reviewed: {}` is after today ({today}): a review is recorded on the day it happens; this stamp does not count",
                stamp.value
            ),
        )
        .at(path, Some(stamp.span.clone()))
        .label("in the future")
        .help(format!("write the date of the review, `reviewed: {today}` if it was today")),
    );
    None
}

fn parse_problem_finding(path: &str, problem: ParseProblem) -> Finding {
    let mut finding = Finding::new(
        &crate::base::codes::FRONT_MATTER_INVALID,
        problem.message.clone(),
    )
    .at(path, Some(problem.span));
    if problem.message.contains('@') || problem.message.contains("reserved") {
        finding =
            finding.help("a value starting with `@` must be quoted in YAML: owner: \"@alice\"");
    }
    finding
}

/// Every configured team with the page (or section) that fills each of its
/// slots and its retrospectives, and each page marked with its kind and
/// team. Retrospectives are dated and read by [`retros`], once history is
/// known.
pub(crate) fn teams(
    config: &Config,
    ruleset: &Ruleset,
    pages: &mut [Page],
    today: NaiveDate,
) -> Vec<TeamModel> {
    // Sorted: the listing is.
    let page_paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let mut teams: Vec<TeamModel> = Vec::new();
    let mut matchers = Matchers::new();
    for team in &config.teams {
        let mut slots = BTreeMap::new();
        let mut retro_pages = Vec::new();
        let mut weekly = BTreeMap::new();
        let mut opted_out = BTreeMap::new();
        for kind in ruleset.pages.keys() {
            if let Some(out) = config.opt_out(team, kind) {
                opted_out.insert(kind.clone(), out.clone());
                continue;
            }
            let Some(location) = config.page_location(team, kind, ruleset) else {
                continue;
            };
            let matches = located(&page_paths, &location, &mut matchers);
            if kind == RETROSPECTIVES {
                retro_pages = matches;
                continue;
            }
            if WEEKLY.contains(&kind.as_str()) {
                let pages = matches.iter().map(|&page| WeeklyPage {
                    page,
                    date: today,
                    date_source: RetroDateSource::WorkingTree,
                });
                weekly.insert(kind.clone(), pages.collect::<Vec<_>>());
            }
            let slot = match (matches.first(), &location.anchor) {
                (None, _) => Slot::Missing {
                    location,
                    page: None,
                },
                (Some(&page), None) => Slot::Found {
                    page,
                    section: None,
                },
                (Some(&page), Some(anchor)) => match pages[page].doc.section(anchor) {
                    Some(heading) => Slot::Found {
                        page,
                        section: Some(SectionSlot {
                            anchor: anchor.clone(),
                            heading: heading.clone(),
                            freshness: pages[page].freshness.clone(),
                        }),
                    },
                    None => Slot::Missing {
                        location,
                        page: Some(page),
                    },
                },
            };
            slots.insert(kind.clone(), slot);
        }
        teams.push(TeamModel {
            name: team.name.clone(),
            dir: team.dir.clone(),
            roles: team.roles.clone(),
            named_roles: team.named_roles.clone(),
            since: team.since,
            span: team.span.clone(),
            slots,
            weekly,
            opted_out,
            retros: retro_pages
                .into_iter()
                .map(|page| Retro {
                    page,
                    date: today,
                    date_source: RetroDateSource::WorkingTree,
                    iteration: None,
                    items: Vec::new(),
                })
                .collect(),
        });
    }
    drop(page_paths);
    assign_pages(pages, &teams);
    teams
}

/// Marks each page with the kind of the first slot it fills and its team;
/// a page that fills no slot belongs to the team whose directory holds it.
fn assign_pages(pages: &mut [Page], teams: &[TeamModel]) {
    for (team_index, team) in teams.iter().enumerate() {
        for (kind, slot) in &team.slots {
            if let Some(page) = slot.page() {
                pages[page].kind.get_or_insert_with(|| kind.clone());
                pages[page].team = Some(team_index);
            }
        }
        for retro in &team.retros {
            pages[retro.page].kind = Some(RETROSPECTIVES.to_string());
            pages[retro.page].team = Some(team_index);
        }
        for (kind, weekly) in &team.weekly {
            for entry in weekly {
                pages[entry.page].kind.get_or_insert_with(|| kind.clone());
                pages[entry.page].team = Some(team_index);
            }
        }
    }
    for page in pages.iter_mut() {
        if page.team.is_none() {
            page.team = teams
                .iter()
                .enumerate()
                .filter(|(_, t)| is_under(&page.path, &t.dir))
                .max_by_key(|(_, t)| t.dir.len())
                .map(|(i, _)| i);
        }
    }
}

/// With `--staged`: a staged page counts as changed now when its words
/// differ from HEAD's (or HEAD has no such page); a staged section when its
/// own words do (`head_file` reads HEAD). The same comparison the walk
/// makes between a commit and its parent.
pub(crate) fn mark_staged(
    staged: &std::collections::BTreeSet<String>,
    head_file: impl Fn(&str) -> Option<String>,
    pages: &mut [Page],
    teams: &mut [TeamModel],
) {
    // Each staged page's digest now and at HEAD (none when it is new).
    let mut digests: std::collections::HashMap<usize, (Digest, Option<Digest>)> =
        std::collections::HashMap::new();
    for (index, page) in pages.iter_mut().enumerate() {
        if !staged.contains(&page.path) {
            continue;
        }
        let now = Digest::of(&page.text);
        let before = head_file(&page.path).map(|text| Digest::of(&text));
        page.freshness.staged = before.as_ref().is_none_or(|before| before.page != now.page);
        digests.insert(index, (now, before));
    }
    for (page, section) in sections_mut(teams) {
        if let Some((now, before)) = digests.get(&page) {
            let before = before.as_ref().and_then(|d| d.section(&section.anchor));
            section.freshness.staged = before.is_none() || before != now.section(&section.anchor);
        }
    }
}

/// Every section a team's slot holds, with the index of its page.
fn sections_mut(teams: &mut [TeamModel]) -> impl Iterator<Item = (usize, &mut SectionSlot)> {
    teams
        .iter_mut()
        .flat_map(|team| team.slots.values_mut())
        .filter_map(|slot| match slot {
            Slot::Found {
                page,
                section: Some(section),
            } => Some((*page, section)),
            _ => None,
        })
}

/// Pages and sections whose history could not be known, for HB004.
#[derive(Default)]
pub(crate) struct HistoryGaps {
    /// Paths whose history reaches a shallow clone's cut-off.
    pub shallow: Vec<String>,
    /// Paths whose history could not be read, and why.
    pub unreadable: Vec<(String, String)>,
}

/// Gives every page and section the history walk's answer. The plan asks
/// about pages, then sections, each sorted by path (and anchor): an answer
/// is found by binary search. Unreadable answers count as gaps only when
/// the repository `has_commits`.
pub(crate) fn attach_history(
    pages: &mut [Page],
    teams: &mut [TeamModel],
    queries: &[Query],
    answers: &[Resolved],
    has_commits: bool,
) -> HistoryGaps {
    let answer_of = |path: &str, anchor: Option<&str>| -> Option<&Resolved> {
        let key = (anchor.is_some(), path, anchor);
        queries
            .binary_search_by(|q| q.order_key().cmp(&key))
            .ok()
            .and_then(|index| answers.get(index))
    };
    let mut gaps = HistoryGaps::default();
    let mut note = |path: &str, resolved: &Resolved| match &resolved.answer {
        Answer::Shallow { .. } => gaps.shallow.push(path.to_string()),
        Answer::Unreadable { reason } if has_commits => {
            gaps.unreadable.push((path.to_string(), reason.clone()));
        }
        _ => {}
    };
    for page in pages.iter_mut() {
        if let Some(resolved) = answer_of(&page.path, None) {
            note(&page.path, resolved);
            page.freshness.attach(resolved);
            page.created.clone_from(&resolved.created);
        }
    }
    for (page, section) in sections_mut(teams) {
        let path = pages[page].path.as_str();
        if let Some(resolved) = answer_of(path, Some(section.anchor.as_str())) {
            note(path, resolved);
            section.freshness.attach(resolved);
        }
    }
    gaps.shallow.sort();
    gaps.shallow.dedup();
    gaps.unreadable.sort();
    gaps.unreadable.dedup();
    gaps
}

/// Dates each team's retrospectives and weekly pages (now that history is
/// known), reads the retros' action items when `with_items`, and sorts
/// both by date.
pub(crate) fn retros(
    teams: &mut [TeamModel],
    pages: &[Page],
    ruleset: &Ruleset,
    today: NaiveDate,
    with_items: bool,
) {
    for team in teams {
        for retro in &mut team.retros {
            let page = &pages[retro.page];
            let (date, source) = retro_date(page, today);
            retro.date = date;
            retro.date_source = source;
            retro.iteration = page.doc.front.iteration.as_ref().map(|i| i.value);
            if with_items {
                retro.items = action_items(&page.text, &page.doc, &ruleset.action_items.heading);
            }
        }
        team.retros.sort_by_key(|r| r.date);
        for entry in team.weekly.values_mut().flatten() {
            (entry.date, entry.date_source) = retro_date(&pages[entry.page], today);
        }
        for weekly in team.weekly.values_mut() {
            weekly.sort_by_key(|entry| entry.date);
        }
    }
}

/// HB002 for a front-matter `date:` that is not a date, on the pages that
/// are some team's retrospectives: only they read it (a release post's
/// `date:` is its own business).
pub(crate) fn retro_date_problems(
    teams: &[TeamModel],
    pages: &[Page],
    findings: &mut Vec<Finding>,
) {
    let mut retro_pages: Vec<usize> = teams
        .iter()
        .flat_map(|team| team.retros.iter().map(|retro| retro.page))
        .collect();
    retro_pages.sort_unstable();
    retro_pages.dedup();
    for page in retro_pages {
        let page = &pages[page];
        if let Some(problem) = &page.doc.front.date_problem {
            findings.push(parse_problem_finding(&page.path, problem.clone()));
        }
    }
}

/// Each page's path and text, for the suppressions.
pub(crate) fn page_texts(pages: &[Page]) -> Vec<(String, Arc<str>)> {
    pages
        .iter()
        .map(|p| (p.path.clone(), p.text.clone()))
        .collect()
}
