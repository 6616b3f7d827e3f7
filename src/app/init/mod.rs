//! `handbook-lint init`: reads the repository and writes a commented
//! `handbook-lint.yaml` — the teams, where each keeps its pages, their PMs
//! and EMs, the iteration calendar, sweeps for the ignore-revs file — then
//! runs the check with it and says what it found, inferred and could not
//! decide.
//!
//! Everything read is the repository's, so untrusted: pages through the
//! page walk, data files and CODEOWNERS confined and bounded as `check`
//! reads them. Where the repository is ambiguous, fewer and surer
//! inferences are made, each explained in a comment; a role nothing
//! decides is left out (`check` then reports HB401) rather than guessed.

mod calendar;
mod roles;
mod scan;
mod summary;
mod sweeps;
mod teams;
mod write;

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};

use crate::app::cli::{EXIT_CLEAN, GlobalArgs};
use crate::base::fsread;
use crate::base::fswrite::{Existing, write_via_temp};
use crate::base::paths::is_under;
use crate::base::time::{parse_now, system_now};
use crate::config::CONFIG_FILE;
use crate::config::ruleset::{BUILTIN_TEXT, Ruleset};
use crate::engine::{self, Options};
use crate::git::repo::{Oid, Repo};

/// The share of the pages a directory must hold to be the `handbook:`.
const HANDBOOK_SHARE: f64 = 0.9;

/// Where the pages live, when not the whole repository.
pub(crate) struct Handbook {
    pub dir: String,
    pub pages: usize,
    pub total: usize,
}

/// What `init` inferred, before it is written.
pub(crate) struct Plan {
    pub handbook: Option<Handbook>,
    pub calendar: Result<calendar::Inferred, calendar::NoCalendar>,
    pub global: std::collections::BTreeMap<&'static str, (String, usize)>,
    pub teams: Vec<teams::TeamFound>,
    pub roles: roles::Roles,
    pub sweeps: sweeps::Sweeps,
    /// Files that could not be used.
    pub skipped: Vec<String>,
}

/// `handbook-lint init [--print]`.
pub(crate) fn command(global: &GlobalArgs, print: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if global.config.is_some() {
        bail!(
            "init writes {CONFIG_FILE} at the repository root and does not take --config; run it without, or with --print to write the config elsewhere"
        );
    }
    let now = match &global.now {
        Some(text) => parse_now(text).map_err(|e| anyhow!("--now: {e}"))?,
        None => system_now(),
    };
    let repo = Repo::discover(&global.repo)?;
    let target = repo.root().join(CONFIG_FILE);
    if !print && std::fs::symlink_metadata(&target).is_ok() {
        bail!(
            "{CONFIG_FILE} already exists at the repository root; init does not overwrite it and changed nothing (move it away, or see what init would write with `handbook-lint init --print`)"
        );
    }
    let plan = infer(&repo);
    let text = write::config_text(&plan);
    // The check reads the config as written: from the repository, or for
    // --print from a file of its own outside it.
    let scratch = tempfile::tempdir().context("cannot create a temporary directory")?;
    let config_path = if print {
        let path = scratch.path().join(CONFIG_FILE);
        std::fs::write(&path, &text).context("cannot write the config to a temporary file")?;
        crate::app::cli::print(&text)?;
        Some(path)
    } else {
        write_new(repo.root(), &text)?;
        None
    };
    let options = Options {
        config: config_path,
        no_cache: global.no_cache,
        allow_shallow: global.allow_shallow,
        ..Options::new(global.repo.clone(), now)
    };
    let outcome = engine::run(&options)?;
    let written = if print {
        "printed the config above".to_string()
    } else {
        format!("wrote {CONFIG_FILE}")
    };
    eprint!(
        "{}",
        summary::text(&plan, &outcome, now, &written, started.elapsed())
    );
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// Reads the repository and decides what to write.
fn infer(repo: &Repo) -> Plan {
    let scan = scan::scan(repo);
    let named = data_named_dirs(&scan);
    let found = teams::find(&scan.pages, &|dir, _| named.get(dir).cloned());
    let handbook = handbook_dir(&scan.pages, &found);
    let dir = handbook.as_ref().map_or("", |h| h.dir.as_str());
    let handbook_pages = scan.pages.iter().filter(|p| is_under(&p.path, dir)).count();
    let defaults = Ruleset::parse(BUILTIN_TEXT).ok();
    let default_of = |kind: &str| {
        defaults
            .as_ref()
            .and_then(|r| r.pages.get(kind))
            .map(|page| page.default_path.clone())
    };
    let global = teams::majority(&found, default_of);
    let roles = roles::decide(&scan, &found);
    let calendar = calendar::infer(&scan.pages, &found);
    let ignored = ignored_revs(repo);
    let sweeps = sweeps::find(repo, dir, handbook_pages, &ignored);
    Plan {
        handbook,
        calendar,
        global,
        teams: found,
        roles,
        sweeps,
        skipped: scan.skipped,
    }
}

/// Directories a data file names as teams (see `roles::naming_files`).
fn data_named_dirs(scan: &scan::Scan) -> std::collections::BTreeMap<String, String> {
    let unique: std::collections::BTreeSet<&str> = scan
        .pages
        .iter()
        .filter_map(|p| p.path.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    let dirs: Vec<(&str, &str)> = unique
        .into_iter()
        .map(|dir| (dir, dir.rsplit('/').next().unwrap_or(dir)))
        .collect();
    roles::naming_files(&scan.data, &dirs)
}

/// The top directory (below the root) above every team that holds at
/// least 90% of the pages: a handbook's own folder, leaving out the
/// repository's README and the like. `None` when there is none.
fn handbook_dir(pages: &[scan::Page], teams: &[teams::TeamFound]) -> Option<Handbook> {
    let dirs: Vec<&str> = if teams.is_empty() {
        pages
            .iter()
            .filter_map(|p| p.path.rsplit_once('/').map(|(d, _)| d))
            .collect()
    } else {
        teams.iter().map(|t| t.dir.as_str()).collect()
    };
    let mut common: Vec<&str> = dirs.first()?.split('/').collect();
    for dir in &dirs[1..] {
        let parts: Vec<&str> = dir.split('/').collect();
        let same = common
            .iter()
            .zip(&parts)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    let total = pages.len();
    (1..=common.len()).find_map(|depth| {
        let dir = common[..depth].join("/");
        let under = pages.iter().filter(|p| is_under(&p.path, &dir)).count();
        #[allow(clippy::cast_precision_loss)] // page counts are far below 2^52
        let enough = under as f64 >= HANDBOOK_SHARE * total as f64;
        enough.then_some(Handbook {
            dir,
            pages: under,
            total,
        })
    })
}

/// The commits a sweep proposal leaves out because they are ignored
/// already: read as `check` reads them (the `.git-blame-ignore-revs` file,
/// or the one git's `blame.ignoreRevsFile` names). What cannot be read is
/// `check`'s to report, after the config is written.
fn ignored_revs(repo: &Repo) -> HashSet<Oid> {
    let mut sources = crate::base::finding::Sources::default();
    engine::load_ignore_revs(
        repo,
        &crate::config::Config::default_config(),
        &mut sources,
        &mut Vec::new(),
    )
}

/// Writes the config without ever replacing a file: a temporary file in the
/// repository root, renamed into place only if nothing is there (a file
/// that appeared since the first look included).
fn write_new(root: &Path, text: &str) -> anyhow::Result<()> {
    let target = root.join(CONFIG_FILE);
    write_via_temp(&target, text, Existing::Keep, false).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow!("{CONFIG_FILE} appeared at the repository root while init ran; it was not overwritten")
        } else {
            anyhow!("cannot write `{}`: {}", target.display(), fsread::plain_io_error(&error))
        }
    })
}
