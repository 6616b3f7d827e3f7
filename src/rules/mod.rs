//! The rules: one file each, its doc comment beside it, registered in
//! [`registry::RULES`].
//!
//! Rules read the [`Handbook`] model only; they never touch git or the file
//! system. The input family (HB0xx) has no check function: those findings
//! are raised by the stage that meets the bad input.

use crate::base::finding::Finding;
use crate::base::rule::RuleMeta;
use crate::model::Handbook;

#[cfg(test)]
mod contracts;
pub(crate) mod goals;
pub(crate) mod input;
#[cfg(test)]
mod opt_outs;
pub(crate) mod optional;
pub(crate) mod ownership;
pub(crate) mod process;
pub(crate) mod registry;
pub(crate) mod retro;
pub(crate) mod suppress;
#[cfg(test)]
mod testing;

pub(crate) type Check = fn(&Handbook, &mut Vec<Finding>);

/// A rule: its metadata and its check, declared together by
/// [`declare_rule!`] so they cannot be paired wrongly.
/// The input family has no check: those findings are raised by the stage
/// that meets the bad input.
pub(crate) struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Option<Check>,
}

impl Rule {
    /// An input-family rule: raised by a stage, no check of its own.
    pub(crate) const fn raised_by_stage(meta: &'static RuleMeta) -> Rule {
        Rule { meta, check: None }
    }
}

impl std::ops::Deref for Rule {
    type Target = RuleMeta;

    fn deref(&self) -> &RuleMeta {
        self.meta
    }
}

/// Declares a rule's metadata from its doc comment, with its check:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub static GOALS_STALE = ("HB102", "goals-stale", "goals", Error, "one line"), check;
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub static $ident:ident = ($code:literal, $name:literal, $family:literal, $severity:ident, $summary:literal $(,)?), $check:path;
    ) => {
        $(#[doc = $doc])+
        pub(crate) static $ident: $crate::rules::Rule = $crate::rules::Rule {
            meta: &$crate::base::rule::rule_meta_value!([$($doc)+] $code, $name, $family, $severity, $summary),
            check: Some($check),
        };
    };
}

pub(crate) use declare_rule;

use std::collections::BTreeMap;

use crate::base::time::{day_of, rfc3339};
use crate::model::{Slot, TeamModel};
use crate::parse::anchors;

/// HB101, HB201, HB203: a required page kind has no page for a team.
/// Points at the team's config entry, names where the page was expected.
pub(crate) fn report_missing(
    model: &Handbook,
    kind: &str,
    rule: &'static RuleMeta,
    findings: &mut Vec<Finding>,
) {
    if model.ruleset.pages.get(kind).is_some_and(|k| k.required) {
        report_absent(model, kind, rule, findings);
    }
}

/// Every team with no page (or section) of `kind` where it should be,
/// required by the ruleset or not: [`report_missing`] for required kinds,
/// HB501 for the job spec, which only an enabled optional rule asks for.
pub(crate) fn report_absent(
    model: &Handbook,
    kind: &str,
    rule: &'static RuleMeta,
    findings: &mut Vec<Finding>,
) {
    for team in &model.teams {
        let Some(Slot::Missing { location, page }) = team.slots.get(kind) else {
            continue;
        };
        let what = kind_label(kind);
        let misnamed = page
            .is_none()
            .then(|| model.misnamed.get(&location.pattern))
            .flatten();
        let message = match (page, &location.anchor) {
            (Some(page), Some(anchor)) => format!(
                "team `{}` has no {what}: `{}` has no `#{anchor}` section (its anchors: {})",
                team.name,
                model.pages[*page].path,
                anchors::listed(&model.pages[*page].doc.headings)
            ),
            _ => match misnamed {
                Some(file) if *file == location.pattern => format!(
                    "team `{}` has no {what}: `{file}` is not read as a page",
                    team.name
                ),
                Some(file) => format!(
                    "team `{}` has no {what}: `{}` does not exist, `{file}` is not read as a page",
                    team.name, location.pattern
                ),
                None => format!(
                    "team `{}` has no {what}: `{}` does not exist",
                    team.name, location.pattern
                ),
            },
        };
        let nearest = page
            .zip(location.anchor.as_deref())
            .and_then(|(page, anchor)| anchors::nearest(&model.pages[page].doc.headings, anchor));
        let help = match (&location.anchor, nearest, misnamed) {
            (_, _, Some(file)) => format!(
                "`{file}` is there, but its extension is not a page's: add it to `page-extensions` in handbook-lint.yaml (now {}), or point `pages.{kind}` at the page",
                model.config.page_extensions.as_slice().join(", ")
            ),
            (Some(anchor), Some(nearest), None) => format!(
                "did you mean `#{nearest}`? Otherwise add a heading whose anchor is `{anchor}` to `{}`, or point `pages.{kind}` in handbook-lint.yaml at where the {what} lives",
                location.pattern
            ),
            (Some(anchor), None, None) if page.is_some() => format!(
                "add a heading whose anchor is `{anchor}` to `{}`, or point `pages.{kind}` in handbook-lint.yaml at where the {what} lives",
                location.pattern
            ),
            (Some(anchor), None, None) => format!(
                "create `{}` with a heading whose anchor is `{anchor}`, or point `pages.{kind}` in handbook-lint.yaml at where the {what} lives",
                location.pattern
            ),
            (None, _, None) => format!(
                "create `{}`, or point `pages.{kind}` in handbook-lint.yaml at where the {what} lives",
                location.pattern
            ),
        };
        let (path, span) = model.team_location(team);
        findings.push(
            Finding::new(rule, message)
                .at(path, span)
                .label(format!("no {what}"))
                .help(help)
                .why(model.ruleset.page_quote(kind))
                .team(team.name.clone())
                .about(match page {
                    Some(page) => model.pages[*page].path.clone(),
                    None => location.pattern.clone(),
                }),
        );
    }
}

/// A page's (or section's) age at `today`, by its freshness stamp.
pub(crate) struct Age {
    pub stamp: crate::model::Stamp,
    pub days: i64,
    /// Older than its maximum age, as HB202/HB204 judge it.
    pub stale: bool,
}

/// The age of a page (or section) with a maximum age; `None` when it has
/// no stamp at all.
pub(crate) fn age(
    model: &Handbook,
    freshness: &crate::model::Freshness,
    max_age: u32,
) -> Option<Age> {
    let stamp = freshness.stamp()?;
    let days = (model.today - day_of(stamp.time)).num_days();
    // Without certain history the stamp is only a lower bound: fresh if
    // it is recent enough, otherwise no verdict (HB004 says why).
    let stale = days > i64::from(max_age) && freshness.is_certain();
    Some(Age { stamp, days, stale })
}

/// HB202, HB204: a process page (or section) unchanged for longer than its
/// maximum age.
pub(crate) fn report_stale(
    model: &Handbook,
    kind: &str,
    rule: &'static RuleMeta,
    findings: &mut Vec<Finding>,
) {
    let Some(max_age) = model.max_age_days(kind) else {
        return;
    };
    for team in &model.teams {
        let Some(slot) = team.slots.get(kind) else {
            continue;
        };
        let (Some(freshness), Some(page)) = (model.slot_freshness(slot), slot.page()) else {
            continue;
        };
        let Some(Age {
            stamp,
            days: age_days,
            stale: true,
        }) = age(model, freshness, max_age)
        else {
            continue;
        };
        let page = &model.pages[page];
        let target = match slot {
            Slot::Found {
                section: Some(section),
                ..
            } => format!("`{}#{}`", page.path, section.anchor),
            _ => format!("`{}`", page.path),
        };
        findings.push(
            Finding::new(
                rule,
                format!(
                    "the {} {target} was last updated {}, {age_days} days ago (the limit is {max_age})",
                    kind_label(kind),
                    describe_stamp(&stamp),
                ),
            )
            .at(page.path.clone(), model.slot_span(slot))
            .label(format!("unchanged for {age_days} days"))
            .help(format!(
                "review the process this page describes and update it; if it is still accurate, add `reviewed: {}` to the front matter",
                model.today
            ))
            .why(model.ruleset.page_quote(kind))
            .team(team.name.clone()),
        );
    }
}

/// The configured location of a team's pages of a kind, quoted for a help
/// text (`` `hb/search/retros/*.md` ``).
pub(crate) fn location_pattern(model: &Handbook, team: &TeamModel, kind: &str) -> Option<String> {
    let configured = model.config.teams.iter().find(|t| t.name == team.name)?;
    let location = model
        .config
        .page_location(configured, kind, &model.ruleset)?;
    Some(format!("`{}`", location.pattern))
}

/// A rule's verdict on one past iteration, as `check` gave it on the day
/// that iteration completed: what the report's grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The expectation was met.
    Met,
    /// It was not: the rule reported it.
    Missed,
    /// The page the expectation needs was not there then.
    NoPage,
    /// Nothing was due (before the team's start, a kind kept elsewhere).
    NotDue,
    /// History cannot say.
    Unknown,
}

/// "2026-03-02 in commit 1a2b3c4", "2026-03-02 by its reviewed: stamp".
pub(crate) fn describe_stamp(stamp: &crate::model::Stamp) -> String {
    let day = day_of(stamp.time);
    match &stamp.source {
        crate::model::Source::Git { commit } => {
            format!("{day} in commit {}", commit.get(..7).unwrap_or(commit))
        }
        crate::model::Source::Reviewed => format!("{day} by its reviewed: stamp"),
        crate::model::Source::WorkingTree => format!("{}, not committed yet", rfc3339(stamp.time)),
        crate::model::Source::Staged => format!("{}, staged now", rfc3339(stamp.time)),
    }
}

/// How a page kind reads in a sentence.
pub(crate) fn kind_label(kind: &str) -> String {
    match kind {
        crate::config::ruleset::GOALS => "goals page".to_string(),
        crate::config::ruleset::PLANNING => "iteration-planning process page".to_string(),
        crate::config::ruleset::EXECUTION => "iteration-execution process page".to_string(),
        crate::config::ruleset::RETROSPECTIVES => "retrospective".to_string(),
        crate::config::ruleset::STATUS_REPORTS => "weekly status report".to_string(),
        crate::config::ruleset::PROGRESS_HIGHLIGHTS => "weekly progress highlight".to_string(),
        other => format!("{} page", other.replace('-', " ")),
    }
}

/// The longest external location a note repeats: the config is the
/// repository's, and a note is one line.
const NOTE_PLACE_CHARS: usize = 120;

/// One note per page kind and place kept outside the handbook with
/// `external`: the report says where those pages live and that they were
/// not checked. (`off` says nobody keeps them: nothing to point at.)
pub(crate) fn kept_elsewhere_notes(model: &Handbook) -> Vec<String> {
    // Teams that keep a kind in the same place share one note: a global
    // `pages.retrospectives: { external: … }` is one sentence, not one per
    // team.
    let mut places: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for team in &model.teams {
        for (kind, out) in &team.opted_out {
            if let crate::config::OptOut::External(place) = out {
                places
                    .entry((kind.as_str(), place.as_str()))
                    .or_default()
                    .push(team.name.as_str());
            }
        }
    }
    places
        .into_iter()
        .map(|((kind, place), teams)| {
            let what = match kind {
                crate::config::ruleset::RETROSPECTIVES => "retrospectives".to_string(),
                other => kind_label(other),
            };
            let place = match place.char_indices().nth(NOTE_PLACE_CHARS) {
                Some((cut, _)) => format!("{}…", &place[..cut]),
                None => place.to_string(),
            };
            let who = match teams.as_slice() {
                [one] => format!("team `{one}` keeps its"),
                _ if teams.len() == model.teams.len() => {
                    format!("every team ({}) keeps its", teams.len())
                }
                many => format!(
                    "teams {} keep their",
                    many.iter()
                        .map(|team| format!("`{team}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!("{who} {what} elsewhere ({place}): not checked")
        })
        .collect()
}

/// Teams the ownership rules can judge: configured ones, not ones found by
/// convention (those have no roster).
pub(crate) fn configured_teams(model: &Handbook) -> impl Iterator<Item = &TeamModel> {
    model.teams.iter().filter(|_| !model.config.conventional)
}
