//! handbook-lint: makes a team handbook's ownership rules executable.
//!
//! The pipeline runs in one direction, each stage a module with a plain
//! data type at its boundary, and imports point one way, down this list
//! (a contract test, `tests/architecture.rs`, holds it):
//!
//! [`base`] (the leaf) → [`git`] → [`config`] → [`parse`] → [`discover`] →
//! [`history`] → [`model`] → [`rules`] → [`report`] → [`engine`] (the
//! stages in order) → [`app`] (the commands).

pub mod app;
pub mod base;
pub mod config;
pub mod discover;
pub mod engine;
pub mod git;
pub mod history;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
