//! The commands: the command line, what a report covers (`--diff-base`,
//! baselines), the git hook, and the demo.

pub(crate) mod cli;
pub(crate) mod demo;
pub(crate) mod hook;
pub(crate) mod init;
pub(crate) mod report;
pub(crate) mod scope;
pub(crate) mod why;
