//! The command line where a case file cannot say it: rulesets made from
//! the built-in one, files no text can hold (binary, huge, symbolic links),
//! a repository left as it was, and the demo. The rest is data, in
//! `tests/cli/` (see `cli_cases.rs`).

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
fn a_broken_repository_ruleset_is_reported_in_that_file() {
    let f = small_handbook();
    let ruleset =
        handbook_lint::testing::BUILTIN_TEXT.replace("maintained-by: em", "maintained-by: cto");
    f.commit(
        "2026-01-06T09:00:00Z",
        "own ruleset",
        &[
            write("rules.yaml", &ruleset),
            write(
                "handbook-lint.yaml",
                &format!("ruleset: rules.yaml\n{CONFIG}"),
            ),
        ],
    );
    let out = f.run(&["check", "--format", "short", "--now", NOW]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.lines().all(|l| l.starts_with("rules.yaml:")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("maintained by unknown role `cto`"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_repository_ruleset_replaces_the_builtin_one() {
    let f = small_handbook();
    let ruleset = handbook_lint::testing::BUILTIN_TEXT.replace("max-age: 84d", "max-age: 30d");
    f.commit(
        "2026-01-06T09:00:00Z",
        "own ruleset",
        &[
            write("rules.yaml", &ruleset),
            write(
                "handbook-lint.yaml",
                &format!("ruleset: rules.yaml\n{CONFIG}"),
            ),
        ],
    );
    let (out, _) = f.check_short(NOW);
    assert!(
        out.contains("HB202") && out.contains("the limit is 30"),
        "{out}"
    );
}

#[test]
fn unreadable_pages_are_reported_and_the_rest_is_checked() {
    let f = small_handbook();
    let dir = f.path().join("hb/search");
    std::fs::write(dir.join("binary.md"), b"# a\0b\n").expect("write");
    std::fs::write(dir.join("huge.md"), vec![b'a'; 3 * 1024 * 1024]).expect("write");
    let outside = tempfile::tempdir().expect("temp");
    std::fs::write(outside.path().join("secret.md"), "# secret\n").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.join("link.md"))
        .expect("symlink");
    let (out, code) = f.check_short(NOW);
    assert_eq!(code, 1);
    assert!(out.contains("binary.md` looks binary"), "{out}");
    assert!(out.contains("huge.md` is 3145728 bytes"), "{out}");
    #[cfg(unix)]
    assert!(
        out.contains("link.md` is a symlink leading outside the repository"),
        "{out}"
    );
    assert!(
        out.contains("HB102"),
        "the goals page is still checked: {out}"
    );
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
    for name in ["freshness.bin", "pages.bin", "ruleset.bin"] {
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
