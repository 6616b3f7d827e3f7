//! The freshness cache under the repository's git directory
//! (`.git/handbook-lint/freshness.json`).
//!
//! It holds the answers of the last run, keyed by the commit they describe
//! and by everything that decides what counts as a change (the ignore-revs
//! list, the sweep limit, the handbook directory, the tool's version). The
//! next walk stops when it reaches that commit and takes the rest from here,
//! so a run with no new commits walks nothing and one with ten new commits
//! walks ten.
//!
//! Safety over speed, always:
//! - A rewritten history (force push, rebase) is detected by the walk
//!   never meeting the cached commit: it simply walks on, as with no cache.
//! - A file from another version, for other settings, truncated or
//!   corrupted (a checksum covers the payload) is ignored and rebuilt.
//! - Writes go to a temporary file in the same directory, then an atomic
//!   rename: two runs at once each leave a whole, correct file, and a
//!   reader never sees half of one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::history::{Answer, Change, Query, Resolved};
use crate::time::UnixTime;

const FILE_NAME: &str = "freshness.json";
const FORMAT: u32 = 1;

/// How the cache served a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CacheStatus {
    /// `--no-cache`, or nowhere to keep one.
    #[default]
    Disabled,
    /// No cache yet.
    Cold,
    /// The cached commit is HEAD: nothing walked.
    Warm,
    /// Walked this many new commits, then used the cache.
    Incremental { commits: usize },
    /// The cache did not answer what this run asks (new pages, another
    /// horizon); those were walked.
    Miss,
    /// The cached commit is not on the mainline any more.
    Rewritten,
    /// Written for other settings or another version: rebuilt.
    Stale,
    /// Unreadable, truncated or failing its checksum: rebuilt.
    Corrupt(String),
}

impl CacheStatus {
    pub fn describe(&self) -> String {
        match self {
            CacheStatus::Disabled => "disabled".to_string(),
            CacheStatus::Cold => "cold".to_string(),
            CacheStatus::Warm => "warm".to_string(),
            CacheStatus::Incremental { commits } => format!("incremental ({commits} new commits)"),
            CacheStatus::Miss => "miss".to_string(),
            CacheStatus::Rewritten => "rewritten history".to_string(),
            CacheStatus::Stale => "stale settings".to_string(),
            CacheStatus::Corrupt(reason) => format!("corrupt ({reason})"),
        }
    }
}

/// One answer as cached: for a path (and section) at the cached commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedEntry {
    pub path: String,
    pub anchor: Option<String>,
    pub answer: Answer,
    pub created: Option<Change>,
    pub ignored: Option<Change>,
    pub covered_since: Option<UnixTime>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CacheFile {
    pub format: u32,
    pub fingerprint: String,
    pub head: String,
    pub entries: Vec<CachedEntry>,
}

fn capped(change: &Change, cap: UnixTime) -> Change {
    Change {
        time: change.time.min(cap),
        ..change.clone()
    }
}

impl CachedEntry {
    /// What to remember of a run's answer. Only answers that later runs can
    /// trust are kept: an unreadable history may be repaired.
    pub fn from_answer(query: &Query, resolved: &Resolved) -> Option<CachedEntry> {
        match resolved.answer {
            Answer::Changed(_) | Answer::Shallow { .. } => Some(CachedEntry {
                path: query.path.clone(),
                anchor: query.anchor.clone(),
                answer: resolved.answer.clone(),
                created: resolved.created.clone(),
                ignored: resolved.ignored.clone(),
                covered_since: resolved.covered_since,
            }),
            Answer::NotCommitted | Answer::Unreadable { .. } => None,
        }
    }

    /// Completes a query the walk followed down to the cached commit, where
    /// the page had this entry's path. `newer` are the changes the walk found
    /// above it; `cap` is the time of the commit above it (times below are
    /// capped by it). `None` when this entry cannot answer the query.
    pub fn merge(
        &self,
        query: &Query,
        newer: &[Change],
        newer_ignored: Option<&Change>,
        newer_created: Option<&Change>,
        cap: UnixTime,
    ) -> Option<Resolved> {
        if query.want_created && newer_created.is_none() && self.created.is_none() {
            return None;
        }
        let ignored = newer_ignored
            .cloned()
            .or_else(|| self.ignored.as_ref().map(|c| capped(c, cap)));
        let created = newer_created
            .cloned()
            .or_else(|| self.created.as_ref().map(|c| capped(c, cap)));
        match &self.answer {
            Answer::Changed(older) => {
                if older.is_empty() {
                    return None;
                }
                if let Some(since) = query.collect_since {
                    // Every change at or after `since` must be known.
                    if self.covered_since.is_none_or(|covered| covered > since) {
                        return None;
                    }
                }
                let mut changes = newer.to_vec();
                changes.extend(older.iter().map(|c| capped(c, cap)));
                Some(Resolved {
                    answer: Answer::Changed(changes),
                    created,
                    ignored,
                    covered_since: self.covered_since,
                })
            }
            Answer::Shallow { boundary } => Some(Resolved {
                answer: if newer.is_empty() {
                    Answer::Shallow {
                        boundary: boundary.clone(),
                    }
                } else {
                    Answer::Changed(newer.to_vec())
                },
                created,
                ignored,
                covered_since: None,
            }),
            Answer::NotCommitted | Answer::Unreadable { .. } => None,
        }
    }
}

/// Where the cache of a repository lives: inside its git directory, never
/// in the working tree.
pub fn directory(git_dir: &Path) -> PathBuf {
    git_dir.join("handbook-lint")
}

/// A 64-bit FNV-1a checksum: enough to tell a damaged file from a whole
/// one; the cache is not a security boundary.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Reads the cache; `Err` says why it cannot be used (and the run rebuilds).
pub fn load(dir: &Path, fingerprint: &str) -> Result<CacheFile, CacheStatus> {
    let path = dir.join(FILE_NAME);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(CacheStatus::Cold);
        }
        Err(error) => return Err(CacheStatus::Corrupt(error.to_string())),
    };
    let corrupt = |reason: &str| CacheStatus::Corrupt(reason.to_string());
    let newline = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| corrupt("no header"))?;
    let header = std::str::from_utf8(&bytes[..newline]).map_err(|_| corrupt("bad header"))?;
    let expected = header
        .strip_prefix("handbook-lint-cache ")
        .and_then(|rest| u64::from_str_radix(rest.trim(), 16).ok())
        .ok_or_else(|| corrupt("bad header"))?;
    let payload = &bytes[newline + 1..];
    if checksum(payload) != expected {
        return Err(corrupt("checksum mismatch"));
    }
    let file: CacheFile = serde_json::from_slice(payload).map_err(|e| corrupt(&e.to_string()))?;
    if file.format != FORMAT || file.fingerprint != fingerprint {
        return Err(CacheStatus::Stale);
    }
    Ok(file)
}

/// Writes the cache atomically.
pub fn store(
    dir: &Path,
    fingerprint: &str,
    head: &str,
    entries: Vec<CachedEntry>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = CacheFile {
        format: FORMAT,
        fingerprint: fingerprint.to_string(),
        head: head.to_string(),
        entries,
    };
    let payload = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    writeln!(temp, "handbook-lint-cache {:016x}", checksum(&payload))?;
    temp.write_all(&payload)?;
    temp.as_file().sync_all()?;
    temp.persist(dir.join(FILE_NAME)).map_err(|e| e.error)?;
    Ok(())
}
