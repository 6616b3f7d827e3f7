//! Freshness against the git CLI: every date `pages` reports must be the
//! one `git log` gives under the same semantics.

mod common;

use common::*;
use handbook_lint::testing::ROBOT;

const NOW: &str = "2026-06-01";

/// Asserts the `pages` row for `path` reports the oracle's commit and time.
fn assert_matches_git(fixture: &Fixture, path: &str) -> (String, i64) {
    let (commit, time) = oracle_last_change(fixture.path(), path)
        .unwrap_or_else(|| panic!("git knows no change of {path}"));
    let row = fixture.page(NOW, path, None);
    assert_eq!(row["commit"], commit.as_str(), "{path}: {row:#}");
    assert_eq!(row["git_updated_unix"], time, "{path}: {row:#}");
    (commit, time)
}

/// Linear edits: the newest commit touching the file wins, untouched files
/// keep their own dates.
#[test]
fn linear_history_matches_git_log() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[write("hb/a.md", "# A\n"), write("hb/b.md", "# B\n")],
    );
    f.commit(
        "2026-02-01T09:00:00Z",
        "edit a",
        &[write("hb/a.md", "# A\n\nmore\n")],
    );
    f.commit(
        "2026-03-01T09:00:00Z",
        "unrelated",
        &[write("README.md", "hi\n")],
    );
    let (_, a) = assert_matches_git(&f, "hb/a.md");
    let (_, b) = assert_matches_git(&f, "hb/b.md");
    assert_eq!(a, 1_769_936_400);
    assert_eq!(b, 1_767_603_600);
}

/// The mass move from issue #2's "what must show": every page moved in one
/// commit reports the date of its last content change, not the move.
#[test]
fn mass_rename_reports_last_content_change_not_the_move() {
    let f = Fixture::new();
    let pages: Vec<String> = (0..20).map(|i| format!("teams/t{i}/goals.md")).collect();
    let edits: Vec<_> = pages
        .iter()
        .map(|p| write(p, &format!("# {p}\n")))
        .collect();
    f.commit("2026-01-05T09:00:00Z", "start", &edits);
    f.commit(
        "2026-01-20T09:00:00Z",
        "edit t3",
        &[write("teams/t3/goals.md", "# t3 edited\n")],
    );
    let moves: Vec<_> = pages
        .iter()
        .map(|p| mv(p, &p.replace("teams/", "handbook/")))
        .collect();
    f.commit_as(ROBOT, "2026-03-01T09:00:00Z", "reorganise", &moves);
    f.commit(
        "2026-04-01T09:00:00Z",
        "edit t7 after the move",
        &[write("handbook/t7/goals.md", "# t7 again\n")],
    );
    for i in 0..20 {
        let path = format!("handbook/t{i}/goals.md");
        let (_, time) = assert_matches_git(&f, &path);
        let expected = match i {
            3 => "2026-01-20T09:00:00Z",
            7 => "2026-04-01T09:00:00Z",
            _ => "2026-01-05T09:00:00Z",
        };
        let row = f.page(NOW, &path, None);
        assert_eq!(row["updated"], expected, "{path}");
        assert_eq!(handbook_lint::testing::rfc3339(time), expected);
    }
}

/// A move with an edit in the same commit is a change at that commit; a
/// move chain (a → b → c) is followed to the first content change.
#[test]
fn moves_with_edits_and_move_chains() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("x/a.md", "# A\n\nbody\n"),
            write(
                "x/m.md",
                "# M\n\nline one\nline two\nline three\nline four\n",
            ),
        ],
    );
    f.commit("2026-02-01T09:00:00Z", "move a", &[mv("x/a.md", "y/a.md")]);
    f.commit(
        "2026-03-01T09:00:00Z",
        "move a again",
        &[mv("y/a.md", "z/a.md")],
    );
    f.commit(
        "2026-04-01T09:00:00Z",
        "move m and edit it",
        &[
            delete("x/m.md"),
            write(
                "y/m.md",
                "# M\n\nline one\nline two\nline three\nline four\nline five\n",
            ),
        ],
    );
    let (_, a) = assert_matches_git(&f, "z/a.md");
    assert_eq!(handbook_lint::testing::rfc3339(a), "2026-01-05T09:00:00Z");
    let (_, m) = assert_matches_git(&f, "y/m.md");
    assert_eq!(handbook_lint::testing::rfc3339(m), "2026-04-01T09:00:00Z");
}

/// A copy keeps the original in place: the copy's history starts when it
/// was made.
#[test]
fn copies_do_not_inherit_history() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[write("hb/a.md", "# Same\n")],
    );
    f.commit(
        "2026-02-01T09:00:00Z",
        "copy",
        &[write("hb/b.md", "# Same\n")],
    );
    let row = f.page(NOW, "hb/b.md", None);
    assert_eq!(row["updated"], "2026-02-01T09:00:00Z");
    assert_matches_git(&f, "hb/a.md");
}

/// First-parent semantics: a page changed on a side branch counts when the
/// merge landed, with the merge commit's time.
#[test]
fn side_branch_changes_count_when_merged() {
    let f = Fixture::new();
    let base = f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("hb/goals.md", "# Goals\n"),
            write("hb/other.md", "# Other\n"),
        ],
    );
    let base = git2::Oid::from_str(&base).expect("oid");
    let branch = f
        .repo
        .commit_on(
            Some(base),
            "2026-01-10T09:00:00Z",
            BOB,
            "branch edit",
            &[write("hb/goals.md", "# Goals\n\nprogress\n")],
        )
        .expect("branch commit");
    f.commit(
        "2026-01-12T09:00:00Z",
        "mainline edit",
        &[write("hb/other.md", "# Other\n\nmore\n")],
    );
    let merge = f
        .repo
        .merge(
            branch,
            &["hb/goals.md"],
            "2026-01-15T09:00:00Z",
            ALICE,
            "Merge pull request #1",
            &[],
        )
        .expect("merge");
    f.repo.checkout().expect("checkout");
    let (commit, _) = assert_matches_git(&f, "hb/goals.md");
    assert_eq!(commit, merge.to_string(), "the merge is where it landed");
    assert_eq!(
        f.page(NOW, "hb/goals.md", None)["updated"],
        "2026-01-15T09:00:00Z"
    );
    assert_matches_git(&f, "hb/other.md");
}

/// Sections change only when their own text changes, renames included.
#[test]
fn section_freshness_matches_git_show() {
    let f = Fixture::new();
    let config = format!(
        "{CONFIG}pages:\n  iteration-planning: \"{{dir}}/index.md#planning\"\n  iteration-execution: \"{{dir}}/index.md#execution\"\n"
    );
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", &config),
            write("hb/search/index.md", &index("Plan v1", "Exec v1")),
        ],
    );
    f.commit(
        "2026-02-01T09:00:00Z",
        "edit planning",
        &[write("hb/search/index.md", &index("Plan v2", "Exec v1"))],
    );
    f.commit(
        "2026-03-01T09:00:00Z",
        "edit execution",
        &[write("hb/search/index.md", &index("Plan v2", "Exec v2"))],
    );
    f.commit(
        "2026-04-01T09:00:00Z",
        "move the team",
        &[mv("hb/search/index.md", "hb/search/team.md")],
    );
    f.commit(
        "2026-04-02T09:00:00Z",
        "config follows",
        &[write(
            "handbook-lint.yaml",
            &config.replace("index.md", "team.md"),
        )],
    );
    f.commit(
        "2026-05-01T09:00:00Z",
        "front matter only",
        &[write(
            "hb/search/team.md",
            &index("Plan v2", "Exec v2").replace("owner: bob", "owner: alice"),
        )],
    );
    for (anchor, expected) in [
        ("planning", "2026-02-01T09:00:00Z"),
        ("execution", "2026-03-01T09:00:00Z"),
    ] {
        let (commit, time) =
            oracle_section_change(f.path(), "hb/search/team.md", anchor).expect("oracle");
        let row = f.page(NOW, "hb/search/team.md", Some(anchor));
        assert_eq!(row["commit"], commit.as_str(), "{anchor}");
        assert_eq!(row["git_updated_unix"], time, "{anchor}");
        assert_eq!(row["updated"], expected, "{anchor}");
    }
    // The front matter edit changed the file's bytes, not its words: the
    // page is dated by the last edit of what it says.
    let page = f.page(NOW, "hb/search/team.md", None);
    assert_eq!(page["updated"], "2026-03-01T09:00:00Z", "{page:#}");
}

/// A `reviewed:` stamp newer than the last commit wins, and says so.
#[test]
fn reviewed_stamp_is_freshness_when_later() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("hb/a.md", "---\nreviewed: 2026-03-10\n---\n# A\n"),
            write("hb/b.md", "---\nreviewed: 2025-01-01\n---\n# B\n"),
        ],
    );
    let a = f.page(NOW, "hb/a.md", None);
    assert_eq!(a["updated"], "2026-03-10T00:00:00Z");
    assert_eq!(a["source"], "reviewed");
    let b = f.page(NOW, "hb/b.md", None);
    assert_eq!(b["source"], "git");
    assert_matches_git(&f, "hb/b.md");
}

/// A shallow clone cannot prove a page old: `pages` says the history is
/// cut off, and `check` reports HB004 once instead of calling pages stale.
#[test]
fn shallow_clone_reports_unknown_age_and_hb004() {
    let f = Fixture::new();
    f.commit(
        "2025-06-01T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/search/goals.md", &goals("old")),
            write("hb/search/index.md", &index("p", "e")),
        ],
    );
    f.commit(
        "2026-05-20T09:00:00Z",
        "unrelated",
        &[write("README.md", "hi\n")],
    );
    let clone = tempfile::tempdir().expect("temp");
    let url = format!("file://{}", f.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", &url])
        .arg(clone.path().join("c"))
        .status()
        .expect("git clone");
    assert!(status.success());
    let dir = clone.path().join("c");
    assert_eq!(
        git(&dir, &["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );
    let out = run_in(&dir, &["pages", "--format", "json", "--now", NOW]);
    let pages: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(pages["shallow"], true);
    let goals_row = pages["pages"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["path"] == "hb/search/goals.md"))
        .cloned()
        .expect("row");
    assert!(goals_row["history"]["shallow"].is_string(), "{goals_row:#}");
    assert_eq!(goals_row["updated"], serde_json::Value::Null);

    let out = run_in(&dir, &["check", "--format", "short", "--now", NOW]);
    let hb004 = out.stdout.lines().filter(|l| l.contains("HB004")).count();
    assert_eq!(hb004, 1, "{}", out.stdout);
    assert!(
        !out.stdout.contains("HB102"),
        "no stale verdict by guess: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("HB202"), "{}", out.stdout);
    let out = run_in(&dir, &["check", "--format", "json", "--now", NOW]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let help = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "HB004"))
        .map(|f| f["help"].to_string())
        .unwrap_or_default();
    assert!(
        help.contains("fetch-depth: 0") && help.contains("--unshallow"),
        "the fix is named: {help}"
    );

    // The same history, complete, does call the goals page stale.
    let (full, _) = f.check_short(NOW);
    assert!(full.contains("HB102"), "{full}");
}

/// A retro without a date anywhere is dated by the commit that added it,
/// found through a later move.
#[test]
fn retro_date_comes_from_the_commit_that_added_it() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[write("handbook-lint.yaml", CONFIG)],
    );
    f.commit(
        "2026-02-03T09:00:00Z",
        "retro",
        &[write(
            "hb/search/retros/sprint-3.md",
            "# Retro\n\n## Action items\n\n- [ ] @bob one\n",
        )],
    );
    f.commit(
        "2026-03-01T09:00:00Z",
        "rename",
        &[mv(
            "hb/search/retros/sprint-3.md",
            "hb/search/retros/sprint-three.md",
        )],
    );
    let log = git(
        f.path(),
        &[
            "log",
            "--diff-filter=A",
            "--follow",
            "--format=%ct",
            "--",
            "hb/search/retros/sprint-three.md",
        ],
    );
    let added: i64 = log
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("git knows when it was added");
    assert_eq!(
        handbook_lint::testing::rfc3339(added),
        "2026-02-03T09:00:00Z"
    );
    // 2026-02-03 falls in iteration 3's retro window; the retro's open item
    // without a due date is overdue two iterations (28 days) later.
    let (out, _) = f.check_short("2026-03-04");
    assert!(out.contains("open for 29 days"), "{out}");
}

/// A version too large to be a page (over 2 MiB) is not parsed: its bytes
/// stand for its words, so the walk stays bounded, and the history around
/// it is still judged by words.
#[test]
fn an_oversized_version_in_history_is_compared_by_bytes() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "huge",
        &[write("hb/a.md", &"word ".repeat(500_000))],
    );
    let shrink = f.commit(
        "2026-02-01T09:00:00Z",
        "shrink",
        &[write("hb/a.md", "# A\n\nshort\n")],
    );
    f.commit(
        "2026-03-01T09:00:00Z",
        "whitespace",
        &[write("hb/a.md", "# A\n\nshort   \n")],
    );
    let row = f.page(NOW, "hb/a.md", None);
    assert_eq!(row["commit"], shrink.as_str(), "{row:#}");
    assert_eq!(row["passed_over"], 1, "{row:#}");
}
