//! The leaf every stage stands on: findings and spans, rule metadata and
//! every code, time and the iteration calendar, repository-relative paths,
//! and the framing of the cache files. Imports nothing else of ours.

pub mod calendar;
pub mod codes;
pub mod finding;
pub mod framed;
pub mod paths;
pub mod rule;
pub mod time;
