//! HB0xx: input the tool could not use. Raised by the stage that meets the
//! bad input; the rest of the run goes on.

mod config_invalid;
mod file_unreadable;
mod front_matter_invalid;
mod history_unavailable;
mod suppression_invalid;
mod suppression_unused;
mod unknown_person;

pub use config_invalid::CONFIG_INVALID;
pub use file_unreadable::FILE_UNREADABLE;
pub use front_matter_invalid::FRONT_MATTER_INVALID;
pub use history_unavailable::HISTORY_UNAVAILABLE;
pub use suppression_invalid::SUPPRESSION_INVALID;
pub use suppression_unused::SUPPRESSION_UNUSED;
pub use unknown_person::{UNKNOWN_PERSON, check as check_unknown_person};
