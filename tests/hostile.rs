//! Hostile input: everything in the checked repository comes from whoever
//! opened the pull request. Nothing it names outside the working tree, or
//! inside `.git/`, is read or printed; no input hangs the run or exhausts
//! its memory; the hook sees exactly what is being committed.
//!
//! Bounds are fixed work limits, not timings: every run of the binary here
//! is made under a data-segment limit (`ulimit -d`), so reading a device or
//! a 1 GB file into memory would abort it, and under `timeout` as a guard
//! against a hang (a FIFO opened for reading blocks for ever).

mod common;

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use common::*;

const NOW: &str = "2026-03-05T12:00:00Z";
/// What `actions/checkout` keeps in `.git/config`: the token of the run.
const SECRET: &str = "AUTHORIZATION: basic c2VjcmV0LXRva2VuLTEyMzQ1";
const SECRET_CONFIG: &str = "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0LXRva2VuLTEyMzQ1\n";
/// A file outside the repository, beside it.
const OUTSIDE_SECRET: &str = "outside-secret-6789";
/// The memory bound every run here is held to, in KiB: far above what a
/// run on these handbooks needs, far below a device or a 1 GB file read
/// into memory.
const DATA_LIMIT_KIB: u64 = 512 * 1024;

/// Runs the binary on `dir` under the data limit and the hang guard, with
/// `env` added.
fn run_bounded(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -d {DATA_LIMIT_KIB} && exec timeout 120 \"$0\" \"$@\""
        ))
        .arg(cargo_bin("handbook-lint"))
        .arg("--repo")
        .arg(dir)
        .args(["--color", "never"])
        .args(args)
        .env_remove("HANDBOOK_LINT_NOW")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied());
    let output = command.output().expect("run handbook-lint");
    let out = Output {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    };
    assert_ne!(out.code, 124, "the run hung: {args:?}\n{}", out.stderr);
    assert!(
        (0..=2).contains(&out.code),
        "the run crashed (exit {}) on {args:?}: {}",
        out.code,
        out.stderr
    );
    out
}

/// A one-team handbook whose `.git/config` holds a token, with a secret
/// file beside the repository; returns the fixture and that file's path.
fn with_secrets() -> (Fixture, tempfile::TempDir) {
    let f = one_team("", &[]);
    let config = f.path().join(".git/config");
    let mut text = std::fs::read_to_string(&config).expect("git config");
    text.push_str(SECRET_CONFIG);
    std::fs::write(&config, text).expect("write git config");
    let outside = tempfile::tempdir().expect("outside dir");
    std::fs::write(
        outside.path().join("secret.md"),
        format!("# {OUTSIDE_SECRET}\n"),
    )
    .expect("outside secret");
    (f, outside)
}

fn write_file(f: &Fixture, path: &str, text: &str) {
    let full = f.path().join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

#[cfg(unix)]
fn symlink(f: &Fixture, link: &str, target: &Path) {
    let full = f.path().join(link);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    let _ = std::fs::remove_file(&full);
    std::os::unix::fs::symlink(target, full).expect("symlink");
}

/// `../<outside dir name>/secret.md`, relative to the repository root.
fn relative_outside(f: &Fixture, outside: &Path) -> String {
    let mut up = String::new();
    for _ in f.path().components().skip(1) {
        up.push_str("../");
    }
    format!(
        "{up}{}",
        outside
            .join("secret.md")
            .display()
            .to_string()
            .trim_start_matches('/')
    )
}

/// Every output the tool has for a handbook: `check` in every format,
/// `pages` both ways, `why` on the goals page.
fn every_output(f: &Fixture) -> Vec<(String, Output)> {
    let mut runs: Vec<Vec<&str>> = [
        "human", "short", "json", "sarif", "github", "gitlab", "junit",
    ]
    .iter()
    .map(|format| vec!["check", "--format", format, "--now", NOW])
    .collect();
    runs.push(vec!["pages", "--format", "json", "--now", NOW]);
    runs.push(vec!["pages", "--format", "text", "--now", NOW]);
    runs.push(vec!["why", "hb/search/goals.md", "--now", NOW]);
    runs.push(vec![
        "why",
        "hb/search/goals.md",
        "--format",
        "json",
        "--now",
        NOW,
    ]);
    runs.into_iter()
        .map(|args| (args.join(" "), run_bounded(f.path(), &args, &[])))
        .collect()
}

/// Asserts no output holds either secret or any line of `.git/config`,
/// and that some output says the named file was refused (so the hostile
/// setting was looked at, not missed).
fn assert_nothing_leaks(f: &Fixture, setup: &str, refusal: &str) {
    let outputs = every_output(f);
    for (args, out) in &outputs {
        for shown in [&out.stdout, &out.stderr] {
            for secret in [
                SECRET,
                OUTSIDE_SECRET,
                "c2VjcmV0",
                "repositoryformatversion",
            ] {
                assert!(
                    !shown.contains(secret),
                    "{setup}: `{args}` printed `{secret}`:\n{shown}"
                );
            }
        }
    }
    let said = outputs.iter().any(|(_, out)| {
        refusal
            .split('|')
            .any(|refusal| out.stdout.contains(refusal) || out.stderr.contains(refusal))
    });
    assert!(
        said,
        "{setup}: no output says `{refusal}`: {}",
        outputs[1].1.stdout
    );
}

#[test]
fn settings_naming_the_git_directory_or_outside_files_read_nothing() {
    let (f, outside) = with_secrets();
    let outside_abs = outside.path().join("secret.md").display().to_string();
    let outside_rel = relative_outside(&f, outside.path());
    // Each is refused where it is written, before any file is looked at.
    let inside = "must name a file inside the repository";
    let cases = [
        "freshness: { ignore-revs-file: .git/config }\n".to_string(),
        "freshness: { ignore-revs-file: hb/../.git/config }\n".to_string(),
        "freshness: { ignore-revs-file: .GIT/config }\n".to_string(),
        format!("freshness: {{ ignore-revs-file: '{outside_rel}' }}\n"),
        format!("freshness: {{ ignore-revs-file: '{outside_abs}' }}\n"),
        "ruleset: .git/config\n".to_string(),
        format!("ruleset: '{outside_rel}'\n"),
        format!("ruleset: '{outside_abs}'\n"),
        "handbook: .git\n".to_string(),
        "handbook: ../\n".to_string(),
        format!("handbook: '{}'\n", outside.path().display()),
    ];
    for tail in &cases {
        let refusal = if tail.starts_with("handbook") {
            "must name a directory inside the repository"
        } else {
            inside
        };
        write_file(&f, "handbook-lint.yaml", &format!("{CONFIG}{tail}"));
        assert_nothing_leaks(&f, tail, refusal);
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_into_the_git_directory_or_outside_read_nothing() {
    let (f, outside) = with_secrets();
    let git_config = f.path().join(".git/config");
    let secret = outside.path().join("secret.md");
    let relative_git_config = Path::new("../../.git/config");
    let cases: Vec<(&str, &Path, &str)> = vec![
        (
            "hb/search/leak.md",
            &git_config,
            "leads into the git directory",
        ),
        (
            "hb/search/relative.md",
            relative_git_config,
            "leads into the git directory",
        ),
        ("hb/search/outside.md", &secret, "outside the repository"),
        (
            ".github/CODEOWNERS",
            &git_config,
            "leads into the git directory",
        ),
        (
            ".git-blame-ignore-revs",
            &git_config,
            "leads into the git directory",
        ),
    ];
    for (link, target, refusal) in cases {
        symlink(&f, link, target);
        assert_nothing_leaks(&f, link, refusal);
        std::fs::remove_file(f.path().join(link)).expect("unlink");
    }
    // The ruleset and the config itself, through a link inside the tree.
    symlink(&f, "rules.yaml", &git_config);
    write_file(
        &f,
        "handbook-lint.yaml",
        &format!("{CONFIG}ruleset: rules.yaml\n"),
    );
    assert_nothing_leaks(&f, "ruleset link", "leads into the git directory");
    std::fs::remove_file(f.path().join("handbook-lint.yaml")).expect("rm config");
    symlink(&f, "handbook-lint.yaml", &git_config);
    assert_nothing_leaks(&f, "config link", "leads into the git directory");
    // A handbook directory that is a link out of the repository.
    symlink(&f, "docs", outside.path());
    std::fs::remove_file(f.path().join("handbook-lint.yaml")).expect("unlink config");
    write_file(
        &f,
        "handbook-lint.yaml",
        &format!("{CONFIG}handbook: docs\n"),
    );
    assert_nothing_leaks(&f, "handbook link", "outside the repository");
}

/// A sparse file of `size` bytes: no disk used, but reading it all would
/// hold `size` bytes.
fn sparse(path: &Path, size: u64) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let file = std::fs::File::create(path).expect("create");
    file.set_len(size).expect("set_len");
}

#[cfg(unix)]
fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

const GIGABYTE: u64 = 1 << 30;

#[cfg(unix)]
#[test]
fn devices_fifos_and_huge_files_on_the_command_line_are_an_error() {
    let f = one_team("", &[]);
    let dir = tempfile::tempdir().expect("dir");
    let huge = dir.path().join("huge.yaml");
    sparse(&huge, GIGABYTE);
    let pipe = dir.path().join("pipe");
    fifo(&pipe);
    for (flag, path, says) in [
        ("--config", "/dev/zero", "is a device, not a regular file"),
        (
            "--config",
            huge.to_str().expect("utf-8"),
            "over the 1048576-byte limit",
        ),
        (
            "--config",
            pipe.to_str().expect("utf-8"),
            "is a FIFO, not a regular file",
        ),
        ("--baseline", "/dev/zero", "is a device, not a regular file"),
        (
            "--baseline",
            pipe.to_str().expect("utf-8"),
            "is a FIFO, not a regular file",
        ),
    ] {
        let (before, after): (&[&str], &[&str]) = if flag == "--config" {
            (&[flag, path], &["check", "--now", NOW])
        } else {
            (&[], &["check", "--now", NOW, flag, path])
        };
        let args: Vec<&str> = before.iter().chain(after).copied().collect();
        let out = run_bounded(f.path(), &args, &[]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
}

#[cfg(unix)]
#[test]
fn devices_fifos_and_huge_files_in_the_repository_are_findings() {
    let f = one_team("", &[]);
    let root = f.path();
    // A page, directly, by symbolic link, as a FIFO and as a device.
    sparse(&root.join("hb/search/huge.md"), GIGABYTE);
    fifo(&root.join("hb/pipe-target"));
    symlink(&f, "hb/search/pipe.md", &root.join("hb/pipe-target"));
    symlink(&f, "hb/search/zero.md", Path::new("/dev/zero"));
    let out = run_bounded(root, &["check", "--format", "short", "--now", NOW], &[]);
    for says in [
        "hb/search/huge.md:1:1: HB005 [error] `hb/search/huge.md` is 1073741824 bytes, over the 2097152-byte limit",
        "hb/search/pipe.md:1:1: HB005 [error] `hb/search/pipe.md` is a FIFO, not a regular file",
        "hb/search/zero.md:1:1: HB005 [error] `hb/search/zero.md` leads outside the repository",
    ] {
        assert!(out.stdout.contains(says), "{says}\n{}", out.stdout);
    }
    assert_eq!(out.code, 1, "{}", out.stderr);
    // The ruleset, CODEOWNERS and the ignore-revs file as FIFOs and huge files.
    fifo(&root.join("rules.yaml"));
    sparse(&root.join("CODEOWNERS"), GIGABYTE);
    fifo(&root.join("revs"));
    write_file(
        &f,
        "handbook-lint.yaml",
        &format!("{CONFIG}ruleset: rules.yaml\nfreshness: {{ ignore-revs-file: revs }}\n"),
    );
    let out = run_bounded(root, &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout
            .contains("rules.yaml:1:1: HB005 [error] the ruleset `rules.yaml` is a FIFO"),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 2, "no ruleset, no run: {}", out.stderr);
    write_file(
        &f,
        "handbook-lint.yaml",
        &format!("{CONFIG}freshness: {{ ignore-revs-file: revs }}\n"),
    );
    let out = run_bounded(root, &["check", "--format", "short", "--now", NOW], &[]);
    for says in [
        "CODEOWNERS:1:1: HB005 [error] `CODEOWNERS` is 1073741824 bytes, over the 3000000-byte limit",
        "revs:1:1: HB005 [error] the ignore-revs file `revs` is a FIFO",
    ] {
        assert!(out.stdout.contains(says), "{says}\n{}", out.stdout);
    }
    // The config itself as a FIFO: a finding, and no run.
    std::fs::remove_file(root.join("handbook-lint.yaml")).expect("rm");
    fifo(&root.join("handbook-lint.yaml"));
    let out = run_bounded(root, &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout
            .contains("HB005 [error] the config `handbook-lint.yaml` is a FIFO"),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 2);
}

#[cfg(unix)]
#[test]
fn a_fifo_swapped_in_under_a_warm_page_cache_is_not_read() {
    let f = one_team("    since: 2026-03-05\n", &[]);
    let first = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert_eq!(first.code, 0, "{}", first.stdout);
    let goals = f.path().join("hb/search/goals.md");
    std::fs::remove_file(&goals).expect("rm goals");
    fifo(&goals);
    let out = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout
            .contains("hb/search/goals.md:1:1: HB005 [error] `hb/search/goals.md` is a FIFO"),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[test]
fn write_baseline_never_replaces_a_link_or_a_device() {
    let f = one_team("", &[]);
    let dir = tempfile::tempdir().expect("dir");
    let target = dir.path().join("kept.json");
    std::fs::write(&target, "what a person wrote").expect("write");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    for path in [link.to_str().expect("utf-8"), "/dev/null"] {
        let out = run_bounded(
            f.path(),
            &["check", "--now", NOW, "--write-baseline", path],
            &[],
        );
        assert_eq!(out.code, 2, "{path}: {}", out.stderr);
        assert!(out.stderr.contains("wrote nothing"), "{}", out.stderr);
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&target).expect("kept"),
        "what a person wrote"
    );
    assert!(Path::new("/dev/null").exists());
}

/// A clean one-team handbook with a committed retro, and the hook installed.
fn hooked() -> Fixture {
    let f = one_team(
        "    since: 2026-03-05\n",
        &[write(
            "hb/search/retros/2026-03-05.md",
            &retro("2026-03-05", "- [ ] @bob owns this"),
        )],
    );
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    f
}

/// `git` with the hook in force at the fixed time: whether it succeeded, and
/// everything it (and the hook) printed.
fn git_with_hook(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = git_output(dir, args, &[("HANDBOOK_LINT_NOW", NOW)]);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), shown)
}

const RETRO: &str = "hb/search/retros/2026-03-05.md";
const UNOWNED: &str = "hb/search/retros/2026-03-05.md:9:1: HB302";

#[test]
fn commit_all_and_commit_path_are_blocked_as_add_then_commit_is() {
    for how in ["add", "-a", "path"] {
        let f = hooked();
        std::fs::write(
            f.path().join(RETRO),
            retro("2026-03-05", "- [ ] nobody owns this"),
        )
        .expect("edit the retro");
        let args: Vec<&str> = match how {
            "add" => {
                git(f.path(), &["add", RETRO]);
                vec!["commit", "--quiet", "-m", "retro"]
            }
            "-a" => vec!["commit", "--quiet", "-a", "-m", "retro"],
            _ => vec!["commit", "--quiet", "-m", "retro", "--", RETRO],
        };
        let (committed, shown) = git_with_hook(f.path(), &args);
        assert!(!committed, "`git {args:?}` was not blocked:\n{shown}");
        assert!(shown.contains(UNOWNED), "{how}: {shown}");
        // And the fixed item passes the same way.
        std::fs::write(
            f.path().join(RETRO),
            retro("2026-03-05", "- [ ] @bob owns this now"),
        )
        .expect("fix the retro");
        if how == "add" {
            git(f.path(), &["add", RETRO]);
        }
        let (committed, shown) = git_with_hook(f.path(), &args);
        assert!(committed, "{how}: the fixed commit was blocked:\n{shown}");
    }
}

#[test]
fn a_linked_worktree_gets_the_hook_git_runs() {
    let f = one_team("    since: 2026-03-05\n", &[]);
    let linked = tempfile::tempdir().expect("worktree dir");
    let tree = linked.path().join("wt");
    git(
        f.path(),
        &[
            "worktree",
            "add",
            "--quiet",
            tree.to_str().expect("utf-8"),
            "-b",
            "wt",
        ],
    );
    let out = run_in(&tree, &["install-hook"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        f.path().join(".git/hooks/pre-commit").is_file(),
        "{}",
        out.stdout
    );
    assert!(!f.path().join(".git/worktrees/wt/hooks/pre-commit").exists());
    let page = tree.join("hb/search/retros/2026-03-05.md");
    std::fs::create_dir_all(page.parent().expect("parent")).expect("mkdir");
    std::fs::write(&page, retro("2026-03-05", "- [ ] nobody owns this")).expect("write");
    git(&tree, &["add", RETRO]);
    let (committed, shown) = git_with_hook(&tree, &["commit", "--quiet", "-m", "retro"]);
    assert!(
        !committed,
        "the worktree's commit was not blocked:\n{shown}"
    );
    assert!(shown.contains(UNOWNED), "{shown}");
    // `commit -a` in the worktree reads the worktree's temporary index.
    std::fs::write(&page, retro("2026-03-05", "- [ ] @bob owns this")).expect("fix");
    git(&tree, &["add", RETRO]);
    let (committed, shown) = git_with_hook(&tree, &["commit", "--quiet", "-m", "retro"]);
    assert!(committed, "{shown}");
    std::fs::write(&page, retro("2026-03-05", "- [ ] nobody again")).expect("break");
    let (committed, shown) = git_with_hook(&tree, &["commit", "--quiet", "-a", "-m", "again"]);
    assert!(!committed && shown.contains(UNOWNED), "{shown}");
}

#[test]
fn deleting_or_renaming_a_required_page_is_blocked() {
    let f = hooked();
    git(f.path(), &["rm", "--quiet", "hb/search/goals.md"]);
    let (committed, shown) = git_with_hook(f.path(), &["commit", "--quiet", "-m", "drop goals"]);
    assert!(!committed, "{shown}");
    assert!(shown.contains("HB101"), "{shown}");
    git(f.path(), &["reset", "--quiet", "--hard"]);
    git(
        f.path(),
        &["mv", "hb/search/index.md", "hb/search/process.md"],
    );
    let (committed, shown) = git_with_hook(f.path(), &["commit", "--quiet", "-m", "rename"]);
    assert!(!committed, "{shown}");
    assert!(
        shown.contains("HB201") && shown.contains("HB203"),
        "{shown}"
    );
    // Deleting a page no rule needs passes.
    git(f.path(), &["reset", "--quiet", "--hard"]);
    git(f.path(), &["rm", "--quiet", RETRO]);
    let (committed, shown) = git_with_hook(f.path(), &["commit", "--quiet", "-m", "drop retro"]);
    assert!(committed, "{shown}");
}

#[cfg(unix)]
#[test]
fn a_previous_hook_git_would_not_run_is_kept_and_not_run() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = one_team("    since: 2026-03-05\n", &[]);
    let hooks = f.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).expect("hooks");
    // Not executable: git ignores it, and so must the chained hook.
    let theirs = "#!/bin/sh\necho theirs-ran\nexit 1\n";
    std::fs::write(hooks.join("pre-commit"), theirs).expect("write");
    std::fs::set_permissions(
        hooks.join("pre-commit"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("is not run"), "{}", out.stdout);
    let kept = hooks.join("pre-commit.handbook-lint-previous");
    assert_eq!(std::fs::read_to_string(&kept).expect("kept"), theirs);
    stage(&f, "notes.md", "# Notes\n");
    let (committed, shown) = git_with_hook(f.path(), &["commit", "--quiet", "-m", "notes"]);
    assert!(committed && !shown.contains("theirs-ran"), "{shown}");
    let out = f.run(&["install-hook", "--uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).expect("restored"),
        theirs
    );

    // A symbolic link to nothing is kept as the link it is.
    std::fs::remove_file(hooks.join("pre-commit")).expect("rm");
    std::os::unix::fs::symlink("/nonexistent/hook", hooks.join("pre-commit")).expect("link");
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let link = std::fs::read_link(&kept).expect("the dangling link is kept");
    assert_eq!(link, Path::new("/nonexistent/hook"));
    stage(&f, "more.md", "# More\n");
    let (committed, shown) = git_with_hook(f.path(), &["commit", "--quiet", "-m", "more"]);
    assert!(committed, "{shown}");
}

#[test]
fn a_review_stamp_in_the_future_is_a_finding_and_does_not_count() {
    let f = one_team("", &[]);
    let page = goals("Kicked off.").replace("owner: alice", "owner: alice\nreviewed: 2999-01-01");
    write_file(&f, "hb/search/goals.md", &page);
    let out = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout.contains("hb/search/goals.md:3:11: HB002 [error] `reviewed: 2999-01-01` is after today (2026-03-05)"),
        "{}",
        out.stdout
    );
    // The page is dated by git, not by the stamp: stale as before.
    assert!(out.stdout.contains("HB102"), "{}", out.stdout);
    // A stamp of today counts.
    let page = goals("Kicked off.").replace("owner: alice", "owner: alice\nreviewed: 2026-03-05");
    write_file(&f, "hb/search/goals.md", &page);
    let out = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        !out.stdout.contains("HB102") && !out.stdout.contains("after today"),
        "{}",
        out.stdout
    );
}

#[test]
fn now_outside_1970_to_9999_is_an_error() {
    let f = one_team("", &[]);
    for now in [
        "10000-01-01",
        "@253402300800",
        "@-1",
        "1969-12-31",
        "@9223372036854775807",
    ] {
        let out = run_bounded(f.path(), &["check", "--now", now], &[]);
        assert_eq!(out.code, 2, "{now}: {}", out.stdout);
        assert!(
            out.stderr.contains("outside the years 1970 to 9999")
                || out.stderr.contains("is not a time"),
            "{now}: {}",
            out.stderr
        );
    }
    for now in ["9999-12-31", "@253402300799", "1970-01-01"] {
        let out = run_bounded(f.path(), &["check", "--format", "short", "--now", now], &[]);
        assert!(out.code == 0 || out.code == 1, "{now}: {}", out.stderr);
    }
}

#[test]
fn pages_inside_a_submodule_are_out_of_scope_with_a_note() {
    let f = one_team(
        "  vendor:\n    dir: hb/vendor\n    pm: alice\n    em: bob\n",
        &[],
    );
    let nested = f.path().join("hb/vendor");
    std::fs::create_dir_all(&nested).expect("mkdir");
    git(&nested, &["init", "--quiet"]);
    std::fs::write(nested.join("goals.md"), goals("Kicked off.")).expect("write");
    let pages = f.pages(NOW);
    let listed = pages["pages"].as_array().expect("rows");
    assert!(
        listed
            .iter()
            .all(|row| !row["path"].as_str().unwrap_or("").starts_with("hb/vendor/")),
        "{pages:#}"
    );
    let out = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout.contains("team `vendor` has no goals page"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(
            "team `vendor`'s directory `hb/vendor` is inside `hb/vendor`, another git repository"
        ),
        "{}",
        out.stderr
    );
}

/// Every output of a check and of `pages`, run warm (twice, so the second
/// is certainly from the cache) and with `--no-cache`: they must be equal.
fn assert_warm_equals_uncached(dir: &Path, case: &str) {
    let runs: [&[&str]; 2] = [
        &["check", "--format", "json", "--allow-shallow", "--now", NOW],
        &["pages", "--format", "json", "--allow-shallow", "--now", NOW],
    ];
    for args in runs {
        run_bounded(dir, args, &[]);
        let warm = run_bounded(dir, args, &[]);
        let mut uncached_args = args.to_vec();
        uncached_args.push("--no-cache");
        let uncached = run_bounded(dir, &uncached_args, &[]);
        assert_eq!(warm.stdout, uncached.stdout, "{case}: {args:?}");
        assert_eq!(warm.code, uncached.code, "{case}: {args:?}");
    }
}

/// A handbook whose goals page changed in three commits, a month apart.
fn three_goals_commits() -> Fixture {
    let f = one_team("", &[]);
    f.commit(
        "2026-02-02T09:00:00Z",
        "progress",
        &[write("hb/search/goals.md", &goals("Iteration 3: indexed."))],
    );
    f.commit(
        "2026-03-02T09:00:00Z",
        "unrelated",
        &[write("notes.md", "# Notes\n")],
    );
    f
}

#[test]
fn the_cache_answers_as_no_cache_after_unshallow_and_graft() {
    let origin = three_goals_commits();
    let clones = tempfile::tempdir().expect("clones");
    let clone = clones.path().join("shallow");
    let url = format!("file://{}", origin.path().display());
    git(
        clones.path(),
        &[
            "clone",
            "--quiet",
            "--depth",
            "1",
            &url,
            clone.to_str().expect("utf-8"),
        ],
    );
    assert_warm_equals_uncached(&clone, "shallow");
    let shallow = run_bounded(
        &clone,
        &["pages", "--format", "json", "--allow-shallow", "--now", NOW],
        &[],
    );
    git(&clone, &["fetch", "--quiet", "--unshallow"]);
    assert_warm_equals_uncached(&clone, "unshallowed");
    let deep = run_bounded(&clone, &["pages", "--format", "json", "--now", NOW], &[]);
    assert_ne!(
        shallow.stdout, deep.stdout,
        "unshallowing changes the answers"
    );

    // A graft cutting out the commit that changed the goals page.
    let f = three_goals_commits();
    assert_warm_equals_uncached(f.path(), "before the graft");
    let before = f.page(NOW, "hb/search/goals.md", None);
    let head = git(f.path(), &["rev-parse", "HEAD"]);
    let first = git(f.path(), &["rev-parse", "HEAD~2"]);
    git(f.path(), &["replace", "--graft", head.trim(), first.trim()]);
    assert_warm_equals_uncached(f.path(), "grafted");
    let after = f.page(NOW, "hb/search/goals.md", None);
    assert_ne!(
        before["updated"], after["updated"],
        "the graft changes the answer"
    );
    // And the answer is git's.
    let git_says = git(
        f.path(),
        &["log", "-1", "--format=%ct", "--", "hb/search/goals.md"],
    );
    assert_eq!(
        after["git_updated_unix"].as_i64(),
        git_says.trim().parse().ok(),
        "{after:#}"
    );
}

#[test]
fn a_walk_error_seen_cold_is_seen_warm() {
    let f = three_goals_commits();
    // The first commit's tree is lost (a broken or partial clone).
    let _ = remove_loose_object(f.path(), "HEAD~2^{tree}");
    let cold = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(cold.stdout.contains("HB004"), "{}", cold.stdout);
    assert_warm_equals_uncached(f.path(), "missing tree");
}

#[cfg(unix)]
#[test]
fn ignore_files_that_are_fifos_or_links_are_not_read() {
    let (f, _outside) = with_secrets();
    let git_config = f.path().join(".git/config");
    fifo(&f.path().join("hb/.gitignore"));
    let out = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout.contains(
            "`hb/.gitignore` is not a regular file; it is not read, and `hb/` is not walked"
        ),
        "{}",
        out.stdout
    );
    std::fs::remove_file(f.path().join("hb/.gitignore")).expect("rm");
    symlink(&f, "hb/search/.gitignore", &git_config);
    assert_nothing_leaks(
        &f,
        "ignore link",
        "`hb/search/.gitignore` is a symbolic link",
    );
    std::fs::remove_file(f.path().join("hb/search/.gitignore")).expect("rm");
    symlink(&f, ".gitignore", &git_config);
    let out = run_bounded(f.path(), &["check", "--format", "short", "--now", NOW], &[]);
    assert!(
        out.stdout.contains(
            "`.gitignore` is a symbolic link; it is not read, and the handbook is not walked"
        ),
        "{}",
        out.stdout
    );
}
