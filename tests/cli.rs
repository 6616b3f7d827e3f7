//! The command line where an output cannot say it: that a run leaves the
//! repository as it was, and that the demo's dates agree with git. The
//! rest is data, in `tests/cli/` (see `cli_cases.rs`).

mod common;

use common::*;

const NOW: &str = "2026-03-05T12:00:00Z";

fn small_handbook() -> Fixture {
    one_team("", &[])
}

/// Every file in the repository, `.git` included, with its contents, but
/// for the cache directory `skip` when given: the tool must leave all of it
/// as it was.
fn snapshot_tree(dir: &std::path::Path, skip: Option<&std::path::Path>) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("read dir").flatten() {
            let path = entry.path();
            if Some(path.as_path()) == skip {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((
                    path.display().to_string(),
                    std::fs::read(&path).unwrap_or_default(),
                ));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn checking_never_writes_into_the_repository() {
    let f = small_handbook();
    std::fs::write(f.path().join("hb/search/draft.md"), "# Draft\n").expect("write");
    let before = snapshot_tree(f.path(), None);
    let runs = [
        vec!["check", "--now", NOW],
        vec!["check", "--format", "json", "--now", NOW],
        vec!["pages", "--format", "json", "--now", NOW],
    ];
    for args in &runs {
        let mut args = args.clone();
        args.push("--no-cache");
        f.run(&args);
    }
    assert!(
        before == snapshot_tree(f.path(), None),
        "the repository changed"
    );
    // With the cache, only .git/handbook-lint/ is written.
    let cache = f.path().join(".git/handbook-lint");
    for args in &runs {
        f.run(args);
    }
    for name in [
        "freshness.bin",
        "pages.bin",
        "page-texts.bin",
        "ruleset.bin",
    ] {
        assert!(cache.join(name).is_file(), "{name}");
    }
    assert!(
        before == snapshot_tree(f.path(), Some(&cache)),
        "the repository changed"
    );
}

/// `cargo run --release -- demo` shows findings of the goals, process,
/// retrospective and ownership families, and exits 0.
#[test]
fn demo_shows_every_family_and_exits_zero() {
    let nowhere = tempfile::tempdir().expect("temp");
    let kept = nowhere.path().join("demo");
    let out = run_in(
        nowhere.path(),
        &["demo", "--keep", kept.to_str().unwrap_or_default()],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for code in [
        "HB102", "HB202", "HB301", "HB302", "HB303", "HB304", "HB101", "HB203", "HB401", "HB402",
    ] {
        assert!(out.stdout.contains(code), "{code} missing from the demo");
    }
    insta::assert_snapshot!(out.stdout);

    // The kept repository's dates agree with git: the reorganisation moved
    // every page, yet billing's goals page dates from before it.
    let (commit, time) = oracle_last_change(&kept, "handbook/billing/goals.md").expect("git");
    let pages = run_in(
        &kept,
        &[
            "pages",
            "--format",
            "json",
            "--now",
            handbook_lint::testing::DEMO_NOW,
        ],
    );
    let pages: serde_json::Value = serde_json::from_str(&pages.stdout).expect("json");
    let row = pages["pages"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["path"] == "handbook/billing/goals.md")
        })
        .cloned()
        .expect("row");
    assert_eq!(row["commit"], commit.as_str());
    assert_eq!(row["git_updated_unix"], time);
    assert_eq!(row["updated"], "2026-03-03T14:00:00Z");
    // A demo never writes into a directory that holds something.
    let again = run_in(
        nowhere.path(),
        &["demo", "--keep", kept.to_str().unwrap_or_default()],
    );
    assert_eq!(again.code, 2);
}

/// Without `--keep` the demo's directory is deleted before the notes are
/// read: they must not name it, as a path to explore.
#[test]
fn demo_without_keep_names_no_deleted_directory() {
    let nowhere = tempfile::tempdir().expect("temp");
    let out = run_in(nowhere.path(), &["demo", "--format", "short"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("built in a temporary directory, checked as of 2026-06-15T12:00:00Z, and deleted; `--keep DIR` keeps it"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("handbook-lint-demo-"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("--repo"), "{}", out.stderr);
}
