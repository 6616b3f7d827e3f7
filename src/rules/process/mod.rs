//! HB2xx: the iteration-process pages the EM keeps current — how the team
//! plans iterations and how it executes them.

mod execution_process_missing;
mod execution_process_stale;
mod planning_process_missing;
mod planning_process_stale;

pub(crate) use execution_process_missing::EXECUTION_PROCESS_MISSING;
pub(crate) use execution_process_stale::EXECUTION_PROCESS_STALE;
pub(crate) use planning_process_missing::PLANNING_PROCESS_MISSING;
pub(crate) use planning_process_stale::PLANNING_PROCESS_STALE;
