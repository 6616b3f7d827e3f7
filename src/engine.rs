//! The pipeline: discover → parse → history → model → evaluate.
//!
//! Each stage returns plain data; this module only wires them together and
//! turns stage-level problems into findings so one bad input never stops
//! the others.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::anyhow;
use git2::Repository;
use globset::Glob;
use rayon::prelude::*;

use crate::base::calendar::LOOKBACK_ITERATIONS;
use crate::base::finding::{Finding, Sources};
use crate::base::framed;
use crate::base::time::{UnixTime, day_of};
use crate::config::ruleset::{self, GOALS, RETROSPECTIVES, Ruleset};
use crate::config::{self, CONFIG_FILE, Config, PageLocation, Team};
use crate::discover::pagecache;
use crate::discover::{self, SourceFile, is_under, relative};
use crate::history::cache;
use crate::history::{self, Answer, HistoryInfo, Query, Settings};
use crate::model::outcome::{Outcome, Timings};
use crate::model::{
    Freshness, Handbook, Page, Retro, SectionSlot, Slot, TeamModel, action_items, retro_date,
};
use crate::parse;
use crate::report::progress::WalkProgress;

#[derive(Debug, Clone)]
pub struct Options {
    /// A directory inside the repository to check.
    pub repo: PathBuf,
    /// A config file other than `handbook-lint.yaml` at the root.
    pub config: Option<PathBuf>,
    pub now: UnixTime,
    /// Neither read nor write the caches under `.git/handbook-lint/`.
    pub no_cache: bool,
    /// A shallow clone is a warning, not an error (HB004).
    pub allow_shallow: bool,
    /// Show a progress bar on stderr when the history walk is slow.
    pub progress: bool,
    /// Check what is staged: pages come from the index, a staged change
    /// counts as made now, and the outcome names the staged paths.
    pub staged: bool,
    /// Run the rules. `pages` lists the model and its freshness and reports
    /// no findings beyond the inputs', so it leaves them out.
    pub evaluate: bool,
}

impl Options {
    /// Options for a repository at a time, with the cache on and no
    /// progress bar: what tests and the demo want.
    pub fn new(repo: impl Into<PathBuf>, now: UnixTime) -> Options {
        Options {
            repo: repo.into(),
            config: None,
            now,
            no_cache: false,
            allow_shallow: false,
            progress: false,
            staged: false,
            evaluate: true,
        }
    }
}

/// The ignore-revs file in force: the config's, else git's own
/// `blame.ignoreRevsFile`, else `.git-blame-ignore-revs` when present. Bad
/// lines are HB001 findings at their line; good ones still count.
fn load_ignore_revs(
    repo: &Repository,
    root: &Path,
    config: &Config,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
) -> HashSet<gix::ObjectId> {
    let configured = config.ignore_revs_file.clone().or_else(|| {
        repo.config()
            .ok()
            .and_then(|c| c.get_string("blame.ignoreRevsFile").ok())
    });
    let explicit = configured.is_some();
    let name = configured.unwrap_or_else(|| ".git-blame-ignore-revs".to_string());
    let path = root.join(&name);
    if !path.is_file() {
        if explicit {
            let mut finding = Finding::new(
                &crate::base::codes::CONFIG_INVALID,
                format!("the ignore-revs file `{name}` does not exist"),
            );
            if let (Some(config_path), Some(text)) = (&config.path, &config.text) {
                let span = text.find(&name).map(|i| i..i + name.len());
                finding = finding.at(config_path.clone(), span);
            }
            findings.push(finding);
        }
        return HashSet::new();
    }
    let display = relative(root, &path).unwrap_or(name);
    let text = match discover::read_page(root, &path, &display) {
        Ok(text) => text,
        Err(error) => {
            findings.push(error.finding(&display));
            return HashSet::new();
        }
    };
    sources.insert(display.clone(), text.clone());
    let mut revs = HashSet::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.split('#').next().unwrap_or("").trim();
        if !content.is_empty() {
            let start = offset + line.find(content).unwrap_or(0);
            match gix::ObjectId::from_hex(content.as_bytes()) {
                Ok(oid) => {
                    revs.insert(oid);
                }
                _ => findings.push(
                    Finding::new(
                        &crate::base::codes::CONFIG_INVALID,
                        format!("`{content}` is not a full commit id; git's ignore-revs format lists one per line"),
                    )
                    .at(display.clone(), Some(start..start + content.len()))
                    .help("write the full 40-character id: `git rev-parse <commit>`"),
                ),
            }
        }
        offset += line.len();
    }
    revs
}

/// Opens the repository containing `dir`; a bare repository or a directory
/// outside any repository is an error the user must fix before anything
/// can be checked.
pub fn open_repository(dir: &Path) -> anyhow::Result<(Repository, PathBuf)> {
    let repo = Repository::discover(dir).map_err(|error| {
        anyhow!(
            "`{}` is not inside a git repository ({}); handbook-lint learns page freshness from git history",
            dir.display(),
            error.message()
        )
    })?;
    let root = repo
        .workdir()
        .ok_or_else(|| {
            anyhow!(
                "`{}` is a bare repository: handbook-lint needs a working tree",
                repo.path().display()
            )
        })?
        .to_path_buf();
    Ok((repo, root))
}

/// Loads the ruleset named by the config: the built-in one or a file in
/// the repository. Problems become HB001 findings on the ruleset file.
fn load_ruleset(
    name: &str,
    root: &Path,
    cache_dir: Option<&Path>,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
    config_path: Option<&str>,
) -> Option<Ruleset> {
    let name = name.trim();
    let (display, text): (String, Arc<str>) = if name == ruleset::BUILTIN_NAME {
        (
            ruleset::BUILTIN_PATH.to_string(),
            Arc::from(ruleset::BUILTIN_TEXT),
        )
    } else if name.starts_with("builtin:") {
        let mut finding = Finding::new(
            &crate::base::codes::CONFIG_INVALID,
            format!("unknown built-in ruleset `{name}`"),
        )
        .help(format!(
            "the built-in ruleset is `{}`",
            ruleset::BUILTIN_NAME
        ));
        if let Some(path) = config_path {
            let span = sources
                .get(path)
                .and_then(|text| text.find(name).map(|i| i..i + name.len()));
            finding = finding.at(path, span);
        }
        findings.push(finding);
        return None;
    } else {
        let path = root.join(name);
        match discover::read_page(root, &path, name) {
            Ok(text) => (config::normalize_path(name), text),
            Err(error) => {
                findings.push(error.finding(name));
                return None;
            }
        }
    };
    sources.insert(display.clone(), text.clone());
    // Parsing the YAML costs more than the rest of a warm run together.
    match framed::memo(cache_dir, "ruleset.bin", &text, || Ruleset::parse(&text)) {
        Ok(ruleset) => Some(ruleset),
        Err(errors) => {
            for error in errors {
                findings.push(
                    Finding::new(
                        &crate::base::codes::CONFIG_INVALID,
                        format!("ruleset: {}", error.message),
                    )
                    .at(display.clone(), Some(error.span)),
                );
            }
            None
        }
    }
}

/// Paths the commit being made adds or changes: the index against HEAD.
fn staged_paths(repo: &Repository) -> anyhow::Result<BTreeSet<String>> {
    let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let index = repo.index()?;
    let diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), None)?;
    Ok(diff
        .deltas()
        .filter(|d| d.status() != git2::Delta::Deleted)
        .filter_map(|d| {
            d.new_file()
                .path()
                .and_then(Path::to_str)
                .map(str::to_string)
        })
        .collect())
}

/// A staged page counts as changed now; a staged section only when its own
/// text differs from HEAD's.
fn mark_staged(
    repo: &Repository,
    staged: &BTreeSet<String>,
    pages: &mut [Page],
    teams: &mut [TeamModel],
) {
    let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let head_text = |path: &str| -> Option<String> {
        let entry = head_tree.as_ref()?.get_path(Path::new(path)).ok()?;
        let blob = repo.find_blob(entry.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    };
    for page in pages.iter_mut() {
        page.freshness.staged = staged.contains(&page.path);
    }
    for team in teams {
        for slot in team.slots.values_mut() {
            if let Slot::Found {
                page,
                section: Some(section),
            } = slot
            {
                let page = &pages[*page];
                if page.freshness.staged {
                    let before = head_text(&page.path);
                    let before = before
                        .as_deref()
                        .and_then(|text| parse::section_text(text, &section.anchor));
                    section.freshness.staged =
                        before != parse::section_text(&page.text, &section.anchor);
                }
            }
        }
    }
}

/// Finds teams by convention when the config names none: every directory
/// holding a `goals.md` or a `retros/` directory of pages is a team, named
/// after the directory.
fn conventional_teams(paths: &[&str], handbook: &str) -> Vec<Team> {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for path in paths {
        let Some((dir, name)) = path.rsplit_once('/').or(Some(("", path))) else {
            continue;
        };
        if name == "goals.md" {
            dirs.insert(dir.to_string());
        } else if let Some(team_dir) = dir
            .strip_suffix("/retros")
            .or((dir == "retros").then_some(""))
        {
            dirs.insert(team_dir.to_string());
        }
    }
    dirs.into_iter()
        .filter(|dir| handbook.is_empty() || dir.starts_with(handbook))
        .map(|dir| Team {
            name: dir.rsplit('/').next().unwrap_or(&dir).to_string(),
            dir,
            roles: BTreeMap::new(),
            named_roles: Vec::new(),
            since: None,
            pages: BTreeMap::new(),
            span: None,
        })
        .collect()
}

/// The part of a glob before its first wildcard.
fn literal_prefix(pattern: &str) -> &str {
    pattern
        .find(['*', '?', '[', '{'])
        .map_or(pattern, |i| &pattern[..i])
}

/// The pages (sorted by path) a location glob matches. Only pages under the
/// glob's literal prefix can match, and they are found by binary search; the
/// rest of the glob is matched against the rest of the path, and compiled
/// once for every team that shares it (`{dir}/retros/*.md`).
fn matching_pages(
    paths: &[&str],
    pattern: &str,
    matchers: &mut HashMap<String, Option<globset::GlobMatcher>>,
) -> Vec<usize> {
    let literal = literal_prefix(pattern);
    // An escape in the prefix would change meaning if the glob were split.
    let (literal, tail) = if literal.contains('\\') {
        ("", pattern)
    } else {
        (literal, &pattern[literal.len()..])
    };
    let matcher = matchers
        .entry(tail.to_string())
        .or_insert_with(|| Glob::new(tail).ok().map(|glob| glob.compile_matcher()));
    let Some(matcher) = matcher else {
        return Vec::new();
    };
    let from = paths.partition_point(|path| *path < literal);
    paths[from..]
        .iter()
        .take_while(|path| path.starts_with(literal))
        .enumerate()
        .filter(|(_, path)| matcher.is_match(&path[literal.len()..]))
        .map(|(offset, _)| from + offset)
        .collect()
}

/// The pages (by index into `paths`, sorted) a page location names: the
/// file, or every file its glob matches.
fn located(
    paths: &[&str],
    location: &PageLocation,
    matchers: &mut HashMap<String, Option<globset::GlobMatcher>>,
) -> Vec<usize> {
    if location.is_glob() {
        matching_pages(paths, &location.pattern, matchers)
    } else {
        paths
            .binary_search(&location.pattern.as_str())
            .into_iter()
            .collect()
    }
}

/// What history is asked: a query for every listed page, and for every
/// configured section of one, worked out from the config and the list of
/// files alone, so the walk starts before any page is read. It may ask a
/// little more than the pages turn out to need (the creation of every
/// retrospective, a section a page turns out not to have); what is not
/// needed is not used.
fn plan_queries(
    paths: &[&str],
    teams: &[Team],
    config: &Config,
    ruleset: &Ruleset,
    horizon: UnixTime,
) -> Vec<Query> {
    let carry_into = &ruleset.action_items.carry_into;
    let collects = |kind: &str| carry_into.iter().any(|k| k == kind) || kind == GOALS;
    let mut matchers = HashMap::new();
    // As the model decides a page's kind: the first slot it fills, unless
    // a team counts it among its retrospectives.
    let mut kinds: Vec<Option<&str>> = vec![None; paths.len()];
    let mut retro = vec![false; paths.len()];
    let mut sections: BTreeMap<(usize, &str), bool> = BTreeMap::new();
    let locations: Vec<(&str, PageLocation)> = teams
        .iter()
        .flat_map(|team| {
            ruleset.pages.keys().filter_map(|kind| {
                config
                    .page_location(team, kind, ruleset)
                    .map(|location| (kind.as_str(), location))
            })
        })
        .collect();
    for (kind, location) in &locations {
        let matches = located(paths, location, &mut matchers);
        if *kind == RETROSPECTIVES {
            for index in matches {
                retro[index] = true;
            }
            continue;
        }
        if let Some(&page) = matches.first() {
            kinds[page].get_or_insert(kind);
            if let Some(anchor) = &location.anchor {
                *sections.entry((page, anchor)).or_default() |=
                    carry_into.iter().any(|k| k == kind);
            }
        }
    }
    let mut queries: Vec<Query> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| Query {
            path: (*path).to_string(),
            anchor: None,
            want_created: retro[index],
            collect_since: kinds[index]
                .filter(|kind| !retro[index] && collects(kind))
                .map(|_| horizon),
        })
        .collect();
    queries.extend(sections.into_iter().map(|((page, anchor), collect)| Query {
        path: paths[page].to_string(),
        anchor: Some(anchor.to_string()),
        want_created: false,
        collect_since: collect.then_some(horizon),
    }));
    queries
}

fn parse_problem_finding(path: &str, problem: parse::ParseProblem) -> Finding {
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

/// The history walk's answers and the queries they answer.
type Walked = ((Vec<history::Resolved>, HistoryInfo), Vec<Query>);

/// Where the history walk stands while the pages are read.
enum History {
    Walking(std::thread::JoinHandle<Walked>),
    Answered(Walked),
    NoCommits(Vec<Query>),
}

/// Where the pages come from: the working tree (through the page cache) or,
/// for `--staged`, the index.
enum PageSource {
    Tree(pagecache::Listing),
    Index(discover::Discovered),
}

impl PageSource {
    fn paths(&self) -> Vec<&str> {
        match self {
            PageSource::Tree(listing) => listing.paths().collect(),
            PageSource::Index(discovered) => {
                discovered.files.iter().map(|f| f.path.as_str()).collect()
            }
        }
    }
}

/// The repository's CODEOWNERS file, from the first place git hosts look.
fn read_codeowners(
    root: &Path,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
) -> Option<crate::config::codeowners::CodeOwners> {
    crate::config::codeowners::LOCATIONS
        .iter()
        .find_map(|location| {
            let path = root.join(location);
            path.is_file()
                .then(|| match discover::read_page(root, &path, location) {
                    Ok(text) => {
                        sources.insert((*location).to_string(), text.clone());
                        Some(crate::config::codeowners::parse(
                            root, location, text, findings,
                        ))
                    }
                    Err(error) => {
                        findings.push(error.finding(location));
                        None
                    }
                })?
        })
}

/// Runs the pipeline up to the model, then every rule.
pub fn run(options: &Options) -> anyhow::Result<Outcome> {
    let (repo, root) = open_repository(&options.repo)?;
    let cache_dir = (!options.no_cache).then(|| framed::directory(repo.path()));
    // The commit HEAD names, without reading it: a warm run needs no object.
    let head = repo
        .head()
        .ok()
        .and_then(|head| head.resolve().ok())
        .and_then(|head| head.target())
        .and_then(|id| gix::ObjectId::try_from(id.as_bytes()).ok());
    // Unless the cache describes HEAD (then no history is read at all),
    // history is read from now on, beside reading the pages.
    let freshness = cache_dir.as_deref().map(cache::load);
    let cached_head = freshness
        .as_ref()
        .and_then(cache::Stored::head)
        .and_then(|id| gix::ObjectId::from_hex(id.as_bytes()).ok());
    let prefetch = head
        .filter(|&head| Some(head) != cached_head)
        .map(|head| history::Prefetch::start(repo.path(), head, cached_head));
    let mut findings = Vec::new();
    let mut sources = Sources::default();
    let mut notes = Vec::new();

    // Config and ruleset.
    let config_file = match &options.config {
        Some(path) => Some(if path.is_absolute() {
            path.clone()
        } else {
            std::env::current_dir().unwrap_or_default().join(path)
        }),
        None => Some(root.join(CONFIG_FILE)).filter(|p| p.is_file()),
    };
    let (config, ruleset) = if let Some(path) = config_file {
        let display = relative(&root, &path).unwrap_or_else(|| path.display().to_string());
        let text = match discover::read_page(&root, &path, &display) {
            Ok(text) => text,
            Err(_) if options.config.is_some() && !path.exists() => {
                return Err(anyhow!("config file `{}` does not exist", path.display()));
            }
            Err(error) => {
                findings.push(error.finding(&display));
                return Ok(fatal(findings, sources, root));
            }
        };
        sources.insert(display.clone(), text.clone());
        // The YAML is read once: the ruleset it names decides what the rest
        // of it may say.
        let parsed = match config::parse(&display, &text) {
            Ok(parsed) => parsed,
            Err(finding) => {
                findings.push(*finding);
                return Ok(fatal(findings, sources, root));
            }
        };
        let name = parsed
            .ruleset()
            .unwrap_or(ruleset::BUILTIN_NAME)
            .to_string();
        let Some(ruleset) = load_ruleset(
            &name,
            &root,
            cache_dir.as_deref(),
            &mut sources,
            &mut findings,
            Some(&display),
        ) else {
            // Still report what is wrong with the config itself.
            findings.extend(config::check(&display, &text, parsed, None).findings);
            return Ok(fatal(findings, sources, root));
        };
        let kinds: Vec<String> = ruleset.pages.keys().cloned().collect();
        let loaded = config::check(&display, &text, parsed, Some(&kinds));
        findings.extend(loaded.findings);
        match loaded.config {
            Some(config) => (config, ruleset),
            None => return Ok(fatal(findings, sources, root)),
        }
    } else {
        notes.push(format!(
            "no {CONFIG_FILE} found: using the built-in ruleset and finding teams by convention (directories with a goals.md or a retros/ folder); the README's \"Configuration\" section shows one to start from"
        ));
        let Some(ruleset) = load_ruleset(
            ruleset::BUILTIN_NAME,
            &root,
            cache_dir.as_deref(),
            &mut sources,
            &mut findings,
            None,
        ) else {
            return Ok(fatal(findings, sources, root));
        };
        (Config::default_config(), ruleset)
    };

    // The handbook's files, then what history is asked of them: the walk
    // starts now, on a thread of its own, while the pages are read.
    let mut timings = Timings::default();
    let walk = pagecache::Walk {
        root: &root,
        handbook: &config.handbook,
        ignore: &config.ignore,
        ignore_patterns: &config.ignore_patterns,
        git_common_dir: repo.commondir(),
        // History is read beside the pages: one core each.
        parallel: prefetch.is_none(),
    };
    let source = if options.staged {
        PageSource::Index(discover::from_index(
            &repo,
            &config.handbook,
            &config.ignore,
        )?)
    } else {
        PageSource::Tree(pagecache::list(&walk, cache_dir.as_deref()))
    };
    let listed: Vec<&str> = source.paths();
    let planned_teams = if config.teams.is_empty() {
        conventional_teams(&listed, &config.handbook)
    } else {
        config.teams.clone()
    };
    let horizon =
        options.now - i64::from(config.calendar.length_days) * 86_400 * (LOOKBACK_ITERATIONS + 3);
    let queries = plan_queries(&listed, &planned_teams, &config, &ruleset, horizon);
    drop(listed);
    let settings = Settings {
        ignore_revs: load_ignore_revs(&repo, &root, &config, &mut sources, &mut findings),
        max_files_per_commit: config.max_files_per_commit,
        handbook: config.handbook.clone(),
    };
    let read_ahead = prefetch.is_some();
    let history = if let Some(head) = head {
        let repo = history::Repo {
            git_dir: repo.path().to_path_buf(),
            head: Some(head),
            shallow: repo.is_shallow(),
        };
        let show_progress = options.progress;
        let walk_history = move || {
            let mut progress = WalkProgress::new(show_progress);
            let walked =
                history::resolve(&repo, prefetch, &queries, &settings, freshness, &mut |n| {
                    progress.tick(n);
                });
            progress.finish();
            (walked, queries)
        };
        // History being read, the walk runs beside the pages; a cache that
        // describes HEAD answers at once, here.
        if read_ahead {
            History::Walking(std::thread::spawn(walk_history))
        } else {
            History::Answered(walk_history())
        }
    } else {
        History::NoCommits(queries)
    };
    timings.mark("list");

    let loaded = match source {
        PageSource::Index(discovered) => {
            let parse_one = |file: SourceFile| {
                let (doc, problems) = parse::parse(&file.text);
                pagecache::LoadedPage {
                    file,
                    doc,
                    problems,
                }
            };
            pagecache::Loaded {
                pages: discovered.files.into_par_iter().map(parse_one).collect(),
                findings: discovered.findings,
                status: "read from the index".to_string(),
            }
        }
        // `pages` reports no findings: it never shows a page's text.
        PageSource::Tree(listing) => listing.read(&walk, cache_dir.as_deref(), options.evaluate),
    };
    let staged = options.staged.then(|| staged_paths(&repo)).transpose()?;
    timings.mark("pages");
    let pages_status = loaded.status;
    findings.extend(loaded.findings);
    let mut config = config;
    if config.teams.is_empty() {
        // Found again from the pages read, not the files listed: a goals.md
        // that cannot be read makes no team (the plan may have asked about
        // one more; that answer goes unused).
        let paths: Vec<&str> = loaded.pages.iter().map(|p| p.file.path.as_str()).collect();
        config.teams = conventional_teams(&paths, &config.handbook);
        config.conventional = true;
        if config.teams.is_empty() {
            notes.push(format!(
                "no teams found: add a `teams:` entry to {CONFIG_FILE}, e.g.\n  teams:\n    search: {{ dir: handbook/search, pm: alice, em: bob }}"
            ));
        }
    }
    let mut pages: Vec<Page> = Vec::with_capacity(loaded.pages.len());
    for pagecache::LoadedPage {
        file,
        doc,
        problems,
    } in loaded.pages
    {
        for problem in problems {
            findings.push(parse_problem_finding(&file.path, problem));
        }
        if options.evaluate {
            // What a finding's snippet is cut from.
            sources.insert(file.path.clone(), file.text.clone());
        }
        pages.push(Page {
            path: file.path,
            text: file.text,
            freshness: Freshness {
                history: Answer::NotCommitted,
                ignored: None,
                staged: false,
                reviewed: doc.front.reviewed.as_ref().map(|r| r.value),
                now: options.now,
            },
            doc,
            created: None,
            kind: None,
            team: None,
        });
    }
    // Sorted: the listing is.
    let page_paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();

    timings.mark("parse");
    // Team pages.
    let mut teams: Vec<TeamModel> = Vec::new();
    let mut matchers = HashMap::new();
    for team in &config.teams {
        let mut slots = BTreeMap::new();
        let mut retro_pages = Vec::new();
        for kind in ruleset.pages.keys() {
            let Some(location) = config.page_location(team, kind, &ruleset) else {
                continue;
            };
            let matches = located(&page_paths, &location, &mut matchers);
            if kind == RETROSPECTIVES {
                retro_pages = matches;
                continue;
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
            retros: retro_pages
                .into_iter()
                .map(|page| Retro {
                    page,
                    date: day_of(options.now),
                    date_source: crate::model::RetroDateSource::WorkingTree,
                    iteration: None,
                    items: Vec::new(),
                })
                .collect(),
        });
    }
    drop(page_paths);
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
    }
    for page in &mut pages {
        if page.team.is_none() {
            page.team = teams
                .iter()
                .enumerate()
                .filter(|(_, t)| is_under(&page.path, &t.dir))
                .max_by_key(|(_, t)| t.dir.len())
                .map(|(i, _)| i);
        }
    }

    if let Some(staged) = &staged {
        mark_staged(&repo, staged, &mut pages, &mut teams);
    }
    timings.mark("model");

    // History: the walk's answers, for the pages and sections in the model.
    let ((answers, info), queries) = match history {
        History::Walking(thread) => thread
            .join()
            .map_err(|_| anyhow!("the history walk stopped unexpectedly"))?,
        History::Answered(answered) => answered,
        History::NoCommits(queries) => {
            // A first commit being made (--staged) is the history: nothing
            // is missing from it.
            if !options.staged {
                findings.push(
                    Finding::new(
                        &crate::base::codes::HISTORY_UNAVAILABLE,
                        "the repository has no commits yet, so no page's age can be known",
                    )
                    .help("commit the handbook, then run handbook-lint again"),
                );
            }
            let reason = "the repository has no commits".to_string();
            let answers = queries
                .iter()
                .map(|_| {
                    history::Resolved::new(Answer::Unreadable {
                        reason: reason.clone(),
                    })
                })
                .collect();
            ((answers, HistoryInfo::default()), queries)
        }
    };
    let has_commits = head.is_some();
    // The plan asks about pages, then sections, each sorted by path (and
    // anchor): an answer is found by binary search.
    let answer_of = |path: &str, anchor: Option<&str>| -> Option<&history::Resolved> {
        let key = (anchor.is_some(), path, anchor);
        queries
            .binary_search_by(|q| {
                (q.anchor.is_some(), q.path.as_str(), q.anchor.as_deref()).cmp(&key)
            })
            .ok()
            .and_then(|index| answers.get(index))
    };
    let mut shallow_pages = Vec::new();
    let mut unreadable = Vec::new();
    let mut note = |path: &str, resolved: &history::Resolved| match &resolved.answer {
        Answer::Shallow { .. } => shallow_pages.push(path.to_string()),
        Answer::Unreadable { reason } if has_commits => {
            unreadable.push((path.to_string(), reason.clone()));
        }
        _ => {}
    };
    for page in &mut pages {
        if let Some(resolved) = answer_of(&page.path, None) {
            note(&page.path, resolved);
            page.freshness.history = resolved.answer.clone();
            page.freshness.ignored.clone_from(&resolved.ignored);
            page.created.clone_from(&resolved.created);
        }
    }
    for team in &mut teams {
        for slot in team.slots.values_mut() {
            if let Slot::Found {
                page,
                section: Some(section),
            } = slot
            {
                let path = pages[*page].path.as_str();
                if let Some(resolved) = answer_of(path, Some(section.anchor.as_str())) {
                    note(path, resolved);
                    section.freshness.history = resolved.answer.clone();
                    section.freshness.ignored.clone_from(&resolved.ignored);
                }
            }
        }
    }
    shallow_pages.sort();
    shallow_pages.dedup();
    if !shallow_pages.is_empty() {
        findings.push(
            Finding::new(
                &crate::base::codes::HISTORY_UNAVAILABLE,
                format!(
                    "this is a shallow clone: the history of {} page{} reaches the cut-off, so their age is unknown (first: {})",
                    shallow_pages.len(),
                    if shallow_pages.len() == 1 { "" } else { "s" },
                    shallow_pages[0]
                ),
            )
            .help("fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout; `--allow-shallow` makes this a warning"),
        );
        if options.allow_shallow
            && let Some(finding) = findings.last_mut()
        {
            finding.severity = crate::base::finding::Severity::Warning;
        }
    }
    unreadable.sort();
    unreadable.dedup();
    for (path, reason) in unreadable {
        findings.push(
            Finding::new(
                &crate::base::codes::HISTORY_UNAVAILABLE,
                format!("the history of `{path}` could not be read: {reason}"),
            )
            .at(path, None),
        );
    }

    timings.mark("history");
    // Retrospectives and their action items.
    let today = day_of(options.now);
    for team in &mut teams {
        for retro in &mut team.retros {
            let page = &pages[retro.page];
            let (date, source) = retro_date(page, today);
            retro.date = date;
            retro.date_source = source;
            retro.iteration = page.doc.front.iteration.as_ref().map(|i| i.value);
            if options.evaluate {
                retro.items = action_items(&page.text, &page.doc, &ruleset.action_items.heading);
            }
        }
        team.retros.sort_by_key(|r| r.date);
    }

    // Only the rules read CODEOWNERS.
    let codeowners = if options.evaluate {
        read_codeowners(&root, &mut sources, &mut findings)
    } else {
        None
    };
    let model = Handbook {
        codeowners,
        now: options.now,
        today,
        config,
        ruleset,
        pages,
        teams,
    };
    if options.evaluate {
        for rule in crate::rules::registry::RULES {
            if let Some(check) = rule.check {
                check(&model, &mut findings);
            }
        }
        let page_texts: Vec<(String, Arc<str>)> = model
            .pages
            .iter()
            .map(|p| (p.path.clone(), p.text.clone()))
            .collect();
        crate::rules::suppress::apply(&mut findings, &page_texts);
    }
    for finding in &mut findings {
        finding.severity =
            model
                .config
                .severity_for(finding.rule.code, finding.path(), finding.severity);
    }
    findings.sort_by_key(Finding::sort_key);
    timings.mark("rules");
    Ok(Outcome {
        timings,
        staged,
        model: Some(model),
        findings,
        sources,
        history: info,
        root,
        notes,
        pages_status,
    })
}

fn fatal(mut findings: Vec<Finding>, sources: Sources, root: PathBuf) -> Outcome {
    findings.sort_by_key(Finding::sort_key);
    Outcome {
        timings: Timings::default(),
        staged: None,
        model: None,
        findings,
        sources,
        history: HistoryInfo::default(),
        root,
        notes: Vec::new(),
        pages_status: String::new(),
    }
}

/// Keeps the findings that concern `paths` (repository-relative): findings
/// in files under them, and team findings for teams whose directory is
/// under them. Findings on the config and ruleset are always kept.
pub fn filter_to_paths(outcome: &mut Outcome, paths: &[String]) {
    if paths.is_empty() {
        return;
    }
    let under = |candidate: &str| {
        paths
            .iter()
            .any(|p| candidate == p || is_under(candidate, p))
    };
    let config_path = outcome
        .model
        .as_ref()
        .and_then(|m| m.config.path.clone())
        .unwrap_or_default();
    let team_dirs: HashMap<String, String> = outcome
        .model
        .as_ref()
        .map(|m| {
            m.teams
                .iter()
                .map(|t| (t.name.clone(), t.dir.clone()))
                .collect()
        })
        .unwrap_or_default();
    outcome.findings.retain(|finding| {
        if let Some(team) = &finding.team
            && let Some(dir) = team_dirs.get(team)
            && under(dir)
        {
            return true;
        }
        match finding.path() {
            None => true,
            Some(path) if path == config_path || path == ruleset::BUILTIN_PATH => true,
            Some(path) => under(path),
        }
    });
}
