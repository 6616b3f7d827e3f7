//! Command-line interface: flags in, exit code out.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::base::finding::Severity;
use crate::base::time::{parse_now, system_now};
use crate::engine::{self, Options};
use crate::git::repo::Repo;
use crate::model::outcome::Outcome;
use crate::report::{self, Format, Style};
use crate::rules::registry::{self, RULES};

/// Exit codes, as ruff and ESLint use them.
pub(crate) const EXIT_CLEAN: u8 = 0;
pub(crate) const EXIT_FINDINGS: u8 = 1;
pub(crate) const EXIT_FAILURE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "handbook-lint",
    version,
    about = "Checks that a team handbook's goals pages, iteration-process pages and retro action items are present and current, using git history."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GlobalArgs {
    /// The repository to check (any directory inside it).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
    /// Config file to use instead of handbook-lint.yaml at the repository root.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The time verdicts are computed at: RFC 3339, YYYY-MM-DD or @unix. Fix it for reproducible CI runs.
    #[arg(long, global = true, env = "HANDBOOK_LINT_NOW", value_name = "TIME")]
    pub now: Option<String>,
    /// When to use colour in human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Neither read nor write the caches in .git/handbook-lint/ (history, pages, ruleset).
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Report a shallow clone (HB004) as a warning instead of an error.
    #[arg(long, global = true)]
    pub allow_shallow: bool,
    /// Print how the history walk went (commits read, cache use) on stderr.
    #[arg(long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct CheckArgs {
    /// Only report findings for these files or directories (default: the whole handbook).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check what is about to be committed: pages come from the index, a
    /// staged change counts as made now, and only findings on staged files
    /// are reported (for pre-commit hooks).
    #[arg(long)]
    pub staged: bool,
    /// Report only findings on files changed since the merge-base with REF (a pull request's view); everything when the config, ruleset or ignore-revs file changed.
    #[arg(long, value_name = "REF")]
    pub diff_base: Option<String>,
    /// Do not report findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE (to adopt handbook-lint on an old handbook), then report as usual.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Exit 0 even with findings (2 still means the tool could not run).
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PagesFormat {
    Json,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Lint the handbook (the default command).
    Check(CheckArgs),
    /// List every handbook page and configured section with its kind, team, owner and freshness.
    Pages {
        #[arg(long, value_enum, default_value_t = PagesFormat::Json)]
        format: PagesFormat,
    },
    /// Show why a page (or section) has the freshness it has: every commit that touched it, newest first, and why it did or did not count, then the commit that counted, its word diff, and the verdict.
    Why {
        /// The page, as a path (relative to the current directory), with `#anchor` for a section.
        #[arg(value_name = "PATH[#ANCHOR]")]
        target: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// List the rules: code, name, default severity.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code (HB102) or name (goals-stale).
        code: String,
    },
    /// Install a git pre-commit hook that runs `check --staged` (an existing hook is kept and runs first).
    InstallHook {
        /// Remove handbook-lint's hook and restore the one that was there.
        #[arg(long)]
        uninstall: bool,
    },
    /// Read the repository and write a commented handbook-lint.yaml (teams, roles, calendar), then check with it.
    Init {
        /// Print the config on standard output instead of writing it.
        #[arg(long)]
        print: bool,
    },
    /// Show how every team keeps up: goals updated, retro held and action items carried in each of the last N iterations, and the monthly trend, reconstructed from git history.
    Report(crate::app::report::ReportArgs),
    /// Build a sample handbook repository with backdated history, lint it and show the report.
    Demo {
        /// Keep the sample repository in DIR (must not exist or be empty).
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the JSON Schema of handbook-lint.yaml, for editors (completion, hover, checking as you type).
    Schema,
    /// Print a completion script for SHELL (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into DIR.
    Man {
        /// Write handbook-lint.1 and a page per command (handbook-lint-check.1, …) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

fn style(choice: ColorChoice) -> Style {
    let terminal = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    };
    let width = if terminal {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100)
    } else {
        100
    };
    Style { color, width }
}

fn resolve_now(global: &GlobalArgs) -> anyhow::Result<i64> {
    match &global.now {
        Some(text) => parse_now(text).map_err(|e| anyhow!("--now: {e}")),
        None => Ok(system_now()),
    }
}

pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`| head`) is not a failure of the check.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Exit code for a finished run.
pub(crate) fn exit_code(outcome: &Outcome, fail_on: FailOn) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if outcome.is_fatal() {
        EXIT_FAILURE
    } else if outcome.findings.iter().any(|f| f.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The run's notes, after the report. They name commits, paths and
/// summaries from the repository: their hidden characters are shown.
pub(crate) fn print_notes(outcome: &Outcome) {
    for note in &outcome.notes {
        eprintln!("note: {}", report::Visible(note));
    }
}

/// Paths given on the command line, as repository-relative paths.
fn relative_paths(root: &Path, paths: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    paths
        .iter()
        .map(|path| {
            let canonical = std::fs::canonicalize(path)
                .with_context(|| format!("`{}` does not exist", path.display()))?;
            let relative = canonical.strip_prefix(&canonical_root).map_err(|_| {
                anyhow!(
                    "`{}` is outside the repository at {}",
                    path.display(),
                    root.display()
                )
            })?;
            Ok(relative
                .components()
                .filter_map(|c| c.as_os_str().to_str())
                .collect::<Vec<_>>()
                .join("/"))
        })
        .collect()
}

pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
) -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                EXIT_FAILURE
            } else {
                EXIT_CLEAN
            };
            let _ = error.print();
            return Ok(ExitCode::from(code));
        }
    };
    let global = &cli.global;
    match cli.command {
        None => check(global, &cli.check),
        Some(Command::Check(args)) => check(global, &args),
        Some(Command::Pages { format }) => pages(global, format),
        Some(Command::Why { target, format }) => why(global, &target, format),
        Some(Command::Rules { format }) => {
            print(&rules_listing(format))?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
        Some(Command::Explain { code }) => {
            let Some(meta) = registry::by_code(&code) else {
                bail!("no rule `{code}`; `handbook-lint rules` lists them");
            };
            let enable = if meta.default_severity.is_none() {
                format!(
                    "; enable it with `severity: {{ {}: warning }}` (or `error`) in handbook-lint.yaml",
                    meta.code
                )
            } else {
                String::new()
            };
            print(&format!(
                "{} {} ({}, {} by default{enable})\n\n{}\n\n{}\n",
                meta.code,
                meta.name,
                meta.family,
                meta.default_level(),
                meta.summary,
                meta.doc_text()
            ))?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
        Some(Command::InstallHook { uninstall }) => {
            let repo = Repo::discover(&global.repo)?;
            let done = if uninstall {
                crate::app::hook::uninstall(&repo)?
            } else {
                let binary = std::env::current_exe().unwrap_or_else(|_| "handbook-lint".into());
                crate::app::hook::install(&repo, &binary)?
            };
            print(&format!("{done}\n"))?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
        Some(Command::Init { print }) => crate::app::init::command(global, print),
        Some(Command::Report(args)) => {
            crate::app::report::command(global, &args, options(global, false, false)?)
        }
        Some(Command::Demo { keep, format }) => {
            let ran = crate::app::demo::run(keep.as_deref(), format, style(global.color))?;
            print(&ran.report)?;
            for line in &ran.notes {
                eprintln!("{line}");
            }
            Ok(ExitCode::from(if ran.as_designed {
                EXIT_CLEAN
            } else {
                EXIT_FAILURE
            }))
        }
        Some(Command::Schema) => {
            print(&crate::config::schema::schema_text())?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
        Some(Command::Completions { shell }) => {
            print(&completions(shell))?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
        Some(Command::Man { dir }) => {
            print(&man(dir.as_deref())?)?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
    }
}

/// The completion script for `shell`, from the command line's definition.
fn completions(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "handbook-lint", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap_complete spells a subcommand's state with the binary's hyphen
        // escaped one way where it sets it (`handbook__lint__subcmd__check`)
        // and another where it matches it (`handbook__subcmd__lint__subcmd__
        // check`), so nothing after a subcommand completes (clap-rs/clap
        // issue 6421). The matching side is respelt as the setting side.
        return script.replace(
            "handbook__subcmd__lint__subcmd__",
            "handbook__lint__subcmd__",
        );
    }
    script
}

/// The man page, or (with `dir`) one page per command written into `dir`
/// and the list of the files written.
fn man(dir: Option<&Path>) -> anyhow::Result<String> {
    // `help` is a command of the command line, not a page of the manual.
    let mut command = Cli::command().disable_help_subcommand(true);
    let Some(dir) = dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut page)
            .context("cannot render the man page")?;
        return Ok(String::from_utf8_lossy(&page).into_owned());
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    // As clap_mangen's `generate_to`, which does not say what it wrote.
    command.build();
    let mut written = String::new();
    for page in std::iter::once(command.clone()).chain(command.get_subcommands().cloned()) {
        let path = clap_mangen::Man::new(page)
            .generate_to(dir)
            .with_context(|| format!("cannot write a man page into {}", dir.display()))?;
        written.push_str(&path.display().to_string());
        written.push('\n');
    }
    Ok(written)
}

fn options(global: &GlobalArgs, human: bool, staged: bool) -> anyhow::Result<Options> {
    Ok(Options {
        staged,
        evaluate: true,
        repo: global.repo.clone(),
        config: global.config.clone(),
        now: resolve_now(global)?,
        no_cache: global.no_cache,
        allow_shallow: global.allow_shallow,
        progress: human,
        window: None,
    })
}

pub(crate) fn report_walk(global: &GlobalArgs, outcome: &Outcome) {
    if global.verbose {
        eprintln!("pages: {}", outcome.pages_status);
        eprintln!(
            "history: {} commits walked in {} ms, {} trees read, {} versions of pages parsed, cache {}",
            outcome.history.commits_walked,
            outcome.history.elapsed.as_millis(),
            outcome.history.trees_read,
            outcome.history.parsed,
            outcome.history.cache.describe()
        );
        eprintln!("stages: {}", outcome.timings.describe());
    }
}

fn check(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let options = options(global, args.format == Format::Human, args.staged)?;
    let mut outcome = engine::run(&options)?;
    report_walk(global, &outcome);
    if let Some(staged) = outcome.staged.clone() {
        // Nobody is blocked for another team's stale page: only what this
        // commit touches is reported.
        crate::app::scope::keep_changed(&mut outcome, &staged);
    }
    let paths = relative_paths(&outcome.root, &args.paths)?;
    engine::filter_to_paths(&mut outcome, &paths);
    if let Some(base) = &args.diff_base {
        let repo = Repo::discover(&global.repo)?;
        let changed = repo.changed_since(base)?;
        crate::app::scope::keep_changed(&mut outcome, &changed);
    }
    // What several teams' rules said alike about a shared page, once.
    engine::drop_repeats(&mut outcome);
    if let Some(file) = &args.write_baseline {
        let count = crate::app::scope::write_baseline(file, &outcome)?;
        eprintln!(
            "note: recorded {count} findings in the baseline {}",
            file.display()
        );
    }
    if let Some(file) = &args.baseline {
        let forgiven = crate::app::scope::apply_baseline(file, &mut outcome)?;
        if forgiven > 0 {
            eprintln!(
                "note: {forgiven} findings recorded in the baseline {} are not reported",
                file.display()
            );
        }
    }
    print(&report::render(&outcome, args.format, style(global.color)))?;
    // After the report, where a reader's eye ends up.
    print_notes(&outcome);
    let code = exit_code(&outcome, args.fail_on);
    // Said and done: freeing the model is no part of the answer.
    crate::base::free_elsewhere(outcome);
    Ok(ExitCode::from(if args.exit_zero && code == EXIT_FINDINGS {
        EXIT_CLEAN
    } else {
        code
    }))
}

/// Why the run could not produce a verdict (the config could not be
/// read), shown as `check` would.
pub(crate) fn show_fatal(global: &GlobalArgs, outcome: &Outcome) {
    eprint!(
        "{}",
        report::render(outcome, Format::Human, style(global.color))
    );
}

fn pages(global: &GlobalArgs, format: PagesFormat) -> anyhow::Result<ExitCode> {
    let options = Options {
        evaluate: false,
        ..options(global, false, false)?
    };
    let outcome = engine::run(&options)?;
    report_walk(global, &outcome);
    print_notes(&outcome);
    let Some(model) = &outcome.model else {
        show_fatal(global, &outcome);
        return Ok(ExitCode::from(EXIT_FAILURE));
    };
    let report = report::pages_report(model, &outcome);
    let text = match format {
        PagesFormat::Json => report::json_text(&report)?,
        PagesFormat::Text => report::pages_text(&report),
    };
    drop(report);
    print(&text)?;
    // Said and done: freeing the model is no part of the answer.
    crate::base::free_elsewhere((outcome, text));
    Ok(ExitCode::from(EXIT_CLEAN))
}

fn why(global: &GlobalArgs, target: &str, format: ListFormat) -> anyhow::Result<ExitCode> {
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor).filter(|a| !a.is_empty())),
        None => (target, None),
    };
    let root = Repo::discover(&global.repo)?.root().to_path_buf();
    let relative = relative_paths(&root, &[PathBuf::from(file)])?;
    let path = relative.first().map_or(file, String::as_str);
    let options = options(global, false, false)?;
    let text = crate::app::why::explain(&options, path, anchor, format == ListFormat::Json)?;
    print(&text)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

fn rules_listing(format: ListFormat) -> String {
    use std::fmt::Write as _;
    match format {
        ListFormat::Text => {
            let mut out = String::new();
            for rule in RULES {
                let meta = rule.meta;
                let _ = writeln!(
                    out,
                    "{}  {:<26} {:<8} {}",
                    meta.code,
                    meta.name,
                    meta.default_level(),
                    meta.summary
                );
            }
            if RULES.iter().any(|rule| rule.default_severity.is_none()) {
                out.push_str(
                    "\nRules marked `off` are optional, off by default: enable one with `severity: { HB501: warning }` (or `error`) in handbook-lint.yaml.\n",
                );
            }
            out
        }
        ListFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "code": rule.meta.code,
                        "name": rule.meta.name,
                        "family": rule.meta.family,
                        "severity": rule.meta.default_level(),
                        "summary": rule.meta.summary,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rules).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}
