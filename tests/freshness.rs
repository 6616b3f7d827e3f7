//! Freshness on messy history — reformatting sweeps, skewed clocks, missing
//! objects — and the cache that must never change an answer.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::*;
use handbook_lint::testing::ROBOT;
use handbook_lint::testing::rfc3339;

const NOW: &str = "2026-06-01";

/// The oracle for a page's last change when some commits do not count:
/// the newest first-parent, rename-following log entry that is neither a
/// pure move nor in `skip`.
fn oracle_skipping(dir: &Path, path: &str, skip: &HashSet<String>) -> Option<(String, i64)> {
    follow_log(dir, path)
        .into_iter()
        .filter(|entry| !skip.contains(&entry.commit))
        .find(|entry| !entry.statuses.iter().all(|s| s[0] == "R100"))
        .map(|entry| (entry.commit, entry.time))
}

fn assert_page(f: &Fixture, path: &str, expected: Option<(String, i64)>) -> serde_json::Value {
    let (commit, time) = expected.unwrap_or_else(|| panic!("the oracle knows {path}"));
    let row = f.page(NOW, path, None);
    assert_eq!(row["commit"], commit.as_str(), "{path}: {row:#}");
    assert_eq!(row["git_updated_unix"], time, "{path}: {row:#}");
    row
}

/// A handbook of `n` pages with a history: edits, a reformatting sweep that
/// touches every page, a mass move, then more edits.
fn sweeping_history(n: usize) -> (Fixture, String) {
    let f = Fixture::new();
    let pages: Vec<String> = (0..n).map(|i| format!("hb/p{i}.md")).collect();
    let edits: Vec<_> = pages
        .iter()
        .map(|p| write(p, &format!("# {p}\n\ntext\n")))
        .collect();
    f.commit("2026-01-05T09:00:00Z", "start", &edits);
    f.commit(
        "2026-01-20T09:00:00Z",
        "edit p1",
        &[write("hb/p1.md", "# hb/p1.md\n\nnew text\n")],
    );
    // A sweep that changes words (a product renamed everywhere): only the
    // ignore-revs file or the sweep limit keeps it from counting.
    let sweep_edits: Vec<_> = pages
        .iter()
        .map(|p| {
            let body = if p == "hb/p1.md" {
                "new prose"
            } else {
                "prose"
            };
            write(p, &format!("# {p}\n\n{body}\n"))
        })
        .collect();
    let sweep = f.commit_as(
        ROBOT,
        "2026-02-01T09:00:00Z",
        "rename: text is prose now",
        &sweep_edits,
    );
    f.commit(
        "2026-03-01T09:00:00Z",
        "edit p2",
        &[write("hb/p2.md", "# hb/p2.md\n\nedited after the sweep\n")],
    );
    (f, sweep)
}

#[test]
fn ignore_revs_sweeps_are_not_changes_and_pages_says_so() {
    let (f, sweep) = sweeping_history(6);
    f.commit(
        "2026-03-02T09:00:00Z",
        "ignore the sweep",
        &[write(
            ".git-blame-ignore-revs",
            &format!("# reformat\n{sweep}\n"),
        )],
    );
    let skip: HashSet<String> = [sweep.clone()].into();
    for i in 0..6 {
        let path = format!("hb/p{i}.md");
        let row = assert_page(&f, &path, oracle_skipping(f.path(), &path, &skip));
        if i == 2 {
            assert_eq!(
                row["ignored_commit"],
                serde_json::Value::Null,
                "the edit after the sweep wins"
            );
        } else {
            assert_eq!(row["ignored_commit"], sweep.as_str(), "{path}");
        }
    }
    assert_eq!(
        f.page(NOW, "hb/p1.md", None)["updated"],
        "2026-01-20T09:00:00Z"
    );
    assert_eq!(
        f.page(NOW, "hb/p0.md", None)["updated"],
        "2026-01-05T09:00:00Z"
    );
}

#[test]
fn the_config_can_name_the_ignore_revs_file_and_bad_lines_are_reported() {
    let (f, sweep) = sweeping_history(3);
    let config = format!("{CONFIG}freshness:\n  ignore-revs-file: meta/ignore.txt\n");
    f.commit(
        "2026-03-02T09:00:00Z",
        "config",
        &[
            write("handbook-lint.yaml", &config),
            write("meta/ignore.txt", &format!("{sweep}\nabc123\n")),
        ],
    );
    assert_eq!(
        f.page(NOW, "hb/p0.md", None)["updated"],
        "2026-01-05T09:00:00Z"
    );
    let (out, _) = f.check_short(NOW);
    assert!(out.contains("meta/ignore.txt:2:1: HB001"), "{out}");
    assert!(out.contains("`abc123` is not a full commit id"), "{out}");
}

#[test]
fn commits_touching_more_pages_than_the_limit_are_sweeps() {
    let (f, sweep) = sweeping_history(8);
    let config = format!("{CONFIG}handbook: hb\nfreshness:\n  max-files-per-commit: 5\n");
    f.commit(
        "2026-03-02T09:00:00Z",
        "config",
        &[write("handbook-lint.yaml", &config)],
    );
    // The oracle: commits whose first-parent diff touches more than five
    // Markdown files under hb/.
    let log = git(f.path(), &["log", "--first-parent", "--format=%H"]);
    let sweeps: HashSet<String> = log
        .lines()
        .filter(|commit| {
            let changed = git(
                f.path(),
                &[
                    "diff-tree",
                    "--no-commit-id",
                    "--name-only",
                    "-r",
                    "--root",
                    commit,
                    "--",
                    "hb",
                ],
            );
            changed
                .lines()
                .filter(|l| handbook_lint::testing::is_markdown(Path::new(l)))
                .count()
                > 5
        })
        .map(str::to_string)
        .collect();
    let start = git(f.path(), &["rev-list", "--max-parents=0", "HEAD"]);
    assert_eq!(
        sweeps,
        [sweep.clone(), start.trim().to_string()].into(),
        "the first commit adds eight pages too"
    );
    for i in 0..8 {
        let path = format!("hb/p{i}.md");
        // Creation always counts, even in a big commit: nothing is older.
        let mut skip = sweeps.clone();
        skip.remove(start.trim());
        assert_page(&f, &path, oracle_skipping(f.path(), &path, &skip));
    }
}

/// A parent dated after its child takes the child's time; a commit dated
/// after `now` counts at its parent's time and never makes a page fresh
/// for ever.
#[test]
fn skewed_clocks_are_capped() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[write("hb/a.md", "# A\n"), write("hb/b.md", "# B\n")],
    );
    let skewed = f.commit(
        "2026-05-01T09:00:00Z",
        "edit a, clock ahead",
        &[write("hb/a.md", "# A\n\nmore\n")],
    );
    let child = f.commit(
        "2026-02-01T09:00:00Z",
        "edit b, clock right",
        &[write("hb/b.md", "# B\n\nmore\n")],
    );
    let child_time = git(f.path(), &["log", "-1", "--format=%ct", &child])
        .trim()
        .parse::<i64>()
        .expect("time");
    let raw = git(f.path(), &["log", "-1", "--format=%ct", &skewed])
        .trim()
        .parse::<i64>()
        .expect("time");
    assert!(raw > child_time);
    let a = f.page(NOW, "hb/a.md", None);
    assert_eq!(a["commit"], skewed.as_str());
    assert_eq!(a["git_updated_unix"], child_time, "capped by the child");

    let future = f.commit(
        "2099-01-01T00:00:00Z",
        "edit a, clock far ahead",
        &[write("hb/a.md", "# A\n\nfuture\n")],
    );
    let a = f.page(NOW, "hb/a.md", None);
    assert_eq!(a["commit"], future.as_str());
    assert_eq!(a["clock_skew"], true);
    assert_eq!(
        a["updated_unix"], child_time,
        "counted at its parent's time"
    );
}

/// A missing object leaves the pages that needed it without an answer,
/// naming the object and the page; every other page is answered.
#[test]
fn a_missing_tree_is_named_and_the_rest_is_answered() {
    let f = Fixture::new();
    let first = f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[write("x/a.md", "# A\n"), write("y/b.md", "# B\n")],
    );
    f.commit(
        "2026-02-01T09:00:00Z",
        "edit a",
        &[write("x/a.md", "# A\n\nmore\n")],
    );
    f.commit(
        "2026-03-01T09:00:00Z",
        "edit b",
        &[write("y/b.md", "# B\n\nmore\n")],
    );
    let tree = remove_loose_object(f.path(), &format!("{first}:x"));
    let tree = tree.as_str();
    let out = f.run(&["pages", "--format", "json", "--now", NOW, "--no-cache"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pages: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let row = |path: &str| {
        pages["pages"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["path"] == path))
            .cloned()
            .expect("row")
    };
    let reason = row("x/a.md")["history"]["unreadable"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains(tree) && reason.contains("x/a.md"),
        "{reason}"
    );
    assert_eq!(row("y/b.md")["updated"], "2026-03-01T09:00:00Z");
    let (out, code) = f.check_short(NOW);
    assert!(out.contains("HB004") && out.contains(tree), "{out}");
    assert_eq!(code, 1);
}

// The cache.

fn pages_text(f: &Fixture, extra: &[&str]) -> (String, String) {
    let mut args = vec!["pages", "--format", "json", "--now", NOW, "--verbose"];
    args.extend_from_slice(extra);
    let out = f.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    (out.stdout, out.stderr)
}

/// Commits `edits`, then runs `pages` without the cache and with it: the
/// two must agree. The output, and what the cached run said.
fn commit_and_compare(
    f: &Fixture,
    when: &str,
    edits: &[handbook_lint::testing::Edit],
) -> (String, String) {
    f.commit(when, "an edit", edits);
    let (cold, _) = pages_text(f, &["--no-cache"]);
    let (cached, stderr) = pages_text(f, &[]);
    assert_eq!(cached, cold);
    (cold, stderr)
}

fn busy_history() -> Fixture {
    let f = Fixture::new();
    let config = format!("{CONFIG}pages:\n  iteration-planning: \"{{dir}}/index.md#planning\"\n");
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", &config),
            write("hb/search/goals.md", &goals("start")),
            write("hb/search/index.md", &index("p1", "e1")),
            write(
                "hb/search/retros/2026-01-20.md",
                &retro("2026-01-20", "- [ ] @bob x"),
            ),
        ],
    );
    for day in 1..=20 {
        let when = format!("2026-02-{day:02}T09:00:00Z");
        let edit = match day % 3 {
            0 => write("hb/search/goals.md", &goals(&format!("day {day}"))),
            1 => write("hb/search/index.md", &index(&format!("p{day}"), "e1")),
            _ => write(&format!("hb/other/{day}.md"), "# other\n"),
        };
        f.commit(&when, &format!("day {day}"), &[edit]);
    }
    f
}

#[test]
fn warm_and_incremental_runs_equal_a_cold_run_byte_for_byte() {
    let f = busy_history();
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    let (first, stderr) = pages_text(&f, &[]);
    assert_eq!(first, cold);
    assert!(stderr.contains("cache cold"), "{stderr}");
    let (warm, stderr) = pages_text(&f, &[]);
    assert_eq!(warm, cold);
    assert!(stderr.contains("history: 0 commits walked in "), "{stderr}");
    assert!(stderr.contains("cache warm"), "{stderr}");

    for day in 1..=10 {
        let when = format!("2026-03-{day:02}T09:00:00Z");
        let edit = if day == 4 {
            mv("hb/search/index.md", "hb/search/team.md")
        } else if day == 5 {
            write(
                "handbook-lint.yaml",
                &format!("{CONFIG}pages:\n  iteration-planning: \"{{dir}}/team.md#planning\"\n"),
            )
        } else {
            write(&format!("hb/new/{day}.md"), "# new\n")
        };
        f.commit(&when, &format!("march {day}"), &[edit]);
    }
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    let (incremental, stderr) = pages_text(&f, &[]);
    assert_eq!(incremental, cold);
    assert!(stderr.contains("incremental (10 new commits)"), "{stderr}");
}

/// How many versions of pages the walk parsed, as `--verbose` says.
fn versions_parsed(stderr: &str) -> usize {
    let before = stderr
        .split(" versions of pages parsed")
        .next()
        .unwrap_or_default();
    let count = before.rsplit(' ').next().unwrap_or_default();
    count
        .parse()
        .unwrap_or_else(|_| panic!("no count in {stderr}"))
}

/// Each run leaves in the cache the digests of every page's version at
/// HEAD, those of pages it did not see change too (their blobs kept from
/// the run before): the next incremental run parses only the versions its
/// new commits made, and not even those when the pages read beside the
/// walk offered it their digests first (hence "at most").
#[test]
fn incremental_runs_parse_only_the_versions_new_commits_made() {
    let f = busy_history();
    pages_text(&f, &[]);
    f.commit(
        "2026-03-01T09:00:00Z",
        "goals",
        &[write("hb/search/goals.md", &goals("march"))],
    );
    let (_, stderr) = pages_text(&f, &[]);
    assert!(stderr.contains("incremental (1 new commits)"), "{stderr}");
    assert!(versions_parsed(&stderr) <= 1, "{stderr}");
    // The team page did not change in the run before: its digest at HEAD
    // came from the cache, and went back into it.
    f.commit(
        "2026-03-02T09:00:00Z",
        "planning",
        &[write("hb/search/index.md", &index("march", "e1"))],
    );
    let (incremental, stderr) = pages_text(&f, &[]);
    assert!(versions_parsed(&stderr) <= 1, "{stderr}");
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    assert_eq!(incremental, cold);
}

/// A configured section a page lacks is answered from the cache like any
/// other: a warm run reads no tree to find it missing again, and an
/// incremental run finds it once a commit adds it.
#[test]
fn a_section_the_page_lacks_is_remembered_missing() {
    let f = Fixture::new();
    let config = format!("{CONFIG}pages:\n  iteration-planning: \"{{dir}}/index.md#planning\"\n");
    let without_planning = "---\nowner: bob\n---\n# Search\n\n## Execution\n\ne1\n";
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", &config),
            write("hb/search/goals.md", &goals("start")),
            write("hb/search/index.md", without_planning),
        ],
    );
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    let planning = |text: &str| -> serde_json::Value {
        let rows: serde_json::Value = serde_json::from_str(text).expect("json");
        rows["pages"]
            .as_array()
            .expect("pages")
            .iter()
            .find(|row| row["path"] == "hb/search/index.md" && row["section"] == "planning")
            .cloned()
            .unwrap_or(serde_json::Value::Null)
    };
    assert_eq!(planning(&cold)["commit"], serde_json::Value::Null, "{cold}");
    pages_text(&f, &[]);
    let (warm, stderr) = pages_text(&f, &[]);
    assert_eq!(warm, cold);
    assert!(stderr.contains("0 commits walked"), "{stderr}");
    assert!(stderr.contains(" 0 trees read"), "{stderr}");
    assert!(stderr.contains("cache warm"), "{stderr}");

    // A commit elsewhere: still missing, the page's blob unchanged.
    let edit = write("hb/search/goals.md", &goals("more"));
    let (cold, _) = commit_and_compare(&f, "2026-01-06T09:00:00Z", &[edit]);
    assert_eq!(planning(&cold)["commit"], serde_json::Value::Null, "{cold}");

    // The section added: found, dated by the commit that added it.
    let edit = write("hb/search/index.md", &index("p1", "e1"));
    let (cold, stderr) = commit_and_compare(&f, "2026-01-07T09:00:00Z", &[edit]);
    assert!(stderr.contains("incremental (1 new commits)"), "{stderr}");
    let (commit, time) =
        oracle_section_change(f.path(), "hb/search/index.md", "planning").expect("oracle");
    let row = planning(&cold);
    assert_eq!(
        (row["commit"].as_str(), row["git_updated_unix"].as_i64()),
        (Some(commit.as_str()), Some(time)),
        "{row:#}"
    );
}

#[test]
fn a_rewritten_history_is_detected_and_answered_correctly() {
    let f = busy_history();
    pages_text(&f, &[]);
    // Force-push: main goes back ten commits and takes another path.
    let base = git(f.path(), &["rev-parse", "HEAD~10"]);
    git(f.path(), &["reset", "--quiet", "--hard", base.trim()]);
    let edit = write("hb/search/goals.md", &goals("rewritten"));
    let (_, stderr) = commit_and_compare(&f, "2026-02-25T09:00:00Z", &[edit]);
    assert!(stderr.contains("rewritten history"), "{stderr}");
    let (commit, time) = oracle_last_change(f.path(), "hb/search/goals.md").expect("oracle");
    let row = f.page(NOW, "hb/search/goals.md", None);
    assert_eq!(
        (row["commit"].as_str(), row["git_updated_unix"].as_i64()),
        (Some(commit.as_str()), Some(time))
    );
}

#[test]
fn a_changed_config_invalidates_the_cache() {
    let f = busy_history();
    pages_text(&f, &[]);
    // Marking a commit as a sweep changes what counts as a change.
    let sweep = git(
        f.path(),
        &["log", "-1", "--format=%H", "--", "hb/search/goals.md"],
    );
    std::fs::write(f.path().join(".git-blame-ignore-revs"), sweep.trim()).expect("write");
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    let (cached, stderr) = pages_text(&f, &[]);
    assert_eq!(cached, cold);
    assert!(stderr.contains("stale settings"), "{stderr}");
    assert_eq!(
        f.page(NOW, "hb/search/goals.md", None)["ignored_commit"],
        sweep.trim()
    );
}

#[test]
fn a_corrupted_or_truncated_cache_is_rebuilt() {
    let f = busy_history();
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    pages_text(&f, &[]);
    let file = f.path().join(".git/handbook-lint/freshness.bin");
    let bytes = std::fs::read(&file).expect("cache written");
    // Change one byte of the payload's last answer: it would still decode,
    // to a wrong answer.
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    std::fs::write(&file, &flipped).expect("write");
    let (out, stderr) = pages_text(&f, &[]);
    assert_eq!(out, cold);
    assert!(stderr.contains("corrupt (checksum mismatch)"), "{stderr}");
    std::fs::write(&file, &bytes[..bytes.len() / 2]).expect("truncate");
    let (out, stderr) = pages_text(&f, &[]);
    assert_eq!(out, cold);
    assert!(stderr.contains("corrupt"), "{stderr}");
    std::fs::write(&file, b"").expect("empty");
    assert_eq!(pages_text(&f, &[]).0, cold);
    let (out, stderr) = pages_text(&f, &[]);
    assert_eq!(out, cold);
    assert!(stderr.contains("cache warm"), "rebuilt: {stderr}");
}

#[test]
fn runs_at_the_same_time_all_answer_correctly() {
    let f = busy_history();
    let (cold, _) = pages_text(&f, &["--no-cache"]);
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("handbook-lint"))
                .arg("--repo")
                .arg(f.path())
                .args(["pages", "--format", "json", "--now", NOW])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success());
        assert_eq!(String::from_utf8_lossy(&output.stdout), cold);
    }
    let (out, stderr) = pages_text(&f, &[]);
    assert_eq!(out, cold);
    assert!(stderr.contains("cache warm"), "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(f.path().join(".git/handbook-lint"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );
}

#[test]
fn check_results_are_the_same_with_and_without_the_cache() {
    let f = busy_history();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--now", "2026-03-05"];
        args.extend_from_slice(extra);
        f.run(&args).stdout
    };
    let cold = run(&["--no-cache"]);
    assert_eq!(run(&[]), cold);
    assert_eq!(run(&[]), cold);
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
}

/// A retrospective is followed back to the commit that added it (what dates
/// it when nothing else does), past its newest change. An ignored commit on
/// that way is older than the answer: `pages` must not name it as the one
/// skipped, which is only ever a commit newer than the answer.
#[test]
fn a_retro_s_skipped_commit_is_never_older_than_its_answer() {
    let f = Fixture::new();
    let retro_path = "hb/search/retros/2026-01-20.md";
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/search/goals.md", &goals("start")),
            write(retro_path, &retro("2026-01-20", "- [ ] @bob first")),
        ],
    );
    let sweep = f.commit_as(
        ROBOT,
        "2026-01-22T09:00:00Z",
        "rename everywhere",
        &[write(
            retro_path,
            &retro("2026-01-20", "- [ ] @bob renamed"),
        )],
    );
    let edit = f.commit(
        "2026-01-25T09:00:00Z",
        "carry on",
        &[write(retro_path, &retro("2026-01-20", "- [x] @bob done"))],
    );
    f.commit(
        "2026-02-01T09:00:00Z",
        "ignore the rename",
        &[write(
            ".git-blame-ignore-revs",
            &format!("# rename\n{sweep}\n"),
        )],
    );
    let skip: HashSet<String> = [sweep].into();
    let row = assert_page(&f, retro_path, oracle_skipping(f.path(), retro_path, &skip));
    assert_eq!(row["commit"], edit.as_str());
    assert_eq!(row["ignored_commit"], serde_json::Value::Null, "{row:#}");
}
