//! The ruleset: the partnership matrix as data.
//!
//! The built-in one (`rules/pm-em-partnership.yaml`) is compiled into the
//! binary; a repository may name its own file instead. Rules read the page
//! kinds and their expectations from here, so a finding quotes the matrix in
//! the ruleset's own words.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::base::time::parse_days;
use crate::config::yaml::{self, SpannedMap, YamlError};

pub(crate) const BUILTIN_NAME: &str = "builtin:pm-em-partnership";
pub const BUILTIN_TEXT: &str = include_str!("../../rules/pm-em-partnership.yaml");
pub(crate) const BUILTIN_PATH: &str = "rules/pm-em-partnership.yaml";

/// Page kinds the rules know by name; a custom ruleset must use these ids
/// for the pages it wants checked.
pub(crate) const GOALS: &str = "goals";
pub(crate) const PLANNING: &str = "iteration-planning";
pub(crate) const EXECUTION: &str = "iteration-execution";
pub(crate) const RETROSPECTIVES: &str = "retrospectives";
pub(crate) const JOB_SPEC: &str = "job-spec";
pub(crate) const STATUS_REPORTS: &str = "status-reports";
pub(crate) const PROGRESS_HIGHLIGHTS: &str = "progress-highlights";

/// Page kinds kept as one dated page per week (HB502, HB503): every page
/// at the location counts, each dated as a retrospective is.
pub(crate) const WEEKLY: &[&str] = &[STATUS_REPORTS, PROGRESS_HIGHLIGHTS];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRuleset {
    pub name: String,
    pub title: String,
    pub roles: BTreeMap<String, Role>,
    #[serde(default)]
    pub definitions: BTreeMap<String, String>,
    #[serde(default)]
    pub summary: BTreeMap<String, String>,
    pub responsibilities: Vec<Responsibility>,
    pub pages: BTreeMap<String, RawPageKind>,
    pub action_items: RawActionItems,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Role {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Responsibility {
    pub id: String,
    pub name: String,
    pub accountable: String,
    pub expectations: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawPageKind {
    pub responsibility: String,
    pub maintained_by: String,
    pub expectation: String,
    #[serde(default)]
    pub required: bool,
    pub default_path: String,
    #[serde(default)]
    pub cadence: Option<String>,
    #[serde(default)]
    pub max_age: Option<String>,
    #[serde(default)]
    /// In document order: findings list missing elements in this order.
    pub content: SpannedMap<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawActionItems {
    pub responsibility: String,
    pub carried_by: String,
    pub expectation: String,
    pub heading: String,
    pub carry_into: Vec<String>,
    pub overdue_after_iterations: u32,
}

/// A regular expression from the ruleset, compiled when first used: most
/// runs (`pages`, a hook on one page) never need most of them. Patterns
/// are checked when the ruleset is parsed.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    source: String,
    compiled: OnceLock<Regex>,
}

/// The most a ruleset's pattern may take compiled, in bytes (documented in
/// the README). The ruleset may come from a pull request: this bounds what
/// compiling it costs, and a heading pattern needs a few kilobytes.
pub(crate) const PATTERN_SIZE_LIMIT: usize = 1 << 20;

impl Pattern {
    /// A pattern taken as it is, compiled when first used.
    fn unchecked(source: &str) -> Pattern {
        Pattern {
            source: source.to_string(),
            compiled: OnceLock::new(),
        }
    }

    /// Checks a pattern: its syntax (for the parser's own message), then
    /// that it compiles within [`PATTERN_SIZE_LIMIT`]. The compiled regex is
    /// kept; a ruleset read back from the cache compiles its patterns when
    /// first used.
    pub(crate) fn check(source: &str) -> Result<Pattern, String> {
        regex_syntax::Parser::new()
            .parse(source)
            .map_err(|error| error.to_string())?;
        let compiled = compile(source).map_err(|error| match error {
            regex::Error::CompiledTooBig(limit) => {
                format!(
                    "this pattern is too large to compile (over {} bytes compiled)",
                    yaml::thousands(limit)
                )
            }
            other => other.to_string(),
        })?;
        Ok(Pattern {
            source: source.to_string(),
            compiled: OnceLock::from(compiled),
        })
    }
}

fn compile(source: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(source)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
}

impl std::ops::Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Every pattern compiled within the limit when its ruleset was
            // checked (a cached ruleset is kept per tool version, so with
            // the same regex crate); should one not, it matches nothing
            // rather than stopping the run.
            compile(&self.source)
                .unwrap_or_else(|_| Regex::new("[^\\s\\S]").unwrap_or_else(|_| unreachable!()))
        })
    }
}

impl Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Pattern {
            source: String::deserialize(deserializer)?,
            compiled: OnceLock::new(),
        })
    }
}

/// A page kind ready for the rules: patterns checked, ages in days.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PageKind {
    pub id: String,
    pub responsibility: String,
    pub maintained_by: String,
    pub expectation: String,
    pub required: bool,
    pub default_path: String,
    pub per_iteration: bool,
    pub max_age_days: Option<u32>,
    /// Named content elements and the pattern a heading or bold label must
    /// match to provide each (goal, milestones, timeline, progress).
    pub content: Vec<(String, Pattern)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ActionItems {
    pub responsibility: String,
    pub carried_by: String,
    pub expectation: String,
    pub heading: Pattern,
    pub carry_into: Vec<String>,
    pub overdue_after_iterations: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Ruleset {
    pub name: String,
    pub title: String,
    pub roles: BTreeMap<String, Role>,
    pub summary: BTreeMap<String, String>,
    pub definitions: BTreeMap<String, String>,
    pub responsibilities: Vec<Responsibility>,
    pub pages: BTreeMap<String, PageKind>,
    pub action_items: ActionItems,
}

/// A ruleset problem: a message and, when it came from the YAML, a span.
pub(crate) type RulesetError = YamlError;

impl Ruleset {
    /// Parses and validates a ruleset; every problem is returned, not just
    /// the first.
    pub(crate) fn parse(text: &str) -> Result<Ruleset, Vec<RulesetError>> {
        Ruleset::parse_with(text, Pattern::check)
    }

    /// [`Ruleset::parse`] for the ruleset the tool ships, whose patterns
    /// are compiled when first used, not checked first: the tests compile
    /// each within the limit (`the_built_in_patterns_compile_within_the_limit`),
    /// and compiling them all took 3 ms of every run before its history
    /// walk could start (`pages` uses none).
    pub(crate) fn parse_shipped(text: &str) -> Result<Ruleset, Vec<RulesetError>> {
        Ruleset::parse_with(text, |source| Ok(Pattern::unchecked(source)))
    }

    fn parse_with(
        text: &str,
        pattern: fn(&str) -> Result<Pattern, String>,
    ) -> Result<Ruleset, Vec<RulesetError>> {
        let raw: RawRuleset = yaml::from_str(text).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let at = |needle: &str| -> std::ops::Range<usize> {
            text.find(needle).map_or(0..0, |i| i..i + needle.len())
        };
        let mut error = |message: String, needle: &str| {
            errors.push(YamlError {
                message,
                span: at(needle),
                help: None,
            });
        };
        let role_known = |role: &str| raw.roles.contains_key(role);
        for role in raw.roles.keys() {
            if role != "pm" && role != "em" {
                error(
                    format!("role `{role}` is not supported: teams name a `pm` and an `em`"),
                    role,
                );
            }
        }
        for responsibility in &raw.responsibilities {
            if !role_known(&responsibility.accountable) {
                error(
                    format!(
                        "responsibility `{}` is accountable to unknown role `{}`",
                        responsibility.id, responsibility.accountable
                    ),
                    &responsibility.id,
                );
            }
        }
        let mut pages = BTreeMap::new();
        for (id, page) in &raw.pages {
            if let Some(kind) = page_kind(&raw, id, page, pattern, &mut error) {
                pages.insert(id.clone(), kind);
            }
        }
        let items = &raw.action_items;
        let heading = action_items_heading(&raw, pattern, &mut error);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Ruleset {
            name: raw.name,
            title: raw.title,
            roles: raw.roles.clone(),
            summary: raw.summary.clone(),
            definitions: raw.definitions.clone(),
            responsibilities: raw.responsibilities.clone(),
            pages,
            action_items: ActionItems {
                responsibility: items.responsibility.clone(),
                carried_by: items.carried_by.clone(),
                expectation: items.expectation.clone(),
                heading,
                carry_into: items.carry_into.clone(),
                overdue_after_iterations: items.overdue_after_iterations,
            },
        })
    }

    pub(crate) fn responsibility(&self, id: &str) -> Option<&Responsibility> {
        self.responsibilities.iter().find(|r| r.id == id)
    }

    /// "PM expectation for Team goals: “Keep the team’s goals page …”"
    pub(crate) fn quote(&self, role: &str, responsibility: &str, expectation: &str) -> String {
        let name = self
            .responsibility(responsibility)
            .map_or(responsibility, |r| r.name.as_str());
        format!(
            "{} expectation for {name}: “{expectation}”",
            role.to_uppercase()
        )
    }

    pub(crate) fn page_quote(&self, kind: &str) -> Option<String> {
        let page = self.pages.get(kind)?;
        Some(self.quote(&page.maintained_by, &page.responsibility, &page.expectation))
    }

    /// The summary for the role that keeps the goals page: what a good goals
    /// page holds.
    pub(crate) fn summary_quote(&self) -> Option<String> {
        let role = &self.pages.get(GOALS)?.maintained_by;
        let text = self.summary.get(role)?;
        Some(format!("{} summary: “{text}”", role.to_uppercase()))
    }

    pub(crate) fn action_items_quote(&self) -> String {
        let items = &self.action_items;
        self.quote(&items.carried_by, &items.responsibility, &items.expectation)
    }
}

/// Checks one page kind of a ruleset; `None` when its responsibility is
/// unknown (the error says so).
fn page_kind(
    raw: &RawRuleset,
    id: &str,
    page: &RawPageKind,
    pattern: fn(&str) -> Result<Pattern, String>,
    error: &mut impl FnMut(String, &str),
) -> Option<PageKind> {
    let role_known = |role: &str| raw.roles.contains_key(role);
    let Some(responsibility) = raw
        .responsibilities
        .iter()
        .find(|r| r.id == page.responsibility)
    else {
        error(
            format!(
                "page kind `{id}` names unknown responsibility `{}`",
                page.responsibility
            ),
            &page.responsibility,
        );
        return None;
    };
    if !role_known(&page.maintained_by) {
        error(
            format!(
                "page kind `{id}` is maintained by unknown role `{}`",
                page.maintained_by
            ),
            id,
        );
    }
    let quoted = responsibility
        .expectations
        .get(&page.maintained_by)
        .is_some_and(|list| list.iter().any(|e| e == &page.expectation));
    if !quoted {
        error(
            format!(
                "page kind `{id}`: its expectation is not among the `{}` expectations of `{}`",
                page.maintained_by, responsibility.id
            ),
            &page.expectation,
        );
    }
    let max_age_days = match page.max_age.as_deref().map(parse_days) {
        Some(Ok(0)) => {
            error(
                format!("page kind `{id}`: max-age must be at least one day"),
                id,
            );
            None
        }
        Some(Ok(days)) => Some(days),
        Some(Err(message)) => {
            error(format!("page kind `{id}`: {message}"), id);
            None
        }
        None => None,
    };
    let per_iteration = match page.cadence.as_deref() {
        None => false,
        Some("per-iteration") => true,
        Some(other) => {
            error(
                format!("page kind `{id}`: unknown cadence `{other}` (use per-iteration)"),
                other,
            );
            false
        }
    };
    let mut content = Vec::new();
    for (element, source) in &page.content.0 {
        let element = &element.value;
        match pattern(source) {
            Ok(pattern) => content.push((element.clone(), pattern)),
            Err(e) => error(
                format!("page kind `{id}`: content pattern for `{element}`: {e}"),
                source,
            ),
        }
    }
    Some(PageKind {
        id: id.to_string(),
        responsibility: page.responsibility.clone(),
        maintained_by: page.maintained_by.clone(),
        expectation: page.expectation.clone(),
        required: page.required,
        default_path: page.default_path.clone(),
        per_iteration,
        max_age_days,
        content,
    })
}

/// Checks `action-items:` and returns its heading pattern (the default one
/// when it is invalid).
fn action_items_heading(
    raw: &RawRuleset,
    pattern: fn(&str) -> Result<Pattern, String>,
    error: &mut impl FnMut(String, &str),
) -> Pattern {
    let items = &raw.action_items;
    let heading = pattern(&items.heading).unwrap_or_else(|e| {
        error(format!("action-items heading pattern: {e}"), &items.heading);
        Pattern::unchecked("(?i)^action items?$")
    });
    for kind in &items.carry_into {
        if !raw.pages.contains_key(kind) {
            error(
                format!("action-items carry-into names unknown page kind `{kind}`"),
                kind,
            );
        }
    }
    if !raw.roles.contains_key(&items.carried_by) {
        error(
            format!(
                "action-items carried by unknown role `{}`",
                items.carried_by
            ),
            &items.carried_by,
        );
    }
    heading
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_too_large_to_compile_is_an_error_at_it() {
        let huge = "(?i)a{1000}{1000}";
        // The goals page's `milestones:` pattern, whatever it is now.
        let text: String = BUILTIN_TEXT
            .lines()
            .map(|line| match line.split_once("milestones: ") {
                Some((indent, _)) if indent.trim().is_empty() => {
                    format!("{indent}milestones: \"{huge}\"\n")
                }
                _ => format!("{line}\n"),
            })
            .collect();
        let errors = Ruleset::parse(&text).err().unwrap_or_default();
        let messages: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (&text[e.span.clone()], e.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [(
                huge,
                "page kind `goals`: content pattern for `milestones`: this pattern is too large to compile (over 1,048,576 bytes compiled)"
            )]
        );
    }

    /// What lets a run take the shipped ruleset's patterns unchecked.
    #[test]
    fn the_built_in_patterns_compile_within_the_limit() {
        let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(ruleset.action_items.heading.is_match("Action items"));
        let shipped = Ruleset::parse_shipped(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        let sources = |ruleset: &Ruleset| -> Vec<String> {
            let kinds = ruleset.pages.values();
            let content = kinds.flat_map(|kind| kind.content.iter().map(|(_, p)| p.source.clone()));
            content
                .chain([ruleset.action_items.heading.source.clone()])
                .collect()
        };
        assert_eq!(sources(&shipped), sources(&ruleset));
        assert!(sources(&ruleset).len() > 3);
        assert!(shipped.action_items.heading.is_match("Action items"));
    }
}
