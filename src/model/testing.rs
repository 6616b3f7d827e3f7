//! An in-memory handbook for the rules' tests: the config, the pages and
//! their history given as data, built into the model by the same functions
//! the engine uses, with no git and no files. Dates the history walk would
//! find are given directly; the git-oracle tests in `tests/` check that the
//! walk finds them.
#![cfg(test)]

use std::collections::HashMap;
use std::sync::Arc;

use crate::base::finding::{Finding, Sources};
use crate::base::time::{UnixTime, day_of, parse_now};
use crate::config::ruleset::{BUILTIN_TEXT, Ruleset};
use crate::config::{self, CONFIG_FILE, codeowners};
use crate::discover::SourceFile;
use crate::discover::pagecache::LoadedPage;
use crate::history::{Answer, Change, Query, Resolved};
use crate::model::Handbook;
use crate::model::build;
use crate::parse;
pub(crate) use crate::testing::{CONFIG, goals, index, retro};

/// When the handbook was first committed, unless a test says otherwise.
pub(crate) const FIRST_COMMIT: &str = "2026-01-05T09:00:00Z";

/// A handbook being described.
pub(crate) struct HandbookBuilder {
    now: UnixTime,
    config: String,
    pages: Vec<(String, String)>,
    /// Change times, newest first, by page and section (`path#anchor`); a
    /// section without its own takes its page's.
    history: HashMap<String, Vec<UnixTime>>,
    /// Pages written but not committed.
    uncommitted: Vec<String>,
    codeowners: Option<String>,
}

/// The model, and the texts its findings point into.
pub(crate) struct Built {
    pub model: Handbook,
    pub sources: Sources,
    /// What the config check and the parse reported (HB001–HB003).
    pub input_findings: Vec<Finding>,
}

fn time(text: &str) -> UnixTime {
    parse_now(text).unwrap_or_else(|e| panic!("{e}"))
}

impl HandbookBuilder {
    /// The one-team handbook checked at `now`: [`CONFIG`], a complete goals
    /// page and an index page with both process sections, all committed at
    /// [`FIRST_COMMIT`].
    pub(crate) fn one_team(now: &str) -> HandbookBuilder {
        HandbookBuilder {
            now: time(now),
            config: CONFIG.to_string(),
            pages: Vec::new(),
            history: HashMap::new(),
            uncommitted: Vec::new(),
            codeowners: None,
        }
        .page("hb/search/goals.md", &goals("Kicked off."))
        .page("hb/search/index.md", &index("Mondays.", "Fridays."))
    }

    /// Adds lines to the config (more keys, or more of the `search` team's).
    pub(crate) fn config_tail(mut self, tail: &str) -> Self {
        self.config.push_str(tail);
        self
    }

    /// Replaces the config.
    pub(crate) fn config(mut self, text: &str) -> Self {
        self.config = text.to_string();
        self
    }

    /// Adds a page, or replaces the one at `path`.
    pub(crate) fn page(mut self, path: &str, text: &str) -> Self {
        self.pages.retain(|(p, _)| p != path);
        self.pages.push((path.to_string(), text.to_string()));
        self
    }

    /// Removes the page at `path`.
    pub(crate) fn without(mut self, path: &str) -> Self {
        self.pages.retain(|(p, _)| p != path);
        self
    }

    /// The times `path` (or `path#anchor`) changed in substance, newest
    /// first (RFC 3339 or a date).
    pub(crate) fn changed(mut self, target: &str, times: &[&str]) -> Self {
        let mut times: Vec<UnixTime> = times.iter().map(|t| time(t)).collect();
        times.sort_unstable_by(|a, b| b.cmp(a));
        self.history.insert(target.to_string(), times);
        self
    }

    /// `path` is in the working tree only, never committed.
    pub(crate) fn uncommitted(mut self, path: &str) -> Self {
        self.uncommitted.push(path.to_string());
        self
    }

    /// A CODEOWNERS file at `.github/CODEOWNERS`.
    pub(crate) fn codeowners(mut self, text: &str) -> Self {
        self.codeowners = Some(text.to_string());
        self
    }

    /// Builds the model as the engine would.
    pub(crate) fn build(self) -> Built {
        let mut sources = Sources::default();
        let mut input_findings = Vec::new();
        let config_text: Arc<str> = Arc::from(self.config.as_str());
        sources.insert(CONFIG_FILE, config_text.clone());
        let ruleset = Ruleset::parse(BUILTIN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        let parsed = config::parse(CONFIG_FILE, &config_text).unwrap_or_else(|f| panic!("{f:?}"));
        let kinds: Vec<String> = ruleset.pages.keys().cloned().collect();
        let checked = config::check(CONFIG_FILE, &config_text, &parsed, Some(&kinds));
        input_findings.extend(checked.findings);
        let config = checked.config.expect("the config parses");

        let mut files = self.pages;
        files.sort();
        let loaded = files
            .into_iter()
            .map(|(path, text)| {
                let (doc, problems) = parse::parse(&text);
                LoadedPage {
                    file: SourceFile {
                        path,
                        text: Arc::from(text),
                    },
                    doc,
                    problems,
                }
            })
            .collect();
        let mut pages = build::pages(loaded, self.now, true, &mut sources, &mut input_findings);
        let today = day_of(self.now);
        let mut teams = build::teams(&config, &ruleset, &mut pages, today);

        // Every page and every section a slot holds, in the plan's order.
        let mut queries: Vec<Query> = pages.iter().map(|page| query(&page.path, None)).collect();
        for team in &teams {
            for slot in team.slots.values() {
                if let crate::model::Slot::Found {
                    page,
                    section: Some(section),
                } = slot
                {
                    queries.push(query(&pages[*page].path, Some(&section.anchor)));
                }
            }
        }
        queries.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        queries.dedup_by(|a, b| a.path == b.path && a.anchor == b.anchor);
        let first = vec![time(FIRST_COMMIT)];
        let answers: Vec<Resolved> = queries
            .iter()
            .map(|q| {
                if self.uncommitted.contains(&q.path) {
                    return Resolved::new(Answer::NotCommitted);
                }
                let section = q.anchor.as_ref().map(|a| format!("{}#{a}", q.path));
                let times = section
                    .and_then(|s| self.history.get(&s))
                    .or_else(|| self.history.get(&q.path))
                    .unwrap_or(&first);
                let changes = times
                    .iter()
                    .map(|&t| Change {
                        commit: commit_id(&q.path, t),
                        time: t,
                        parent_time: Some(t - 60),
                    })
                    .collect::<Vec<Change>>();
                // The oldest change added the page, as the walk finds when
                // asked (`want_created`).
                let mut resolved = Resolved::new(Answer::Changed(changes.clone()));
                resolved.created = changes.last().cloned().filter(|_| q.anchor.is_none());
                resolved
            })
            .collect();
        build::attach_history(&mut pages, &mut teams, &queries, &answers, true);
        build::retros(&mut teams, &pages, &ruleset, today, true);

        let codeowners = self.codeowners.map(|text| {
            let path = ".github/CODEOWNERS";
            sources.insert(path, Arc::from(text.as_str()));
            codeowners::parse(path, &text, &mut input_findings)
        });
        Built {
            model: Handbook {
                misnamed: std::collections::BTreeMap::new(),
                now: self.now,
                today,
                config,
                ruleset,
                pages,
                teams,
                codeowners,
            },
            sources,
            input_findings,
        }
    }
}

fn query(path: &str, anchor: Option<&str>) -> Query {
    Query {
        path: path.to_string(),
        anchor: anchor.map(str::to_string),
        want_created: false,
        // Every change is given: the look-back rules see them all.
        collect_since: Some(UnixTime::MIN),
        trail: false,
    }
}

/// A commit id made up from what it changed, stable across runs.
fn commit_id(path: &str, time: UnixTime) -> String {
    // FNV-1a: a fixed function, unlike the standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.bytes().chain(time.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}{:024x}", hash.rotate_left(17))
}
