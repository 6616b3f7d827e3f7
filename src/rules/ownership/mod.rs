//! HB4xx: who is accountable. Every team needs a PM and an EM, and each page
//! is owned by the person in the role the ruleset makes responsible for it.

mod owner_role_mismatch;
mod team_role_vacant;

pub use owner_role_mismatch::{OWNER_ROLE_MISMATCH, check as check_owner_role_mismatch};
pub use team_role_vacant::{TEAM_ROLE_VACANT, check as check_team_role_vacant};
