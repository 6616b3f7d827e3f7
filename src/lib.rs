//! handbook-lint: makes a team handbook's ownership rules executable.
//!
//! The pipeline runs in one direction, each stage a module with a plain
//! data type at its boundary:
//! [`discover`] → [`parse`] → [`history`] → [`model`] → [`rules`] →
//! [`report`], wired together by [`engine`].

pub mod cache;
pub mod calendar;
pub mod cli;
pub mod codeowners;
pub mod config;
pub mod demo;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod formats;
pub mod history;
pub mod hook;
pub mod model;
pub mod pagecache;
pub mod parse;
pub mod progress;
pub mod repo_builder;
pub mod report;
pub mod rules;
pub mod ruleset;
pub mod scope;
pub mod stamp;
pub mod suppress;
pub mod time;
pub mod trees;
pub mod yaml;
