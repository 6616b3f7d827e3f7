//! Property tests of the three YAML readers a contributor's text reaches:
//! the config (read and checked), page front matter and the ruleset. On
//! any text, arbitrary or built from a small grammar of the config's keys
//! and values, or a real file with something pasted into it, each returns
//! a value or its findings, never panics, and every span it reports lies
//! within the text on character boundaries.

#![cfg(test)]
use std::ops::Range;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};

use crate::config::ruleset::{BUILTIN_TEXT, Ruleset};
use crate::config::{CONFIG_FILE, check, parse};
use crate::testing::CONFIG;

/// Keys of the config, misspellings of them, and keys that are not text.
const KEYS: &[&str] = &[
    "ruleset",
    "handbook",
    "iterations",
    "length",
    "start",
    "grace",
    "people",
    "name",
    "handles",
    "teams",
    "dir",
    "pm",
    "em",
    "since",
    "pages",
    "goals",
    "severity",
    "HB102",
    "HB3030",
    "max-age",
    "ignore",
    "freshness",
    "ignore-revs-file",
    "max-files-per-commit",
    "move-similarity",
    "overrides",
    "paths",
    "lenght",
    "équipe",
    "1",
    "yes",
    "~",
    "\"quoted key\"",
    "? [complex]\n",
];

/// Values a config may hold, right and wrong.
const SCALARS: &[&str] = &[
    "14d",
    "0d",
    "2w",
    "2026-01-05",
    "2026-02-30",
    "-3",
    "1.5",
    "99999999999999999999999",
    "0x1F",
    ".nan",
    "@alice",
    "alice",
    "hb/search",
    "{dir}/goals.md#planning",
    "{dir}/retros/*.md",
    "[unclosed glob",
    "../outside",
    "/etc/passwd",
    ".git/config",
    "builtin:pm-em-partnership",
    "builtin:nope",
    "warning",
    "error",
    "yes",
    "~",
    "",
    "\"quoted: value\"",
    "'single'",
    "é ü 日本",
    "&anchor value",
    "*anchor",
    "!tag value",
    "|\n  block\n  text",
];

/// A YAML value from the grammar.
#[derive(Debug, Clone)]
enum Yaml {
    Scalar(&'static str),
    Map(Vec<(&'static str, Yaml)>),
    List(Vec<Yaml>),
}

fn yaml() -> impl Strategy<Value = Yaml> {
    let leaf = prop::sample::select(SCALARS).prop_map(Yaml::Scalar);
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..5)
                .prop_map(Yaml::Map),
            prop::collection::vec(inner, 0..4).prop_map(Yaml::List),
        ]
    })
}

/// `yaml` as block YAML at `indent`, flow style where `flow` says.
fn render(yaml: &Yaml, indent: usize, flow: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    match yaml {
        Yaml::Scalar(text) => out.push_str(text),
        Yaml::Map(entries) if flow || entries.is_empty() => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                out.push_str(if i == 0 { " " } else { ", " });
                out.push_str(key);
                out.push_str(": ");
                render(value, indent, true, out);
            }
            out.push_str(" }");
        }
        Yaml::List(items) if flow || items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "" } else { ", " });
                render(item, indent, true, out);
            }
            out.push(']');
        }
        Yaml::Map(entries) => {
            for (key, value) in entries {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(key);
                out.push_str(": ");
                render(value, indent + 2, indent % 4 == 2, out);
            }
        }
        Yaml::List(items) => {
            for item in items {
                out.push('\n');
                out.push_str(&pad);
                out.push_str("- ");
                render(item, indent + 2, true, out);
            }
        }
    }
}

/// Texts to read: arbitrary, YAML-ish, from the grammar, or a real file
/// with a piece of any of those pasted in at some character boundary.
fn text(real: &'static str) -> impl Strategy<Value = String> {
    let pasted = "[ -~\n\t:{}\\[\\],#&*!|>'\"é日-]{0,40}";
    prop_oneof![
        any::<String>(),
        "[ -~\n\t:{}\\[\\],#&*!|>'\"é日-]{0,200}",
        yaml().prop_map(|yaml| {
            let mut out = String::new();
            render(&yaml, 0, false, &mut out);
            out.trim_start().to_string()
        }),
        (pasted, any::<prop::sample::Index>()).prop_map(move |(piece, at)| {
            let boundaries: Vec<usize> = real
                .char_indices()
                .map(|(i, _)| i)
                .chain([real.len()])
                .collect();
            let at = boundaries[at.index(boundaries.len())];
            format!("{}{piece}{}", &real[..at], &real[at..])
        }),
    ]
}

fn assert_within(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what} span {span:?} is not within {} bytes on character boundaries: {text:?}",
        text.len()
    );
}

fn deterministic() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(10),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(deterministic())]

    /// The config gives a checked config or one finding saying where it
    /// does not parse; every finding points into the file.
    #[test]
    fn the_config_reader_always_answers_within_the_text(text in text(CONFIG)) {
        let shared: Arc<str> = Arc::from(text.as_str());
        let kinds = ["goals".to_string(), "retrospectives".to_string()];
        let findings = match parse(CONFIG_FILE, &shared) {
            Ok(parsed) => {
                let checked = check(CONFIG_FILE, &shared, &parsed, Some(&kinds));
                prop_assert!(checked.config.is_some());
                checked.findings
            }
            Err(finding) => vec![*finding],
        };
        for finding in &findings {
            let location = finding.location.as_ref();
            prop_assert_eq!(location.map(|l| l.path.as_str()), Some(CONFIG_FILE));
            if let Some(span) = location.and_then(|l| l.span.as_ref()) {
                assert_within(&text, span, &finding.message);
            }
        }
    }

    /// Front matter problems point into the page, wherever the YAML breaks.
    #[test]
    fn front_matter_problems_lie_within_the_page(yaml in text("owner: alice\nreviewed: 2026-01-05\niteration: 3\n")) {
        for page in [format!("---\n{yaml}\n---\n# Title\n"), yaml.clone()] {
            let (document, problems) = crate::parse::parse(&page);
            for problem in &problems {
                assert_within(&page, &problem.span, &problem.message);
            }
            if let Some(span) = &document.front.span {
                assert_within(&page, span, "front matter");
            }
        }
    }

    /// A ruleset parses or lists its errors, each within the file.
    #[test]
    fn ruleset_errors_lie_within_the_file(text in text(BUILTIN_TEXT)) {
        if let Err(errors) = Ruleset::parse(&text) {
            prop_assert!(!errors.is_empty());
            for error in &errors {
                assert_within(&text, &error.span, &error.message);
            }
        }
    }
}
