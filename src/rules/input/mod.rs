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
