//! Page kinds a team keeps outside the handbook (`pages.<kind>: off` or
//! `{ external: … }`): no rule says anything about them, and a kind kept
//! elsewhere is named in a note.
#![cfg(test)]

use crate::base::finding::Finding;
use crate::rules::registry::RULES;
use crate::rules::testing::*;

/// Every rule's codes on the handbook, sorted: the rules the config runs,
/// as the engine runs them (the optional ones only when enabled).
fn codes(built: &Built) -> Vec<&'static str> {
    let mut findings: Vec<Finding> = built.input_findings.clone();
    for rule in RULES {
        if let Some(check) = rule.check
            && built.model.config.rule_runs(rule.code)
        {
            check(&built.model, &mut findings);
        }
    }
    let mut codes: Vec<&str> = findings.iter().map(|f| f.rule.code).collect();
    codes.sort_unstable();
    codes
}

fn config(extra: &str) -> String {
    format!("{}{extra}", crate::model::testing::CONFIG)
}

#[test]
fn retros_kept_in_a_document_tool_are_not_checked_and_the_note_says_where() {
    // No retro for iterations 3 and 4, and one the goals page never took in.
    let base = healthy_with(&[1, 2], &[1]).build();
    assert_eq!(codes(&base), ["HB102", "HB301", "HB304"]);
    let external = healthy_with(&[1, 2], &[1])
        .config(&config(
            "    pages:\n      retrospectives: { external: \"https://docs.example.com/search-retros\" }\n",
        ))
        .build();
    assert_eq!(codes(&external), ["HB102"]);
    assert_eq!(
        crate::rules::kept_elsewhere_notes(&external.model),
        [
            "team `search` keeps its retrospectives elsewhere (https://docs.example.com/search-retros): not checked"
        ]
    );
}

#[test]
fn a_global_opt_out_applies_to_every_team_and_a_team_can_take_it_back() {
    let global = format!(
        "pages:\n  retrospectives: off\n{}",
        crate::model::testing::CONFIG
    );
    let off = healthy_with(&[1, 2], &[1]).config(&global).build();
    assert_eq!(codes(&off), ["HB102"]);
    assert!(crate::rules::kept_elsewhere_notes(&off.model).is_empty());
    let back = format!("{global}    pages:\n      retrospectives: \"{{dir}}/retros/*.md\"\n");
    let taken_back = healthy_with(&[1, 2], &[1]).config(&back).build();
    assert_eq!(codes(&taken_back), ["HB102", "HB301", "HB304"]);
}

/// A team without a goals page by design: nothing about goals, and HB304
/// has no page to want the action items carried into (no roadmap either),
/// so it says nothing rather than blame a page that is not kept.
#[test]
fn goals_off_means_no_goals_findings_and_nothing_for_action_items_to_carry_into() {
    let thin = "---\nowner: alice\n---\n# Search goals\n\nSomeday.\n";
    let base = healthy_with(&[1, 2, 3, 4], &[]).page(GOALS, thin).build();
    assert_eq!(codes(&base), ["HB102", "HB103", "HB304", "HB304"]);
    let off = healthy_with(&[1, 2, 3, 4], &[])
        .page(GOALS, thin)
        .config(&config("    pages:\n      goals: off\n"))
        .build();
    assert_eq!(codes(&off), Vec::<&str>::new());
    let missing = healthy_with(&[1, 2, 3, 4], &[])
        .without(GOALS)
        .config(&config("    pages:\n      goals: off\n"))
        .build();
    assert_eq!(codes(&missing), Vec::<&str>::new(), "no HB101 either");
}

/// A place shared by several teams is one note naming them, and one shared
/// by every team says so: a global `external` is one line, not one a team.
#[test]
fn teams_that_keep_a_kind_in_one_place_share_one_note() {
    let teams = |ads: &str| {
        format!(
            "{}  ads:\n    dir: hb/ads\n    pm: alice\n    em: bob\n{ads}  web:\n    dir: hb/web\n    pm: alice\n    em: bob\n",
            crate::model::testing::CONFIG
        )
    };
    let global = format!(
        "pages:\n  retrospectives: {{ external: \"https://docs.example.com/retros\" }}\n{}",
        teams("")
    );
    let every = healthy_with(&[1, 2], &[1]).config(&global).build();
    assert_eq!(
        crate::rules::kept_elsewhere_notes(&every.model),
        [
            "every team (3) keeps its retrospectives elsewhere (https://docs.example.com/retros): not checked"
        ]
    );
    let ads_in_wiki = format!(
        "pages:\n  retrospectives: {{ external: \"https://docs.example.com/retros\" }}\n{}",
        teams("    pages: { retrospectives: { external: \"https://wiki.example.com/ads\" } }\n")
    );
    let split = healthy_with(&[1, 2], &[1]).config(&ads_in_wiki).build();
    assert_eq!(
        crate::rules::kept_elsewhere_notes(&split.model),
        [
            "teams `search`, `web` keep their retrospectives elsewhere (https://docs.example.com/retros): not checked",
            "team `ads` keeps its retrospectives elsewhere (https://wiki.example.com/ads): not checked",
        ]
    );
}
