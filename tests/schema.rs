//! The config's JSON Schema as users get it: `handbook-lint schema` prints
//! the committed `schema/handbook-lint.schema.json` (what editors fetch),
//! and that schema takes every config the README shows and the one the demo
//! writes (as the tool does), and refuses a misspelt key and a wrong type. The crate's own
//! tests (`config::schema`) hold its keys to the validator's.
//!
//! `UPDATE_SCHEMA=1 cargo test --test schema` rewrites the committed file.

use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use serde_json::Value;

mod common;

const SCHEMA_FILE: &str = "schema/handbook-lint.schema.json";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The schema, made in this process (so a test does not depend on which
/// build last wrote the binary); `the_schema_command_prints_it` holds the
/// binary to it.
fn schema_text() -> String {
    handbook_lint::testing::config_schema()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&schema_text()).expect("the schema is JSON");
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

/// A YAML text as JSON, read as YAML 1.2 (as yaml-language-server reads
/// it: `off` is text, not false).
fn yaml_to_json(yaml: &str) -> Result<Value, String> {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(yaml, options).map_err(|e| e.to_string())
}

/// Why `yaml` does not fit the schema (one line per mistake), or nothing.
fn mistakes(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    match yaml_to_json(yaml) {
        Ok(instance) => validator
            .iter_errors(&instance)
            .map(|error| {
                let at = error.instance_path().to_string();
                format!("{}: {error}", if at.is_empty() { "/" } else { &at })
            })
            .collect(),
        Err(error) => vec![format!("not YAML: {error}")],
    }
}

#[test]
fn the_schema_command_prints_it() {
    let printed = common::run_ok(&["schema"]);
    assert!(
        printed == schema_text(),
        "`handbook-lint schema` printed:\n{printed}"
    );
    let parsed: Value = serde_json::from_str(&printed).expect("one JSON document");
    assert!(parsed.is_object());
}

#[test]
fn the_committed_schema_is_what_the_binary_prints() {
    let printed = schema_text();
    let path = manifest_dir().join(SCHEMA_FILE);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("create schema/");
        std::fs::write(&path, &printed).expect("write the schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "{SCHEMA_FILE} is not what `handbook-lint schema` prints; \
         `UPDATE_SCHEMA=1 cargo test --test schema` rewrites it (review the diff)"
    );
    let schema: Value = serde_json::from_str(&printed).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(
        schema["$id"]
            .as_str()
            .is_some_and(|id| id.ends_with(SCHEMA_FILE)),
        "the schema's $id names where it is published"
    );
    // The schema is valid against its meta-schema.
    jsonschema::draft7::meta::validate(&schema).expect("a valid draft-07 schema");
}

/// A ```yaml block of the README: its first line's number and its text.
struct Block {
    line: usize,
    text: String,
}

fn yaml_blocks(markdown: &str) -> Vec<Block> {
    enum Inside {
        Text,
        /// A block of another language, skipped to its closing fence.
        Other,
        Yaml(Block),
    }
    let mut blocks = Vec::new();
    let mut inside = Inside::Text;
    for (number, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        inside = match (inside, fence) {
            (Inside::Text, true) => {
                let info = line.trim_start().trim_start_matches('`').trim();
                match info.split_whitespace().next() {
                    Some("yaml" | "yml") => Inside::Yaml(Block {
                        line: number + 2,
                        text: String::new(),
                    }),
                    _ => Inside::Other,
                }
            }
            (Inside::Yaml(block), true) => {
                blocks.push(block);
                Inside::Text
            }
            (Inside::Yaml(mut block), false) => {
                block.text.push_str(line);
                block.text.push('\n');
                Inside::Yaml(block)
            }
            (Inside::Other, true) => Inside::Text,
            (unchanged, _) => unchanged,
        };
    }
    blocks
}

/// The file a YAML block says it is, by a first line such as
/// `# .pre-commit-config.yaml`; `None` when it says nothing.
fn named_file(block: &str) -> Option<&str> {
    let first = block.lines().next()?.trim();
    let name = first.strip_prefix('#')?.trim();
    let yaml = std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let is_file = yaml && !name.contains(char::is_whitespace);
    is_file.then_some(name)
}

/// The README's configuration examples: every ```yaml block except those
/// whose first line names another file (`# .gitlab-ci.yml`).
fn readme_configs() -> Vec<Block> {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).expect("README.md");
    yaml_blocks(&readme)
        .into_iter()
        .filter(|block| named_file(&block.text).is_none_or(|name| name == "handbook-lint.yaml"))
        .collect()
}

#[test]
fn every_config_in_the_readme_fits_the_schema() {
    let configs = readme_configs();
    assert!(
        !configs.is_empty(),
        "no configuration example found in README.md (a ```yaml block not naming another file)"
    );
    let validator = validator();
    for block in &configs {
        let found = mistakes(&validator, &block.text);
        assert!(
            found.is_empty(),
            "README.md line {}: this ```yaml block is not a valid handbook-lint.yaml: {found:#?}\n\
             (a block that is another file starts with a comment naming it: `# .gitlab-ci.yml`)\n{}",
            block.line,
            block.text
        );
        // And the tool reads it without a mistake.
        let reported = handbook_lint::testing::config_mistakes(&block.text);
        assert!(
            reported.is_empty(),
            "README.md line {}: handbook-lint reports {reported:#?}",
            block.line
        );
    }
}

#[test]
fn the_readme_tells_its_config_examples_from_other_files() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).expect("README.md");
    let named: Vec<String> = yaml_blocks(&readme)
        .iter()
        .filter_map(|block| named_file(&block.text).map(str::to_string))
        .collect();
    // The pre-commit, GitHub Actions and GitLab CI files are shown, and
    // known for what they are.
    for file in [".pre-commit-config.yaml", ".gitlab-ci.yml"] {
        assert!(
            named.iter().any(|n| n == file),
            "{file} not among {named:?}"
        );
    }
    assert!(
        named.iter().any(|n| n.starts_with(".github/workflows/")),
        "no GitHub workflow among {named:?}"
    );
}

#[test]
fn the_demo_config_fits_the_schema() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kept = dir.path().join("demo");
    let kept_arg = kept.to_str().expect("a UTF-8 path");
    let output = Command::new(cargo_bin("handbook-lint"))
        .args(["demo", "--keep", kept_arg, "--format", "short"])
        .output()
        .expect("run the demo");
    let config = std::fs::read_to_string(kept.join("handbook-lint.yaml")).unwrap_or_else(|e| {
        panic!(
            "the demo wrote no config ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let found = mistakes(&validator(), &config);
    assert!(found.is_empty(), "the demo's config: {found:#?}\n{config}");
    let reported = handbook_lint::testing::config_mistakes(&config);
    assert!(reported.is_empty(), "handbook-lint reports {reported:#?}");
}

#[test]
fn a_misspelt_key_or_a_wrong_type_does_not_fit() {
    let validator = validator();
    let wrong = [
        ("iterations: { lenght: 14d }\n", "/iterations"),
        (
            "teams:\n  search: { dir: s, pm: alice, dri: x }\n",
            "/teams/search",
        ),
        ("teams:\n  search: { dir: [s] }\n", "/teams/search/dir"),
        ("ignore: content/archive/**\n", "/ignore"),
        (
            "freshness: { move-similarity: 101 }\n",
            "/freshness/move-similarity",
        ),
        ("severity: { HB303: fatal }\n", "/severity/HB303"),
        ("severty: { HB303: warning }\n", "/"),
    ];
    for (yaml, at) in wrong {
        let found = mistakes(&validator, yaml);
        assert!(
            found.iter().any(|m| m.starts_with(&format!("{at}: "))),
            "expected a mistake at `{at}` in {yaml:?}, got {found:?}"
        );
    }
}

/// The README's table of settings: `key` and its default, as written.
fn readme_defaults() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).expect("README.md");
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // | `key` | meaning | `default` |
            let key = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let default = cells.get(3)?.strip_prefix('`')?.strip_suffix('`')?;
            (cells.len() == 5).then(|| (key.to_string(), default.to_string()))
        })
        .collect()
}

#[test]
fn the_readme_defaults_are_the_schemas() {
    let schema: Value = serde_json::from_str(&schema_text()).expect("the schema is JSON");
    let documented = readme_defaults();
    let mut compared = 0;
    for (key, default) in &documented {
        let mut at = &schema;
        for part in key.split('.') {
            at = &at["properties"][part];
            if let Some(mapping) = at["anyOf"]
                .as_array()
                .and_then(|choices| choices.iter().find(|c| c.get("properties").is_some()))
            {
                at = mapping;
            }
        }
        let Some(stated) = at.get("default") else {
            continue;
        };
        let stated = match stated {
            Value::String(text) => text.clone(),
            // A list as the README writes one: YAML's flow style.
            Value::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|item| item
                        .as_str()
                        .map_or_else(|| item.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => other.to_string(),
        };
        assert_eq!(&stated, default, "the default of `{key}`");
        compared += 1;
    }
    // iterations.length, .start, .grace, freshness.move-similarity at least.
    assert!(
        compared >= 4,
        "only {compared} defaults compared: {documented:?}"
    );
}
