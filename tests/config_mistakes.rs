//! `handbook-lint.yaml` comes from whoever opened the pull request: every
//! mistake in it is an HB001 finding at its key or value, the rest of the
//! config is used, and no message speaks the YAML library's language. Run
//! through the binary on real repositories.

mod common;

use common::*;
use serde_json::Value;

const NOW: &str = "2026-03-05T12:00:00Z";

/// Words of the YAML library (its options, types and budgets) that must
/// never reach a user.
const LEAKS: &[&str] = &[
    "DuplicateKeyPolicy",
    "Options",
    "budget breached",
    "Nodes {",
    "invalid i64",
    "from_str_multiple",
    "struct Raw",
    "Option<",
];

/// The one-team fixture, then `config` committed as the whole config.
fn with_config(config: &str) -> Fixture {
    let f = one_team("", &[]);
    f.commit(
        "2026-01-06T09:00:00Z",
        "config",
        &[write("handbook-lint.yaml", config)],
    );
    f
}

/// Each finding of `code`: its message and where it points, as (line,
/// column, end column), columns counted in characters.
fn findings(report: &Value, code: &str) -> Vec<(String, (u64, u64, u64))> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == code)
        .map(|f| {
            let at = |key: &str| f[key].as_u64().unwrap_or(0);
            (
                f["message"].as_str().unwrap_or("").to_string(),
                (at("line"), at("column"), at("end_column")),
            )
        })
        .collect()
}

/// Where the first `needle` after `after` is in `text`: (line, column, end
/// column), as the JSON report counts them.
fn position(text: &str, after: &str, needle: &str) -> (u64, u64, u64) {
    let from = text.find(after).unwrap_or_else(|| panic!("no {after:?}"));
    let start = from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} after {after:?}"));
    let line = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let end = column + needle.chars().count();
    (line as u64, column as u64, end as u64)
}

fn assert_no_leaks(output: &str) {
    for leak in LEAKS {
        assert!(!output.contains(leak), "`{leak}` leaks into:\n{output}");
    }
}

const THREE_MISTAKES: &str = "\
iterations: { length: 14d, start: 2026-01-05, grace: 3d, lenght: 7d }
people:
  alice: { name: Alice Ng, handles: ['@alice'] }
  bob: { name: Bob Okafor, handles: ['@bob'] }
teams:
  search:
    dir: hb/search
    pm: alice
    em: bob
  search:
    dir: hb/elsewhere
freshness:
  max-files-per-commit: 1.5
severity: { HB102: warning }
";

#[test]
fn three_mistakes_are_three_findings_at_their_places_and_the_rest_is_used() {
    let f = with_config(THREE_MISTAKES);
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 1, "{report:#}");
    let text = THREE_MISTAKES;
    assert_eq!(
        findings(&report, "HB001"),
        [
            (
                "unknown key `lenght` in `iterations`".to_string(),
                position(text, "", "lenght")
            ),
            (
                "`search` is set twice in `teams`: this one is ignored, the one on line 6 is used"
                    .to_string(),
                position(text, "em: bob", "search")
            ),
            (
                "`freshness.max-files-per-commit` must be a whole number, not `1.5`".to_string(),
                position(text, "max-files", "1.5")
            ),
        ]
    );
    // The rest is used: the calendar (iteration 4 ends 2026-03-01), the
    // first `search` team (its goals page is checked) and `severity`.
    let goals = &report["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["code"] == "HB102").cloned())
        .unwrap_or_else(|| panic!("no HB102 in {report:#}"));
    assert_eq!(goals["severity"], "warning");
    assert_eq!(goals["path"], "hb/search/goals.md");
    let message = goals["message"].as_str().unwrap_or("");
    assert!(
        message.contains("iteration 4 (2026-02-16 – 2026-03-01)"),
        "{message}"
    );
    assert_eq!(report["summary"]["teams"], 1);
}

#[test]
fn duplicate_keys_are_reported_at_two_levels_and_the_first_wins() {
    let config = "\
severity: { HB102: warning }
iterations: { length: 14d, start: 2026-01-05, grace: 3d }
people:
  alice: { handles: ['@alice'] }
  bob: { handles: ['@bob'] }
teams:
  search:
    dir: hb/search
    pm: alice
    em: bob
    pm: carol
severity: { HB102: error }
";
    let f = with_config(config);
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report, "HB001"),
        [
            (
                "`pm` is set twice in `teams.search`: this one is ignored, the one on line 9 is used"
                    .to_string(),
                position(config, "em: bob", "pm")
            ),
            (
                "`severity` is set twice in the config: this one is ignored, the one on line 1 is used"
                    .to_string(),
                position(config, "pm: carol", "severity")
            ),
        ]
    );
    // `carol` was never read: she would be HB003, not in `people`.
    assert!(findings(&report, "HB003").is_empty(), "{report:#}");
    let severities: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "HB102")
        .map(|f| &f["severity"])
        .collect();
    assert_eq!(severities, ["warning"]);
}

#[test]
fn wrong_types_are_reported_at_several_levels() {
    let config = "\
iterations: { length: [14d], start: 2026-01-05, grace: 3d }
people:
  alice: { handles: '@alice' }
  bob: { handles: ['@bob'] }
teams:
  search: { dir: hb/search, pm: alice, em: bob, pages: [goals] }
ignore: hb/archive/**
freshness: { move-similarity: 50.5, max-files-per-commit: -2 }
overrides:
  - paths: ['hb/**']
    severity: [HB102]
";
    let f = with_config(config);
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 1);
    let mut got = findings(&report, "HB001");
    got.sort_by_key(|(_, at)| *at);
    assert_eq!(
        got,
        [
            (
                "`iterations.length` must be text, not a list",
                position(config, "", "[14d]")
            ),
            (
                "`people.alice.handles` must be a list, not text",
                position(config, "alice", "'@alice'")
            ),
            (
                "`teams.search.pages` must be a mapping (`key: value`), not a list",
                position(config, "pages", "[goals]")
            ),
            (
                "`ignore` must be a list, not text",
                position(config, "ignore", "hb/archive/**")
            ),
            (
                "`freshness.move-similarity` must be a whole number, not `50.5`",
                position(config, "", "50.5")
            ),
            (
                "`freshness.max-files-per-commit` must not be negative: `-2`",
                position(config, "", "-2")
            ),
            (
                "`overrides.severity` must be a mapping (`key: value`), not a list",
                position(config, "overrides", "[HB102]")
            ),
        ]
        .map(|(message, at)| (message.to_string(), at))
    );
    // Alice has no handles but is still the PM: no HB003.
    assert!(findings(&report, "HB003").is_empty(), "{report:#}");
}

#[test]
fn yaml_that_does_not_parse_stops_the_run_with_a_finding_at_its_place() {
    let config = "teams:\n  search: [unclosed\n";
    let f = with_config(config);
    let (report, code) = f.check_json(NOW);
    assert_eq!(code, 2);
    let got = findings(&report, "HB001");
    assert_eq!(got.len(), 1, "{report:#}");
    assert_eq!(got[0].1.0, 2);
}

#[test]
fn no_message_speaks_the_yaml_library() {
    let big = format!("ignore: [{}]\n", "a,".repeat(250_001));
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "handbook-lint.yaml",
            big,
            "the YAML is too large or too deeply nested: over 250,000 nodes",
        ),
        (
            "handbook-lint.yaml",
            format!("{CONFIG}---\nhandbook: hb\n"),
            "the file holds several YAML documents",
        ),
        (
            "handbook-lint.yaml",
            format!("{CONFIG}handbook: hb\nhandbook: other\n"),
            "`handbook` is set twice in the config",
        ),
        (
            "hb/search/goals.md",
            "---\nowner: alice\niteration: three\n---\n# Goals\n".to_string(),
            "front matter: expected a whole number",
        ),
        (
            "hb/search/goals.md",
            "---\nowner: alice\nowner: bob\n---\n# Goals\n".to_string(),
            "front matter: the key `owner` is written twice in the same mapping",
        ),
    ];
    for (path, text, said) in cases {
        let f = one_team("", &[]);
        f.commit("2026-01-06T09:00:00Z", "edit", &[write(path, &text)]);
        let out = f.run(&["check", "--format", "short", "--now", NOW]);
        let output = format!("{}{}", out.stdout, out.stderr);
        assert!(
            output.contains(said),
            "{path}: expected {said:?} in:\n{output}"
        );
        assert_no_leaks(&output);
    }
}

#[test]
fn a_ruleset_s_yaml_mistakes_are_in_the_tool_s_words() {
    let ruleset = format!(
        "{}\nname: again\n",
        handbook_lint::testing::BUILTIN_TEXT.trim_end()
    );
    let f = one_team("ruleset: rules.yaml\n", &[write("rules.yaml", &ruleset)]);
    let out = f.run(&["check", "--format", "short", "--now", NOW]);
    assert_eq!(out.code, 2);
    assert!(
        out.stdout
            .contains("ruleset: the key `name` is written twice in the same mapping"),
        "{}",
        out.stdout
    );
    assert_no_leaks(&format!("{}{}", out.stdout, out.stderr));
}
