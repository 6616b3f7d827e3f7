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

/// Frees `value` on a thread of its own: what a walk kept (thousands of
/// trees, digests, cached objects) took milliseconds to free, on the way to
/// the report. A thread that cannot be started frees it here.
pub(crate) fn free_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
