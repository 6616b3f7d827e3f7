//! Contracts that keep generated and documented things honest: every
//! rule documented, the ruleset quoting the seed word for word, the README
//! naming what the binary does.

use std::collections::HashSet;
use std::path::Path;

use crate::config::ruleset::{BUILTIN_TEXT, Ruleset};
use crate::rules::registry::RULES;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The responsibilities of the partnership matrix, as the seed names them.
const RESPONSIBILITIES: [&str; 14] = [
    "Product marketing",
    "Product research",
    "Team goals",
    "Iteration planning",
    "Technical partnerships",
    "Sales + customer engineering collaboration",
    "Design",
    "Other engineering team collaborations",
    "Hiring",
    "Iteration execution",
    "Productivity",
    "Reporting",
    "Career development and performance management",
    "Team morale",
];

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(MANIFEST_DIR).join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for rule in RULES {
        let meta = rule.meta;
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(names.insert(meta.name), "duplicate name {}", meta.name);
        assert!(
            meta.code.len() == 5
                && meta.code.starts_with("HB")
                && meta.code[2..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            meta.code
        );
        assert!(
            meta.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            meta.name
        );
    }
}

#[test]
fn every_rule_is_documented_in_the_binary_and_the_readme() {
    let readme = read("README.md");
    for rule in RULES {
        let doc = rule.meta.doc_text();
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## How to fix",
        ] {
            assert!(doc.contains(section), "{} lacks {section}", rule.meta.code);
        }
        assert!(!rule.meta.summary.is_empty());
        let row = format!("| {} | {} |", rule.meta.code, rule.meta.name);
        assert!(readme.contains(&row), "README's rule table lacks {row}");
    }
}

/// An optional rule says, where it is documented, that it is off and how
/// to turn it on: its doc (what `explain` and SARIF show) and the README.
#[test]
fn every_optional_rule_says_how_to_enable_it() {
    let readme = read("README.md");
    let optional: Vec<_> = RULES
        .iter()
        .filter(|rule| rule.meta.default_severity.is_none())
        .collect();
    assert!(!optional.is_empty());
    for rule in optional {
        let doc = rule.meta.doc_text();
        let enable = format!("severity: {{ {}: warning }}", rule.meta.code);
        assert!(doc.contains("off by default"), "{}", rule.meta.code);
        assert!(doc.contains(&enable), "{} lacks `{enable}`", rule.meta.code);
        assert!(
            readme.contains(&format!(
                "| {} | {} | optional:",
                rule.meta.code, rule.meta.name
            )),
            "the README's table does not mark {} optional",
            rule.meta.code
        );
    }
    assert!(readme.contains("### Optional rules"));
}

/// ripgrep-style: each rule has a case that fails it and one that passes:
/// beside its check, in the rule's own file, for a rule with a check; in
/// the git-oracle tests of `tests/rules.rs` for every rule, checked or
/// raised by a stage (`tests/optional_rules.rs` for the optional ones).
#[test]
fn every_rule_has_a_failing_and_a_passing_case() {
    let tests = read("tests/rules.rs") + &read("tests/optional_rules.rs");
    for rule in RULES {
        let prefix = rule.meta.code.to_lowercase();
        for kind in ["fails", "passes"] {
            let needle = format!("fn {prefix}_{kind}");
            assert!(
                tests.contains(&needle),
                "tests/rules.rs and tests/optional_rules.rs have no `{needle}…`"
            );
        }
        if rule.check.is_none() {
            continue;
        }
        let file = format!(
            "src/rules/{}/{}.rs",
            rule.meta.family,
            rule.meta.name.replace('-', "_")
        );
        let source = read(&file);
        let tests = source
            .split("#[cfg(test)]")
            .nth(1)
            .unwrap_or_else(|| panic!("{file} has no test module"));
        for kind in ["fails", "passes"] {
            assert!(
                tests.contains(&format!("fn {kind}_")),
                "{file} has no `fn {kind}_…` test"
            );
        }
    }
}

#[test]
fn the_builtin_ruleset_parses_and_covers_the_whole_matrix() {
    let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
    let names: Vec<&str> = ruleset
        .responsibilities
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, RESPONSIBILITIES);
    for responsibility in &ruleset.responsibilities {
        assert!(["pm", "em"].contains(&responsibility.accountable.as_str()));
        assert!(
            responsibility.expectations.contains_key("pm")
                && responsibility.expectations.contains_key("em")
        );
    }
    let accountable_pm = ruleset
        .responsibilities
        .iter()
        .filter(|r| r.accountable == "pm")
        .count();
    assert_eq!(accountable_pm, 8);
    for kind in [
        "goals",
        "iteration-planning",
        "iteration-execution",
        "retrospectives",
    ] {
        assert!(
            ruleset.pages.get(kind).is_some_and(|k| k.required),
            "{kind}"
        );
    }
}

/// Every expectation in the ruleset is quoted verbatim from the seed, and
/// every responsibility heading of the seed is in the ruleset. The seed
/// lives in `../shared` beside the checkout, as in CI.
#[test]
fn the_ruleset_quotes_the_seed_verbatim() {
    let seed_path = Path::new(MANIFEST_DIR).join("../shared/seed/pm-em-partnership.txt");
    let seed = std::fs::read_to_string(&seed_path)
        .unwrap_or_else(|e| panic!("the seed at {} is needed: {e}", seed_path.display()));
    let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
    let normalized = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let seed_text = normalized(&seed);
    for responsibility in &ruleset.responsibilities {
        for expectation in responsibility.expectations.values().flatten() {
            assert!(
                seed_text.contains(&normalized(expectation)),
                "not in the seed: {expectation}"
            );
        }
    }
    for name in RESPONSIBILITIES {
        let heading = seed
            .lines()
            .any(|line| line.trim().trim_end_matches(" 😊").trim() == name);
        assert!(heading, "the seed has no heading `{name}`");
    }
}

#[test]
fn the_readme_names_the_test_command_that_ci_runs() {
    let readme = read("README.md");
    let ci = read(".ci/run");
    assert!(readme.contains("cargo run --release -- demo"));
    assert!(readme.contains("cargo test --locked"));
    assert!(
        ci.contains("\ncargo test --locked\n"),
        ".ci/run must run the README's test command"
    );
}
