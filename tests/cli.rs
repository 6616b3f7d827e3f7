//! The command line: exit codes, bad input, output formats, the demo.

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
fn exit_codes_are_0_clean_1_findings_2_could_not_run() {
    let f = small_handbook();
    // 2026-01-10: nothing completed yet, nothing required.
    assert_eq!(f.run(&["--now", "2026-01-10"]).code, 0);
    // By March the goals page missed iterations and no retros exist.
    assert_eq!(f.run(&["--now", NOW]).code, 1);
    let outside = tempfile::tempdir().expect("temp");
    let out = run_in(outside.path(), &["--now", NOW]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not inside a git repository"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unparseable_now_is_a_usage_error() {
    let f = small_handbook();
    let out = f.run(&["check", "--now", "next tuesday"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--now: `next tuesday` is not a time"),
        "{}",
        out.stderr
    );
}

#[test]
fn now_comes_from_the_environment_too() {
    let f = small_handbook();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("handbook-lint"))
        .args(["--repo"])
        .arg(f.path())
        .args(["check", "--format", "short"])
        .env("HANDBOOK_LINT_NOW", "2026-01-10")
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_config_that_is_not_yaml_stops_the_run_with_its_line() {
    let f = small_handbook();
    f.commit(
        "2026-01-06T09:00:00Z",
        "break it",
        &[write("handbook-lint.yaml", "teams:\n  search: [unclosed\n")],
    );
    let out = f.run(&["check", "--format", "short", "--now", NOW]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.starts_with("handbook-lint.yaml:"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("HB001"), "{}", out.stdout);
}

#[test]
fn a_misspelt_config_key_gets_a_suggestion() {
    let f = small_handbook();
    f.commit(
        "2026-01-06T09:00:00Z",
        "typo",
        &[write(
            "handbook-lint.yaml",
            &CONFIG.replace("iterations:", "iteration:"),
        )],
    );
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 2);
    assert_eq!(report["findings"][0]["code"], "HB001");
    assert_eq!(report["findings"][0]["line"], 1);
    assert_eq!(report["findings"][0]["help"], "did you mean `iterations`?");
}

#[test]
fn a_zero_length_iteration_is_reported_and_the_default_used() {
    let f = small_handbook();
    f.commit(
        "2026-01-06T09:00:00Z",
        "zero",
        &[write(
            "handbook-lint.yaml",
            &CONFIG.replace("length: 14d", "length: 0d"),
        )],
    );
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 1);
    let first = &report["findings"][0];
    assert_eq!(first["code"], "HB001");
    assert_eq!(
        first["message"],
        "iteration length must be at least one day"
    );
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(1), Some(23))
    );
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

#[test]
fn paths_limit_the_report() {
    let f = small_handbook();
    f.commit(
        "2026-01-07T09:00:00Z",
        "retro",
        &[write(
            "hb/search/retros/2026-01-07.md",
            &retro("2026-01-07", "- [ ] no owner here"),
        )],
    );
    let everything = f.run(&["check", "--format", "short", "--now", NOW]).stdout;
    assert!(
        everything.contains("HB302") && everything.contains("HB102"),
        "{everything}"
    );
    let only_retros = f.path().join("hb/search/retros");
    let out = f.run(&[
        "check",
        "--format",
        "short",
        "--now",
        NOW,
        only_retros.to_str().unwrap_or_default(),
    ]);
    assert!(out.stdout.contains("HB302"), "{}", out.stdout);
    assert!(!out.stdout.contains("HB102"), "{}", out.stdout);
    let missing = f.run(&["check", "--now", NOW, "/definitely/not/here"]);
    assert_eq!(missing.code, 2);
}

#[test]
fn without_a_config_teams_are_found_by_convention() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("teams/search/goals.md", &goals("x")),
            write("teams/search/index.md", &index("a", "b")),
        ],
    );
    let out = f.run(&["check", "--format", "short", "--now", NOW]);
    assert!(
        out.stderr.contains("no handbook-lint.yaml found"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("teams/search/goals.md") && out.stdout.contains("HB102"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("HB401"),
        "no roster, no ownership checks: {}",
        out.stdout
    );

    let empty = Fixture::new();
    empty.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[write("README.md", "# hi\n")],
    );
    let out = empty.run(&["check", "--now", NOW]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains("no teams found: add a `teams:` entry"),
        "{}",
        out.stderr
    );
}

#[test]
fn human_output_is_stable_without_colour() {
    let f = small_handbook();
    let out = f.run(&["check", "--now", NOW]);
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no escape codes when not a terminal"
    );
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn json_output_has_the_documented_shape() {
    let f = small_handbook();
    let (report, _) = f.check_json(NOW);
    assert_eq!(report["version"], 1);
    assert_eq!(report["now"], "2026-03-05T12:00:00Z");
    let finding = &report["findings"][0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
        "why",
        "team",
    ] {
        assert!(finding.get(key).is_some(), "missing {key}: {finding:#}");
    }
    assert_eq!(report["summary"]["teams"], 1);
}

#[test]
fn rules_and_explain_work_from_the_binary_alone() {
    let nowhere = tempfile::tempdir().expect("temp");
    let rules = run_in(nowhere.path(), &["rules"]);
    assert_eq!(rules.code, 0);
    assert!(
        rules.stdout.contains("HB102  goals-stale"),
        "{}",
        rules.stdout
    );
    for code in ["HB102", "goals-stale", "hb302"] {
        let out = run_in(nowhere.path(), &["explain", code]);
        assert_eq!(out.code, 0, "{code}");
        assert!(out.stdout.contains("## What it checks"), "{}", out.stdout);
    }
    let unknown = run_in(nowhere.path(), &["explain", "HB999"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn pages_text_lists_every_page() {
    let f = small_handbook();
    let out = f.run(&["pages", "--format", "text", "--now", NOW]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("hb/search/index.md#planning"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("2026-01-05T09:00:00Z"),
        "{}",
        out.stdout
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
