//! What the tests (the crate's own and those in `tests/`) and the benchmark
//! build repositories and oracles with: one handbook's texts, so every test
//! describes the same team the same way. Not a stable interface.

pub use crate::app::demo::DEMO_NOW;
pub use crate::base::paths::is_markdown;
pub use crate::base::time::rfc3339;
pub use crate::config::ruleset::BUILTIN_TEXT;
pub use crate::git::repo_builder::{Edit, Person, ROBOT, RepoBuilder, delete, mv, write};

/// `git` arguments that pack a repository as a hosting service would, in
/// delta chains up to 50 deep: what the pack reader must decode.
pub const DEEP_REPACK: [&str; 7] = [
    "repack",
    "-a",
    "-d",
    "-f",
    "-q",
    "--depth=50",
    "--window=50",
];

/// The config's JSON Schema, as `handbook-lint schema` prints it.
pub fn config_schema() -> String {
    crate::config::schema::schema_text()
}

/// What the tool reports about a config's text (HB001's messages, with the
/// built-in ruleset's page kinds), as `check` would.
pub fn config_mistakes(text: &str) -> Vec<String> {
    use crate::config::{CONFIG_FILE, check, parse, ruleset::Ruleset};
    let text: std::sync::Arc<str> = std::sync::Arc::from(text);
    let parsed = match parse(CONFIG_FILE, &text) {
        Ok(parsed) => parsed,
        Err(finding) => return vec![finding.message],
    };
    let kinds: Vec<String> = Ruleset::parse(BUILTIN_TEXT)
        .map(|ruleset| ruleset.pages.into_keys().collect())
        .unwrap_or_default();
    check(CONFIG_FILE, &text, &parsed, Some(&kinds))
        .findings
        .into_iter()
        .filter(|finding| finding.rule.code == crate::base::codes::CONFIG_INVALID.code)
        .map(|finding| finding.message)
        .collect()
}

/// A config for one team `search` in `hb/search` (PM alice, EM bob) with
/// two-week iterations from 2026-01-05 and three days of grace.
pub const CONFIG: &str = "iterations: { length: 14d, start: 2026-01-05, grace: 3d }
people:
  alice: { name: Alice Ng, handles: ['@alice'] }
  bob: { name: Bob Okafor, handles: ['@bob'] }
  carol: { name: Carol Diaz, handles: ['@carol'] }
teams:
  search:
    dir: hb/search
    pm: alice
    em: bob
";

/// A goals page with every element HB103 asks for.
pub fn goals(progress: &str) -> String {
    format!(
        "---\nowner: alice\n---\n# Search goals\n\n## Goal\n\nBe fast.\n\n## Milestones\n\n1. Index\n\n## Timeline\n\nQ1\n\n## Progress\n\n{progress}\n"
    )
}

/// An index page with planning and execution sections.
pub fn index(planning: &str, execution: &str) -> String {
    format!(
        "---\nowner: bob\n---\n# Search\n\n## Planning\n\n{planning}\n\n## Execution\n\n{execution}\n"
    )
}

/// A retrospective held on `date`, with these action items.
pub fn retro(date: &str, items: &str) -> String {
    format!("---\nowner: bob\ndate: {date}\n---\n# Retro {date}\n\n## Action items\n\n{items}\n")
}

/// Where the worked examples of the substance contract are kept: a copy of
/// `../shared/substance-vectors.json` (an independent implementation's
/// answers), read by the crate's parser tests and by the oracle's.
pub fn substance_vectors_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/substance-vectors.json")
}

/// One worked example: a Markdown page, its words, and its sections' words
/// by anchor.
#[derive(Debug, serde::Deserialize)]
pub struct SubstanceCase {
    pub name: String,
    pub markdown: String,
    pub words: Vec<String>,
    pub sections: std::collections::BTreeMap<String, Vec<String>>,
}

/// The worked examples, read from [`substance_vectors_path`].
pub fn substance_cases() -> Vec<SubstanceCase> {
    #[derive(serde::Deserialize)]
    struct Vectors {
        cases: Vec<SubstanceCase>,
    }
    let text = std::fs::read_to_string(substance_vectors_path()).expect("the substance vectors");
    let vectors: Vectors = serde_json::from_str(&text).expect("the substance vectors are JSON");
    vectors.cases
}
