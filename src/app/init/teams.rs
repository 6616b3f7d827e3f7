//! Which directories are teams, and where each team keeps its pages.
//!
//! A directory is a team when it holds a goals page (`goals.md`,
//! `okrs.md`, `objectives.md`, `roadmap.md`), a retrospectives folder, or a
//! team page (`index.md`, `_index.md`, `README.md`) with a heading naming
//! planning, sprints, iterations or process. Each page kind's location is
//! the real file and the anchor the parser gives its heading, so it is what
//! `check` will look for.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::app::init::scan::Page;
use crate::parse::Heading;

/// Goals pages, best first.
const GOALS_STEMS: [&str; 5] = ["goals", "okrs", "okr", "objectives", "roadmap"];
const TEAM_PAGE_STEMS: [&str; 3] = ["index", "_index", "readme"];
/// Pages describing how a team works, searched after its team page.
const PROCESS_STEMS: [&str; 6] = [
    "processes",
    "process",
    "how-we-work",
    "ways-of-working",
    "working-agreements",
    "working-agreement",
];
const RETRO_DIRS: [&str; 3] = ["retros", "retrospectives", "retro"];
/// Directories whose subdirectories are teams.
const TEAMS_DIRS: [&str; 4] = ["teams", "team", "squads", "groups"];

/// Headings that say how a team works. Narrow on purpose: "Release
/// process" or "Family planning support" do not make a directory a team.
static TEAM_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("{PROCESS}|{PLANNING}")).expect("valid regex"));
const PROCESS: &str = r"(?i)^(?:(?:our|team|internal|the team's)\s+)?(?:processes|process|how we work|ways of working|working agreements?|execution|(?:iteration|sprint) execution)$|\b(?:sprints?|iterations?)\b";
const PLANNING: &str = r"(?i)^(?:(?:sprint|iteration|team|project|cycle|quarterly)\s+)?planning\b";
static GOALS_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:team|our|quarterly|current)\s+)?(?:goals?|okrs?|objectives(?:\s+and\s+key\s+results)?)$")
        .expect("valid regex")
});
static PLANNING_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(PLANNING).expect("valid regex"));
static EXECUTION_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(PROCESS).expect("valid regex"));

/// The page kinds `init` looks for, in the order the config lists them.
pub(crate) const KINDS: [&str; 4] = [
    "goals",
    "iteration-planning",
    "iteration-execution",
    "retrospectives",
];

/// Where a team keeps one page kind, as a location pattern with `{dir}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub pattern: String,
    /// The heading, for the summary (`Planning`).
    pub heading: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct TeamFound {
    pub name: String,
    pub dir: String,
    /// What made the directory a team, for its comment.
    pub because: Vec<String>,
    /// Page kind → where it is; a kind not found is absent.
    pub pages: BTreeMap<&'static str, Found>,
    /// The retrospectives folder, when there is one.
    pub retro_dir: Option<String>,
    /// Found only by its team page's headings.
    pub weak: bool,
    /// Without a goals page, where one may be (a Strategy heading, a
    /// strategy.md): said in a comment, not written as the location.
    pub goals_hint: Option<String>,
}

impl TeamFound {
    /// The file a kind's location names, when found (`a/index.md`).
    pub(crate) fn file_of(&self, kind: &str) -> Option<String> {
        let found = self.pages.get(kind)?;
        let file = found.pattern.split('#').next().unwrap_or("");
        (!file.contains('*')).then(|| file.replace("{dir}", &self.dir))
    }
}

fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

fn stem(name: &str) -> String {
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_ascii_lowercase()
}

/// The pages directly in each directory.
fn by_dir(pages: &[Page]) -> BTreeMap<&str, Vec<&Page>> {
    let mut dirs: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for page in pages {
        dirs.entry(split(&page.path).0).or_default().push(page);
    }
    dirs
}

/// Every team directory found, sorted by directory. `named` says which
/// data file names a directory as a team (given its path and name).
pub(crate) fn find(pages: &[Page], named: &dyn Fn(&str, &str) -> Option<String>) -> Vec<TeamFound> {
    let dirs = by_dir(pages);
    // Directories holding a retros folder with pages in it.
    let mut retro_dirs: BTreeMap<&str, &str> = BTreeMap::new();
    for dir in dirs.keys() {
        let (parent, name) = split(dir);
        if RETRO_DIRS.contains(&name.to_ascii_lowercase().as_str()) && !parent.is_empty() {
            retro_dirs.entry(parent).or_insert(name);
        }
    }
    let candidates: BTreeSet<&str> = dirs
        .keys()
        .copied()
        .chain(retro_dirs.keys().copied())
        .collect();
    let mut teams = Vec::new();
    for dir in candidates {
        let (_, name) = split(dir);
        // The root is no team's directory, and a retros folder is never a team.
        if dir.is_empty() || RETRO_DIRS.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let here = dirs.get(dir).map_or(&[][..], Vec::as_slice);
        let has_team_page = here
            .iter()
            .any(|p| TEAM_PAGE_STEMS.contains(&stem(split(&p.path).1).as_str()));
        let named_by = if has_team_page {
            named(dir, name)
        } else {
            None
        };
        if let Some(team) = team_at(dir, name, here, retro_dirs.get(dir).copied(), named_by) {
            teams.push(team);
        }
    }
    keep_teams(teams)
}

/// Drops a directory found only by its team page's headings when a team
/// lies below it (a department's page describing its processes), and
/// makes names unique: a name two directories share gets its parent's.
fn keep_teams(teams: Vec<TeamFound>) -> Vec<TeamFound> {
    let dirs: Vec<String> = teams.iter().map(|t| t.dir.clone()).collect();
    let mut kept: Vec<TeamFound> = teams
        .into_iter()
        .filter(|team| {
            !team.weak
                || !dirs
                    .iter()
                    .any(|d| crate::base::paths::is_under(d, &team.dir))
        })
        .collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for team in &kept {
        *counts.entry(team.name.clone()).or_default() += 1;
    }
    for team in &mut kept {
        if counts.get(&team.name).copied().unwrap_or(0) > 1 {
            let parts: Vec<&str> = team.dir.rsplit('/').take(2).collect();
            team.name = parts.into_iter().rev().collect::<Vec<_>>().join("-");
            team.because.push(
                "named with its parent directory: another team has the same directory name"
                    .to_string(),
            );
        }
    }
    kept
}

fn team_at(
    dir: &str,
    name: &str,
    here: &[&Page],
    retros: Option<&str>,
    named_by: Option<String>,
) -> Option<TeamFound> {
    let file_name = |page: &Page| split(&page.path).1.to_string();
    let with_stem = |stems: &[&str]| -> Vec<&Page> {
        let mut found: Vec<&Page> = Vec::new();
        for wanted in stems {
            found.extend(
                here.iter()
                    .copied()
                    .filter(|p| stem(&file_name(p)) == *wanted),
            );
        }
        found
    };
    let goals_pages = with_stem(&GOALS_STEMS);
    let team_page = with_stem(&TEAM_PAGE_STEMS).into_iter().next();
    let process_pages = with_stem(&PROCESS_STEMS);
    // Below the page's title: a page titled "Ways of working" is about
    // that, not a team's page.
    let team_headings: Vec<&Heading> = team_page
        .map(|p| {
            p.doc
                .headings
                .iter()
                .filter(|h| h.level > 1 && TEAM_HEADING.is_match(&h.text))
                .collect()
        })
        .unwrap_or_default();
    let mut because = reasons(
        goals_pages.first().copied(),
        retros,
        team_page,
        &team_headings,
    );
    let weak = goals_pages.is_empty() && retros.is_none() && named_by.is_none();
    if let Some(file) = named_by {
        because.push(format!("{file} names it"));
    }
    if because.is_empty() {
        return None;
    }
    // Where the process sections are looked for: the team page, then pages
    // about how the team works.
    let mut process_sources: Vec<&Page> = team_page.into_iter().collect();
    process_sources.extend(process_pages.iter().copied());
    let planning = section(&process_sources, &PLANNING_HEADING, None);
    let execution =
        section(&process_sources, &EXECUTION_HEADING, planning.as_ref()).or_else(|| {
            process_pages.first().map(|page| Found {
                pattern: format!("{{dir}}/{}", file_name(page)),
                heading: None,
            })
        });
    // Headings alone are a weak sign: a page about one process has a
    // "Process" heading. They make a team only with both a planning and an
    // execution section, or among siblings in a `teams/` directory.
    if weak && !in_teams_dir(dir) && (planning.is_none() || execution.is_none()) {
        return None;
    }
    let goals = goals_location(&goals_pages, team_page);
    let goals_hint = goals
        .is_none()
        .then(|| goals_hint(here, team_page))
        .flatten();
    let retro_pattern = retros.map(|folder| Found {
        pattern: format!("{{dir}}/{folder}/*.md"),
        heading: None,
    });
    let pages = [
        ("goals", goals),
        ("iteration-planning", planning),
        ("iteration-execution", execution),
        ("retrospectives", retro_pattern),
    ]
    .into_iter()
    .filter_map(|(kind, found)| found.map(|found| (kind, found)))
    .collect();
    Some(TeamFound {
        name: name.to_string(),
        dir: dir.to_string(),
        because,
        pages,
        retro_dir: retros.map(|folder| format!("{dir}/{folder}")),
        weak,
        goals_hint,
    })
}

/// Whether a directory's parent is a `teams/` folder (or the like).
fn in_teams_dir(dir: &str) -> bool {
    let parent = split(dir).0.rsplit('/').next().unwrap_or("");
    TEAMS_DIRS.contains(&parent.to_ascii_lowercase().as_str())
}

/// What makes a directory a team, in words for its comment.
fn reasons(
    goals_page: Option<&Page>,
    retros: Option<&str>,
    team_page: Option<&Page>,
    team_headings: &[&Heading],
) -> Vec<String> {
    let mut because = Vec::new();
    if let Some(page) = goals_page {
        because.push(format!("a goals page ({})", split(&page.path).1));
    }
    if let Some(folder) = retros {
        because.push(format!("a {folder}/ folder"));
    }
    if let Some(page) = team_page
        && !team_headings.is_empty()
    {
        let names: Vec<&str> = team_headings
            .iter()
            .take(3)
            .map(|h| h.text.as_str())
            .collect();
        because.push(format!(
            "a team page ({}) with {}",
            split(&page.path).1,
            names.join(", ")
        ));
    }
    because
}

static STRATEGY_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:team|our|product)\s+)?(?:strategy|mission|vision|north star|priorities)\b",
    )
    .expect("valid regex")
});

/// Where a team without a goals page may keep its goals: a
/// `strategy.md`, else a Strategy, Mission or Vision heading on its team
/// page. Only a hint: such a page may hold no goals.
fn goals_hint(here: &[&Page], team_page: Option<&Page>) -> Option<String> {
    if let Some(page) = here.iter().find(|p| stem(split(&p.path).1) == "strategy") {
        return Some(format!("{{dir}}/{}", split(&page.path).1));
    }
    section(
        &team_page.into_iter().collect::<Vec<_>>(),
        &STRATEGY_HEADING,
        None,
    )
    .map(|found| found.pattern)
}

/// The goals page: a goals file (not the roadmap, which is a kind of its
/// own), else a Goals/OKRs heading on the team page.
fn goals_location(goals_pages: &[&Page], team_page: Option<&Page>) -> Option<Found> {
    if let Some(page) = goals_pages
        .iter()
        .find(|p| stem(split(&p.path).1) != "roadmap")
    {
        return Some(Found {
            pattern: format!("{{dir}}/{}", split(&page.path).1),
            heading: None,
        });
    }
    section(
        &team_page.into_iter().collect::<Vec<_>>(),
        &GOALS_HEADING,
        None,
    )
}

/// The first heading below the title matching `pattern` on `pages`, as a
/// section location; not the one already taken.
fn section(pages: &[&Page], pattern: &Regex, taken: Option<&Found>) -> Option<Found> {
    for page in pages {
        let file = split(&page.path).1;
        for heading in page.doc.headings.iter().filter(|h| h.level > 1) {
            if !pattern.is_match(&heading.text) || heading.anchor.is_empty() {
                continue;
            }
            let pattern = format!("{{dir}}/{file}#{}", heading.anchor);
            if taken.is_some_and(|t| t.pattern == pattern) {
                continue;
            }
            return Some(Found {
                pattern,
                heading: Some(heading.text.clone()),
            });
        }
    }
    None
}

/// For each kind, the pattern most teams use (ties: the ruleset's default,
/// then the first in order) and how many teams use it; none when fewer
/// than two teams (or than half of those that have the kind) use it.
pub(crate) fn majority(
    teams: &[TeamFound],
    default: impl Fn(&str) -> Option<String>,
) -> BTreeMap<&'static str, (String, usize)> {
    let mut chosen = BTreeMap::new();
    for kind in KINDS {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for team in teams {
            if let Some(found) = team.pages.get(kind) {
                *counts.entry(found.pattern.as_str()).or_default() += 1;
            }
        }
        let fallback = default(kind);
        let best = counts.iter().max_by(|a, b| {
            a.1.cmp(b.1)
                .then_with(|| {
                    (Some(a.0.to_string()) == fallback).cmp(&(Some(b.0.to_string()) == fallback))
                })
                .then_with(|| b.0.cmp(a.0))
        });
        // A location one team of many uses is that team's, not everyone's.
        let having: usize = counts.values().sum();
        if let Some((pattern, count)) = best
            && (*count >= 2 || teams.len() == 1)
            && *count * 2 >= having
        {
            chosen.insert(kind, ((*pattern).to_string(), *count));
        }
    }
    chosen
}
