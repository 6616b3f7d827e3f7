//! The one table of rules. Codes are part of the interface: never reuse or
//! renumber one.

use super::{Rule, RuleMeta, goals, input, ownership, process, retro};

pub static RULES: &[Rule] = &[
    Rule {
        meta: &input::CONFIG_INVALID,
        check: None,
    },
    Rule {
        meta: &input::FRONT_MATTER_INVALID,
        check: None,
    },
    Rule {
        meta: &input::UNKNOWN_PERSON,
        check: Some(input::check_unknown_person),
    },
    Rule {
        meta: &input::HISTORY_UNAVAILABLE,
        check: None,
    },
    Rule {
        meta: &input::FILE_UNREADABLE,
        check: None,
    },
    Rule {
        meta: &input::SUPPRESSION_INVALID,
        check: None,
    },
    Rule {
        meta: &input::SUPPRESSION_UNUSED,
        check: None,
    },
    Rule {
        meta: &goals::GOALS_MISSING,
        check: Some(goals::check_missing),
    },
    Rule {
        meta: &goals::GOALS_STALE,
        check: Some(goals::check_stale),
    },
    Rule {
        meta: &goals::GOALS_INCOMPLETE,
        check: Some(goals::check_incomplete),
    },
    Rule {
        meta: &process::PLANNING_PROCESS_MISSING,
        check: Some(process::check_planning_missing),
    },
    Rule {
        meta: &process::PLANNING_PROCESS_STALE,
        check: Some(process::check_planning_stale),
    },
    Rule {
        meta: &process::EXECUTION_PROCESS_MISSING,
        check: Some(process::check_execution_missing),
    },
    Rule {
        meta: &process::EXECUTION_PROCESS_STALE,
        check: Some(process::check_execution_stale),
    },
    Rule {
        meta: &retro::RETRO_MISSING,
        check: Some(retro::check_missing),
    },
    Rule {
        meta: &retro::ACTION_ITEM_UNOWNED,
        check: Some(retro::check_unowned),
    },
    Rule {
        meta: &retro::ACTION_ITEM_OVERDUE,
        check: Some(retro::check_overdue),
    },
    Rule {
        meta: &retro::ACTION_ITEMS_NOT_CARRIED,
        check: Some(retro::check_not_carried),
    },
    Rule {
        meta: &ownership::TEAM_ROLE_VACANT,
        check: Some(ownership::check_team_role_vacant),
    },
    Rule {
        meta: &ownership::OWNER_ROLE_MISMATCH,
        check: Some(ownership::check_owner_role_mismatch),
    },
    Rule {
        meta: &ownership::REQUIRED_PAGE_UNOWNED,
        check: Some(ownership::check_required_page_unowned),
    },
    Rule {
        meta: &ownership::CODEOWNERS_ROLE_MISMATCH,
        check: Some(ownership::check_codeowners_role_mismatch),
    },
];

/// A rule by code (`HB102`) or name (`goals-stale`), case-insensitively.
pub fn by_code(code: &str) -> Option<&'static RuleMeta> {
    let code = code.trim();
    RULES
        .iter()
        .map(|rule| rule.meta)
        .find(|meta| meta.code.eq_ignore_ascii_case(code) || meta.name.eq_ignore_ascii_case(code))
}
