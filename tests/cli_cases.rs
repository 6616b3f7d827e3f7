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
    /// Files committed at a time.
    Commit {
        at: String,
        files: BTreeMap<String, String>,
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

fn fill(text: &str, repo: &Path, keep: &Path) -> String {
    text.replace("[REPO]", &repo.display().to_string())
        .replace("[KEEP]", &keep.display().to_string())
}

/// Runs one case; returns what differed.
fn run_case(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case: Case =
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    assert!(
        !case.about.trim().is_empty(),
        "{}: say what the case shows",
        path.display()
    );
    let outside = tempfile::tempdir().map_err(|e| e.to_string())?;
    let keep = tempfile::tempdir().map_err(|e| e.to_string())?;
    let fixture = start(&case.fixture);
    let repo: PathBuf = fixture
        .as_ref()
        .map_or_else(|| outside.path().to_path_buf(), |f| f.path().to_path_buf());
    let runs = case
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Run { .. }))
        .count();
    let stem = path.with_extension("");
    let mut run_number = 0;
    let mut redactions = Redactions::new();
    redactions
        .insert("[REPO]", repo.clone())
        .map_err(|e| e.to_string())?;
    redactions
        .insert("[KEEP]", keep.path().to_path_buf())
        .map_err(|e| e.to_string())?;
    let assert = Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .redact_with(redactions);
    for step in &case.steps {
        match step {
            Step::Commit { at, files } => {
                let f = fixture.as_ref().expect("a commit needs a repository");
                let edits: Vec<_> = files
                    .iter()
                    .map(|(path, text)| write(path, &fill(text, &repo, keep.path())))
                    .collect();
                f.commit(at, "case step", &edits);
            }
            Step::Git(args) => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                git(&repo, &args);
            }
            Step::Write(files) => {
                for (path, text) in files {
                    let full = repo.join(fill(path, &repo, keep.path()));
                    write_file(&full, fill(text, &repo, keep.path()).as_bytes())?;
                }
            }
            Step::WriteRepeated { path, text, times } => {
                write_file(&repo.join(path), text.repeat(*times).as_bytes())?;
            }
            Step::Symlink { path, target } => {
                let target = fill(target, &repo, keep.path());
                #[cfg(unix)]
                std::os::unix::fs::symlink(&target, repo.join(path)).map_err(|e| e.to_string())?;
                #[cfg(not(unix))]
                return Err(format!("{}: symbolic links need Unix", path.display()));
            }
            Step::Ruleset { at, path, replace } => {
                let f = fixture.as_ref().expect("a commit needs a repository");
                let mut text = handbook_lint::testing::BUILTIN_TEXT.to_string();
                for (from, to) in replace {
                    assert!(
                        text.contains(from.as_str()),
                        "the built-in ruleset has no `{from}`"
                    );
                    text = text.replace(from.as_str(), to);
                }
                f.commit(at, "case step", &[write(path, &text)]);
            }
            Step::Run { args, env, status } => {
                run_number += 1;
                let name = if runs == 1 {
                    stem.clone()
                } else {
                    PathBuf::from(format!("{}.{run_number}", stem.display()))
                };
                let args: Vec<String> = args.iter().map(|a| fill(a, &repo, keep.path())).collect();
                let output =
                    snapbox::cmd::Command::new(assert_cmd::cargo::cargo_bin("handbook-lint"))
                        .args(&args)
                        .current_dir(&repo)
                        .env_remove("HANDBOOK_LINT_NOW")
                        .env_remove("HANDBOOK_LINT_SETTLE_MS")
                        .env("NO_COLOR", "1")
                        .envs(env.iter())
                        .output()
                        .map_err(|e| e.to_string())?;
                let stdout = name.with_extension(add_extension(&name, "stdout"));
                let stderr = name.with_extension(add_extension(&name, "stderr"));
                let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    assert.eq(output.stdout.clone(), Data::read_from(&stdout, None));
                    assert.eq(output.stderr.clone(), Data::read_from(&stderr, None));
                }));
                let code = output.status.code().unwrap_or(-1);
                if checked.is_err() || code != *status {
                    return Err(format!(
                        "{} run {run_number} (`{}`): exit code {code}, expected {status}; see the output above",
                        path.display(),
                        args.join(" ")
                    ));
                }
            }
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, bytes).map_err(|e| e.to_string())
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
    let failed: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
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
