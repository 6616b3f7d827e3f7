//! `handbook-lint.yaml`: read with positions kept, then validated into a
//! plain [`Config`] the rest of the pipeline uses.
//!
//! Validation never stops at the first mistake: each invalid entry becomes an
//! HB001 (or HB003) finding pointing at the exact YAML value, the entry is
//! dropped, and the run goes on with everything else. Only a file that does
//! not parse as YAML at all stops the run.

pub(crate) mod codeowners;
pub(crate) mod convention;
pub(crate) mod locate;
#[cfg(test)]
mod props;
pub(crate) mod ruleset;
pub(crate) mod schema;
pub(crate) mod shape;
pub(crate) mod tree;
pub(crate) mod validate;
pub(crate) mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use globset::GlobSet;

use crate::base::calendar::Calendar;
use crate::base::codes;
use crate::base::finding::{Finding, Severity};
use crate::base::paths::PageExtensions;
use crate::base::time::parse_date;
use crate::config::ruleset::{BUILTIN_NAME, Pattern, Ruleset};
use crate::config::tree::{Node, Value};
use crate::config::validate::Validator;

pub(crate) const CONFIG_FILE: &str = "handbook-lint.yaml";

/// The calendar used when the config names none. Documented in the README.
pub(crate) const DEFAULT_ITERATION_DAYS: u32 = 14;
pub(crate) const DEFAULT_GRACE_DAYS: u32 = 3;
pub(crate) const DEFAULT_START: &str = "2024-01-01";
/// The day the weekly status email goes out unless `reporting.send-day`
/// says otherwise.
pub(crate) const DEFAULT_SEND_DAY: chrono::Weekday = chrono::Weekday::Fri;

/// What the config sets a rule to: a severity, or `off` (`None`): the
/// rule's findings are dropped, and a rule off everywhere is not run.
pub(crate) type Level = Option<Severity>;

/// Severities for the findings in some paths: `overrides:` in the config.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    pub paths: GlobSet,
    pub severity: HashMap<String, Level>,
}

/// The word similarity (percent) at which an added page is taken to have
/// moved from a deleted one, unless the config says otherwise.
pub(crate) const DEFAULT_MOVE_SIMILARITY: u8 = 50;

/// Where a page kind lives for a team: a file pattern (`{dir}/goals.md`,
/// `{dir}/retros/*.md`) and, for a section, its heading anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageLocation {
    pub pattern: String,
    pub anchor: Option<String>,
}

impl PageLocation {
    pub(crate) fn parse(text: &str) -> PageLocation {
        match text.split_once('#') {
            Some((pattern, anchor)) => PageLocation {
                pattern: pattern.to_string(),
                anchor: Some(anchor.to_string()),
            },
            None => PageLocation {
                pattern: text.to_string(),
                anchor: None,
            },
        }
    }

    #[must_use]
    pub(crate) fn for_team(&self, dir: &str) -> PageLocation {
        PageLocation {
            pattern: normalize_path(&self.pattern.replace("{dir}", dir)),
            anchor: self.anchor.clone(),
        }
    }

    pub(crate) fn is_glob(&self) -> bool {
        self.pattern.contains(['*', '?', '['])
    }
}

impl std::fmt::Display for PageLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.anchor {
            Some(anchor) => write!(f, "{}#{anchor}", self.pattern),
            None => f.write_str(&self.pattern),
        }
    }
}

/// A page kind a team does not keep in the handbook: no findings about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OptOut {
    /// `off`: nobody keeps this page kind here.
    Off,
    /// `{ external: <where> }`: kept elsewhere; the reports say where.
    External(String),
}

/// What `pages.<kind>` (for every team or one) says: where the page kind
/// lives, or that it is not kept in the handbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageSetting {
    At(PageLocation),
    Out(OptOut),
}

#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub id: String,
    pub handles: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Team {
    pub name: String,
    pub dir: String,
    /// Person ids by role (`pm`, `em`): one or more each (`em: [bob,
    /// carol]`). A role is absent when vacant, `none`, or naming only
    /// people not in `people`.
    pub roles: BTreeMap<String, Vec<String>>,
    /// Roles the config fills, even with someone unknown (those are
    /// HB003) or with `none` (vacant by design): no HB401 for them.
    pub named_roles: Vec<String>,
    pub since: Option<NaiveDate>,
    /// Per-team page locations (or opt-outs), overriding the config-wide
    /// ones.
    pub pages: BTreeMap<String, PageSetting>,
    /// The span of the team's key in the config, where missing pages and
    /// vacant roles point.
    pub span: Option<std::ops::Range<usize>>,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Repository-relative path of the config file, when there is one.
    pub path: Option<String>,
    pub text: Option<Arc<str>>,
    pub ruleset: String,
    /// Where handbook pages live, repository-relative; empty for the root.
    pub handbook: String,
    pub calendar: Calendar,
    pub people: Vec<Person>,
    pub teams: Vec<Team>,
    /// Config-wide page locations (or opt-outs) by page kind; kinds not
    /// listed use the ruleset's default path.
    pub pages: BTreeMap<String, PageSetting>,
    pub severity: HashMap<String, Level>,
    /// Per-path severities; the last matching override wins.
    pub overrides: Vec<Override>,
    pub max_age: HashMap<String, u32>,
    pub ignore: GlobSet,
    /// The `ignore` globs as written (the valid ones): what the page cache
    /// is keyed by.
    pub ignore_patterns: Vec<String>,
    /// `freshness.ignore-revs-file`: commits listed there are not changes.
    pub ignore_revs_file: Option<String>,
    /// `freshness.max-files-per-commit`: a commit changing more handbook
    /// pages than this is a sweep, not a change.
    pub max_files_per_commit: Option<usize>,
    /// `freshness.move-similarity`: a page added by a commit moved from a
    /// deleted one when their words are at least this similar, in percent.
    pub move_similarity: u8,
    /// `goals-content:`: patterns added to the ruleset's HB103 content
    /// elements of the goals page, by element (`goal`, `progress`, …).
    pub goals_content: BTreeMap<String, Vec<Pattern>>,
    /// `page-extensions:`: which files are pages.
    pub page_extensions: PageExtensions,
    /// `reporting.send-day`: the day the weekly status email goes out; a
    /// week's progress highlight is due by the end of the day before (HB503).
    pub send_day: chrono::Weekday,
    /// Teams were discovered by convention rather than configured.
    pub conventional: bool,
    /// Where the settings that name files were written (the byte span of
    /// the value), so a finding about the file can point at the setting:
    /// `ruleset`, `handbook` and `freshness.ignore-revs-file`, when set.
    pub setting_spans: HashMap<&'static str, std::ops::Range<usize>>,
}

impl Config {
    /// A config with no file: built-in ruleset, default calendar, no people.
    pub(crate) fn default_config() -> Config {
        Config {
            path: None,
            text: None,
            ruleset: BUILTIN_NAME.to_string(),
            handbook: String::new(),
            calendar: default_calendar(),
            people: Vec::new(),
            teams: Vec::new(),
            pages: BTreeMap::new(),
            severity: HashMap::new(),
            overrides: Vec::new(),
            max_age: HashMap::new(),
            ignore: GlobSet::empty(),
            ignore_patterns: Vec::new(),
            ignore_revs_file: None,
            max_files_per_commit: None,
            move_similarity: DEFAULT_MOVE_SIMILARITY,
            goals_content: BTreeMap::new(),
            page_extensions: PageExtensions::default(),
            send_day: DEFAULT_SEND_DAY,
            conventional: true,
            setting_spans: HashMap::new(),
        }
    }

    pub(crate) fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// Resolves what a page or an action item names as its owner: a person
    /// id (`alice`) or one of their handles (`@alice`).
    pub(crate) fn resolve_person(&self, name: &str) -> Option<&Person> {
        let name = name.trim();
        self.person(name).or_else(|| {
            self.people
                .iter()
                .find(|p| p.handles.iter().any(|h| h.eq_ignore_ascii_case(name)))
        })
    }

    /// The person id or handle nearest to a name that is no one's, for a
    /// "did you mean": among ids and handles, with or without the `@`.
    pub(crate) fn nearest_person(&self, name: &str) -> Option<&str> {
        let bare = name.trim().trim_start_matches('@');
        let candidates = self.people.iter().flat_map(|p| {
            std::iter::once(p.id.as_str()).chain(p.handles.iter().map(String::as_str))
        });
        yaml::did_you_mean(bare, candidates.clone())
            .or_else(|| yaml::did_you_mean(name.trim(), candidates))
    }

    /// Where `kind` lives for `team`, with `{dir}` filled in; `None` when
    /// the ruleset has no such kind or the team does not keep it in the
    /// handbook ([`Config::opt_out`]).
    pub(crate) fn page_location(
        &self,
        team: &Team,
        kind: &str,
        ruleset: &Ruleset,
    ) -> Option<PageLocation> {
        let location = match team.pages.get(kind).or_else(|| self.pages.get(kind)) {
            Some(PageSetting::At(location)) => location.clone(),
            Some(PageSetting::Out(_)) => return None,
            None => ruleset
                .pages
                .get(kind)
                .map(|page| PageLocation::parse(&page.default_path))?,
        };
        Some(location.for_team(&team.dir))
    }

    /// Whether `team` keeps `kind` outside the handbook (`off` or
    /// `external`): the team's own `pages:` first, then the config-wide one.
    pub(crate) fn opt_out<'a>(&'a self, team: &'a Team, kind: &str) -> Option<&'a OptOut> {
        match team.pages.get(kind).or_else(|| self.pages.get(kind))? {
            PageSetting::Out(out) => Some(out),
            PageSetting::At(_) => None,
        }
    }

    /// A finding's severity: the last override whose paths match, else the
    /// config-wide `severity:`, else the rule's default (`default`, or off
    /// for an optional rule). `None`: the rule is `off` there and the
    /// finding is dropped.
    pub(crate) fn severity_for(&self, code: &str, path: Option<&str>, default: Severity) -> Level {
        let overridden = path.and_then(|path| {
            self.overrides
                .iter()
                .rev()
                .filter(|o| o.paths.is_match(path))
                .find_map(|o| o.severity.get(code).copied())
        });
        overridden
            .or_else(|| self.severity.get(code).copied())
            .unwrap_or_else(|| (!codes::off_by_default(code)).then_some(default))
    }

    /// Whether a rule has to run: not when it is `off` (by `severity:`, or
    /// by default for an optional rule that `severity:` does not enable)
    /// and no override turns it on for some paths.
    pub(crate) fn rule_runs(&self, code: &str) -> bool {
        let on = match self.severity.get(code) {
            Some(level) => level.is_some(),
            None => !codes::off_by_default(code),
        };
        on || self
            .overrides
            .iter()
            .any(|o| matches!(o.severity.get(code), Some(Some(_))))
    }
}

pub(crate) fn default_calendar() -> Calendar {
    Calendar {
        start: parse_date(DEFAULT_START).unwrap_or(NaiveDate::MIN),
        length_days: DEFAULT_ITERATION_DAYS,
        grace_days: DEFAULT_GRACE_DAYS,
    }
}

/// Collapses `./`, doubled and trailing slashes so configured paths compare
/// equal to walked ones.
pub(crate) fn normalize_path(path: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The outcome of loading a config: what could be validated, plus findings
/// for everything that could not. `config` is `None` when the file does not
/// parse at all.
pub(crate) struct Checked {
    pub config: Option<Config>,
    pub findings: Vec<Finding>,
}

/// The config's YAML, read but not yet checked against a ruleset: which
/// ruleset it names decides what its `pages:` may say.
pub(crate) struct Parsed(Node);

impl Parsed {
    /// The ruleset the config names, with where its value is written (for
    /// a finding about the file it names): the first `ruleset:` at the top, when
    /// it is text naming a file inside the repository (anything else is
    /// reported by [`check`], and the built-in ruleset is used).
    pub(crate) fn ruleset_at(&self) -> Option<(&str, std::ops::Range<usize>)> {
        let Value::Map(entries) = &self.0.value else {
            return None;
        };
        let (_, value) = entries
            .iter()
            .find(|(key, _)| matches!(&key.value, Value::Scalar(k) if k == "ruleset"))?;
        match &value.value {
            Value::Scalar(name) if validate::ruleset_usable(name) => {
                Some((name, value.span.clone()))
            }
            _ => None,
        }
    }
}

/// Reads the config's YAML; `Err` is the finding saying where it went
/// wrong (and there is no config): only YAML that does not parse at all.
pub(crate) fn parse(path: &str, text: &Arc<str>) -> Result<Parsed, Box<Finding>> {
    match tree::parse(text) {
        Ok(tree) => Ok(Parsed(tree)),
        Err(error) => {
            let mut finding = Finding::new(&codes::CONFIG_INVALID, error.message.clone())
                .at(path, Some(error.span));
            if let Some(help) = error.help {
                finding = finding.help(help);
            }
            Err(Box::new(finding))
        }
    }
}

/// Checks a parsed config against the ruleset's page kinds. Every mistake
/// is a finding at its key or value; the rest of the config is still used.
pub(crate) fn check(
    path: &str,
    text: &Arc<str>,
    parsed: &Parsed,
    ruleset_kinds: Option<&[String]>,
) -> Checked {
    let mut findings = Vec::new();
    let mut validator = Validator {
        path,
        text,
        lines: crate::base::finding::LineIndex::new(text),
        findings: &mut findings,
        known_kinds: ruleset_kinds.map(<[String]>::to_vec).unwrap_or_default(),
    };
    let mut config = validator.config(&parsed.0);
    config.path = Some(path.to_string());
    config.text = Some(text.clone());
    Checked {
        config: Some(config),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Checked {
        let text = Arc::from(text);
        match parse(CONFIG_FILE, &text) {
            Ok(parsed) => check(CONFIG_FILE, &text, &parsed, Some(&["goals".to_string()])),
            Err(finding) => Checked {
                config: None,
                findings: vec![*finding],
            },
        }
    }

    #[test]
    fn a_zero_length_iteration_is_reported_at_its_value() {
        let text = "iterations: { length: 0d, start: 2026-01-05 }\n";
        let loaded = load_text(text);
        let finding = &loaded.findings[0];
        assert_eq!(finding.rule.code, "HB001");
        let span = finding.location.as_ref().and_then(|l| l.span.clone());
        assert_eq!(span.map(|s| &text[s]), Some("0d"));
        assert!(loaded.config.is_some());
    }

    #[test]
    fn an_unknown_severity_code_gets_a_suggestion_and_the_rest_survives() {
        let text = "severity:\n  HB3030: warning\n  HB102: warning\n";
        let loaded = load_text(text);
        assert_eq!(loaded.findings.len(), 1);
        assert_eq!(
            loaded.findings[0].help.as_deref(),
            Some("did you mean `HB303`?")
        );
        let config = loaded.config.expect("config survives");
        assert_eq!(config.severity.get("HB102"), Some(&Some(Severity::Warning)));
    }

    #[test]
    fn team_role_names_must_be_people() {
        let text = "people:\n  alice: {}\nteams:\n  search:\n    dir: s\n    pm: alcie\n";
        let loaded = load_text(text);
        assert_eq!(loaded.findings[0].rule.code, "HB003");
        assert_eq!(
            loaded.findings[0].help.as_deref(),
            Some("did you mean `alice`?")
        );
    }

    #[test]
    fn off_turns_a_rule_off_and_an_override_can_turn_it_back_on() {
        let text = "severity: { HB301: off, HB303: warning, HB102: of }\noverrides:\n  - paths: [\"a/**\"]\n    severity: { HB303: off, HB3O1: error }\n";
        let loaded = load_text(text);
        let found: Vec<(String, Option<String>)> = loaded
            .findings
            .iter()
            .map(|f| (f.message.clone(), f.help.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "unknown severity `of`".to_string(),
                    Some("did you mean `off`? (`error`, `warning` or `off`)".to_string())
                ),
                (
                    "unknown rule code `HB3O1`".to_string(),
                    Some("did you mean `HB301`?".to_string())
                ),
            ]
        );
        let config = loaded.config.expect("config survives");
        assert!(!config.rule_runs("HB301"));
        assert!(config.rule_runs("HB303"));
        assert_eq!(
            config.severity_for("HB301", Some("a/x.md"), Severity::Error),
            None
        );
        assert_eq!(
            config.severity_for("HB303", Some("a/x.md"), Severity::Error),
            None
        );
        assert_eq!(
            config.severity_for("HB303", Some("b/x.md"), Severity::Error),
            Some(Severity::Warning)
        );
        let back_on = load_text(
            "severity: { HB301: off }\noverrides:\n  - paths: [\"a/**\"]\n    severity: { HB301: warning }\n",
        );
        let config = back_on.config.expect("valid");
        assert!(
            config.rule_runs("HB301"),
            "an override turns it on for a/**"
        );
        assert_eq!(
            config.severity_for("HB301", Some("b/x.md"), Severity::Error),
            None
        );
    }

    /// HB5xx are off until `severity:` (or an override) gives them a
    /// severity; then they run and their findings take it.
    #[test]
    fn an_optional_rule_is_off_until_the_config_enables_it() {
        let config = load_text("iterations: { length: 14d }\n")
            .config
            .expect("valid");
        assert!(!config.rule_runs("HB501"));
        assert!(config.rule_runs("HB102"));
        assert_eq!(
            config.severity_for("HB502", Some("a/x.md"), Severity::Warning),
            None
        );
        let enabled = load_text(
            "severity: { HB501: warning, status-report-missing: error }\noverrides:\n  - paths: [\"a/**\"]\n    severity: { HB503: error }\n",
        );
        assert!(enabled.findings.is_empty(), "{:?}", enabled.findings);
        let config = enabled.config.expect("valid");
        assert!(
            config.rule_runs("HB501") && config.rule_runs("HB502") && config.rule_runs("HB503")
        );
        assert_eq!(
            config.severity_for("HB502", Some("b/x.md"), Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            config.severity_for("HB503", Some("a/x.md"), Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            config.severity_for("HB503", Some("b/x.md"), Severity::Warning),
            None,
            "enabled only where the override applies"
        );
    }

    #[test]
    fn a_role_is_one_person_a_list_or_none() {
        let text = "people:\n  alice: {}\n  bob: { handles: [\"@bobby\"] }\n  carol: {}\nteams:\n  search:\n    dir: s\n    pm: none\n    em: [bob, \"@bobby\", \"@carol\", bobyb, none]\n  ads: { dir: a, pm: alice, em: [] }\n";
        let loaded = load_text(text);
        let found: Vec<(&str, &str, Option<&str>)> = loaded
            .findings
            .iter()
            .map(|f| {
                let span = f.location.as_ref().and_then(|l| l.span.clone());
                (
                    f.rule.code,
                    span.map_or("", |s| &text[s]),
                    f.help.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("HB003", "\"@carol\"", Some("did you mean `carol`?")),
                ("HB003", "bobyb", Some("did you mean `bob`?")),
                (
                    "HB001",
                    "none",
                    Some("write `em: none` for a role vacant by design, or list the people in it")
                ),
            ]
        );
        let config = loaded.config.expect("valid");
        let search = &config.teams[0];
        assert_eq!(search.roles.get("pm"), None);
        assert_eq!(
            search.roles.get("em"),
            Some(&vec!["bob".to_string()]),
            "`@bobby` is bob again; `@carol` is no handle of carol's"
        );
        assert_eq!(search.named_roles, ["pm", "em"]);
        let ads = &config.teams[1];
        assert_eq!(ads.named_roles, ["pm"], "an empty list names nobody");
    }

    #[test]
    fn the_nearest_person_is_found_among_ids_and_handles() {
        let text = "people:\n  alice: { handles: ['@alice'] }\n  robert: { handles: ['@bobby'] }\n";
        let config = load_text(text).config.expect("valid");
        assert_eq!(config.nearest_person("alcie"), Some("alice"));
        assert_eq!(config.nearest_person("@bobyb"), Some("@bobby"));
        assert_eq!(config.nearest_person("@robret"), Some("robert"));
        assert_eq!(config.nearest_person("zed"), None);
    }

    /// The README's config example uses every opt-out and is valid: no
    /// finding, and each new value read as meant.
    #[test]
    fn the_readme_config_example_is_valid() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split_once("## Configuration: `handbook-lint.yaml`")
            .map_or("", |(_, rest)| rest);
        let example = section
            .split_once("```yaml\n")
            .and_then(|(_, rest)| rest.split_once("```"))
            .map_or("", |(yaml, _)| yaml);
        assert!(example.contains("page-extensions"), "the example was found");
        let ruleset = Ruleset::parse(crate::config::ruleset::BUILTIN_TEXT)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let kinds: Vec<String> = ruleset.pages.keys().cloned().collect();
        let text: Arc<str> = Arc::from(example);
        let parsed = parse(CONFIG_FILE, &text).unwrap_or_else(|f| panic!("{f:?}"));
        let checked = check(CONFIG_FILE, &text, &parsed, Some(&kinds));
        assert!(checked.findings.is_empty(), "{:?}", checked.findings);
        let config = checked.config.expect("valid");
        assert_eq!(config.severity.get("HB404"), Some(&None));
        assert_eq!(
            config.pages.get("roadmap"),
            Some(&PageSetting::Out(OptOut::Off))
        );
        assert_eq!(config.teams[0].roles["em"], ["bob", "carol"]);
        assert_eq!(config.teams[1].named_roles, ["pm", "em"]);
        assert!(config.page_extensions.matches("goals.html.md.erb"));
        assert_eq!(config.goals_content.len(), 2);
    }
}
