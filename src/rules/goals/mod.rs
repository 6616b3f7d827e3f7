//! HB1xx: the team's goals page, which the PM keeps current with progress at
//! the end of every iteration.

mod goals_incomplete;
mod goals_missing;
mod goals_stale;

pub use goals_incomplete::GOALS_INCOMPLETE;
pub use goals_missing::GOALS_MISSING;
pub use goals_stale::GOALS_STALE;
