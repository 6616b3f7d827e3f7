//! handbook-lint: makes a team handbook's ownership rules executable.
//!
//! The pipeline runs in one direction, each stage a module with a plain
//! data type at its boundary, and a module uses only the stages before it
//! in this list (a contract test, `tests/architecture.rs`, holds it):
//!
//! `base` (the leaf) → `git` → `config` → `parse` → `discover` → `history`
//! → `model` → `rules` → `report` → `engine` (the stages in order) → `app`
//! (the commands).
//!
//! Every stage is private: the library's interface is [`run`], and
//! [`testing`] for the tests and the benchmark. The README's "How it works"
//! says what each stage does.

mod app;
mod base;
mod config;
mod discover;
mod engine;
mod git;
mod history;
mod model;
mod parse;
mod report;
mod rules;

/// The command line: what `main` runs. Returns the exit code, or the error
/// that stopped the run (exit code 2).
pub use app::cli::run;

#[doc(hidden)]
pub mod testing;
