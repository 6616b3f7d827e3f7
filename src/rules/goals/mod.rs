//! HB1xx: the team's goals page, which the PM keeps current with progress at
//! the end of every iteration.

mod goals_incomplete;
mod goals_missing;
pub(crate) mod goals_stale;

pub(crate) use goals_incomplete::GOALS_INCOMPLETE;
pub(crate) use goals_missing::GOALS_MISSING;
pub(crate) use goals_stale::GOALS_STALE;
