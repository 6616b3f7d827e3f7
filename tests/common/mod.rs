//! Test kit: real git repositories built with git2 at fixed times, the
//! binary run against them, and the `git` CLI as the oracle for dates.

#![allow(dead_code)] // each test file uses its own part of the kit

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use handbook_lint::testing::{Edit, Person, RepoBuilder};
use serde_json::Value;

pub(crate) mod oracle;

#[allow(unused_imports)] // not every test file moves or deletes pages
pub(crate) use handbook_lint::testing::{CONFIG, delete, goals, index, mv, retro, write};

/// Runs the binary with `args` outside any repository; its standard
/// output, after checking it succeeded.
pub(crate) fn run_ok(args: &[&str]) -> String {
    let output = Command::new(cargo_bin("handbook-lint"))
        .args(args)
        .output()
        .expect("run handbook-lint");
    assert!(
        output.status.success(),
        "handbook-lint {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

pub(crate) const ALICE: Person = Person {
    name: "Alice Ng",
    email: "alice@example.com",
};
pub(crate) const BOB: Person = Person {
    name: "Bob Okafor",
    email: "bob@example.com",
};

/// A one-team handbook committed on 2026-01-05: `CONFIG` followed by
/// `config_tail` (lines for the `search` team, or more keys), a complete goals
/// page, an index page with both process sections, and `more` files (which
/// replace those when they share a path).
pub(crate) fn one_team(config_tail: &str, more: &[Edit]) -> Fixture {
    let f = Fixture::new();
    let given = |path: &str| {
        more.iter()
            .any(|e| matches!(e, Edit::Write(p, _) if p == path))
    };
    let mut edits = vec![write(
        "handbook-lint.yaml",
        &format!("{CONFIG}{config_tail}"),
    )];
    for (path, text) in [
        ("hb/search/goals.md", goals("Kicked off.")),
        ("hb/search/index.md", index("Mondays.", "Fridays.")),
    ] {
        if !given(path) {
            edits.push(write(path, &text));
        }
    }
    edits.extend_from_slice(more);
    f.commit("2026-01-05T09:00:00Z", "start", &edits);
    f
}

/// Writes a file in the working tree (making its directory) and stages it.
pub(crate) fn stage(f: &Fixture, path: &str, text: &str) {
    let full = f.path().join(path);
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(&full, text).expect("write");
    git(f.path(), &["add", path]);
}

pub(crate) struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
    pub repo: RepoBuilder,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = RepoBuilder::init(dir.path()).expect("git init");
        Fixture { dir, repo }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Commits as Alice at `when`.
    pub(crate) fn commit(&self, when: &str, message: &str, edits: &[Edit]) -> String {
        self.commit_as(ALICE, when, message, edits)
    }

    pub(crate) fn commit_as(
        &self,
        who: Person,
        when: &str,
        message: &str,
        edits: &[Edit],
    ) -> String {
        let id = self.repo.commit(when, who, message, edits).expect("commit");
        self.repo.checkout().expect("checkout");
        id.to_string()
    }

    /// Runs the binary on this repository with colour off.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        run_in(self.path(), args)
    }

    /// `check --format json` at `now`.
    pub(crate) fn check_json(&self, now: &str) -> (Value, i32) {
        let out = self.run(&["check", "--format", "json", "--now", now]);
        let value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", out.stdout, out.stderr));
        (value, out.code)
    }

    /// `check --format short` at `now`: the findings, one per line.
    pub(crate) fn check_short(&self, now: &str) -> (String, i32) {
        let out = self.run(&["check", "--format", "short", "--now", now]);
        (out.stdout, out.code)
    }

    /// `pages --format json` at `now`.
    pub(crate) fn pages(&self, now: &str) -> Value {
        let out = self.run(&["pages", "--format", "json", "--now", now]);
        assert_eq!(out.code, 0, "pages failed: {}", out.stderr);
        serde_json::from_str(&out.stdout).expect("pages json")
    }

    /// The `pages` row for a path (and section).
    pub(crate) fn page(&self, now: &str, path: &str, section: Option<&str>) -> Value {
        let pages = self.pages(now);
        pages["pages"]
            .as_array()
            .and_then(|rows| {
                rows.iter()
                    .find(|r| r["path"] == path && r["section"].as_str() == section)
                    .cloned()
            })
            .unwrap_or_else(|| panic!("no row for {path} {section:?} in {pages:#}"))
    }
}

pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Output {
    run_in_env(dir, args, &[])
}

/// Runs the binary with `env` added to its environment.
pub(crate) fn run_in_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let output = Command::new(cargo_bin("handbook-lint"))
        .arg("--repo")
        .arg(dir)
        .arg("--color")
        .arg("never")
        .args(args)
        .env_remove("HANDBOOK_LINT_NOW")
        .env_remove("HANDBOOK_LINT_SETTLE_MS")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run handbook-lint");
    Output {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Runs the `git` CLI in `dir` as a test identity, without the machine's
/// git config, with `env` added; the caller judges the outcome.
pub(crate) fn git_output(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Tester",
            "-c",
            "user.email=tester@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .envs(env.iter().copied())
        .output()
        .expect("run git")
}

/// Deletes the loose object `revision` names (`HEAD~2^{tree}`): a broken or
/// partial clone. The fixtures' objects are loose. Returns its id.
pub(crate) fn remove_loose_object(dir: &Path, revision: &str) -> String {
    let id = git(dir, &["rev-parse", revision]).trim().to_string();
    let object = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&object).expect("the fixture's objects are loose");
    id
}

/// Runs the `git` CLI in `dir`, asserts it succeeded, returns its output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_output(dir, args, &[]);
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// One commit of `git log --name-status`: id, committer time, and its
/// status lines (`M\tpath`, `R100\told\tnew`).
#[derive(Debug)]
pub(crate) struct LogEntry {
    pub commit: String,
    pub time: i64,
    pub statuses: Vec<Vec<String>>,
}

/// `git log --first-parent --follow -M --name-status` for one path.
pub(crate) fn follow_log(dir: &Path, path: &str) -> Vec<LogEntry> {
    let text = git(
        dir,
        &[
            "log",
            "--first-parent",
            "--follow",
            "-M",
            "--name-status",
            "--format=@@%H %ct",
            "--",
            path,
        ],
    );
    let mut entries: Vec<LogEntry> = Vec::new();
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("@@") {
            let (commit, time) = header.split_once(' ').expect("header");
            entries.push(LogEntry {
                commit: commit.to_string(),
                time: time.parse().expect("time"),
                statuses: Vec::new(),
            });
        } else if !line.trim().is_empty()
            && let Some(entry) = entries.last_mut()
        {
            entry
                .statuses
                .push(line.split('\t').map(str::to_string).collect());
        }
    }
    entries
}

/// The oracle for a page's last substantive change: the newest entry of
/// the first-parent, rename-following log that is not a pure (R100) move.
pub(crate) fn oracle_last_change(dir: &Path, path: &str) -> Option<(String, i64)> {
    follow_log(dir, path)
        .into_iter()
        .find(|entry| !entry.statuses.iter().all(|s| s[0] == "R100"))
        .map(|entry| (entry.commit, entry.time))
}

/// The text of the section with `anchor` in `text`, found independently of
/// the tool's parser: ATX headings only, the fixtures use no others.
pub(crate) fn oracle_section(text: &str, anchor: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let heading = |line: &str| -> Option<(usize, String)> {
        let level = line.chars().take_while(|c| *c == '#').count();
        if level == 0 || level > 6 || !line[level..].starts_with(' ') {
            return None;
        }
        let slug: String = line[level..]
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        Some((level, slug))
    };
    let start = lines
        .iter()
        .position(|line| heading(line).is_some_and(|(_, slug)| slug == anchor))?;
    let level = heading(lines[start]).map(|(l, _)| l)?;
    let end = lines[start + 1..]
        .iter()
        .position(|line| heading(line).is_some_and(|(l, _)| l <= level))
        .map_or(lines.len(), |i| start + 1 + i);
    Some(lines[start..end].join("\n"))
}

/// The oracle for a section's last change: walk the first-parent,
/// rename-following log and compare the section's text (read with
/// `git show`) at each commit with its text in the first parent.
pub(crate) fn oracle_section_change(dir: &Path, path: &str, anchor: &str) -> Option<(String, i64)> {
    let show = |commit: &str, path: &str| -> Option<String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["show", &format!("{commit}:{path}")])
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    };
    for entry in follow_log(dir, path) {
        let status = entry.statuses.first()?;
        let (old, new) = match status.as_slice() {
            [s, old, new] if s.starts_with('R') => (old.clone(), new.clone()),
            [_, path] => (path.clone(), path.clone()),
            _ => continue,
        };
        let ours = show(&entry.commit, &new).and_then(|t| oracle_section(&t, anchor));
        let theirs =
            show(&format!("{}^", entry.commit), &old).and_then(|t| oracle_section(&t, anchor));
        if ours != theirs {
            return Some((entry.commit, entry.time));
        }
    }
    None
}

pub(crate) fn path_buf(dir: &Path, rel: &str) -> PathBuf {
    dir.join(rel)
}
