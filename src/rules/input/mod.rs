//! HB0xx: input the tool could not use. Raised by the stage that meets the
//! bad input (their metadata is in [`crate::base::codes`], below every
//! stage); the rest of the run goes on. Only HB003 also has a check here.

mod unknown_person;

use crate::base::codes;
use crate::rules::Rule;

pub(crate) static CONFIG_INVALID: Rule = Rule::raised_by_stage(&codes::CONFIG_INVALID);
pub(crate) static FRONT_MATTER_INVALID: Rule = Rule::raised_by_stage(&codes::FRONT_MATTER_INVALID);
pub(crate) static UNKNOWN_PERSON: Rule = Rule {
    meta: &codes::UNKNOWN_PERSON,
    check: Some(unknown_person::check),
};
pub(crate) static HISTORY_UNAVAILABLE: Rule = Rule::raised_by_stage(&codes::HISTORY_UNAVAILABLE);
pub(crate) static FILE_UNREADABLE: Rule = Rule::raised_by_stage(&codes::FILE_UNREADABLE);
pub(crate) static SUPPRESSION_INVALID: Rule = Rule::raised_by_stage(&codes::SUPPRESSION_INVALID);
pub(crate) static SUPPRESSION_UNUSED: Rule = Rule::raised_by_stage(&codes::SUPPRESSION_UNUSED);

/// The input family's findings as the stages raise them on an in-memory
/// handbook: a failing and a passing case each, the failing one's report
/// snapshotted. HB004 (history) and HB005 (files) need git or a file
/// system: they are in `tests/rules.rs`, `tests/history.rs` and
/// `tests/cli.rs`.
#[cfg(test)]
mod tests {
    use crate::base::finding::Finding;
    use crate::model::build::page_texts;
    use crate::rules::registry::RULES;
    use crate::rules::suppress;
    use crate::rules::testing::*;

    /// Every finding of the run with `code`: the stages' (config, parse),
    /// the rules', and the suppressions' own.
    fn raised(built: &Built, code: &str) -> Vec<Finding> {
        let mut findings = built.input_findings.clone();
        for rule in RULES {
            if let Some(check) = rule.check
                && built.model.config.rule_runs(rule.code)
            {
                check(&built.model, &mut findings);
            }
        }
        suppress::apply(&mut findings, &page_texts(&built.model.pages), |code| {
            !built.model.config.rule_runs(code)
        });
        findings.retain(|f| f.rule.code == code);
        findings.sort_by(Finding::report_order);
        findings
    }

    fn report(built: &Built, code: &str) -> String {
        let findings = raised(built, code);
        assert!(!findings.is_empty(), "{code} found nothing");
        render(&findings, built)
    }

    #[test]
    fn config_invalid_fails_for_an_unknown_rule_code_with_a_suggestion() {
        let built = healthy()
            .config_tail("severity:\n  HB1022: warning\n")
            .build();
        insta::assert_snapshot!(report(&built, "HB001"));
    }

    #[test]
    fn config_invalid_passes_for_a_known_code() {
        let built = healthy()
            .config_tail("severity:\n  HB102: warning\n")
            .build();
        assert!(raised(&built, "HB001").is_empty());
    }

    #[test]
    fn front_matter_invalid_fails_for_an_unquoted_handle() {
        let page = goals("Kicked off.").replace("owner: alice", "owner: @alice");
        let built = healthy().page(GOALS, &page).build();
        insta::assert_snapshot!(report(&built, "HB002"));
    }

    #[test]
    fn front_matter_invalid_passes_for_a_quoted_handle() {
        let page = goals("Kicked off.").replace("owner: alice", "owner: \"@alice\"");
        assert!(raised(&healthy().page(GOALS, &page).build(), "HB002").is_empty());
    }

    #[test]
    fn suppression_invalid_fails_for_an_unknown_code() {
        let page = format!("{}<!-- handbook-lint-disable-file HB999 -->\n", goals("x"));
        let built = healthy().page(GOALS, &page).build();
        insta::assert_snapshot!(report(&built, "HB006"));
    }

    #[test]
    fn suppression_unused_fails_for_a_suppression_with_nothing_to_suppress() {
        let page = format!("{}<!-- handbook-lint-disable-file HB102 -->\n", goals("x"));
        let built = healthy().page(GOALS, &page).build();
        insta::assert_snapshot!(report(&built, "HB007"));
    }

    /// A rule the config turns off finds nothing: a suppression of it
    /// alone is not "unused" (the config, not the page, silenced it), one
    /// that also names a rule that runs still is.
    #[test]
    fn a_suppression_of_a_rule_turned_off_is_not_unused() {
        let page = format!("{}<!-- handbook-lint-disable-file HB102 -->\n", goals("x"));
        let built = healthy_with(&[1, 2, 3, 4], &[1, 2])
            .config_tail("severity: { HB102: off }\n")
            .page(GOALS, &page)
            .build();
        assert!(raised(&built, "HB102").is_empty());
        assert!(raised(&built, "HB007").is_empty());
        let page = format!(
            "{}<!-- handbook-lint-disable-file HB102 HB103 -->\n",
            goals("x")
        );
        let built = healthy()
            .config_tail("severity: { HB102: off }\n")
            .page(GOALS, &page)
            .build();
        assert_eq!(raised(&built, "HB007").len(), 1);
    }

    #[test]
    fn suppressions_that_suppress_pass_both() {
        // The goals page missed iteration 4: its HB102 is what is suppressed.
        let page = format!(
            "{}<!-- handbook-lint-disable-file goals-stale -->\n",
            goals("x")
        );
        let built = healthy_with(&[1, 2, 3, 4], &[1, 2])
            .page(GOALS, &page)
            .build();
        assert!(raised(&built, "HB102").is_empty(), "suppressed");
        assert!(raised(&built, "HB006").is_empty());
        assert!(raised(&built, "HB007").is_empty());
    }
}
