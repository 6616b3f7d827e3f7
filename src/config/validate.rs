//! The config's tree checked into a [`Config`]: each setting read by
//! shape (`config::shape`), then by meaning. Every mistake is an HB001 (or
//! HB003) finding at the exact YAML key or value, that entry is left out,
//! and everything else is used.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::base::calendar::Calendar;
use crate::base::codes;
use crate::base::finding::{Finding, Severity, token_at};
use crate::base::paths::PageExtensions;
use crate::base::time::{parse_date, parse_days};
use crate::config::ruleset::Pattern;
use crate::config::shape::{Entry, Text, child, outside_repository, setting, shown};
use crate::config::tree::{Node, Value};
use crate::config::yaml::did_you_mean;
use crate::config::{
    Config, DEFAULT_ITERATION_DAYS, DEFAULT_MOVE_SIMILARITY, Level, OptOut, Override, PageLocation,
    PageSetting, Person, Team, default_calendar, normalize_path,
};

/// The settings a config may hold at its top level.
pub(crate) const TOP_KEYS: &[&str] = &[
    "ruleset",
    "handbook",
    "iterations",
    "people",
    "teams",
    "pages",
    "severity",
    "max-age",
    "ignore",
    "freshness",
    "overrides",
    "page-extensions",
    "goals-content",
    "reporting",
];

/// The settings of one `people.<id>` entry.
pub(crate) const PERSON_KEYS: &[&str] = &["name", "handles"];

/// The settings of one `teams.<name>` entry.
pub(crate) const TEAM_KEYS: &[&str] = &["dir", "pm", "em", "since", "pages"];

/// The settings of one `overrides` entry.
pub(crate) const OVERRIDE_KEYS: &[&str] = &["paths", "severity"];

/// The settings of `iterations:`.
pub(crate) const ITERATION_KEYS: &[&str] = &["length", "start", "grace"];

/// The settings of `freshness:`.
pub(crate) const FRESHNESS_KEYS: &[&str] = &[
    "ignore-revs-file",
    "max-files-per-commit",
    "move-similarity",
];

/// The settings of `reporting:` (the weekly status email, HB503).
pub(crate) const REPORTING_KEYS: &[&str] = &["send-day"];

/// The days `reporting.send-day` may name, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// [`WEEKDAYS`] as days.
const WEEK: [chrono::Weekday; 7] = [
    chrono::Weekday::Mon,
    chrono::Weekday::Tue,
    chrono::Weekday::Wed,
    chrono::Weekday::Thu,
    chrono::Weekday::Fri,
    chrono::Weekday::Sat,
    chrono::Weekday::Sun,
];

/// The parts of a goals page `goals-content:` may add patterns for (the
/// ruleset's `content` elements of the goals page kind).
pub(crate) const GOALS_CONTENT_KEYS: &[&str] = &["goal", "milestones", "timeline", "progress"];

/// `pages.<kind>: off` and `severity.<code>: off`.
pub(crate) const OFF: &str = "off";

/// The one key of `pages.<kind>: { external: <where> }`.
pub(crate) const EXTERNAL: &str = "external";

/// The settings of a `pages.<kind>` (or `teams.<n>.pages.<kind>`) written
/// as a mapping: `{ external: <where> }`.
pub(crate) const PAGE_SETTING_KEYS: &[&str] = &[EXTERNAL];

/// A team's `pm:`/`em:` when the role is vacant by design (no HB401).
pub(crate) const VACANT: &str = "none";

/// How a `ruleset:` names one of the rulesets compiled into the binary.
const BUILTIN_PREFIX: &str = "builtin:";

/// Whether the config's `ruleset:` text can be loaded: a built-in one, or a
/// path inside the repository (the others are reported by the validator).
pub(crate) fn ruleset_usable(name: &str) -> bool {
    name.trim().starts_with(BUILTIN_PREFIX) || outside_repository(name).is_none()
}

pub(crate) struct Validator<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// Where the text's lines start: a duplicate key names the line of the
    /// first one without a scan from the top.
    pub lines: crate::base::finding::LineIndex,
    pub findings: &'a mut Vec<Finding>,
    /// The ruleset's page kinds; empty when the ruleset could not be read
    /// (then every kind is taken as known).
    pub known_kinds: Vec<String>,
}

impl Validator<'_> {
    /// The whole config: `tree` read setting by setting onto the defaults.
    pub(crate) fn config(&mut self, tree: &Node) -> Config {
        let top = self.settings(tree, "", TOP_KEYS);
        let get = |key: &str| setting(&top, key);
        let mut config = Config::default_config();
        if let Some(ruleset) = get("ruleset") {
            let name = self.repository_path(ruleset, "ruleset", "a file", &mut config);
            if let Some(name) = name {
                config.ruleset = name.value.trim().to_string();
            }
        }
        if let Some(handbook) = get("handbook") {
            let dir = self.repository_path(handbook, "handbook", "a directory", &mut config);
            if let Some(dir) = dir {
                config.handbook = normalize_path(&dir.value);
            }
        }
        if let Some(iterations) = get("iterations") {
            config.calendar = self.calendar(iterations);
        }
        if let Some(people) = get("people") {
            config.people = self.people(people);
        }
        if let Some(pages) = get("pages") {
            config.pages = self.page_locations(pages, "pages");
        }
        let teams = get("teams").map(|teams| self.entries(teams, "teams"));
        config.conventional = teams.as_ref().is_none_or(Vec::is_empty);
        for entry in teams.iter().flatten() {
            if let Some(team) = self.team(entry, &config) {
                config.teams.push(team);
            }
        }
        if let Some(severity) = get("severity") {
            config.severity = self.severity_map(severity, "severity");
        }
        if let Some(overrides) = get("overrides") {
            config.overrides = self.overrides(overrides);
        }
        if let Some(max_age) = get("max-age") {
            config.max_age = self.max_age(max_age);
        }
        if let Some(ignore) = get("ignore") {
            let patterns = self.texts(ignore, "ignore");
            config.ignore = self.globs(&patterns, &mut config.ignore_patterns);
        }
        if let Some(freshness) = get("freshness") {
            self.freshness(freshness, &mut config);
        }
        if let Some(extensions) = get("page-extensions") {
            config.page_extensions = self.page_extensions(extensions);
        }
        if let Some(content) = get("goals-content") {
            config.goals_content = self.goals_content(content);
        }
        if let Some(reporting) = get("reporting") {
            self.reporting(reporting, &mut config);
        }
        config
    }

    /// `reporting:`: the day the weekly status email is sent, a weekday's
    /// name in any letter case.
    fn reporting(&mut self, node: &Node, config: &mut Config) {
        let fields = self.settings(node, "reporting", REPORTING_KEYS);
        let Some(day) =
            setting(&fields, "send-day").and_then(|node| self.text(node, "reporting.send-day"))
        else {
            return;
        };
        let written = day.value.trim().to_lowercase();
        if let Some(index) = WEEKDAYS.iter().position(|name| *name == written) {
            config.send_day = WEEK[index];
            return;
        }
        let hint = did_you_mean(&written, WEEKDAYS).map_or_else(
            || format!("write a day of the week: {}", WEEKDAYS.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        self.invalid(
            day.span,
            format!(
                "`reporting.send-day` must be a day of the week, not `{}`",
                day.value.trim()
            ),
            Some(hint),
        );
    }

    /// `page-extensions:`: the ends of file names that make pages (`md`,
    /// `html.md.erb`); a leading dot is dropped. None valid: the default.
    fn page_extensions(&mut self, node: &Node) -> PageExtensions {
        let mut extensions: Vec<String> = Vec::new();
        for item in self.texts(node, "page-extensions") {
            let written = item.value.trim();
            let extension = written.strip_prefix('.').unwrap_or(written);
            let problem = if extension.is_empty() {
                Some("is empty")
            } else if extension.contains(['/', '\\']) {
                Some("names a directory: an extension is the end of a file name")
            } else if extension.contains(['*', '?', '[', '{']) {
                Some("has a wildcard: write the extension itself")
            } else if extension.starts_with('.')
                || extension.ends_with('.')
                || extension.contains("..")
            {
                Some("has an empty part between dots")
            } else {
                None
            };
            if let Some(problem) = problem {
                self.invalid(
                    item.span,
                    format!("page extension `{written}` {problem}"),
                    Some("write extensions such as `md` or `html.md.erb`".to_string()),
                );
            } else if !extensions.iter().any(|e| e == extension) {
                extensions.push(extension.to_string());
            }
        }
        if extensions.is_empty() {
            return PageExtensions::default();
        }
        PageExtensions::new(extensions)
    }

    /// `goals-content:`: for each element of the goals page, a pattern or a
    /// list of them, checked as the ruleset's are (syntax, compiled size).
    fn goals_content(&mut self, node: &Node) -> BTreeMap<String, Vec<Pattern>> {
        let mut content = BTreeMap::new();
        for entry in self.settings(node, "goals-content", GOALS_CONTENT_KEYS) {
            let path = child("goals-content", &entry.key.value);
            let written = if let Value::Seq(_) = &entry.value.value {
                self.texts(entry.value, &path)
            } else {
                self.text(entry.value, &path).into_iter().collect()
            };
            let mut patterns = Vec::new();
            for pattern in written {
                match Pattern::check(&pattern.value) {
                    Ok(compiled) => patterns.push(compiled),
                    Err(message) => self.invalid(
                        pattern.span,
                        // The parser draws the pattern with a caret over
                        // several lines; a finding's message is one.
                        format!(
                            "`{path}`: {}",
                            message
                                .rsplit_once("error: ")
                                .map_or(message.as_str(), |(_, m)| m)
                        ),
                        Some(
                            "write a regular expression (Rust syntax), e.g. `(?i)^okrs?$`"
                                .to_string(),
                        ),
                    ),
                }
            }
            if !patterns.is_empty() {
                content.insert(entry.key.value, patterns);
            }
        }
        content
    }

    /// A setting that names a file or directory of the repository: text
    /// that stays inside it (a built-in ruleset names none). Its span is
    /// kept in `config.setting_spans`; a path leading elsewhere is reported
    /// and the setting left unset.
    fn repository_path(
        &mut self,
        node: &Node,
        key: &'static str,
        what: &str,
        config: &mut Config,
    ) -> Option<Text> {
        let text = self.text(node, key)?;
        let builtin = key == "ruleset" && text.value.trim().starts_with(BUILTIN_PREFIX);
        if !builtin && let Some(problem) = outside_repository(&text.value) {
            self.invalid(
                text.span,
                format!(
                    "`{key}` must name {what} inside the repository: `{}` {problem}",
                    text.value.trim()
                ),
                Some("write a path relative to the repository's root".to_string()),
            );
            return None;
        }
        config.setting_spans.insert(key, text.span.clone());
        Some(text)
    }

    pub(crate) fn invalid(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        let mut finding = Finding::new(&codes::CONFIG_INVALID, message).at(self.path, Some(span));
        if let Some(help) = help {
            finding = finding.help(help);
        }
        self.findings.push(finding);
    }

    /// `people:`: each person and their handles, which must start with `@`.
    fn people(&mut self, node: &Node) -> Vec<Person> {
        let mut people = Vec::new();
        for entry in self.entries(node, "people") {
            let path = child("people", &entry.key.value);
            let fields = self.settings(entry.value, &path, PERSON_KEYS);
            // A display name, for the config's readers: the tool names
            // people by their key, so it is checked and not used.
            if let Some(name) = setting(&fields, "name") {
                self.text(name, &child(&path, "name"));
            }
            let mut handles = Vec::new();
            let written = setting(&fields, "handles")
                .map(|node| self.texts(node, &child(&path, "handles")))
                .unwrap_or_default();
            for handle in written {
                if handle.value.starts_with('@') && handle.value.len() > 1 {
                    handles.push(handle.value);
                } else {
                    self.invalid(
                        handle.span,
                        format!("handle `{}` must start with `@`", handle.value),
                        Some(format!(
                            "write it as `@{}`",
                            handle.value.trim_start_matches('@')
                        )),
                    );
                }
            }
            people.push(Person {
                id: entry.key.value,
                handles,
            });
        }
        people
    }

    /// Whether `key` is a page kind of the ruleset; reported when not.
    fn kind_known(&mut self, key: &Text) -> bool {
        let known = &self.known_kinds;
        if known.is_empty() || known.contains(&key.value) {
            return true;
        }
        let hint = did_you_mean(&key.value, known.iter().map(String::as_str)).map_or_else(
            || format!("page kinds of this ruleset: {}", known.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        self.invalid(
            key.span.clone(),
            format!("unknown page kind `{}`", key.value),
            Some(hint),
        );
        false
    }

    /// `pages:` (for every team, or one team's own): page kinds to
    /// locations, `off`, or `{ external: <where> }`.
    fn page_locations(&mut self, node: &Node, path: &str) -> BTreeMap<String, PageSetting> {
        let mut pages = BTreeMap::new();
        for entry in self.entries(node, path) {
            if self.kind_known(&entry.key)
                && let Some(setting) =
                    self.page_setting(entry.value, &child(path, &entry.key.value))
            {
                pages.insert(entry.key.value, setting);
            }
        }
        pages
    }

    /// One `pages.<kind>`: a location, `off`, or a mapping with just
    /// `external`, whose text says where the pages are kept.
    fn page_setting(&mut self, node: &Node, path: &str) -> Option<PageSetting> {
        if let Value::Map(_) = &node.value {
            let reported = self.findings.len();
            let fields = self.settings(node, path, PAGE_SETTING_KEYS);
            let Some(value) = setting(&fields, EXTERNAL) else {
                // One finding a mistake: a misspelt `external` was reported.
                if self.findings.len() == reported {
                    self.invalid(
                        node.span.clone(),
                        format!("{} needs `{EXTERNAL}`: where these pages are kept", shown(path)),
                        Some(format!(
                            "write `{{ {EXTERNAL}: \"https://…\" }}`, `off`, or a location such as `{{dir}}/goals.md`"
                        )),
                    );
                }
                return None;
            };
            let place = self.text(value, &child(path, EXTERNAL))?;
            let place_text = place.value.trim();
            if place_text.is_empty() {
                self.invalid(
                    place.span,
                    format!("`{}` is empty", child(path, EXTERNAL)),
                    Some("say where these pages are kept: a URL or the tool's name".to_string()),
                );
                return None;
            }
            return Some(PageSetting::Out(OptOut::External(place_text.to_string())));
        }
        let value = self.text(node, path)?;
        if value.value.trim() == OFF {
            return Some(PageSetting::Out(OptOut::Off));
        }
        self.page_location(&value).map(PageSetting::At)
    }

    /// One entry of `teams:`; `None` (reported) without a `dir`. Its PM and
    /// EM must be among `config`'s people.
    fn team(&mut self, entry: &Entry<'_>, config: &Config) -> Option<Team> {
        let name = &entry.key.value;
        let path = child("teams", name);
        let reported = self.findings.len();
        let fields = self.settings(entry.value, &path, TEAM_KEYS);
        let field = |key: &str| setting(&fields, key);
        let dir = field("dir").and_then(|node| self.text(node, &child(&path, "dir")));
        // One finding a mistake: a misspelt `dri:`, a `dir` that is not
        // text or a team that is not a mapping was reported already.
        if dir.is_none() && self.findings.len() == reported {
            self.invalid(
                entry.key.span.clone(),
                format!("team `{name}` has no `dir`"),
                Some("add `dir:` with the directory holding the team's pages".to_string()),
            );
        }
        let mut roles = BTreeMap::new();
        let mut named_roles = Vec::new();
        for role in ["pm", "em"] {
            let Some(node) = field(role) else { continue };
            let Some(holders) = self.role_holders(node, name, role, config) else {
                continue;
            };
            named_roles.push(role.to_string());
            if !holders.is_empty() {
                roles.insert(role.to_string(), holders);
            }
        }
        let since = field("since")
            .and_then(|node| self.text(node, &child(&path, "since")))
            .and_then(|since| match parse_date(&since.value) {
                Ok(date) => Some(date),
                Err(message) => {
                    self.invalid(since.span, message.to_string(), None);
                    None
                }
            });
        let pages = field("pages")
            .map(|node| self.page_locations(node, &child(&path, "pages")))
            .unwrap_or_default();
        // The rest was checked (so every mistake is reported); a team
        // without a directory has no pages to check.
        Some(Team {
            name: name.clone(),
            dir: normalize_path(&dir?.value),
            roles,
            named_roles,
            since,
            pages,
            // The key's line up to any comment: where missing pages and
            // vacant roles point.
            span: Some(token_at(self.text, entry.key.span.start)),
        })
    }

    /// A team's `pm:` or `em:`: one person (id or `@handle`), a list of
    /// them, or `none` (vacant by design: an empty list). `None` when the
    /// role is not filled at all (HB401 then). Names not in `people` are
    /// HB003 at the name and left out.
    fn role_holders(
        &mut self,
        node: &Node,
        team: &str,
        role: &str,
        config: &Config,
    ) -> Option<Vec<String>> {
        let path = child(&child("teams", team), role);
        let written = if let Value::Seq(_) = &node.value {
            let items = self.texts(node, &path);
            if items.is_empty() {
                return None;
            }
            items
        } else {
            let value = self.text(node, &path)?;
            match value.value.trim() {
                "" => return None,
                VACANT => return Some(Vec::new()),
                _ => vec![value],
            }
        };
        let mut holders: Vec<String> = Vec::new();
        for value in written {
            let id = value.value.trim();
            if id == VACANT {
                self.invalid(
                    value.span.clone(),
                    format!("`{VACANT}` in a list of {}s", role.to_uppercase()),
                    Some(format!(
                        "write `{role}: {VACANT}` for a role vacant by design, or list the people in it"
                    )),
                );
            } else if let Some(person) = config.resolve_person(id) {
                if !holders.contains(&person.id) {
                    holders.push(person.id.clone());
                }
            } else {
                self.unknown_person(team, role, id, value.span.clone(), config);
            }
        }
        Some(holders)
    }

    /// HB003: a team's role names someone who is not in `people`.
    fn unknown_person(
        &mut self,
        team: &str,
        role: &str,
        id: &str,
        span: Range<usize>,
        config: &Config,
    ) {
        let hint = config.nearest_person(id).map_or_else(
            || format!("add them under `people:`, or write `{role}: {VACANT}` if the role is vacant by design"),
            |s| format!("did you mean `{s}`?"),
        );
        self.findings.push(
            Finding::new(
                &codes::UNKNOWN_PERSON,
                format!(
                    "team `{team}` names `{id}` as its {}, who is not in `people`",
                    role.to_uppercase()
                ),
            )
            .at(self.path, Some(span))
            .label("not in people")
            .help(hint)
            .team(team.to_string()),
        );
    }

    /// `overrides:`: each a mapping of `paths` (required) and `severity`.
    fn overrides(&mut self, node: &Node) -> Vec<Override> {
        let mut overrides = Vec::new();
        for item in self.items(node, "overrides") {
            let reported = self.findings.len();
            let fields = self.settings(item, "overrides", OVERRIDE_KEYS);
            let Some(paths) = setting(&fields, "paths") else {
                // As for a team's `dir`: one finding a mistake.
                if self.findings.len() == reported {
                    self.invalid(
                        item.span.clone(),
                        "an override has no `paths`".to_string(),
                        Some("add `paths:` with the globs it applies to".to_string()),
                    );
                }
                continue;
            };
            let paths = self.texts(paths, "overrides.paths");
            let severity = setting(&fields, "severity")
                .map(|node| self.severity_map(node, "overrides.severity"))
                .unwrap_or_default();
            overrides.push(Override {
                paths: self.globs(&paths, &mut Vec::new()),
                severity,
            });
        }
        overrides
    }

    /// Globs (`ignore:`, an override's `paths:`); the valid ones' patterns
    /// are added to `patterns`.
    fn globs(&mut self, written: &[Text], patterns: &mut Vec<String>) -> GlobSet {
        let mut globs = GlobSetBuilder::new();
        for pattern in written {
            match Glob::new(pattern.value.trim()) {
                Ok(glob) => {
                    globs.add(glob);
                    patterns.push(pattern.value.trim().to_string());
                }
                Err(error) => self.invalid(pattern.span.clone(), error.kind().to_string(), None),
            }
        }
        globs.build().unwrap_or_else(|_| GlobSet::empty())
    }

    /// `max-age:`: page kinds to at least one day.
    fn max_age(&mut self, node: &Node) -> HashMap<String, u32> {
        let mut max_age = HashMap::new();
        for entry in self.entries(node, "max-age") {
            if !self.kind_known(&entry.key) {
                continue;
            }
            let Some(age) = self.text(entry.value, &child("max-age", &entry.key.value)) else {
                continue;
            };
            match parse_days(&age.value) {
                Ok(0) => self.invalid(
                    age.span,
                    "max-age must be at least one day".to_string(),
                    None,
                ),
                Ok(days) => {
                    max_age.insert(entry.key.value, days);
                }
                Err(message) => self.invalid(age.span, message.to_string(), None),
            }
        }
        max_age
    }

    /// `freshness:`: the ignore-revs file, the sweep limit and the move
    /// similarity.
    fn freshness(&mut self, node: &Node, config: &mut Config) {
        let fields = self.settings(node, "freshness", FRESHNESS_KEYS);
        if let Some(file) = setting(&fields, "ignore-revs-file").and_then(|node| {
            self.repository_path(node, "freshness.ignore-revs-file", "a file", config)
        }) {
            config.ignore_revs_file = Some(normalize_path(&file.value));
        }
        if let Some((limit, span)) = setting(&fields, "max-files-per-commit")
            .and_then(|node| self.whole_number(node, "freshness.max-files-per-commit"))
        {
            match usize::try_from(limit) {
                Ok(0) | Err(_) => self.invalid(
                    span,
                    "max-files-per-commit must be at least 1".to_string(),
                    Some(
                        "a commit changing more pages than this is a sweep, not an update"
                            .to_string(),
                    ),
                ),
                Ok(limit) => config.max_files_per_commit = Some(limit),
            }
        }
        if let Some((percent, span)) = setting(&fields, "move-similarity")
            .and_then(|node| self.whole_number(node, "freshness.move-similarity"))
        {
            match u8::try_from(percent) {
                Ok(percent @ 0..=100) => config.move_similarity = percent,
                _ => self.invalid(
                    span,
                    "move-similarity must be a percentage from 0 to 100".to_string(),
                    Some(format!(
                        "a page added in a commit moved from a deleted one when this share of their words is the same (default {DEFAULT_MOVE_SIMILARITY})"
                    )),
                ),
            }
        }
    }

    /// `{HB303: warning, HB301: off}`: rule codes (or names) to severities
    /// or `off`; unknown codes and severities are reported and left out.
    fn severity_map(&mut self, node: &Node, path: &str) -> HashMap<String, Level> {
        let mut map = HashMap::new();
        for entry in self.entries(node, path) {
            let code = &entry.key;
            let Some(canonical) = codes::canonical(&code.value) else {
                let hint = did_you_mean(&code.value, codes::ALL.iter().map(|(code, _)| *code))
                    .map_or_else(
                        || "`handbook-lint rules` lists the codes".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    );
                self.invalid(
                    code.span.clone(),
                    format!("unknown rule code `{}`", code.value),
                    Some(hint),
                );
                continue;
            };
            let Some(severity) = self.text(entry.value, &child(path, &code.value)) else {
                continue;
            };
            let written = severity.value.trim();
            let level = if written == OFF {
                Some(None)
            } else {
                Severity::parse(written).map(Some)
            };
            if let Some(level) = level {
                map.insert(canonical.to_string(), level);
            } else {
                let hint = did_you_mean(written, ["error", "warning", "off"]).map_or_else(
                    || "use `error`, `warning` or `off`".to_string(),
                    |s| format!("did you mean `{s}`? (`error`, `warning` or `off`)"),
                );
                self.invalid(
                    severity.span,
                    format!("unknown severity `{}`", severity.value),
                    Some(hint),
                );
            }
        }
        map
    }

    /// `iterations:`: the calendar, each part checked on its own.
    fn calendar(&mut self, node: &Node) -> Calendar {
        let fields = self.settings(node, "iterations", ITERATION_KEYS);
        let mut part = |key: &str| {
            setting(&fields, key).and_then(|node| self.text(node, &child("iterations", key)))
        };
        let (length, start, grace) = (part("length"), part("start"), part("grace"));
        let mut calendar = default_calendar();
        if let Some(length) = length {
            match parse_days(&length.value) {
                Ok(0) => self.invalid(
                    length.span,
                    "iteration length must be at least one day".to_string(),
                    Some(format!("the default is {DEFAULT_ITERATION_DAYS}d")),
                ),
                Ok(days) => calendar.length_days = days,
                Err(message) => self.invalid(length.span, message.to_string(), None),
            }
        }
        if let Some(start) = start {
            match parse_date(&start.value) {
                Ok(date) => calendar.start = date,
                Err(message) => self.invalid(start.span, message.to_string(), None),
            }
        }
        if let Some(grace) = grace {
            match parse_days(&grace.value) {
                Ok(days) if days >= calendar.length_days => self.invalid(
                    grace.span,
                    format!(
                        "grace ({days}d) must be shorter than the iteration ({}d)",
                        calendar.length_days
                    ),
                    None,
                ),
                Ok(days) => calendar.grace_days = days,
                Err(message) => self.invalid(grace.span, message.to_string(), None),
            }
        }
        calendar
    }

    fn page_location(&mut self, value: &Text) -> Option<PageLocation> {
        let location = PageLocation::parse(value.value.trim());
        if location.pattern.is_empty() {
            self.invalid(
                value.span.clone(),
                "page location is empty".to_string(),
                None,
            );
            return None;
        }
        if location.is_glob() && location.anchor.is_some() {
            self.invalid(
                value.span.clone(),
                "a page pattern with wildcards cannot name a section".to_string(),
                None,
            );
            return None;
        }
        if location.is_glob()
            && let Err(error) = Glob::new(&location.pattern)
        {
            self.invalid(value.span.clone(), error.kind().to_string(), None);
            return None;
        }
        Some(location)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::config::{CONFIG_FILE, Checked, check, parse};

    fn load(text: &str) -> Checked {
        let text = Arc::from(text);
        let parsed = parse(CONFIG_FILE, &text).unwrap_or_else(|f| panic!("{f:?}"));
        check(CONFIG_FILE, &text, &parsed, Some(&["goals".to_string()]))
    }

    /// `reporting.send-day` takes a weekday's name in any letter case; any
    /// other value is HB001 at the value (with the nearest day), a
    /// misspelt key HB001 at the key, and the send day stays Friday.
    #[test]
    fn the_send_day_is_a_day_of_the_week() {
        for (text, day) in [
            ("reporting: { send-day: thursday }\n", chrono::Weekday::Thu),
            ("reporting: { send-day: Monday }\n", chrono::Weekday::Mon),
            ("reporting:\n", chrono::Weekday::Fri),
        ] {
            let checked = load(text);
            assert!(
                checked.findings.is_empty(),
                "{text}: {:?}",
                checked.findings
            );
            assert_eq!(checked.config.map(|c| c.send_day), Some(day), "{text}");
        }
        let text = "reporting: { send-day: fryday, sendday: monday }\n";
        let checked = load(text);
        assert_eq!(
            found(text, &checked),
            [
                (
                    "sendday",
                    "unknown key `sendday` in `reporting`".to_string()
                ),
                (
                    "fryday",
                    "`reporting.send-day` must be a day of the week, not `fryday`".to_string()
                ),
            ]
        );
        let helps: Vec<Option<&str>> = checked.findings.iter().map(|f| f.help.as_deref()).collect();
        assert_eq!(helps[1], Some("did you mean `friday`?"));
        assert_eq!(
            checked.config.map(|c| c.send_day),
            Some(chrono::Weekday::Fri)
        );
    }

    /// Each finding as (the text it points at, its message).
    fn found<'t>(text: &'t str, checked: &Checked) -> Vec<(&'t str, String)> {
        checked
            .findings
            .iter()
            .map(|f| {
                let span = f.location.as_ref().and_then(|l| l.span.clone());
                (span.map_or("", |s| &text[s]), f.message.clone())
            })
            .collect()
    }

    #[test]
    fn wrong_types_are_reported_at_every_level() {
        let text = "\
people: [alice]
teams:
  search: { dir: { a: 1 }, pm: { x: 1 } }
iterations: [14d]
ignore: content/**
overrides:
  - paths: { a: b }
severity: { HB102: [warning] }
max-age: { goals: { days: 3 } }
freshness: { move-similarity: -5, max-files-per-commit: 99999999999999999999999 }
";
        let checked = load(text);
        assert_eq!(
            found(text, &checked),
            [
                (
                    "[14d]",
                    "`iterations` must be a mapping (`key: value`), not a list"
                ),
                (
                    "[alice]",
                    "`people` must be a mapping (`key: value`), not a list"
                ),
                ("{ a: 1 }", "`teams.search.dir` must be text, not a mapping"),
                ("{ x: 1 }", "`teams.search.pm` must be text, not a mapping"),
                ("[warning]", "`severity.HB102` must be text, not a list"),
                (
                    "{ a: b }",
                    "`overrides.paths` must be a list, not a mapping"
                ),
                ("{ days: 3 }", "`max-age.goals` must be text, not a mapping"),
                ("content/**", "`ignore` must be a list, not text"),
                (
                    "99999999999999999999999",
                    "`freshness.max-files-per-commit` is too large: `99999999999999999999999`"
                ),
                (
                    "-5",
                    "`freshness.move-similarity` must not be negative: `-5`"
                ),
            ]
            .map(|(at, message)| (at, message.to_string()))
        );
        let config = checked.config.expect("the rest is used");
        assert_eq!(config.overrides.len(), 1);
        assert!(config.teams.is_empty());
    }

    #[test]
    fn duplicate_keys_keep_the_first_and_name_its_line() {
        let text = "\
handbook: content
iterations:
  length: 7d
  length: 21d
handbook: elsewhere
";
        let checked = load(text);
        assert_eq!(
            found(text, &checked),
            [
                (
                    "handbook",
                    "`handbook` is set twice in the config: this one is ignored, the one on line 1 is used"
                ),
                (
                    "length",
                    "`length` is set twice in `iterations`: this one is ignored, the one on line 3 is used"
                ),
            ]
            .map(|(at, message)| (at, message.to_string()))
        );
        let Some(config) = checked.config else {
            panic!("the config is used")
        };
        assert_eq!(config.handbook, "content");
        assert_eq!(config.calendar.length_days, 7);
    }

    #[test]
    fn a_team_without_a_dir_is_left_out_with_one_finding() {
        let text =
            "teams:\n  a: { since: 2026-01-05 }\n  b: { dri: b }\n  c: { dir: c }\n[key]: 1\n";
        let checked = load(text);
        let messages: Vec<String> = found(text, &checked).into_iter().map(|(_, m)| m).collect();
        assert_eq!(
            messages,
            [
                "a key in the config is a list: keys must be text",
                "team `a` has no `dir`",
                "unknown key `dri` in `teams.b`",
            ]
        );
        let teams: Vec<String> = checked
            .config
            .map(|c| c.teams.into_iter().map(|t| t.name).collect())
            .unwrap_or_default();
        assert_eq!(teams, ["c"]);
    }

    #[test]
    fn the_ruleset_read_first_is_the_one_checked() {
        let text = Arc::from("ruleset: [a]\n");
        let parsed = parse(CONFIG_FILE, &text).unwrap_or_else(|f| panic!("{f:?}"));
        assert_eq!(parsed.ruleset_at().map(|(name, _)| name), None);
        let text = Arc::from("ruleset: rules.yaml\nruleset: other.yaml\n");
        let parsed = parse(CONFIG_FILE, &text).unwrap_or_else(|f| panic!("{f:?}"));
        assert_eq!(
            parsed.ruleset_at().map(|(name, _)| name),
            Some("rules.yaml")
        );
    }

    #[test]
    fn paths_must_stay_inside_the_repository() {
        let text = "\
ruleset: ../rules.yaml
handbook: /etc
freshness: { ignore-revs-file: hb/../.GIT/info/revs }
";
        let checked = load(text);
        let messages: Vec<(&str, String)> = found(text, &checked);
        assert_eq!(
            messages,
            [
                (
                    "../rules.yaml",
                    "`ruleset` must name a file inside the repository: `../rules.yaml` leads outside it"
                ),
                (
                    "/etc",
                    "`handbook` must name a directory inside the repository: `/etc` is an absolute path"
                ),
                (
                    "hb/../.GIT/info/revs",
                    "`freshness.ignore-revs-file` must name a file inside the repository: `hb/../.GIT/info/revs` leads outside it"
                ),
            ]
            .map(|(at, message)| (at, message.to_string()))
        );
        let config = checked.config.expect("the rest is used");
        assert_eq!(config.ruleset, crate::config::ruleset::BUILTIN_NAME);
        assert_eq!(config.handbook, "");
        assert_eq!(config.ignore_revs_file, None);
        assert!(config.setting_spans.is_empty());
        let text = Arc::from("ruleset: ../rules.yaml\n");
        let parsed = parse(CONFIG_FILE, &text).unwrap_or_else(|f| panic!("{f:?}"));
        assert_eq!(parsed.ruleset_at().map(|(name, _)| name), None);
        let text = "freshness:\n  ignore-revs-file: .git/info/revs\n";
        assert_eq!(
            found(text, &load(text))[0].1,
            "`freshness.ignore-revs-file` must name a file inside the repository: `.git/info/revs` is inside the git directory"
        );
    }

    #[test]
    fn settings_that_name_files_keep_where_they_were_written() {
        let text = "ruleset: rules/ours.yaml\nhandbook: content\nfreshness:\n  ignore-revs-file: .git-blame-ignore-revs\n";
        let checked = load(text);
        assert!(checked.findings.is_empty(), "{:?}", checked.findings);
        let config = checked.config.expect("valid");
        let mut spans: Vec<(&str, &str)> = config
            .setting_spans
            .iter()
            .map(|(key, span)| (*key, &text[span.clone()]))
            .collect();
        spans.sort_unstable();
        assert_eq!(
            spans,
            [
                ("freshness.ignore-revs-file", ".git-blame-ignore-revs"),
                ("handbook", "content"),
                ("ruleset", "rules/ours.yaml"),
            ]
        );
        let builtin = load("ruleset: builtin:pm-em-partnership\n");
        let config = builtin.config.expect("valid");
        assert!(config.setting_spans.contains_key("ruleset"));
    }

    #[test]
    fn a_page_kind_is_a_location_off_or_kept_elsewhere() {
        use crate::config::{OptOut, PageLocation, PageSetting};
        let text = "\
pages:
  goals: off
  goal: off
teams:
  search:
    dir: s
    pages:
      goals: { external: \"https://notion.so/acme/goals\" }
  ads:
    dir: a
    pages:
      goals: { extrenal: x }
  web:
    dir: w
    pages:
      goals: { external: \" \" }
  data:
    dir: d
    pages:
      goals: \"{dir}/okrs.md\"
";
        let checked = load(text);
        assert_eq!(
            found(text, &checked),
            [
                ("goal", "unknown page kind `goal`"),
                (
                    "extrenal",
                    "unknown key `extrenal` in `teams.ads.pages.goals`"
                ),
                ("\" \"", "`teams.web.pages.goals.external` is empty"),
            ]
            .map(|(at, message)| (at, message.to_string()))
        );
        let hints: Vec<Option<&str>> = checked.findings.iter().map(|f| f.help.as_deref()).collect();
        assert_eq!(
            hints[..2],
            [
                Some("did you mean `goals`?"),
                Some("did you mean `external`?")
            ]
        );
        let config = checked.config.expect("the rest is used");
        assert_eq!(
            config.pages.get("goals"),
            Some(&PageSetting::Out(OptOut::Off))
        );
        let team = |name: &str| config.teams.iter().find(|t| t.name == name).expect("team");
        assert_eq!(
            config.opt_out(team("search"), "goals"),
            Some(&OptOut::External(
                "https://notion.so/acme/goals".to_string()
            ))
        );
        assert_eq!(
            config.opt_out(team("ads"), "goals"),
            Some(&OptOut::Off),
            "a mistake leaves the config-wide setting in force"
        );
        assert_eq!(config.opt_out(team("data"), "goals"), None);
        assert_eq!(
            team("data").pages.get("goals"),
            Some(&PageSetting::At(PageLocation::parse("{dir}/okrs.md")))
        );
        let empty = "pages:\n  goals: {}\n";
        assert_eq!(
            found(empty, &load(empty)),
            [(
                "{}",
                "`pages.goals` needs `external`: where these pages are kept".to_string()
            )]
        );
    }

    #[test]
    fn goals_content_adds_checked_patterns() {
        let text = "\
goals-content:
  progress: [\"(?i)^burndown$\", \"(unclosed\", \"a{1000}{1000}\"]
  goal: \"(?i)^okrs?$\"
  timelin: x
";
        let checked = load(text);
        let got: Vec<(&str, String, Option<String>)> = checked
            .findings
            .iter()
            .map(|f| {
                let span = f.location.as_ref().and_then(|l| l.span.clone());
                (
                    span.map_or("", |s| &text[s]),
                    f.message.clone(),
                    f.help.clone(),
                )
            })
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "timelin");
        assert_eq!(got[0].2.as_deref(), Some("did you mean `timeline`?"));
        assert_eq!(got[1].0, "\"(unclosed\"");
        assert!(
            got[1].1.starts_with("`goals-content.progress`: "),
            "{}",
            got[1].1
        );
        assert_eq!(
            got[2].1,
            "`goals-content.progress`: this pattern is too large to compile (over 1,048,576 bytes compiled)"
        );
        let config = checked.config.expect("the rest is used");
        let sources = |element: &str| -> Vec<String> {
            config.goals_content[element]
                .iter()
                .map(|p| p.as_str().to_string())
                .collect()
        };
        assert_eq!(sources("progress"), ["(?i)^burndown$"]);
        assert_eq!(sources("goal"), ["(?i)^okrs?$"]);
    }

    #[test]
    fn page_extensions_are_ends_of_file_names() {
        let text = "page-extensions: [md, .html.md.erb, \"\", docs/md, \"*.txt\", a..b, md, [x]]\n";
        let checked = load(text);
        assert_eq!(
            found(text, &checked),
            [
                ("[x]", "an item of `page-extensions` must be text, not a list"),
                ("\"\"", "page extension `` is empty"),
                (
                    "docs/md",
                    "page extension `docs/md` names a directory: an extension is the end of a file name"
                ),
                (
                    "\"*.txt\"",
                    "page extension `*.txt` has a wildcard: write the extension itself"
                ),
                ("a..b", "page extension `a..b` has an empty part between dots"),
            ]
            .map(|(at, message)| (at, message.to_string()))
        );
        let config = checked.config.expect("the rest is used");
        assert_eq!(config.page_extensions.as_slice(), ["md", "html.md.erb"]);
        let none_valid = load("page-extensions: [\"\"]\n").config.expect("used");
        assert_eq!(
            none_valid.page_extensions.as_slice(),
            ["md", "markdown", "mdx"],
            "no valid extension: the default"
        );
    }
}
