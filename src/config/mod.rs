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
pub(crate) mod ruleset;
pub(crate) mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::base::calendar::Calendar;
use crate::base::codes;
use crate::base::finding::{Finding, Severity};
use crate::base::time::{parse_date, parse_days};
use crate::config::ruleset::{BUILTIN_NAME, Ruleset};
use crate::config::yaml::{SpannedMap, did_you_mean, span_of};

pub(crate) const CONFIG_FILE: &str = "handbook-lint.yaml";

/// The calendar used when the config names none. Documented in the README.
pub(crate) const DEFAULT_ITERATION_DAYS: u32 = 14;
pub(crate) const DEFAULT_GRACE_DAYS: u32 = 3;
pub(crate) const DEFAULT_START: &str = "2024-01-01";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    ruleset: Option<Spanned<String>>,
    handbook: Option<Spanned<String>>,
    iterations: Option<RawIterations>,
    #[serde(default)]
    people: SpannedMap<RawPerson>,
    #[serde(default)]
    teams: SpannedMap<RawTeam>,
    #[serde(default)]
    pages: SpannedMap<Spanned<String>>,
    #[serde(default)]
    severity: SpannedMap<Spanned<String>>,
    #[serde(default)]
    max_age: SpannedMap<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    freshness: Option<RawFreshness>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    severity: SpannedMap<Spanned<String>>,
}

/// Severities for the findings in some paths: `overrides:` in the config.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    pub paths: GlobSet,
    pub severity: HashMap<String, Severity>,
}

/// The word similarity (percent) at which an added page is taken to have
/// moved from a deleted one, unless the config says otherwise.
pub(crate) const DEFAULT_MOVE_SIMILARITY: u8 = 50;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFreshness {
    ignore_revs_file: Option<Spanned<String>>,
    max_files_per_commit: Option<Spanned<u64>>,
    move_similarity: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawIterations {
    length: Option<Spanned<String>>,
    start: Option<Spanned<String>>,
    grace: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPerson {
    /// A display name, for the config's readers: the tool names people by
    /// their key, so it is accepted and not used.
    #[serde(rename = "name")]
    _name: Option<String>,
    #[serde(default)]
    handles: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTeam {
    dir: Spanned<String>,
    pm: Option<Spanned<String>>,
    em: Option<Spanned<String>>,
    since: Option<Spanned<String>>,
    #[serde(default)]
    pages: SpannedMap<Spanned<String>>,
}

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

#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub id: String,
    pub handles: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Team {
    pub name: String,
    pub dir: String,
    /// Person ids by role (`pm`, `em`); a role is absent when vacant or when
    /// it names someone not in `people`.
    pub roles: BTreeMap<String, String>,
    /// Roles the config fills, even with someone unknown: those are not
    /// vacant, they are HB003.
    pub named_roles: Vec<String>,
    pub since: Option<NaiveDate>,
    /// Per-team page locations, overriding the config-wide ones.
    pub pages: BTreeMap<String, PageLocation>,
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
    /// Config-wide page locations by page kind; kinds not listed use the
    /// ruleset's default path.
    pub pages: BTreeMap<String, PageLocation>,
    pub severity: HashMap<String, Severity>,
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
    /// Teams were discovered by convention rather than configured.
    pub conventional: bool,
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
            conventional: true,
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

    /// Where `kind` lives for `team`, with `{dir}` filled in.
    pub(crate) fn page_location(
        &self,
        team: &Team,
        kind: &str,
        ruleset: &Ruleset,
    ) -> Option<PageLocation> {
        let location = team
            .pages
            .get(kind)
            .or_else(|| self.pages.get(kind))
            .cloned()
            .or_else(|| {
                ruleset
                    .pages
                    .get(kind)
                    .map(|page| PageLocation::parse(&page.default_path))
            })?;
        Some(location.for_team(&team.dir))
    }

    /// A finding's severity: the last override whose paths match, else the
    /// config-wide `severity:`, else the rule's default.
    pub(crate) fn severity_for(
        &self,
        code: &str,
        path: Option<&str>,
        default: Severity,
    ) -> Severity {
        let overridden = path.and_then(|path| {
            self.overrides
                .iter()
                .rev()
                .filter(|o| o.paths.is_match(path))
                .find_map(|o| o.severity.get(code).copied())
        });
        overridden
            .or_else(|| self.severity.get(code).copied())
            .unwrap_or(default)
    }
}

fn default_calendar() -> Calendar {
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
pub(crate) struct Parsed(RawConfig);

impl Parsed {
    pub(crate) fn ruleset(&self) -> Option<&str> {
        self.0.ruleset.as_ref().map(|r| r.value.as_str())
    }
}

/// Reads the config's YAML; `Err` is the finding saying where it went
/// wrong (and there is no config).
pub(crate) fn parse(path: &str, text: &Arc<str>) -> Result<Parsed, Box<Finding>> {
    match yaml::from_str(text) {
        Ok(raw) => Ok(Parsed(raw)),
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
/// is a finding at its value; the rest of the config is still used.
pub(crate) fn check(
    path: &str,
    text: &Arc<str>,
    parsed: Parsed,
    ruleset_kinds: Option<&[String]>,
) -> Checked {
    let raw = parsed.0;
    let mut findings = Vec::new();
    let mut v = Validator {
        path,
        text,
        findings: &mut findings,
        known_kinds: ruleset_kinds.map(<[String]>::to_vec).unwrap_or_default(),
    };
    let mut config = Config::default_config();
    config.path = Some(path.to_string());
    config.conventional = raw.teams.0.is_empty();

    if let Some(ruleset) = &raw.ruleset {
        config.ruleset = ruleset.value.trim().to_string();
    }
    if let Some(handbook) = &raw.handbook {
        config.handbook = normalize_path(&handbook.value);
    }
    if let Some(iterations) = &raw.iterations {
        config.calendar = v.calendar(iterations);
    }
    v.people(&raw.people, &mut config.people);
    v.page_locations(&raw.pages, &mut config.pages);
    for (key, team) in &raw.teams.0 {
        let team = v.team(key, team, &config);
        config.teams.push(team);
    }
    config.severity = v.severity_map(&raw.severity);
    for raw_override in &raw.overrides {
        config.overrides.push(Override {
            paths: v.globs(&raw_override.paths, &mut Vec::new()),
            severity: v.severity_map(&raw_override.severity),
        });
    }
    v.max_age(&raw.max_age, &mut config.max_age);
    config.ignore = v.globs(&raw.ignore, &mut config.ignore_patterns);
    if let Some(freshness) = &raw.freshness {
        v.freshness(freshness, &mut config);
    }
    config.text = Some(text.clone());

    Checked {
        config: Some(config),
        findings,
    }
}

struct Validator<'a> {
    path: &'a str,
    text: &'a str,
    findings: &'a mut Vec<Finding>,
    /// The ruleset's page kinds; empty when the ruleset could not be read
    /// (then every kind is taken as known).
    known_kinds: Vec<String>,
}

impl Validator<'_> {
    /// `people:`: each person and their handles, which must start with `@`.
    fn people(&mut self, raw: &SpannedMap<RawPerson>, people: &mut Vec<Person>) {
        for (key, person) in &raw.0 {
            let mut handles = Vec::new();
            for handle in &person.handles {
                if handle.value.starts_with('@') && handle.value.len() > 1 {
                    handles.push(handle.value.clone());
                } else {
                    self.invalid(
                        handle,
                        format!("handle `{}` must start with `@`", handle.value),
                        Some(format!(
                            "write it as `@{}`",
                            handle.value.trim_start_matches('@')
                        )),
                    );
                }
            }
            people.push(Person {
                id: key.value.clone(),
                handles,
            });
        }
    }

    /// Whether `key` is a page kind of the ruleset; reported when not.
    fn kind_known(&mut self, key: &Spanned<String>) -> bool {
        let known = &self.known_kinds;
        if known.is_empty() || known.contains(&key.value) {
            return true;
        }
        let hint = did_you_mean(&key.value, known.iter().map(String::as_str)).map_or_else(
            || format!("page kinds of this ruleset: {}", known.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        self.invalid(
            key,
            format!("unknown page kind `{}`", key.value),
            Some(hint),
        );
        false
    }

    /// `pages:` (for every team, or one team's own): page kinds to
    /// locations.
    fn page_locations(
        &mut self,
        raw: &SpannedMap<Spanned<String>>,
        pages: &mut BTreeMap<String, PageLocation>,
    ) {
        for (key, location) in &raw.0 {
            if self.kind_known(key)
                && let Some(location) = self.page_location(location)
            {
                pages.insert(key.value.clone(), location);
            }
        }
    }

    /// One entry of `teams:`; its PM and EM must be among `config`'s people.
    fn team(&mut self, key: &Spanned<String>, team: &RawTeam, config: &Config) -> Team {
        let mut roles = BTreeMap::new();
        let mut named_roles = Vec::new();
        for (role, value) in [("pm", &team.pm), ("em", &team.em)] {
            let Some(value) = value else { continue };
            let id = value.value.trim();
            if id.is_empty() {
                continue;
            }
            named_roles.push(role.to_string());
            if config.person(id).is_some() {
                roles.insert(role.to_string(), id.to_string());
            } else if let Some(person) = config.resolve_person(id) {
                roles.insert(role.to_string(), person.id.clone());
            } else {
                let hint = did_you_mean(id, config.people.iter().map(|p| p.id.as_str()))
                    .map_or_else(
                        || "add them under `people:`".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    );
                self.findings.push(
                    Finding::new(
                        &codes::UNKNOWN_PERSON,
                        format!(
                            "team `{}` names `{id}` as its {}, who is not in `people`",
                            key.value,
                            role.to_uppercase()
                        ),
                    )
                    .at(self.path, Some(span_of(self.text, value)))
                    .label("not in people")
                    .help(hint)
                    .team(key.value.clone()),
                );
            }
        }
        let since = team
            .since
            .as_ref()
            .and_then(|since| match parse_date(&since.value) {
                Ok(date) => Some(date),
                Err(message) => {
                    self.invalid(since, message.to_string(), None);
                    None
                }
            });
        let mut pages = BTreeMap::new();
        self.page_locations(&team.pages, &mut pages);
        Team {
            name: key.value.clone(),
            dir: normalize_path(&team.dir.value),
            roles,
            named_roles,
            since,
            pages,
            span: Some(span_of(self.text, key)),
        }
    }

    /// Globs (`ignore:`, an override's `paths:`); the valid ones' patterns
    /// are added to `patterns`.
    fn globs(&mut self, raw: &[Spanned<String>], patterns: &mut Vec<String>) -> GlobSet {
        let mut globs = GlobSetBuilder::new();
        for pattern in raw {
            match Glob::new(pattern.value.trim()) {
                Ok(glob) => {
                    globs.add(glob);
                    patterns.push(pattern.value.trim().to_string());
                }
                Err(error) => self.invalid(pattern, error.kind().to_string(), None),
            }
        }
        globs.build().unwrap_or_else(|_| GlobSet::empty())
    }

    /// `max-age:`: page kinds to at least one day.
    fn max_age(&mut self, raw: &SpannedMap<Spanned<String>>, max_age: &mut HashMap<String, u32>) {
        for (kind, age) in &raw.0 {
            if !self.kind_known(kind) {
                continue;
            }
            match parse_days(&age.value) {
                Ok(0) => self.invalid(age, "max-age must be at least one day".to_string(), None),
                Ok(days) => {
                    max_age.insert(kind.value.clone(), days);
                }
                Err(message) => self.invalid(age, message.to_string(), None),
            }
        }
    }

    /// `freshness:`: the ignore-revs file and the sweep limit.
    fn freshness(&mut self, raw: &RawFreshness, config: &mut Config) {
        if let Some(file) = &raw.ignore_revs_file {
            config.ignore_revs_file = Some(normalize_path(&file.value));
        }
        if let Some(limit) = &raw.max_files_per_commit {
            match usize::try_from(limit.value) {
                Ok(0) | Err(_) => self.invalid(
                    limit,
                    "max-files-per-commit must be at least 1".to_string(),
                    Some(
                        "a commit changing more pages than this is a sweep, not an update"
                            .to_string(),
                    ),
                ),
                Ok(limit) => config.max_files_per_commit = Some(limit),
            }
        }
        if let Some(percent) = &raw.move_similarity {
            match u8::try_from(percent.value) {
                Ok(percent @ 0..=100) => config.move_similarity = percent,
                _ => self.invalid(
                    percent,
                    "move-similarity must be a percentage from 0 to 100".to_string(),
                    Some(format!(
                        "a page added in a commit moved from a deleted one when this share of their words is the same (default {DEFAULT_MOVE_SIMILARITY})"
                    )),
                ),
            }
        }
    }

    /// `{HB303: warning}`: rule codes (or names) to severities; unknown codes
    /// and severities are reported and left out.
    fn severity_map(&mut self, raw: &SpannedMap<Spanned<String>>) -> HashMap<String, Severity> {
        let mut map = HashMap::new();
        for (code, severity) in &raw.0 {
            let Some(canonical) = codes::canonical(&code.value) else {
                let hint = did_you_mean(&code.value, codes::ALL.iter().map(|(code, _)| *code))
                    .map_or_else(
                        || "`handbook-lint rules` lists the codes".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    );
                self.invalid(
                    code,
                    format!("unknown rule code `{}`", code.value),
                    Some(hint),
                );
                continue;
            };
            match Severity::parse(severity.value.trim()) {
                Some(level) => {
                    map.insert(canonical.to_string(), level);
                }
                None => self.invalid(
                    severity,
                    format!("unknown severity `{}`", severity.value),
                    Some("use `error` or `warning`".to_string()),
                ),
            }
        }
        map
    }

    fn invalid<T>(&mut self, value: &Spanned<T>, message: String, help: Option<String>) {
        let mut finding = Finding::new(&codes::CONFIG_INVALID, message)
            .at(self.path, Some(span_of(self.text, value)));
        if let Some(help) = help {
            finding = finding.help(help);
        }
        self.findings.push(finding);
    }

    fn calendar(&mut self, raw: &RawIterations) -> Calendar {
        let mut calendar = default_calendar();
        if let Some(length) = &raw.length {
            match parse_days(&length.value) {
                Ok(0) => self.invalid(
                    length,
                    "iteration length must be at least one day".to_string(),
                    Some(format!("the default is {DEFAULT_ITERATION_DAYS}d")),
                ),
                Ok(days) => calendar.length_days = days,
                Err(message) => self.invalid(length, message.to_string(), None),
            }
        }
        if let Some(start) = &raw.start {
            match parse_date(&start.value) {
                Ok(date) => calendar.start = date,
                Err(message) => self.invalid(start, message.to_string(), None),
            }
        }
        if let Some(grace) = &raw.grace {
            match parse_days(&grace.value) {
                Ok(days) if days >= calendar.length_days => self.invalid(
                    grace,
                    format!(
                        "grace ({days}d) must be shorter than the iteration ({}d)",
                        calendar.length_days
                    ),
                    None,
                ),
                Ok(days) => calendar.grace_days = days,
                Err(message) => self.invalid(grace, message.to_string(), None),
            }
        }
        calendar
    }

    fn page_location(&mut self, value: &Spanned<String>) -> Option<PageLocation> {
        let location = PageLocation::parse(value.value.trim());
        if location.pattern.is_empty() {
            self.invalid(value, "page location is empty".to_string(), None);
            return None;
        }
        if location.is_glob() && location.anchor.is_some() {
            self.invalid(
                value,
                "a page pattern with wildcards cannot name a section".to_string(),
                None,
            );
            return None;
        }
        if location.is_glob()
            && let Err(error) = Glob::new(&location.pattern)
        {
            self.invalid(value, error.kind().to_string(), None);
            return None;
        }
        Some(location)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Checked {
        let text = Arc::from(text);
        match parse(CONFIG_FILE, &text) {
            Ok(parsed) => check(CONFIG_FILE, &text, parsed, Some(&["goals".to_string()])),
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
        assert_eq!(config.severity.get("HB102"), Some(&Severity::Warning));
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
}
