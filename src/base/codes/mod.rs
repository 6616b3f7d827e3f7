//! Every rule code, and the metadata of the input family (HB0xx), which the
//! stages that meet bad input raise (config, discover, history), so it sits
//! below them all. The other families are declared with their checks in
//! `rules/`; a test there checks that [`ALL`] lists exactly the registry.

mod config_invalid;
mod file_unreadable;
mod front_matter_invalid;
mod history_unavailable;
mod suppression_invalid;
mod suppression_unused;
mod unknown_person;

pub(crate) use config_invalid::CONFIG_INVALID;
pub(crate) use file_unreadable::FILE_UNREADABLE;
pub(crate) use front_matter_invalid::FRONT_MATTER_INVALID;
pub(crate) use history_unavailable::HISTORY_UNAVAILABLE;
pub(crate) use suppression_invalid::SUPPRESSION_INVALID;
pub(crate) use suppression_unused::SUPPRESSION_UNUSED;
pub(crate) use unknown_person::UNKNOWN_PERSON;

/// Every rule's code and name, in the registry's order. Codes are part of
/// the interface: never reuse or renumber one.
pub(crate) const ALL: &[(&str, &str)] = &[
    ("HB001", "config-invalid"),
    ("HB002", "front-matter-invalid"),
    ("HB003", "unknown-person"),
    ("HB004", "history-unavailable"),
    ("HB005", "file-unreadable"),
    ("HB006", "suppression-invalid"),
    ("HB007", "suppression-unused"),
    ("HB101", "goals-missing"),
    ("HB102", "goals-stale"),
    ("HB103", "goals-incomplete"),
    ("HB201", "planning-process-missing"),
    ("HB202", "planning-process-stale"),
    ("HB203", "execution-process-missing"),
    ("HB204", "execution-process-stale"),
    ("HB301", "retro-missing"),
    ("HB302", "action-item-unowned"),
    ("HB303", "action-item-overdue"),
    ("HB304", "action-items-not-carried"),
    ("HB401", "team-role-vacant"),
    ("HB402", "owner-role-mismatch"),
    ("HB403", "required-page-unowned"),
    ("HB404", "codeowners-role-mismatch"),
    ("HB501", "job-spec-stale"),
    ("HB502", "status-report-missing"),
    ("HB503", "progress-highlight-late"),
];

/// The optional rules: off unless the config gives them a severity. The
/// config reads this list (it sits below the rules); a test in `rules/`
/// checks it against the rules declared `Off`.
pub(crate) const OFF_BY_DEFAULT: &[&str] = &["HB501", "HB502", "HB503"];

/// Whether a rule is off unless the config enables it.
pub(crate) fn off_by_default(code: &str) -> bool {
    OFF_BY_DEFAULT.contains(&code)
}

/// The code a rule is known by, from its code (`HB102`) or name
/// (`goals-stale`), case-insensitively.
pub(crate) fn canonical(code_or_name: &str) -> Option<&'static str> {
    let wanted = code_or_name.trim();
    ALL.iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(wanted) || name.eq_ignore_ascii_case(wanted))
        .map(|(code, _)| *code)
}
