//! Small things a new user met on a real handbook (issue 11, "Adoption"),
//! each pinned by the behaviour that fixed it.

mod common;

use common::*;
use serde_json::Value;

const NOW: &str = "2026-02-20";

fn findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| {
                    (
                        f["code"].as_str().unwrap_or_default().to_string(),
                        f["path"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `date:` is a retrospective's field: a release post may write its date
/// any way it likes, a retro's must be a date.
#[test]
fn date_in_front_matter_is_checked_only_on_retrospectives() {
    let f = one_team(
        "",
        &[
            write(
                "hb/search/retros/r1.md",
                "---\nowner: bob\ndate: mid-January\n---\n# Retro\n",
            ),
            write(
                "hb/blog/release-1.md",
                "---\ndate: January 5th, 2026\n---\n# Release 1\n",
            ),
        ],
    );
    let (report, _) = f.check_json(NOW);
    let hb002: Vec<_> = findings(&report)
        .into_iter()
        .filter(|(code, _)| code == "HB002")
        .collect();
    assert_eq!(
        hb002,
        [("HB002".to_string(), "hb/search/retros/r1.md".to_string())],
        "{report:#}"
    );
}

/// Two teams, one goals page: search (hb/search) and ads (hb/ads), with
/// `ads_tail` added to the ads team's entry.
fn shared_goals_with(ads_tail: &str) -> Fixture {
    let config = format!(
        "{CONFIG}    pages: {{ goals: hb/shared/goals.md }}\n  ads:\n    dir: hb/ads\n    pm: alice\n    em: bob\n    pages: {{ goals: hb/shared/goals.md }}\n{ads_tail}"
    );
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", &config),
            write(
                "hb/shared/goals.md",
                "---\nowner: alice\n---\n# Goals\n\nBe fast.\n",
            ),
            write("hb/search/index.md", &index("Mondays.", "Fridays.")),
            write("hb/ads/index.md", &index("Mondays.", "Fridays.")),
        ],
    );
    f
}

fn shared_goals() -> Fixture {
    shared_goals_with("")
}

/// A goals page two teams share used to give each finding twice, with
/// nothing saying whose: it is reported once, naming both teams.
#[test]
fn a_shared_goals_page_reports_each_finding_once_naming_the_teams() {
    let f = shared_goals();
    let (short, code) = f.check_short(NOW);
    let on_goals: Vec<&str> = short
        .lines()
        .filter(|line| line.starts_with("hb/shared/goals.md"))
        .collect();
    assert_eq!(on_goals.len(), 2, "{short}");
    assert!(
        on_goals[0].contains("HB102") && on_goals[1].contains("HB103"),
        "{short}"
    );
    assert!(
        on_goals
            .iter()
            .all(|line| line.ends_with("(teams `ads`, `search`)")),
        "{short}"
    );
    assert_eq!(code, 1);
}

/// `check PATH` reports the findings of the teams under PATH: another
/// team's missing retros (pointing into the config) are not among them,
/// the shared goals page is.
#[test]
fn check_path_leaves_out_other_teams_team_findings() {
    let f = shared_goals();
    let search = f.path().join("hb/search");
    let search = search.to_str().unwrap_or_default();
    let out = f.run(&["check", search, "--format", "short", "--now", NOW]);
    assert!(
        out.stdout.contains("team `search` has no retrospective"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("team `ads`"), "{}", out.stdout);
    assert!(out.stdout.contains("hb/shared/goals.md"), "{}", out.stdout);
}

/// The pre-commit hooks run when what decides a verdict is staged: a page,
/// the config, a custom ruleset kept anywhere, CODEOWNERS, the ignore-revs
/// file. (pre-commit matches `files:` with Python's `re.search`; this
/// pattern means the same in the `regex` crate.)
#[test]
fn pre_commit_hooks_run_for_a_custom_ruleset_and_codeowners() {
    #[derive(serde::Deserialize)]
    struct Hook {
        id: String,
        files: String,
    }
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("the hooks file");
    let hooks: Vec<Hook> = serde_saphyr::from_str(&text).expect("the hooks file is YAML");
    assert_eq!(hooks.len(), 2);
    for hook in hooks {
        let files = regex::Regex::new(&hook.files).expect("a valid pattern");
        for path in [
            "handbook/search/goals.md",
            "docs/team.markdown",
            "handbook-lint.yaml",
            "handbook-lint.yml",
            "config/our-ruleset.yaml",
            "data/team.yml",
            "CODEOWNERS",
            ".github/CODEOWNERS",
            ".git-blame-ignore-revs",
        ] {
            assert!(
                files.is_match(path),
                "{}: {path} should run the hook",
                hook.id
            );
        }
        for path in ["src/main.rs", "NOT-CODEOWNERS.txt", "yaml/readme.txt"] {
            assert!(!files.is_match(path), "{}: {path} should not", hook.id);
        }
    }
}

/// README's usage block names every flag of every command it lists, as
/// `--help` does (the global options in its "Global options" lines).
#[test]
fn readme_usage_names_every_flag_of_the_commands_it_lists() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    let usage = readme
        .split_once("## Usage\n\n```text\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("a usage block");
    let commands: Vec<&str> = usage
        .lines()
        .filter_map(|line| line.strip_prefix("handbook-lint "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(|word| word.trim_matches(['[', ']']))
        .collect();
    assert!(
        commands.contains(&"check") && commands.contains(&"demo"),
        "{commands:?}"
    );
    let here = tempfile::tempdir().expect("temp");
    for command in commands {
        let help = run_in(here.path(), &[command, "--help"]);
        for line in help.stdout.lines() {
            let Some(flag) = flag_of(line) else {
                continue;
            };
            assert!(
                usage.contains(flag),
                "README's usage block lacks `{command} {flag}`"
            );
        }
    }
}

/// The long flag a `--help` option line starts with (`      --format <F>`
/// or `  -h, --help`), but not `--help` itself.
fn flag_of(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let trimmed = trimmed
        .strip_prefix('-')
        .filter(|rest| rest.len() > 2 && rest.as_bytes()[1] == b',')
        .map_or(trimmed, |rest| rest[2..].trim_start());
    let flag = trimmed.strip_prefix("--")?;
    let end = flag
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(flag.len());
    let flag = &trimmed[..end + 2];
    (flag != "--help" && line.starts_with(' ')).then_some(flag)
}

/// When the teams' findings on a shared page differ (ads adopted the
/// process later, so fewer iterations are missed), each names its team.
#[test]
fn a_shared_page_s_differing_findings_each_name_their_team() {
    let f = shared_goals_with("    since: 2026-02-02\n");
    let (short, _) = f.check_short(NOW);
    let hb102: Vec<&str> = short
        .lines()
        .filter(|line| line.starts_with("hb/shared/goals.md") && line.contains("HB102"))
        .collect();
    assert_eq!(hb102.len(), 2, "{short}");
    assert!(hb102.iter().any(|l| l.ends_with("(team `ads`)")), "{short}");
    assert!(
        hb102.iter().any(|l| l.ends_with("(team `search`)")),
        "{short}"
    );
    let hb103: Vec<&str> = short.lines().filter(|l| l.contains("HB103")).collect();
    assert_eq!(hb103.len(), 1, "{short}");
    assert!(hb103[0].ends_with("(teams `ads`, `search`)"), "{short}");
}
