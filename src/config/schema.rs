//! `handbook-lint schema`: the config's JSON Schema, for editors
//! (yaml-language-server completes keys, shows these descriptions on hover
//! and marks mistakes as one types).
//!
//! The config is read by hand (`config::validate`), not through serde, so
//! the types here exist only to describe it: each doc comment is the
//! schema's description of that key. What a type cannot say (the built-in
//! ruleset's page kinds, the rule codes, the defaults) is filled in from the
//! data and constants the validator itself uses, and the contract tests at
//! the bottom hold every level's keys to the validator's key lists.
//!
//! Draft-07: the draft every editor integration reads (yaml-language-server
//! 1.25 reads 2020-12 as well; older versions and other editors may not).
//!
//! The schema accepts what the validator accepts, with narrowings an editor
//! user is better off with: text settings are strings (the validator also
//! reads `dir: 2024` as text), rule codes are written as the README writes
//! them (`HB102`, `goals-stale`; the tool also forgives their letter case),
//! and an override's `paths` is a list (the validator takes `paths:` with
//! no value as no paths). A key with no value (`handbook:`) is allowed
//! wherever else the validator takes it as unset.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::base::codes;
use crate::base::paths::DEFAULT_PAGE_EXTENSIONS;
use crate::config::ruleset::{BUILTIN_NAME, BUILTIN_TEXT, PageKind, Ruleset};
use crate::config::validate::WEEKDAYS;
use crate::config::{
    DEFAULT_GRACE_DAYS, DEFAULT_ITERATION_DAYS, DEFAULT_MOVE_SIMILARITY, DEFAULT_SEND_DAY,
    DEFAULT_START,
};

/// [`DEFAULT_SEND_DAY`] as the config writes it.
const DEFAULT_SEND_DAY_NAME: &str = WEEKDAYS[DEFAULT_SEND_DAY.num_days_from_monday() as usize];

/// Where the published schema lives: what `init` writes in the config's
/// `# yaml-language-server: $schema=…` line, and the schema's `$id`.
pub(crate) const SCHEMA_URL: &str = "https://raw.githubusercontent.com/handbook-lint/handbook-lint/main/schema/handbook-lint.schema.json";

/// The JSON Schema of `handbook-lint.yaml`, as `handbook-lint schema`
/// prints it: pretty JSON and a final newline.
pub(crate) fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of `handbook-lint.yaml`.
pub(crate) fn schema() -> Value {
    let mut settings = SchemaSettings::draft07();
    // One self-contained tree: readable as a file, and walked as one by
    // the contract tests.
    settings.inline_subschemas = true;
    let mut schema = settings
        .into_generator()
        .into_root_schema_for::<ConfigFile>();
    schema.insert("$id".to_string(), Value::from(SCHEMA_URL));
    let mut schema = schema.to_value();
    tidy(&mut schema);
    schema
}

/// Doc comments' line breaks out of the descriptions, and an optional
/// choice (`anyOf` inside `anyOf`) made one list, for people reading the
/// schema and for editors showing it.
fn tidy(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(description)) = object.get_mut("description") {
                *description = description.replace('\n', " ");
            }
            if let Some(Value::Array(choices)) = object.get_mut("anyOf") {
                *choices = std::mem::take(choices)
                    .into_iter()
                    .flat_map(|choice| match choice {
                        Value::Object(mut inner)
                            if inner.len() == 1 && inner.contains_key("anyOf") =>
                        {
                            match inner.remove("anyOf") {
                                Some(Value::Array(nested)) => nested,
                                _ => Vec::new(),
                            }
                        }
                        other => vec![other],
                    })
                    .collect();
            }
            object.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// `schema`, also taking nothing: a key with no value (`goals:`), which
/// the validator takes as unset.
fn or_nothing(mut schema: Schema) -> Schema {
    let nothing = json!({ "type": "null" });
    if let Some(Value::Array(choices)) = schema.get_mut("anyOf") {
        choices.push(nothing);
    } else if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.push(Value::from("null"));
    } else {
        schema = json_schema!({ "anyOf": [schema, nothing] });
    }
    schema
}

/// `handbook-lint.yaml`: where the handbook's pages are, who holds which
/// role in which team, the iteration calendar, and how findings are
/// weighed. Every key is optional.
#[derive(JsonSchema)]
#[schemars(
    title = "handbook-lint.yaml",
    rename_all = "kebab-case",
    deny_unknown_fields
)]
#[allow(dead_code)] // described, never built
struct ConfigFile {
    /// The ruleset: `builtin:pm-em-partnership`, or a path inside the
    /// repository to a ruleset YAML of the same shape.
    #[schemars(extend("default" = BUILTIN_NAME))]
    ruleset: Option<String>,
    /// The directory holding the handbook's pages, relative to the
    /// repository's root (default: the root).
    handbook: Option<String>,
    /// The iteration calendar: iteration n covers [start + (n−1)·length,
    /// start + n·length) and counts as completed `grace` days after it ends.
    iterations: Option<Iterations>,
    /// The people the teams and pages name, by id.
    people: Option<BTreeMap<String, Option<PersonEntry>>>,
    /// The teams, by name. Without teams, every directory holding a
    /// `goals.md` or a `retros/` folder is a team (and ownership is not
    /// checked).
    teams: Option<BTreeMap<String, TeamEntry>>,
    /// Where each page kind lives for every team: a location (`{dir}` is the
    /// team's directory; `file#anchor` is a section), `off` (not kept here),
    /// or `{ external: … }` (kept elsewhere). A team's own `pages` win.
    pages: Option<PageKinds>,
    /// Severities by rule code or name: `error`, `warning`, or `off` (the
    /// rule does not run).
    severity: Option<Severities>,
    /// The maximum age of a page kind, `84d` or `12w` (default: the
    /// ruleset's).
    max_age: Option<MaxAges>,
    /// Globs of repository paths that are not pages.
    ignore: Option<Vec<String>>,
    /// What counts as a change to a page.
    freshness: Option<Freshness>,
    /// Severities for the findings in some paths; the last matching
    /// override wins.
    overrides: Option<Vec<OverrideEntry>>,
    /// The file extensions of pages, without the dot.
    #[schemars(extend("default" = DEFAULT_PAGE_EXTENSIONS))]
    page_extensions: Option<Vec<String>>,
    /// Patterns (regular expressions) added to the ruleset's, for what a
    /// goals page's headings or bold labels may be called (HB103).
    goals_content: Option<GoalsContent>,
    /// The weekly status email the optional rules HB502 and HB503 check
    /// reports and highlights for.
    reporting: Option<Reporting>,
}

/// The weekly status email.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct Reporting {
    /// The day the weekly status email is sent: a week's progress
    /// highlight must be committed by the end of the day before (HB503).
    #[schemars(extend("default" = DEFAULT_SEND_DAY_NAME))]
    send_day: Option<Weekday>,
}

/// The iteration calendar.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct Iterations {
    /// The iteration length, `14d` or `2w`: at least one day.
    #[schemars(extend("default" = format!("{DEFAULT_ITERATION_DAYS}d")))]
    length: Option<Period>,
    /// The first day of iteration 1, YYYY-MM-DD.
    #[schemars(extend("default" = DEFAULT_START))]
    start: Option<Date>,
    /// Days after an iteration ends before it counts as completed; shorter
    /// than the length.
    #[schemars(extend("default" = format!("{DEFAULT_GRACE_DAYS}d")))]
    grace: Option<Days>,
}

/// A person the config names.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct PersonEntry {
    /// Their name, for the config's readers.
    name: Option<String>,
    /// Their handles (`@alice`): how pages, action items and CODEOWNERS
    /// name them.
    handles: Option<Vec<Handle>>,
}

/// A team: its directory and the people in its roles.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct TeamEntry {
    /// The directory holding the team's pages, relative to the repository's
    /// root.
    dir: String,
    /// The product manager: a person id or `@handle`, a list of them, or
    /// `none` (vacant by design).
    pm: Option<Role>,
    /// The engineering manager: a person id or `@handle`, a list of them,
    /// or `none` (vacant by design).
    em: Option<Role>,
    /// The day the team started, YYYY-MM-DD: nothing before the first
    /// iteration starting on or after it is required.
    since: Option<Date>,
    /// This team's page locations, over the config-wide `pages`.
    pages: Option<PageKinds>,
}

/// Severities for the findings in some paths.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct OverrideEntry {
    /// Globs of the repository paths this override applies to.
    paths: Vec<String>,
    /// Severities by rule code or name, for findings in those paths.
    severity: Option<Severities>,
}

/// What counts as a change to a page.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct Freshness {
    /// A file of commits that are not changes (git's ignore-revs format: one
    /// full commit id per line, `#` comments). Default: git's
    /// `blame.ignoreRevsFile`, else `.git-blame-ignore-revs` if present.
    ignore_revs_file: Option<String>,
    /// A commit changing more pages than this is a sweep, not an update
    /// (default: no limit).
    max_files_per_commit: Option<Count>,
    /// The percentage (0–100) of words a page a commit adds must share with
    /// one it deletes to continue its history (a move).
    #[schemars(extend("default" = DEFAULT_MOVE_SIMILARITY))]
    move_similarity: Option<Percent>,
}

/// Patterns added to the ruleset's for each part of a goals page.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code)]
struct GoalsContent {
    /// What the goal's heading or label may be called (`(?i)^okrs?$`).
    goal: Option<Patterns>,
    /// What the milestones' heading or label may be called.
    milestones: Option<Patterns>,
    /// What the timeline's heading or label may be called.
    timeline: Option<Patterns>,
    /// What the progress heading or label may be called (`(?i)estimated
    /// completion`).
    progress: Option<Patterns>,
}

/// Implements `JsonSchema` for a schema-only leaf type: the schema it
/// stands for, made by a function.
macro_rules! leaf {
    ($type:ident => $schema:expr) => {
        struct $type;

        impl JsonSchema for $type {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($type))
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

/// `parse_days`: a whole number of days or weeks (`14d`, `2w`, `3 days`),
/// or a bare number of days.
const DAYS_PATTERN: &str = r"^\s*[0-9]+\s*(d|days?|w|weeks?)?\s*$";
/// The same, at least one.
const PERIOD_PATTERN: &str = r"^\s*0*[1-9][0-9]*\s*(d|days?|w|weeks?)?\s*$";
/// `parse_date`: a day (`2026-01-05`, `2026-1-5`), or a day written in
/// ten characters followed by a time (`2026-01-05T09:00:00Z`).
const DATE_PATTERN: &str =
    r"^\s*([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\s*|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ].*)$";

/// A team's `pm:`/`em:` when the role is vacant by design.
const VACANT_ROLE: &str = "none";

leaf!(Days => json_schema!({
    "type": ["string", "integer"],
    "pattern": DAYS_PATTERN,
    "minimum": 0,
}));
leaf!(Period => period());
leaf!(Date => json_schema!({ "type": "string", "pattern": DATE_PATTERN }));
leaf!(Count => json_schema!({ "type": "integer", "minimum": 1 }));
leaf!(Percent => json_schema!({ "type": "integer", "minimum": 0, "maximum": 100 }));
leaf!(Handle => json_schema!({
    "type": "string",
    "pattern": "^@.",
    "description": "A handle, starting with `@`.",
}));
leaf!(Patterns => json_schema!({
    "anyOf": [
        { "type": "string", "description": "A regular expression (Rust syntax)." },
        {
            "type": "array",
            "items": { "type": "string" },
            "description": "Regular expressions (Rust syntax).",
        },
    ],
}));
leaf!(Role => json_schema!({
    "anyOf": [
        { "const": VACANT_ROLE, "description": "Vacant by design: no HB401 for this role." },
        {
            "type": "string",
            "description": "A person id (a key of `people`) or one of their `@handles`.",
        },
        {
            "type": "array",
            "items": { "type": "string", "not": { "const": VACANT_ROLE } },
            "description": "Several people in the role: person ids or `@handles`.",
        },
    ],
}));
// Lower case, as the README writes them (the tool also forgives the
// letter case).
leaf!(Weekday => json_schema!({ "enum": WEEKDAYS }));
leaf!(PageKinds => by_page_kind(page_kind_location, or_nothing(page_value())));
leaf!(MaxAges => by_page_kind(page_kind_max_age, or_nothing(period())));
leaf!(Severities => severities());

/// A length of time of at least one day.
fn period() -> Schema {
    json_schema!({
        "type": ["string", "integer"],
        "pattern": PERIOD_PATTERN,
        "minimum": 1,
    })
}

/// What a page kind's location may be: where it is, `off`, or where else
/// it is kept.
fn page_value() -> Schema {
    json_schema!({
        "anyOf": [
            {
                "const": "off",
                "description": "Nobody keeps this page kind here: no findings about it.",
            },
            {
                "type": "string",
                "pattern": "\\S",
                "description": "A file pattern: `{dir}` is the team's directory, `*` matches within a directory, `file#anchor` is a section.",
            },
            {
                "type": "object",
                "properties": {
                    "external": {
                        "type": "string",
                        "description": "Where the pages are kept instead (a URL, or any text): no findings, and reports say where.",
                    },
                },
                "required": ["external"],
                "additionalProperties": false,
            },
        ],
    })
}

/// A built-in page kind's location: who keeps it, and where by default.
fn page_kind_location(kind: &PageKind) -> Schema {
    let mut schema = page_value();
    schema.insert(
        "description".to_string(),
        Value::from(format!(
            "{} ({}). Default: `{}`.",
            kind.expectation,
            kind.maintained_by.to_uppercase(),
            kind.default_path
        )),
    );
    schema.insert(
        "default".to_string(),
        Value::from(kind.default_path.clone()),
    );
    schema
}

/// A built-in page kind's maximum age, and its default.
fn page_kind_max_age(kind: &PageKind) -> Schema {
    let mut schema = period();
    let description = match kind.max_age_days {
        Some(days) => {
            schema.insert("default".to_string(), Value::from(format!("{days}d")));
            format!("The maximum age of the {} page (default {days}d).", kind.id)
        }
        None => format!("The maximum age of the {} page (default: none).", kind.id),
    };
    schema.insert("description".to_string(), Value::from(description));
    schema
}

/// A mapping from the built-in ruleset's page kinds, each described by
/// `property`, that also takes the kinds of another ruleset (`other`).
fn by_page_kind(property: fn(&PageKind) -> Schema, other: Schema) -> Schema {
    let kinds = Ruleset::parse(BUILTIN_TEXT)
        .map(|ruleset| ruleset.pages)
        .unwrap_or_default();
    let properties: Map<String, Value> = kinds
        .values()
        .map(|kind| (kind.id.clone(), or_nothing(property(kind)).to_value()))
        .collect();
    json_schema!({
        "type": "object",
        "properties": properties,
        // A ruleset of one's own may name other kinds; the tool checks them
        // against the ruleset it loads.
        "additionalProperties": other.to_value(),
    })
}

/// Rule codes and names to severities.
fn severities() -> Schema {
    let level = |described: String| {
        json!({
            "enum": ["error", "warning", "off", "warn", null],
            "description": format!("{described}: `error`, `warning` (or `warn`), or `off` (the rule does not run)."),
        })
    };
    let mut properties = Map::new();
    for (code, name) in codes::ALL {
        properties.insert((*code).to_string(), level(format!("{code} ({name})")));
        properties.insert((*name).to_string(), level(format!("{name} ({code})")));
    }
    json_schema!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use serde_json::Value;

    use super::{DEFAULT_PAGE_EXTENSIONS, schema};
    use crate::base::codes;
    use crate::config::ruleset::{BUILTIN_TEXT, GOALS, Ruleset};
    use crate::config::validate::{
        FRESHNESS_KEYS, GOALS_CONTENT_KEYS, ITERATION_KEYS, OVERRIDE_KEYS, PERSON_KEYS,
        REPORTING_KEYS, TEAM_KEYS, TOP_KEYS,
    };
    use crate::config::{CONFIG_FILE, check, parse};

    /// The mapping `schema` describes: itself, or the choice of its
    /// `anyOf` that is one (an optional mapping is "a mapping or nothing").
    fn mapping(schema: &Value) -> &Value {
        if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
            return schema;
        }
        schema
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|choices| choices.iter().find(|c| c.get("properties").is_some()))
            .unwrap_or_else(|| panic!("not a mapping: {schema}"))
    }

    /// The schema at `path`: property names, `*` for a mapping's other
    /// keys, `[]` for a list's items.
    fn at<'s>(root: &'s Value, path: &[&str]) -> &'s Value {
        path.iter().fold(root, |schema, step| match *step {
            "*" => &mapping(schema)["additionalProperties"],
            "[]" => schema
                .get("items")
                .or_else(|| {
                    schema["anyOf"]
                        .as_array()
                        .and_then(|c| c.iter().find_map(|c| c.get("items")))
                })
                .unwrap_or_else(|| panic!("not a list: {schema}")),
            key => &mapping(schema)["properties"][key],
        })
    }

    fn keys(schema: &Value) -> BTreeSet<String> {
        mapping(schema)["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn set(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_schema_knows_exactly_the_keys_the_parser_knows() {
        let root = schema();
        let fixed: [(&[&str], &[&str]); 8] = [
            (&[], TOP_KEYS),
            (&["people", "*"], PERSON_KEYS),
            (&["teams", "*"], TEAM_KEYS),
            (&["overrides", "[]"], OVERRIDE_KEYS),
            (&["iterations"], ITERATION_KEYS),
            (&["freshness"], FRESHNESS_KEYS),
            (&["goals-content"], GOALS_CONTENT_KEYS),
            (&["reporting"], REPORTING_KEYS),
        ];
        for (path, known) in fixed {
            let described = at(&root, path);
            assert_eq!(keys(described), set(known), "keys at {path:?}");
            // The validator reports any other key: so does the schema.
            assert_eq!(
                mapping(described)["additionalProperties"],
                Value::Bool(false),
                "other keys at {path:?}"
            );
        }
        let rules: Vec<&str> = codes::ALL
            .iter()
            .flat_map(|(code, name)| [*code, *name])
            .collect();
        for path in [&["severity"][..], &["overrides", "[]", "severity"]] {
            assert_eq!(keys(at(&root, path)), set(&rules), "keys at {path:?}");
        }
        let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        let kinds: Vec<&str> = ruleset.pages.keys().map(String::as_str).collect();
        for path in [&["pages"][..], &["teams", "*", "pages"], &["max-age"]] {
            assert_eq!(keys(at(&root, path)), set(&kinds), "keys at {path:?}");
        }
        let goals_content: Vec<&str> = ruleset.pages[GOALS]
            .content
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(set(GOALS_CONTENT_KEYS), set(&goals_content));
    }

    #[test]
    fn the_defaults_are_the_tools() {
        let root = schema();
        let default = |path: &[&str]| at(&root, path)["default"].clone();
        assert_eq!(default(&["iterations", "length"]), "14d");
        assert_eq!(default(&["iterations", "grace"]), "3d");
        assert_eq!(default(&["iterations", "start"]), "2024-01-01");
        assert_eq!(default(&["freshness", "move-similarity"]), 50);
        assert_eq!(default(&["ruleset"]), "builtin:pm-em-partnership");
        assert_eq!(default(&["pages", "goals"]), "{dir}/goals.md");
        assert_eq!(default(&["max-age", "iteration-planning"]), "84d");
        assert_eq!(default(&["reporting", "send-day"]), "friday");
        let defaults = crate::config::Config::default_config();
        assert_eq!(defaults.send_day, chrono::Weekday::Fri);
        assert_eq!(defaults.calendar.length_days, 14);
        assert_eq!(defaults.calendar.grace_days, 3);
        assert_eq!(defaults.calendar.start.to_string(), "2024-01-01");
        assert_eq!(defaults.move_similarity, 50);
        assert_eq!(defaults.ruleset, "builtin:pm-em-partnership");
        for extension in DEFAULT_PAGE_EXTENSIONS {
            let page = format!("a.{extension}");
            assert!(crate::base::paths::is_markdown(std::path::Path::new(&page)));
        }
        assert_eq!(
            default(&["page-extensions"]),
            serde_json::json!(DEFAULT_PAGE_EXTENSIONS)
        );
    }

    /// Whether the validator takes `yaml` without an HB001, with the
    /// built-in ruleset's page `kinds`.
    fn validator_accepts(yaml: &str, kinds: &[String]) -> bool {
        let text: Arc<str> = Arc::from(yaml);
        let Ok(parsed) = parse(CONFIG_FILE, &text) else {
            return false;
        };
        let checked = check(CONFIG_FILE, &text, &parsed, Some(kinds));
        !checked
            .findings
            .iter()
            .any(|f| f.rule.code == codes::CONFIG_INVALID.code)
    }

    /// The schema, ready to check configs.
    fn compiled() -> jsonschema::Validator {
        jsonschema::draft7::new(&schema()).expect("the schema compiles")
    }

    /// Whether the schema takes `yaml`, read as YAML 1.2 (as
    /// yaml-language-server reads it: `off` is text, not false).
    fn schema_accepts(schema: &jsonschema::Validator, yaml: &str) -> bool {
        let options = serde_saphyr::options! { strict_booleans: true };
        let instance: Value = serde_saphyr::from_str_with_options(yaml, options)
            .unwrap_or_else(|e| panic!("{yaml}: {e}"));
        schema.is_valid(&instance)
    }

    /// Configs the validator reads today, right and wrong: the schema must
    /// say what the validator says of each.
    const CASES: &[&str] = &[
        "handbook: content\n",
        "handbook:\n",
        "handbook: [content]\n",
        "hanbook: content\n",
        "iterations: { length: 14d, start: 2026-01-05, grace: 3d }\n",
        "iterations: { length: 14, grace: 0 }\n",
        "iterations: { length: 2w, grace: 2 days }\n",
        "iterations: { length: 0d }\n",
        "iterations: { length: 14x }\n",
        "iterations: { length: fortnight }\n",
        "iterations: { start: 2026-01-05T09:00:00Z }\n",
        "iterations: { start: yesterday }\n",
        "iterations: [14d]\n",
        "iterations: { lenght: 14d }\n",
        "people: { alice: { name: Alice, handles: ['@alice'] }, bob: }\n",
        "people: { alice: { handles: [alice] } }\n",
        "people: { alice: { handle: ['@alice'] } }\n",
        "people: [alice]\n",
        "people: { alice: { handles: '@alice' } }\n",
        "teams: { search: { dir: s, since: 2026-03-02, pages: { goals: '{dir}/okrs.md' } } }\n",
        "teams: { search: { since: 2026-03-02 } }\n",
        "teams: { search: { dir: s, pm: alice, em: '@bob' } }\n",
        "teams: { search: { dir: s, since: 2026-3-2 } }\n",
        "teams: { search: { dir: s, since: 2026-3-2T10:00 } }\n",
        "teams: { search: { dir: s, since: '2026-03-02 10:00' } }\n",
        "teams: { search: { dir: s, since: 2026-03-02x } }\n",
        "teams: { search: { dir: s, dri: x } }\n",
        "teams: { search: { dir: { a: 1 } } }\n",
        "teams: { search: }\n",
        "pages: { goals: '{dir}/goals.md', retrospectives: '{dir}/retros/*.md' }\n",
        "pages: { goals: ['{dir}/goals.md'] }\n",
        "pages: { goals: '' }\n",
        "severity: { HB303: warning, HB102: error, goals-stale: warning }\n",
        "severity: { HB303: fatal }\n",
        "severity: { HB303: warn }\n",
        "severity: { HB3030: warning }\n",
        "severity: { HB303: [warning] }\n",
        "max-age: { iteration-planning: 60d, job-spec: 26w }\n",
        "max-age: { iteration-planning: 0d }\n",
        "max-age: { iteration-planning: { days: 3 } }\n",
        "ignore: ['content/archive/**']\n",
        "ignore: content/archive/**\n",
        "freshness: { ignore-revs-file: .git-blame-ignore-revs, max-files-per-commit: 200, move-similarity: 50 }\n",
        "freshness: { move-similarity: 101 }\n",
        "freshness: { move-similarity: -5 }\n",
        "freshness: { max-files-per-commit: 0 }\n",
        "freshness: { max-files-per-commit: 2.5 }\n",
        "freshness: { ignore-revs: x }\n",
        "overrides: [{ paths: ['content/archive/**'], severity: { HB202: warning } }]\n",
        "overrides: [{ severity: { HB202: warning } }]\n",
        "overrides: [{ paths: { a: b } }]\n",
        "overrides: { paths: [a] }\n",
        "reporting: { send-day: friday }\n",
        "reporting: { send-day: monday }\n",
        "reporting: { send-day: fryday }\n",
        "reporting: { send-day: 5 }\n",
        "reporting: { sendday: friday }\n",
        "reporting: friday\n",
        "severity: { HB501: warning, status-report-missing: error, HB503: off }\n",
    ];

    #[test]
    fn the_schema_accepts_what_the_validator_accepts() {
        let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        let kinds: Vec<String> = ruleset.pages.keys().cloned().collect();
        let compiled = compiled();
        let disagreements: Vec<String> = CASES
            .iter()
            .filter_map(|yaml| {
                let schema = schema_accepts(&compiled, yaml);
                let validator = validator_accepts(yaml, &kinds);
                (schema != validator)
                    .then(|| format!("schema {schema}, validator {validator}: {yaml}"))
            })
            .collect();
        assert!(disagreements.is_empty(), "{disagreements:#?}");
        // Both verdicts occur: the cases can catch a schema that takes
        // everything or nothing.
        assert!(CASES.iter().any(|yaml| schema_accepts(&compiled, yaml)));
        assert!(CASES.iter().any(|yaml| !schema_accepts(&compiled, yaml)));
    }

    /// The opt-outs and the other settings issue 11 adds: the schema and
    /// the validator take and reject the same ones.
    #[test]
    fn the_schema_takes_the_opt_outs_and_rejects_their_misspellings() {
        let accepted = [
            "severity: { HB301: off, HB303: warning }\n",
            "overrides: [{ paths: ['content/archive/**'], severity: { HB202: off } }]\n",
            "pages: { retrospectives: off, iteration-execution: { external: 'https://notion.so/acme/retros' } }\n",
            "teams: { search: { dir: s, pm: none, em: [bob, carol], pages: { goals: off, retrospectives: { external: x } } } }\n",
            "teams: { search: { dir: s, pm: '@alice', em: bob } }\n",
            "page-extensions: [md, markdown, mdx]\n",
            "goals-content: { progress: ['(?i)estimated completion'], goal: '(?i)^okrs?$' }\n",
        ];
        let rejected = [
            "severity: { HB301: of }\n",
            "pages: { retrospectives: { external: x, url: y } }\n",
            "pages: { retrospectives: { link: x } }\n",
            "teams: { search: { dir: s, em: [bob, none] } }\n",
            "teams: { search: { dir: s, em: { name: bob } } }\n",
            "page-extensions: md\n",
            "goals-content: { progres: x }\n",
            "goals-content: { progress: { pattern: x } }\n",
        ];
        let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        let kinds: Vec<String> = ruleset.pages.keys().cloned().collect();
        let compiled = compiled();
        // The validator reads them too: both say the same of each.
        for yaml in accepted {
            assert!(schema_accepts(&compiled, yaml), "schema rejected: {yaml}");
            assert!(
                validator_accepts(yaml, &kinds),
                "validator rejected: {yaml}"
            );
        }
        for yaml in rejected {
            assert!(!schema_accepts(&compiled, yaml), "schema accepted: {yaml}");
            assert!(
                !validator_accepts(yaml, &kinds),
                "validator accepted: {yaml}"
            );
        }
    }
}
