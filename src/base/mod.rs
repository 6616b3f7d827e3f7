//! The leaf every stage stands on: findings and spans, rule metadata and
//! every code, time and the iteration calendar, repository-relative paths,
//! and the framing of the cache files. Imports nothing else of ours.

pub(crate) mod calendar;
pub(crate) mod codes;
pub(crate) mod finding;
pub(crate) mod framed;
pub(crate) mod fsread;
pub(crate) mod fswrite;
pub(crate) mod paths;
pub(crate) mod rule;
pub(crate) mod time;
