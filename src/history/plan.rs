//! What the history walk is asked, planned before any page is read.

use std::collections::{BTreeMap, HashSet};

use crate::base::time::UnixTime;
use crate::config::locate::{Matchers, located};
use crate::config::ruleset::{GOALS, RETROSPECTIVES, Ruleset, WEEKLY};
use crate::config::{Config, PageLocation, Team};
use crate::history::Query;

/// What history is asked, and which listed pages a team consults.
pub(crate) struct Plan {
    pub queries: Vec<Query>,
    /// For each listed page, whether some team's location matches it:
    /// every page the model may read beyond its front matter (a slot's
    /// sections and labels, a retrospective's action items). Each match
    /// counts, not only the first a slot takes.
    pub consulted: Vec<bool>,
}

impl Plan {
    /// The paths (of `paths`, the listing planned for) a team consults.
    pub(crate) fn consulted_paths(&self, paths: &[&str]) -> HashSet<String> {
        (paths.iter().zip(&self.consulted))
            .filter(|&(_, &consulted)| consulted)
            .map(|(path, _)| (*path).to_string())
            .collect()
    }
}

/// What history is asked: a query for every listed page, and for every
/// configured section of one, worked out from the config and the list of
/// files alone, so the walk starts before any page is read. It may ask a
/// little more than the pages turn out to need (the creation of every
/// retrospective, a section a page turns out not to have); what is not
/// needed is not used.
///
/// `window` (the report's) asks every page and section for every change
/// since that time, not only the goals and carry-into pages the rules
/// collect for, in the same walk.
pub(crate) fn plan_queries(
    paths: &[&str],
    teams: &[Team],
    config: &Config,
    ruleset: &Ruleset,
    horizon: UnixTime,
    window: Option<UnixTime>,
) -> Plan {
    let carry_into = &ruleset.action_items.carry_into;
    let collects = |kind: &str| carry_into.iter().any(|k| k == kind) || kind == GOALS;
    let mut matchers = Matchers::new();
    // As the model decides a page's kind: the first slot it fills, unless
    // a team counts it among its retrospectives.
    let mut kinds: Vec<Option<&str>> = vec![None; paths.len()];
    let mut retro = vec![false; paths.len()];
    let mut sections: BTreeMap<(usize, &str), bool> = BTreeMap::new();
    let mut consulted = vec![false; paths.len()];
    let locations: Vec<(&str, PageLocation)> = teams
        .iter()
        .flat_map(|team| {
            ruleset.pages.keys().filter_map(|kind| {
                config
                    .page_location(team, kind, ruleset)
                    .map(|location| (kind.as_str(), location))
            })
        })
        .collect();
    // Only the weekly rules (HB502, HB503, off by default) date weekly
    // pages: asking for their creation sends the walk to it.
    let weekly_dated = config.rule_runs("HB502") || config.rule_runs("HB503");
    for (kind, location) in &locations {
        let matches = located(paths, location, &mut matchers);
        for &index in &matches {
            consulted[index] = true;
        }
        // Retros and weekly pages are dated by the commit that added them
        // when nothing else dates them.
        if *kind == RETROSPECTIVES || (weekly_dated && WEEKLY.contains(kind)) {
            for index in matches {
                retro[index] = true;
            }
            continue;
        }
        if let Some(&page) = matches.first() {
            kinds[page].get_or_insert(kind);
            if let Some(anchor) = &location.anchor {
                *sections.entry((page, anchor)).or_default() |=
                    carry_into.iter().any(|k| k == kind);
            }
        }
    }
    let mut queries: Vec<Query> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| Query {
            path: (*path).to_string(),
            anchor: None,
            want_created: retro[index],
            collect_since: widest(
                kinds[index]
                    .filter(|kind| !retro[index] && collects(kind))
                    .map(|_| horizon),
                window.filter(|_| !retro[index]),
            ),
            trail: false,
        })
        .collect();
    queries.extend(sections.into_iter().map(|((page, anchor), collect)| Query {
        path: paths[page].to_string(),
        anchor: Some(anchor.to_string()),
        want_created: false,
        collect_since: widest(collect.then_some(horizon), window),
        trail: false,
    }));
    Plan { queries, consulted }
}

/// The older of two times to collect changes back to, when either asks.
fn widest(rules: Option<UnixTime>, window: Option<UnixTime>) -> Option<UnixTime> {
    match (rules, window) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
