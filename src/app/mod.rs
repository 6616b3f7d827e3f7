//! The commands: the command line, what a report covers (`--diff-base`,
//! baselines), the git hook, and the demo.

pub mod cli;
pub mod demo;
pub mod hook;
pub mod scope;
