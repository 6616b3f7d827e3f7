//! The pipeline, stage by stage: open the repository and its caches, load
//! the config and ruleset, list the pages (and start the history walk on
//! them), read and parse the pages, build the model, take the history
//! answers, run the rules. [`run`] is that list; each stage is a function
//! below it.
//!
//! Each stage returns plain data; this module only wires them together and
//! turns stage-level problems into findings so one bad input never stops
//! the others.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::anyhow;
use rayon::prelude::*;

use crate::base::calendar::LOOKBACK_ITERATIONS;
use crate::base::codes;
use crate::base::finding::{Finding, Severity, Sources};
use crate::base::framed;
use crate::base::fsread::{self, Confinement, NotRead};
use crate::base::paths::{is_under, relative};
use crate::base::time::{UnixTime, day_of};
use crate::config::codeowners::{self, CodeOwners};
use crate::config::convention::conventional_teams;
use crate::config::ruleset::{self, Ruleset};
use crate::config::{self, CONFIG_FILE, Config, PageSetting};
use crate::discover::pagecache::{self, Loaded, LoadedPage};
use crate::discover::{self, SourceFile};
use crate::git::objects;
use crate::git::repo::{Oid, Repo};
use crate::history::cache;
use crate::history::compare::OfferedDigests;
use crate::history::plan::plan_queries;
use crate::history::{self, Answer, HistoryInfo, Query, Resolved, Settings};
use crate::model::Handbook;
use crate::model::build::{self, HistoryGaps};
use crate::model::outcome::{Outcome, Timings};
use crate::parse;
use crate::report::progress::WalkProgress;
use crate::rules::{registry, suppress};

#[derive(Debug, Clone)]
pub(crate) struct Options {
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
    /// What a `report` covers: every page and section is asked for every
    /// substantive change over its window, in the same walk.
    pub window: Option<crate::report::health::build::Span>,
}

impl Options {
    /// Options for a repository at a time, with the cache on and no
    /// progress bar: what tests and the demo want.
    pub(crate) fn new(repo: impl Into<PathBuf>, now: UnixTime) -> Options {
        Options {
            repo: repo.into(),
            config: None,
            now,
            no_cache: false,
            allow_shallow: false,
            progress: false,
            staged: false,
            evaluate: true,
            window: None,
        }
    }
}

/// Runs the pipeline up to the model, then every rule.
pub(crate) fn run(options: &Options) -> anyhow::Result<Outcome> {
    let start = open(options)?;
    let mut inputs = Inputs::new(start.repo.root().to_path_buf());
    let Some((config, ruleset)) = load_config(options, &start, &mut inputs)? else {
        return Ok(inputs.fatal());
    };
    let mut timings = Timings::default();
    let source = list_pages(options, &start, &config)?;
    let (repo, cache_dir, history, offered, body_paths) =
        start_history(options, start, &config, &ruleset, &source, &mut inputs);
    timings.mark("list");

    let loaded = read_pages(
        source,
        options,
        &repo,
        &config,
        cache_dir.as_deref(),
        offered.as_ref(),
        body_paths.as_ref(),
    );
    let staged = options.staged.then(|| repo.staged_paths()).transpose()?;
    timings.mark("pages");
    let pages_status = loaded.status;
    inputs.findings.extend(loaded.findings);
    let config = teams_by_convention(config, &loaded.pages, &mut inputs.notes);
    note_submodules(&config, repo.root(), &mut inputs.notes);
    let mut pages = build::pages(
        loaded.pages,
        options.now,
        options.evaluate,
        &mut inputs.sources,
        &mut inputs.findings,
    );
    timings.mark("parse");

    let today = day_of(options.now);
    let mut teams = build::teams(&config, &ruleset, &mut pages, today);
    model_notes(&config, &ruleset, &teams, today, &mut inputs.notes);
    build::retro_date_problems(&teams, &pages, &mut inputs.findings);
    if let Some(staged) = &staged {
        let head_files = repo.head_files();
        build::mark_staged(staged, |path| head_files.read(path), &mut pages, &mut teams);
    }
    timings.mark("model");

    // Before the first commit history has nothing to read, not something
    // it could not read.
    let has_commits = !matches!(history, History::NoCommits(_));
    let (walked, writing_cache) = finish_history(history, options, &mut inputs.findings)?;
    let Walked {
        answers,
        info,
        queries,
    } = walked;
    let gaps = build::attach_history(&mut pages, &mut teams, &queries, &answers, has_commits);
    report_history_gaps(gaps, options.allow_shallow, &mut inputs.findings);
    let pages_at = |commit: &str| repo.pages_at(commit, &config.handbook, &config.page_extensions);
    history_notes(
        &info,
        &pages,
        &config,
        options.now,
        pages_at,
        &mut inputs.notes,
    );
    timings.mark("history");

    build::retros(&mut teams, &pages, &ruleset, today, options.evaluate);
    // Only the rules read CODEOWNERS.
    let codeowners = if options.evaluate {
        read_codeowners(
            repo.confinement(),
            &mut inputs.sources,
            &mut inputs.findings,
        )
    } else {
        None
    };
    let misnamed = misnamed_pages(&repo, &config, &teams);
    let model = Handbook {
        misnamed,
        codeowners,
        now: options.now,
        today,
        config,
        ruleset,
        pages,
        teams,
    };
    run_rules(&model, options.evaluate, &mut inputs);
    timings.mark("rules");
    // The freshness cache written before the run ends, so the next run
    // finds it (the walk's thread ending otherwise is not an error: the
    // answers were handed over).
    if let Some(writing) = writing_cache {
        let _ = writing.join();
    }
    Ok(Outcome {
        timings,
        staged,
        model: Some(model),
        findings: inputs.findings,
        sources: inputs.sources,
        history: info,
        root: inputs.root,
        notes: inputs.notes,
        pages_status,
    })
}

/// Missing pages that exist under an extension `page-extensions` lacks
/// (`goals.html.md.erb`): the missing-page findings name them.
fn misnamed_pages(
    repo: &Repo,
    config: &Config,
    teams: &[crate::model::TeamModel],
) -> std::collections::BTreeMap<String, String> {
    let mut misnamed = std::collections::BTreeMap::new();
    for team in teams {
        for slot in team.slots.values() {
            if let crate::model::Slot::Missing {
                location,
                page: None,
            } = slot
                && !location.is_glob()
                && !misnamed.contains_key(&location.pattern)
                && let Some(file) = discover::same_stem(
                    repo.confinement(),
                    &location.pattern,
                    &config.page_extensions,
                )
            {
                misnamed.insert(location.pattern.clone(), file);
            }
        }
    }
    misnamed
}

/// What the stages add to as they go: findings, the texts they point into,
/// and notes for the user.
struct Inputs {
    root: PathBuf,
    findings: Vec<Finding>,
    sources: Sources,
    notes: Vec<String>,
    /// `handbook:` names a directory that does not exist: its one finding
    /// says so, and no rule runs (every page would be "does not exist").
    handbook_missing: bool,
}

impl Inputs {
    fn new(root: PathBuf) -> Inputs {
        Inputs {
            root,
            findings: Vec::new(),
            sources: Sources::default(),
            notes: Vec::new(),
            handbook_missing: false,
        }
    }

    /// The outcome of a run that could not build a model: its findings
    /// only (exit code 2).
    fn fatal(mut self) -> Outcome {
        self.findings.sort_by(Finding::report_order);
        Outcome {
            timings: Timings::default(),
            staged: None,
            model: None,
            findings: self.findings,
            sources: self.sources,
            history: HistoryInfo::default(),
            root: self.root,
            notes: Vec::new(),
            pages_status: String::new(),
        }
    }
}

/// The repository, its caches, and the history read-ahead started from
/// them.
struct Start {
    repo: Repo,
    cache_dir: Option<PathBuf>,
    /// The commit HEAD names, without reading it: a warm run needs no
    /// object.
    head: Option<Oid>,
    freshness: Option<cache::Stored>,
    /// Unless the cache describes HEAD (then no history is read at all),
    /// history is read from now on, beside reading the pages.
    prefetch: Option<history::Prefetch>,
}

/// Stage 1: the repository and its caches; history starts being read.
fn open(options: &Options) -> anyhow::Result<Start> {
    let repo = if options.staged {
        Repo::for_hook(&options.repo)?
    } else {
        Repo::discover(&options.repo)?
    };
    let cache_dir = (!options.no_cache).then(|| framed::directory(repo.git_dir()));
    let head = repo.head();
    let freshness = cache_dir.as_deref().map(cache::load);
    let cached_head = freshness
        .as_ref()
        .and_then(cache::Stored::head)
        .and_then(|id| Oid::from_hex(id.as_bytes()).ok());
    let prefetch = head
        .filter(|&head| Some(head) != cached_head)
        .map(|head| history::Prefetch::start(repo.git_dir(), head, cached_head));
    Ok(Start {
        repo,
        cache_dir,
        head,
        freshness,
        prefetch,
    })
}

/// The config's text, as found.
enum ConfigText {
    Read {
        display: String,
        text: Arc<str>,
    },
    /// No config in the repository (and none named).
    Absent,
    /// The repository's config cannot be read: why.
    Unreadable(Finding),
}

/// Reads the config `--config` names (the person running the tool chose
/// it: not being able to read it is an error, exit 2) or the repository's
/// own (untrusted: confined and bounded, and a problem is a finding).
fn config_text(options: &Options, repo: &Repo) -> anyhow::Result<ConfigText> {
    if let Some(path) = &options.config {
        let subject = format!("the config `{}`", path.display());
        let text = fsread::read_chosen(path, &subject, fsread::MAX_CONFIG_BYTES)
            .and_then(|bytes| discover::named_text(bytes, &subject))
            .map_err(|error| anyhow!("{}", error.into_message()))?;
        let display = std::path::absolute(path)
            .ok()
            .and_then(|path| relative(repo.root(), &path))
            .unwrap_or_else(|| path.display().to_string());
        return Ok(ConfigText::Read { display, text });
    }
    let subject = format!("the config `{CONFIG_FILE}`");
    let read = discover::read_named(
        repo.confinement(),
        CONFIG_FILE,
        &subject,
        fsread::MAX_CONFIG_BYTES,
    );
    Ok(match read {
        Ok(text) => ConfigText::Read {
            display: CONFIG_FILE.to_string(),
            text,
        },
        Err(NotRead::Missing(_)) => ConfigText::Absent,
        Err(error) => ConfigText::Unreadable(
            Finding::new(&codes::FILE_UNREADABLE, error.into_message()).at(CONFIG_FILE, None),
        ),
    })
}

/// Stage 2: the config and the ruleset it names. `None` when the run cannot
/// go on (the findings say why).
fn load_config(
    options: &Options,
    start: &Start,
    inputs: &mut Inputs,
) -> anyhow::Result<Option<(Config, Ruleset)>> {
    let cache_dir = start.cache_dir.as_deref();
    let read = match config_text(options, &start.repo)? {
        ConfigText::Read { display, text } => Some((display, text)),
        ConfigText::Absent => None,
        ConfigText::Unreadable(finding) => {
            inputs.findings.push(finding);
            return Ok(None);
        }
    };
    let Some((display, text)) = read else {
        inputs.notes.push(format!(
            "no {CONFIG_FILE} found: using the built-in ruleset and finding teams by convention (directories with a goals.md or a retros/ folder); the README's \"Configuration\" section shows one to start from"
        ));
        let ruleset = load_ruleset(
            ruleset::BUILTIN_NAME,
            start.repo.confinement(),
            cache_dir,
            &mut inputs.sources,
            &mut inputs.findings,
            None,
        );
        return Ok(ruleset.map(|ruleset| (Config::default_config(), ruleset)));
    };
    inputs.sources.insert(display.clone(), text.clone());
    // The YAML is read once: the ruleset it names decides what the rest of
    // it may say.
    let parsed = match config::parse(&display, &text) {
        Ok(parsed) => parsed,
        Err(finding) => {
            inputs.findings.push(*finding);
            return Ok(None);
        }
    };
    let (name, span) = parsed
        .ruleset_at()
        .map_or((ruleset::BUILTIN_NAME.to_string(), None), |(name, span)| {
            (name.to_string(), Some(span))
        });
    let Some(ruleset) = load_ruleset(
        &name,
        start.repo.confinement(),
        cache_dir,
        &mut inputs.sources,
        &mut inputs.findings,
        Some((&display, span.as_ref())),
    ) else {
        // Still report what is wrong with the config itself.
        inputs
            .findings
            .extend(config::check(&display, &text, &parsed, None).findings);
        return Ok(None);
    };
    let kinds: Vec<String> = ruleset.pages.keys().cloned().collect();
    let checked = config::check(&display, &text, &parsed, Some(&kinds));
    inputs.findings.extend(checked.findings);
    Ok(checked.config.map(|mut config| {
        inputs.handbook_missing =
            confine_handbook(&mut config, start.repo.confinement(), &mut inputs.findings);
        (config, ruleset)
    }))
}

/// Notes for what the rules pass over in silence: a team whose `since:` is
/// still ahead, and an optional page kind the config placed where no team
/// has it (a pattern that matches nothing, most likely). Optional kinds left
/// at the ruleset's default are optional: no team having one says nothing.
fn model_notes(
    config: &Config,
    ruleset: &Ruleset,
    teams: &[crate::model::TeamModel],
    today: chrono::NaiveDate,
    notes: &mut Vec<String>,
) {
    for team in &config.teams {
        if let Some(since) = team.since.filter(|since| *since > today) {
            notes.push(format!(
                "nothing is required of team `{}` until {since} (its `since:`)",
                team.name
            ));
        }
    }
    if teams.is_empty() {
        return;
    }
    for (kind, page_kind) in &ruleset.pages {
        if page_kind.required {
            continue;
        }
        // Only a location can match nothing; `off` and `external` say so.
        let placed = |setting: &PageSetting| match setting {
            PageSetting::At(location) => Some(location.to_string()),
            PageSetting::Out(_) => None,
        };
        let configured = config.pages.get(kind).and_then(placed).or_else(|| {
            config
                .teams
                .iter()
                .find_map(|t| t.pages.get(kind).and_then(placed))
        });
        let Some(configured) = configured else {
            continue;
        };
        let found = teams.iter().any(|team| {
            team.slots
                .get(kind)
                .is_some_and(|slot| slot.page().is_some())
                || (kind == ruleset::RETROSPECTIVES && !team.retros.is_empty())
        });
        if !found {
            notes.push(format!(
                "no team has a `{kind}` page (`{configured}` matches nothing in any team's directory), so the checks that read it are skipped; check the pattern in `pages.{kind}`"
            ));
        }
    }
}

/// A team whose directory is inside a submodule (or any nested
/// repository) has no pages here: their history is that repository's.
fn note_submodules(config: &Config, root: &Path, notes: &mut Vec<String>) {
    for team in &config.teams {
        if let Some(submodule) = discover::enclosing_repository(root, &team.dir) {
            notes.push(format!(
                "team `{}`'s directory `{}` is inside `{submodule}`, another git repository (a submodule): its pages are out of scope, as their history is not this repository's; check them in that repository",
                team.name, team.dir
            ));
        }
    }
}

/// The `handbook:` directory, followed through symbolic links, must exist
/// and lie in the working tree outside `.git`; when it does not, it is a
/// finding at the setting and the whole working tree is the handbook, as
/// without it.
/// Returns whether the directory is missing: then nothing can be checked,
/// and the one finding says so rather than one "does not exist" per page.
fn confine_handbook(
    config: &mut Config,
    confinement: &Confinement,
    findings: &mut Vec<Finding>,
) -> bool {
    if config.handbook.is_empty() {
        return false;
    }
    let subject = format!("the handbook directory `{}`", config.handbook);
    let (message, missing) = match confinement.resolve(&config.handbook, &subject) {
        Ok(_) | Err(NotRead::Unreadable(_)) => return false,
        Err(NotRead::Refused(message)) => (message, false),
        Err(NotRead::Missing(message)) => (message, true),
    };
    let mut finding = Finding::new(&codes::CONFIG_INVALID, message);
    if missing {
        finding = finding
            .label("no such directory")
            .help("set `handbook:` to the directory that holds the pages, relative to the repository root, or remove it to use the root; no page was checked");
    }
    if let Some(path) = &config.path {
        finding = finding.at(path.clone(), config.setting_spans.get("handbook").cloned());
    }
    findings.push(finding);
    config.handbook = String::new();
    missing
}

/// How the pages are walked in the working tree.
fn page_walk<'a>(repo: &'a Repo, config: &'a Config) -> pagecache::PageWalk<'a> {
    pagecache::PageWalk {
        root: repo.root(),
        handbook: &config.handbook,
        ignore: &config.ignore,
        ignore_patterns: &config.ignore_patterns,
        extensions: &config.page_extensions,
        git_common_dir: repo.common_dir(),
        confinement: repo.confinement(),
        offer: None,
        needs_body: None,
    }
}

/// Stage 3: which files the handbook holds, before any is read: from the
/// page cache's listing, or, for `--staged`, from the index.
fn list_pages(options: &Options, start: &Start, config: &Config) -> anyhow::Result<PageSource> {
    Ok(if options.staged {
        PageSource::Index(discover::from_index(
            &start.repo,
            &config.handbook,
            &config.ignore,
            &config.page_extensions,
        )?)
    } else {
        let walk = page_walk(&start.repo, config);
        PageSource::Tree(pagecache::list(&walk, start.cache_dir.as_deref()))
    })
}

/// Notes instead of silence, where history makes verdicts less than they
/// seem: commits that changed the words of many pages without being
/// ignored (sweeps, maybe), an import that dates many pages, and a `--now`
/// before the calendar starts.
/// An import brings in at least this many pages (and most of the handbook).
const IMPORT_PAGES: usize = 10;

/// Commits named in notes for changing many pages; older ones are counted.
const MANY_PAGES_SHOWN: usize = 5;

fn history_notes(
    info: &history::HistoryInfo,
    pages: &[crate::model::Page],
    config: &Config,
    now: UnixTime,
    pages_at: impl Fn(&str) -> Option<usize>,
    notes: &mut Vec<String>,
) {
    let today = day_of(now);
    if today < config.calendar.start {
        notes.push(format!(
            "--now ({today}) is before iterations.start ({}): no iteration has ended yet, so no update, retrospective or action item is due yet (the pages a team must have are still checked)",
            config.calendar.start
        ));
    }
    let short = |commit: &str| commit.get(..7).unwrap_or(commit).to_string();
    let ignore_file = config
        .ignore_revs_file
        .as_deref()
        .unwrap_or(".git-blame-ignore-revs");
    let mut many: Vec<&history::ManyPages> = info.many_pages.iter().collect();
    many.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.commit.cmp(&b.commit)));
    for commit in many.iter().take(MANY_PAGES_SHOWN) {
        notes.push(format!(
            "commit {} of {} changed the words of {} pages; if it was a sweep, add it to {ignore_file}",
            short(&commit.commit),
            day_of(commit.time),
            commit.pages
        ));
    }
    if many.len() > MANY_PAGES_SHOWN {
        notes.push(format!(
            "{} older commits also changed the words of many pages",
            many.len() - MANY_PAGES_SHOWN
        ));
    }
    // A change with no parent is the mainline's first commit.
    let mut by_root: Option<(&history::Change, usize)> = None;
    for page in pages {
        if let Some(change) = page.freshness.last_change()
            && change.parent_time.is_none()
        {
            by_root.get_or_insert((change, 0)).1 += 1;
        }
    }
    // An import: the first commit brought in most of today's pages, so the
    // pages it still dates are as old as the import, not as their words.
    if let Some((root, count)) = by_root
        && let Some(imported) = pages_at(&root.commit)
        && imported * 2 >= pages.len()
        && imported >= IMPORT_PAGES
    {
        notes.push(format!(
            "commit {} of {}, the first commit on the mainline, created {imported} pages (an import?): history starts there, and {count} {} still dated by it",
            short(&root.commit),
            day_of(root.time),
            if count == 1 { "page is" } else { "pages are" }
        ));
    }
}

/// A commit that changes the words of this many of `pages` handbook pages
/// is named in a note: 50 pages, or a quarter of the handbook, but never
/// fewer than 10, so a small handbook's ordinary busy commit stays quiet.
pub(crate) fn many_pages_threshold(pages: usize) -> usize {
    pages.div_ceil(4).clamp(10, 50)
}

/// What decides which commits count as changes.
/// `caching`: whether a freshness cache is read or written, the only use
/// of [`Settings::ancestry`] (reading the refs it keys costs a millisecond
/// before the walk can start).
fn history_settings(
    repo: &Repo,
    config: &Config,
    pages: usize,
    caching: bool,
    inputs: &mut Inputs,
) -> Settings {
    Settings {
        ignore_revs: load_ignore_revs(repo, config, &mut inputs.sources, &mut inputs.findings),
        max_files_per_commit: config.max_files_per_commit,
        handbook: config.handbook.clone(),
        pages: config.page_extensions.clone(),
        move_similarity: config.move_similarity,
        ancestry: if caching {
            repo.ancestry_key()
        } else {
            String::new()
        },
        note_pages: if pages == 0 {
            0
        } else {
            many_pages_threshold(pages)
        },
    }
}

/// The audit trail of one page (or section): every commit that touched it,
/// newest first, down to the one that counted, from a walk of its own (no
/// cache: the trail is not cached). `None` when the config cannot be read.
pub(crate) fn trail(
    options: &Options,
    path: &str,
    anchor: Option<&str>,
) -> anyhow::Result<Option<Resolved>> {
    let options = Options {
        no_cache: true,
        ..options.clone()
    };
    let start = open(&options)?;
    let mut inputs = Inputs::new(start.repo.root().to_path_buf());
    let Some((config, _)) = load_config(&options, &start, &mut inputs)? else {
        return Ok(None);
    };
    // No notes are counted: they are the main run's to give.
    let settings = history_settings(&start.repo, &config, 0, false, &mut inputs);
    let mainline = history::Mainline {
        git_dir: start.repo.git_dir().to_path_buf(),
        head: start.head,
        shallow: start.repo.is_shallow(),
    };
    let query = Query {
        path: path.to_string(),
        anchor: anchor.map(str::to_string),
        want_created: false,
        collect_since: None,
        trail: true,
    };
    let (mut answers, _, _) = history::resolve(
        &mainline,
        start.prefetch,
        &[query],
        &settings,
        None,
        &mut |_| {},
    );
    Ok(answers.pop())
}

/// Stage 4: what history is asked of the listed files, and the walk that
/// answers it: on a thread of its own while the pages are read, or at once
/// when the cache describes HEAD. Also, unless the rules run, the pages
/// whose bodies are read: those a team consults (`pages` shows no other
/// page's headings, tasks or labels, and the walk parses the versions it
/// compares itself).
fn start_history(
    options: &Options,
    start: Start,
    config: &Config,
    ruleset: &Ruleset,
    source: &PageSource,
    inputs: &mut Inputs,
) -> (
    Repo,
    Option<PathBuf>,
    History,
    Option<OfferedDigests>,
    Option<HashSet<String>>,
) {
    let Start {
        repo,
        cache_dir,
        head,
        freshness,
        prefetch,
    } = start;
    let listed: Vec<&str> = source.paths();
    let planned_teams = if config.teams.is_empty() {
        conventional_teams(&listed, &config.handbook)
    } else {
        config.teams.clone()
    };
    let horizon =
        options.now - i64::from(config.calendar.length_days) * 86_400 * (LOOKBACK_ITERATIONS + 3);
    let plan = plan_queries(
        &listed,
        &planned_teams,
        config,
        ruleset,
        horizon,
        options.window.map(|span| {
            let longest_limit = ruleset
                .pages
                .values()
                .filter_map(|kind| kind.max_age_days)
                .chain(config.max_age.values().copied())
                .max()
                .unwrap_or(0);
            crate::report::health::build::window_start(
                &config.calendar,
                day_of(options.now),
                span,
                longest_limit,
            )
        }),
    );
    let body_paths = (!options.evaluate).then(|| plan.consulted_paths(&listed));
    drop(listed);
    let queries = plan.queries;
    let caching = cache_dir.is_some();
    let settings = history_settings(&repo, config, source.paths().len(), caching, inputs);
    let Some(head) = head else {
        return (
            repo,
            cache_dir,
            History::NoCommits(queries),
            None,
            body_paths,
        );
    };
    let read_ahead = prefetch.is_some();
    // The pages read meanwhile offer the walk their digests.
    let offered = prefetch.as_ref().map(|prefetch| prefetch.offered.clone());
    let mainline = history::Mainline {
        git_dir: repo.git_dir().to_path_buf(),
        head: Some(head),
        shallow: repo.is_shallow(),
    };
    let show_progress = options.progress;
    let walk_history = move || {
        let mut progress = WalkProgress::new(show_progress);
        let (answers, info, to_store) = history::resolve(
            &mainline,
            prefetch,
            &queries,
            &settings,
            freshness,
            &mut |n| {
                progress.tick(n);
            },
        );
        progress.finish();
        let walked = Walked {
            answers,
            info,
            queries,
        };
        (walked, to_store)
    };
    // History being read, the walk runs beside the pages, and writes the
    // freshness cache after handing its answers over: the run goes on with
    // them meanwhile. A cache that describes HEAD answers at once, here.
    let history = if read_ahead {
        let (hand_over, answered) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::spawn(move || {
            let (walked, to_store) = walk_history();
            // The run may have ended (an error): the cache is still good.
            let _ = hand_over.send(walked);
            if let Some(to_store) = to_store {
                to_store.write();
            }
        });
        History::Walking { answered, thread }
    } else {
        let (walked, to_store) = walk_history();
        if let Some(to_store) = to_store {
            to_store.write();
        }
        History::Answered(walked)
    };
    (repo, cache_dir, history, offered, body_paths)
}

/// Stage 5: the pages read and parsed, from the page cache where it still
/// holds, or from the index.
fn read_pages(
    source: PageSource,
    options: &Options,
    repo: &Repo,
    config: &Config,
    cache_dir: Option<&Path>,
    offered: Option<&OfferedDigests>,
    body_paths: Option<&HashSet<String>>,
) -> Loaded {
    match source {
        PageSource::Index(discovered) => {
            let parse_one = |file: SourceFile| {
                let (doc, problems) = parse::parse(&file.text);
                LoadedPage {
                    file,
                    doc,
                    problems,
                }
            };
            Loaded {
                pages: discovered.files.into_par_iter().map(parse_one).collect(),
                findings: discovered.findings,
                status: "read from the index".to_string(),
            }
        }
        // `pages` reports no findings: it never shows a page's text.
        PageSource::Tree(listing) => {
            let offer = offered.map(|offered| {
                move |text: &str, digest| offered.offer(objects::blob_id(text.as_bytes()), digest)
            });
            let needs_body = body_paths.map(|paths| move |path: &str| paths.contains(path));
            let walk = pagecache::PageWalk {
                offer: offer.as_ref().map(|offer| offer as pagecache::Offer),
                needs_body: needs_body
                    .as_ref()
                    .map(|needs| needs as pagecache::NeedsBody),
                ..page_walk(repo, config)
            };
            listing.read(&walk, cache_dir, options.evaluate)
        }
    }
}

/// Without configured teams, teams are found again from the pages read,
/// not the files listed: a goals.md that cannot be read makes no team (the
/// plan may have asked about one more; that answer goes unused).
fn teams_by_convention(
    mut config: Config,
    pages: &[LoadedPage],
    notes: &mut Vec<String>,
) -> Config {
    if !config.teams.is_empty() {
        return config;
    }
    let paths: Vec<&str> = pages.iter().map(|p| p.file.path.as_str()).collect();
    config.teams = conventional_teams(&paths, &config.handbook);
    config.conventional = true;
    if config.teams.is_empty() {
        // One line, as every note: reporters show a line break inside a
        // note as the escape it would be in a file name.
        notes.push(format!(
            "no teams found: add a `teams:` entry to {CONFIG_FILE}, e.g. `teams: {{ search: {{ dir: handbook/search, pm: alice, em: bob }} }}`"
        ));
    }
    config
}

/// Stage 6: the history walk's answers, waited for if it is still running.
fn finish_history(
    history: History,
    options: &Options,
    findings: &mut Vec<Finding>,
) -> anyhow::Result<(Walked, Option<std::thread::JoinHandle<()>>)> {
    let mut writing = None;
    let walked = match history {
        History::Walking { answered, thread } => {
            let walked = answered
                .recv()
                .map_err(|_| anyhow!("the history walk stopped unexpectedly"))?;
            writing = Some(thread);
            walked
        }
        History::Answered(walked) => walked,
        History::NoCommits(queries) => {
            // A first commit being made (--staged) is the history: nothing
            // is missing from it.
            if !options.staged {
                findings.push(
                    Finding::new(
                        &codes::HISTORY_UNAVAILABLE,
                        "the repository has no commits yet, so no page's age can be known",
                    )
                    .help("commit the handbook, then run handbook-lint again"),
                );
            }
            let reason = "the repository has no commits".to_string();
            let answers = queries
                .iter()
                .map(|_| {
                    Resolved::new(Answer::Unreadable {
                        reason: reason.clone(),
                    })
                })
                .collect();
            Walked {
                answers,
                info: HistoryInfo::default(),
                queries,
            }
        }
    };
    Ok((walked, writing))
}

/// HB004 for pages whose history reaches a shallow clone's cut-off (one
/// finding for all of them) or could not be read (one each).
fn report_history_gaps(gaps: HistoryGaps, allow_shallow: bool, findings: &mut Vec<Finding>) {
    let HistoryGaps {
        shallow,
        unreadable,
    } = gaps;
    if !shallow.is_empty() {
        let mut finding = Finding::new(
            &codes::HISTORY_UNAVAILABLE,
            format!(
                "this is a shallow clone: the history of {} page{} reaches the cut-off, so their age is unknown (first: {})",
                shallow.len(),
                if shallow.len() == 1 { "" } else { "s" },
                shallow[0]
            ),
        )
        .help("fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout; `--allow-shallow` makes this a warning");
        if allow_shallow {
            finding.severity = Severity::Warning;
        }
        findings.push(finding);
    }
    for (path, reason) in unreadable {
        findings.push(
            Finding::new(
                &codes::HISTORY_UNAVAILABLE,
                format!("the history of `{path}` could not be read: {reason}"),
            )
            .at(path, None),
        );
    }
}

/// The rules stage: findings, with severities and opt-outs applied, and the
/// notes about what the rules could not see. A missing `handbook:` runs no
/// rule: the pages read were the repository's, not a handbook's.
fn run_rules(model: &Handbook, run: bool, inputs: &mut Inputs) {
    evaluate(model, run && !inputs.handbook_missing, &mut inputs.findings);
    if inputs.handbook_missing {
        // What was found in those pages is not news. The config's own
        // findings stay.
        let config_path = model.config.path.as_deref();
        inputs
            .findings
            .retain(|finding| finding.path().is_none() || finding.path() == config_path);
    } else if run {
        inputs
            .notes
            .extend(crate::rules::kept_elsewhere_notes(model));
    }
}

/// Stage 7: every rule's check (unless only listing), suppressions, the
/// config's severities, and the findings in report order.
fn evaluate(model: &Handbook, run_rules: bool, findings: &mut Vec<Finding>) {
    if run_rules {
        for rule in registry::RULES {
            if let Some(check) = rule.check
                && model.config.rule_runs(rule.code)
            {
                check(model, findings);
            }
        }
        suppress::apply(findings, &build::page_texts(&model.pages), |code| {
            !model.config.rule_runs(code)
        });
        name_shared_findings(findings);
    }
    // `off` in `severity:` or an override drops the finding.
    findings.retain_mut(|finding| {
        let level = model
            .config
            .severity_for(finding.rule.code, finding.path(), finding.severity);
        level
            .inspect(|&severity| finding.severity = severity)
            .is_some()
    });
    findings.sort_by(Finding::report_order);
}

/// A page several teams share (one goals page for two teams) gets each
/// team's findings: the same words at the same place, told once per team,
/// with nothing saying which. Each copy names the teams: all of them when
/// the copies say the same (then [`drop_repeats`] reports it once, after
/// scoping has kept the copies of the teams in scope), its own when they
/// differ (the teams' calendars differ).
fn name_shared_findings(findings: &mut [Finding]) {
    let mut teams_at: HashMap<Place, Vec<String>> = HashMap::new();
    for finding in findings.iter() {
        if let Some(team) = &finding.team {
            let teams = teams_at.entry(place(finding)).or_default();
            if !teams.contains(team) {
                teams.push(team.clone());
            }
        }
    }
    teams_at.retain(|_, teams| teams.len() > 1);
    let mut messages_at: HashMap<Place, HashSet<String>> = HashMap::new();
    for finding in findings.iter() {
        let at = place(finding);
        if teams_at.contains_key(&at) {
            messages_at
                .entry(at)
                .or_default()
                .insert(finding.message.clone());
        }
    }
    for finding in findings.iter_mut() {
        let at = place(finding);
        let Some(teams) = teams_at.get_mut(&at) else {
            continue;
        };
        teams.sort();
        if messages_at.get(&at).is_some_and(|m| m.len() == 1) {
            let named: Vec<String> = teams.iter().map(|t| format!("`{t}`")).collect();
            finding.message = format!("{} (teams {})", finding.message, named.join(", "));
        } else if let Some(team) = &finding.team {
            finding.message = format!("{} (team `{team}`)", finding.message);
        }
    }
}

/// A finding's rule and place: where copies of one finding meet.
type Place = (
    &'static str,
    Option<(String, Option<std::ops::Range<usize>>)>,
);

fn place(finding: &Finding) -> Place {
    (
        finding.rule.code,
        finding
            .location
            .as_ref()
            .map(|l| (l.path.clone(), l.span.clone())),
    )
}

/// Reports once what several teams' rules said alike about one place (see
/// [`name_shared_findings`]); run after scoping, which keeps or drops each
/// team's copy by its team.
pub(crate) fn drop_repeats(outcome: &mut Outcome) {
    let mut reported: HashSet<(Place, String)> = HashSet::new();
    outcome
        .findings
        .retain(|finding| reported.insert((place(finding), finding.message.clone())));
}

/// The history walk's answers and the queries they answer.
struct Walked {
    answers: Vec<Resolved>,
    info: HistoryInfo,
    queries: Vec<Query>,
}

/// Where the history walk stands while the pages are read.
enum History {
    /// The walk's thread, which hands its answers over, then writes the
    /// cache.
    Walking {
        answered: std::sync::mpsc::Receiver<Walked>,
        thread: std::thread::JoinHandle<()>,
    },
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

/// The ignore-revs file in force: the config's, else git's own
/// `blame.ignoreRevsFile`, else `.git-blame-ignore-revs` when present. Bad
/// lines are HB001 findings at their line; good ones still count.
pub(crate) fn load_ignore_revs(
    repo: &Repo,
    config: &Config,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
) -> HashSet<Oid> {
    let configured = config
        .ignore_revs_file
        .clone()
        .or_else(|| repo.config_string("blame.ignoreRevsFile"));
    let explicit = configured.is_some();
    let name = configured.unwrap_or_else(|| ".git-blame-ignore-revs".to_string());
    let subject = if config.ignore_revs_file.is_none() && explicit {
        format!("the ignore-revs file `{name}` (git's `blame.ignoreRevsFile`)")
    } else {
        format!("the ignore-revs file `{name}`")
    };
    let text = match discover::read_named(
        repo.confinement(),
        &name,
        &subject,
        fsread::MAX_IGNORE_REVS_BYTES,
    ) {
        Ok(text) => text,
        Err(NotRead::Missing(_)) if !explicit => return HashSet::new(),
        Err(NotRead::Unreadable(message)) => {
            findings.push(Finding::new(&codes::FILE_UNREADABLE, message).at(name, None));
            return HashSet::new();
        }
        Err(error) => {
            let mut finding = Finding::new(&codes::CONFIG_INVALID, error.into_message());
            // Named by the config, the finding is at the setting; named by
            // git's `blame.ignoreRevsFile`, the message says so itself.
            if let (Some(config_path), Some(_)) = (&config.path, &config.ignore_revs_file) {
                finding = finding.at(
                    config_path.clone(),
                    config
                        .setting_spans
                        .get("freshness.ignore-revs-file")
                        .cloned(),
                );
            }
            findings.push(finding);
            return HashSet::new();
        }
    };
    let display = config::normalize_path(&name);
    sources.insert(display.clone(), text.clone());
    let mut revs = HashSet::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.split('#').next().unwrap_or("").trim();
        if !content.is_empty() {
            let start = offset + line.find(content).unwrap_or(0);
            match Oid::from_hex(content.as_bytes()) {
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

/// Loads the ruleset named by the config: the built-in one or a file in
/// the repository. Problems become HB001 findings on the ruleset file.
fn load_ruleset(
    name: &str,
    confinement: &Confinement,
    cache_dir: Option<&Path>,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
    setting: Option<(&str, Option<&std::ops::Range<usize>>)>,
) -> Option<Ruleset> {
    let name = name.trim();
    // A finding on the config's `ruleset:` value (or on no file, without one).
    let at_setting = |finding: Finding| match &setting {
        Some((path, span)) => finding.at(*path, span.cloned()),
        None => finding,
    };
    let (display, text): (String, Arc<str>) = if name == ruleset::BUILTIN_NAME {
        (
            ruleset::BUILTIN_PATH.to_string(),
            Arc::from(ruleset::BUILTIN_TEXT),
        )
    } else if name.starts_with("builtin:") {
        let finding = Finding::new(
            &codes::CONFIG_INVALID,
            format!("unknown built-in ruleset `{name}`"),
        )
        .help(format!(
            "the built-in ruleset is `{}`",
            ruleset::BUILTIN_NAME
        ));
        findings.push(at_setting(finding));
        return None;
    } else {
        let subject = format!("the ruleset `{name}`");
        match discover::read_named(confinement, name, &subject, fsread::MAX_RULESET_BYTES) {
            Ok(text) => (config::normalize_path(name), text),
            Err(NotRead::Unreadable(message)) => {
                findings.push(Finding::new(&codes::FILE_UNREADABLE, message).at(name, None));
                return None;
            }
            Err(error) => {
                let finding = Finding::new(&codes::CONFIG_INVALID, error.into_message());
                findings.push(at_setting(finding));
                return None;
            }
        }
    };
    sources.insert(display.clone(), text.clone());
    // Parsing the YAML costs more than the rest of a warm run together.
    let shipped = name == ruleset::BUILTIN_NAME;
    let parse = || {
        if shipped {
            Ruleset::parse_shipped(&text)
        } else {
            Ruleset::parse(&text)
        }
    };
    match framed::memo(cache_dir, "ruleset.bin", &text, parse) {
        Ok(ruleset) => Some(ruleset),
        Err(errors) => {
            for error in errors {
                let mut finding = Finding::new(
                    &crate::base::codes::CONFIG_INVALID,
                    format!("ruleset: {}", error.message),
                )
                .at(display.clone(), Some(error.span));
                if let Some(help) = error.help {
                    finding = finding.help(help);
                }
                findings.push(finding);
            }
            None
        }
    }
}

/// The repository's CODEOWNERS file, from the first place git hosts look.
fn read_codeowners(
    confinement: &Confinement,
    sources: &mut Sources,
    findings: &mut Vec<Finding>,
) -> Option<CodeOwners> {
    for location in codeowners::LOCATIONS {
        let subject = format!("`{location}`");
        match discover::read_named(
            confinement,
            location,
            &subject,
            fsread::MAX_CODEOWNERS_BYTES,
        ) {
            Ok(text) => {
                sources.insert((*location).to_string(), text.clone());
                return Some(codeowners::parse(location, &text, findings));
            }
            Err(NotRead::Missing(_)) => {}
            Err(error) => {
                findings.push(
                    Finding::new(&codes::FILE_UNREADABLE, error.into_message())
                        .at(location.to_string(), None),
                );
                return None;
            }
        }
    }
    None
}

/// Keeps the findings that concern `paths` (repository-relative): findings
/// in files under them, and team findings for teams whose directory is
/// under them or holds one of them. Other findings on the config and the
/// ruleset are always kept; another team's are not.
pub(crate) fn filter_to_paths(outcome: &mut Outcome, paths: &[String]) {
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
        {
            if under(dir) {
                return true;
            }
            // A team finding pointing into the config (a missing page, a
            // vacant role) is that team's: in scope when a path is in the
            // team's directory, out of scope for another team.
            if finding.path() == Some(config_path.as_str()) {
                return paths.iter().any(|p| is_under(p, dir));
            }
        }
        match finding.path() {
            None => true,
            Some(path) if path == config_path || path == ruleset::BUILTIN_PATH => true,
            Some(path) => under(path),
        }
    });
}
