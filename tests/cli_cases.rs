//! The command line as data: every `tests/cli/*.yaml` is a case — a
//! repository built step by step (commits at fixed times, git commands,
//! files left uncommitted) and the commands run in it, each with the exit
//! code it must give. What each command prints is kept beside the case, in
//! `NAME.N.stdout` and `NAME.N.stderr` (N counts the case's runs), and
//! compared with snapbox: `SNAPSHOTS=overwrite cargo test --test cli_cases`
//! writes them anew, for a person to read in the diff.
//!
//! In commands and outputs, `[REPO]` is the case's repository (the
//! directory each command runs in) and `[KEEP]` a directory beside it that
//! commits do not clean.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde::Deserialize;
use snapbox::{Assert, Data, Redactions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case shows, in a sentence.
    about: String,
    /// The repository it starts from (see [`start`]).
    fixture: String,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
enum Step {
    /// Files committed at a time; `delete` removes paths in the same
    /// commit (a move is a deletion and a file written elsewhere).
    Commit {
        at: String,
        #[serde(default)]
        files: BTreeMap<String, String>,
        #[serde(default)]
        delete: Vec<String>,
    },
    /// A git command (`[branch, base]`).
    Git(Vec<String>),
    /// Files written into the working tree and left uncommitted (a path
    /// may start with `[KEEP]/`; YAML's escapes write any byte).
    Write(BTreeMap<String, String>),
    /// A file of `times` copies of `text`, uncommitted: larger than any
    /// case file should hold.
    WriteRepeated {
        path: String,
        text: String,
        times: usize,
    },
    /// A symbolic link, uncommitted.
    Symlink { path: String, target: String },
    /// The built-in ruleset, with these replacements, committed at `path`.
    Ruleset {
        at: String,
        path: String,
        replace: BTreeMap<String, String>,
    },
    /// A command of the tool, and the exit code it must give.
    Run {
        args: Vec<String>,
        #[serde(default)]
        env: BTreeMap<String, String>,
        status: i32,
    },
}

/// The repositories a case can start from.
fn start(fixture: &str) -> Option<Fixture> {
    match fixture {
        // CONFIG, a complete goals page and an index page, 2026-01-05.
        "one-team" => Some(one_team("", &[])),
        // An empty repository: the case commits what it needs.
        "empty" => Some(Fixture::new()),
        // A directory outside any repository.
        "outside" => None,
        other => panic!("unknown fixture `{other}`"),
    }
}

/// Where a case runs: its repository (or a directory outside any), and a
/// directory beside it that commits do not clean.
struct Sandbox {
    fixture: Option<Fixture>,
    repo: PathBuf,
    keep: tempfile::TempDir,
    _outside: tempfile::TempDir,
    assert: Assert,
}

impl Sandbox {
    fn new(fixture: &str) -> anyhow::Result<Sandbox> {
        let outside = tempfile::tempdir()?;
        let keep = tempfile::tempdir()?;
        let fixture = start(fixture);
        let repo = fixture
            .as_ref()
            .map_or_else(|| outside.path().to_path_buf(), |f| f.path().to_path_buf());
        let mut redactions = Redactions::new();
        redactions.insert("[REPO]", repo.clone())?;
        redactions.insert("[KEEP]", keep.path().to_path_buf())?;
        let assert = Assert::new()
            .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
            .redact_with(redactions);
        Ok(Sandbox {
            fixture,
            repo,
            keep,
            _outside: outside,
            assert,
        })
    }

    /// `[REPO]` and `[KEEP]` in a case's text, made real.
    fn fill(&self, text: &str) -> String {
        text.replace("[REPO]", &self.repo.display().to_string())
            .replace("[KEEP]", &self.keep.path().display().to_string())
    }

    fn fixture(&self) -> anyhow::Result<&Fixture> {
        self.fixture
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("a commit needs a repository"))
    }

    /// Sets the repository up as a step says.
    fn apply(&self, step: &Step) -> anyhow::Result<()> {
        match step {
            Step::Commit { at, files, delete } => {
                let mut edits: Vec<_> = delete
                    .iter()
                    .map(|path| handbook_lint::testing::delete(path))
                    .collect();
                edits.extend(
                    files
                        .iter()
                        .map(|(path, text)| write(path, &self.fill(text))),
                );
                self.fixture()?.commit(at, "case step", &edits);
            }
            Step::Git(args) => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                git(&self.repo, &args);
            }
            Step::Write(files) => {
                for (path, text) in files {
                    write_file(&self.repo.join(self.fill(path)), self.fill(text).as_bytes())?;
                }
            }
            Step::WriteRepeated { path, text, times } => {
                write_file(&self.repo.join(path), text.repeat(*times).as_bytes())?;
            }
            Step::Symlink { path, target } => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(self.fill(target), self.repo.join(path))?;
                #[cfg(not(unix))]
                anyhow::bail!("{path} → {target}: symbolic links need Unix");
            }
            Step::Ruleset { at, path, replace } => {
                let mut text = handbook_lint::testing::BUILTIN_TEXT.to_string();
                for (from, to) in replace {
                    anyhow::ensure!(
                        text.contains(from.as_str()),
                        "the built-in ruleset has no `{from}`"
                    );
                    text = text.replace(from.as_str(), to);
                }
                self.fixture()?
                    .commit(at, "case step", &[write(path, &text)]);
            }
            Step::Run { .. } => {}
        }
        Ok(())
    }

    /// Runs the tool; compares its outputs with `NAME.stdout` and
    /// `NAME.stderr` and its exit code with `status`.
    fn run(
        &self,
        name: &Path,
        args: &[String],
        env: &BTreeMap<String, String>,
        status: i32,
    ) -> anyhow::Result<()> {
        let args: Vec<String> = args.iter().map(|a| self.fill(a)).collect();
        let output = snapbox::cmd::Command::new(assert_cmd::cargo::cargo_bin("handbook-lint"))
            .args(&args)
            .current_dir(&self.repo)
            .env_remove("HANDBOOK_LINT_NOW")
            .env_remove("HANDBOOK_LINT_SETTLE_MS")
            .env("NO_COLOR", "1")
            .envs(env.iter())
            .output()?;
        let stdout = name.with_extension(add_extension(name, "stdout"));
        let stderr = name.with_extension(add_extension(name, "stderr"));
        // snapbox panics with a diff on a difference; every case is run
        // and the differences listed together.
        let same = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.assert
                .eq(output.stdout.clone(), Data::read_from(&stdout, None));
            self.assert
                .eq(output.stderr.clone(), Data::read_from(&stderr, None));
        }));
        let code = output.status.code().unwrap_or(-1);
        anyhow::ensure!(
            same.is_ok() && code == status,
            "`{}`: exit code {code}, expected {status}; the outputs' differences are above",
            args.join(" ")
        );
        Ok(())
    }
}

/// Runs one case; fails on the first step that does not do what it says.
fn run_case(path: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let case: Case =
        serde_saphyr::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    anyhow::ensure!(
        !case.about.trim().is_empty(),
        "{}: say what the case shows",
        path.display()
    );
    let sandbox = Sandbox::new(&case.fixture)?;
    let runs = case
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Run { .. }))
        .count();
    let stem = path.with_extension("");
    let mut run_number = 0;
    for step in &case.steps {
        let Step::Run { args, env, status } = step else {
            sandbox.apply(step)?;
            continue;
        };
        run_number += 1;
        let name = if runs == 1 {
            stem.clone()
        } else {
            PathBuf::from(format!("{}.{run_number}", stem.display()))
        };
        sandbox
            .run(&name, args, env, *status)
            .map_err(|e| anyhow::anyhow!("{} run {run_number}: {e}", path.display()))?;
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)?;
    Ok(())
}

/// `a.1` + `stdout` → `1.stdout`, so `with_extension` keeps the run number.
fn add_extension(name: &Path, extension: &str) -> String {
    match name.extension() {
        Some(existing) => format!("{}.{extension}", existing.to_string_lossy()),
        None => extension.to_string(),
    }
}

#[test]
fn every_case_in_tests_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/cli")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "found only {} cases", cases.len());
    let failed: Vec<String> = cases
        .iter()
        .filter_map(|c| run_case(c).err().map(|e| format!("{e:#}")))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

/// A case whose exit code differs fails, and so does one whose output
/// differs (unless snapshots are being written): the harness is checked
/// against cases written to be wrong.
#[test]
fn a_wrong_case_fails() {
    let dir = tempfile::tempdir().expect("temp");
    let case = |name: &str, status: i32, stdout: &str| {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(
            &path,
            format!("about: a wrong case\nfixture: outside\nsteps:\n  - run: {{ args: [rules], status: {status} }}\n"),
        )
        .expect("write");
        std::fs::write(dir.path().join(format!("{name}.stdout")), stdout).expect("write");
        std::fs::write(dir.path().join(format!("{name}.stderr")), "").expect("write");
        path
    };
    let rules = run_in(dir.path(), &["rules"]).stdout;
    assert!(
        run_case(&case("status", 3, &rules)).is_err(),
        "a wrong exit code passed"
    );
    if std::env::var_os("SNAPSHOTS").is_none() {
        assert!(
            run_case(&case("output", 0, "not what rules prints\n")).is_err(),
            "a wrong output passed"
        );
        assert!(
            run_case(&case("right", 0, &rules)).is_ok(),
            "a right case failed"
        );
    }
}
