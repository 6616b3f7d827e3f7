//! The one table of rules, one line each. Codes are part of the interface:
//! never reuse or renumber one ([`crate::base::codes::ALL`] lists them, and a
//! test below keeps the two the same).

use super::{Rule, goals, input, optional, ownership, process, retro};
use crate::base::rule::RuleMeta;

pub(crate) static RULES: &[&Rule] = &[
    &input::CONFIG_INVALID,
    &input::FRONT_MATTER_INVALID,
    &input::UNKNOWN_PERSON,
    &input::HISTORY_UNAVAILABLE,
    &input::FILE_UNREADABLE,
    &input::SUPPRESSION_INVALID,
    &input::SUPPRESSION_UNUSED,
    &goals::GOALS_MISSING,
    &goals::GOALS_STALE,
    &goals::GOALS_INCOMPLETE,
    &process::PLANNING_PROCESS_MISSING,
    &process::PLANNING_PROCESS_STALE,
    &process::EXECUTION_PROCESS_MISSING,
    &process::EXECUTION_PROCESS_STALE,
    &retro::RETRO_MISSING,
    &retro::ACTION_ITEM_UNOWNED,
    &retro::ACTION_ITEM_OVERDUE,
    &retro::ACTION_ITEMS_NOT_CARRIED,
    &ownership::TEAM_ROLE_VACANT,
    &ownership::OWNER_ROLE_MISMATCH,
    &ownership::REQUIRED_PAGE_UNOWNED,
    &ownership::CODEOWNERS_ROLE_MISMATCH,
    &optional::JOB_SPEC_STALE,
    &optional::STATUS_REPORT_MISSING,
    &optional::PROGRESS_HIGHLIGHT_LATE,
];

/// A rule by code (`HB102`) or name (`goals-stale`), case-insensitively.
pub(crate) fn by_code(code: &str) -> Option<&'static RuleMeta> {
    let code = crate::base::codes::canonical(code)?;
    RULES
        .iter()
        .map(|rule| rule.meta)
        .find(|meta| meta.code == code)
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::base::codes::{ALL, OFF_BY_DEFAULT};

    #[test]
    fn the_code_list_below_every_stage_is_the_registry() {
        let registered: Vec<(&str, &str)> = RULES.iter().map(|r| (r.code, r.name)).collect();
        assert_eq!(registered, ALL);
    }

    /// The config decides what runs from the list below it: the rules
    /// declared `Off` are exactly the ones it lists, all of family
    /// `optional`.
    #[test]
    fn the_rules_off_by_default_are_the_listed_optional_ones() {
        let off: Vec<&str> = RULES
            .iter()
            .filter(|r| r.default_severity.is_none())
            .map(|r| r.code)
            .collect();
        assert_eq!(off, OFF_BY_DEFAULT);
        for rule in RULES {
            assert_eq!(
                rule.family == "optional",
                rule.default_severity.is_none(),
                "{}",
                rule.code
            );
        }
    }
}
