//! The freshness cache under the repository's git directory
//! (`.git/handbook-lint/freshness.bin`).
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
//!   corrupted (its length and a CRC-32 cover the payload) is ignored and
//!   rebuilt.
//! - Writes go to a temporary file in the same directory, then an atomic
//!   rename: two runs at once each leave a whole, correct file, and a
//!   reader never sees half of one.
//! - The payload is postcard (a compact binary serde format): reading it
//!   costs a fraction of what parsing JSON would on a big handbook.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::framed::{CacheStatus, read_framed, write_framed};
use crate::base::time::UnixTime;
use crate::git::repo::Oid;
use crate::history::{Answer, Change, ManyPages, Query, Resolved};
use crate::parse::substance::Digest;

const FILE_NAME: &str = "freshness.bin";
// 4: sections carry their aliases (kramdown, GitLab, HTML anchors).
// 5: each entry keeps its page's blob at the cached commit.
// 6: a digest says whether it was made with its sections.
// 7: pages and sections not in the cached commit are kept too.
const FORMAT: u32 = 7;

/// One answer as cached: for a path (and section) at the cached commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CachedEntry {
    pub path: String,
    pub anchor: Option<String>,
    pub answer: Answer,
    pub created: Option<Change>,
    pub ignored: Option<Change>,
    pub covered_since: Option<UnixTime>,
    pub passed_over: u32,
    pub moved_from: Option<String>,
    /// The page's blob at the cached commit: the next run knows the blob
    /// of a page that did not change since without reading directories.
    pub blob: Option<[u8; 20]>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CacheFile {
    pub format: u32,
    pub fingerprint: String,
    pub head: String,
    pub entries: Vec<CachedEntry>,
    /// Substance digests of the pages' versions at `head` (by blob id, in
    /// hex) that the walk made: the next walk compares new commits against
    /// them without parsing them again.
    pub digests: Vec<(String, Digest)>,
    /// Commits that changed the words of many pages, for the notes.
    pub many_pages: Vec<ManyPages>,
}

/// What the walk found above the cached commit for one query.
#[derive(Default)]
pub(crate) struct Newer<'a> {
    pub changes: &'a [Change],
    pub ignored: Option<&'a Change>,
    pub created: Option<&'a Change>,
    pub passed_over: u32,
    pub moved_from: Option<&'a str>,
}

fn capped(change: &Change, cap: UnixTime) -> Change {
    Change {
        time: change.time.min(cap),
        ..change.clone()
    }
}

impl CachedEntry {
    /// What to remember of a run's answer. Only answers that later runs can
    /// trust are kept: an unreadable history may be repaired. A page or
    /// section not in the cached commit is kept too: without it every run
    /// on that commit would open the object store to find it missing again
    /// (a configured section a team's page lacks is common).
    pub(crate) fn from_answer(
        query: &Query,
        resolved: &Resolved,
        blob: Option<Oid>,
    ) -> Option<CachedEntry> {
        match resolved.answer {
            Answer::Changed(_) | Answer::Shallow { .. } | Answer::NotCommitted => {
                Some(CachedEntry {
                    path: query.path.clone(),
                    anchor: query.anchor.clone(),
                    answer: resolved.answer.clone(),
                    created: resolved.created.clone(),
                    ignored: resolved.ignored.clone(),
                    covered_since: resolved.covered_since,
                    passed_over: resolved.passed_over,
                    moved_from: resolved.moved_from.clone(),
                    blob: blob.and_then(|id| id.as_bytes().try_into().ok()),
                })
            }
            Answer::Unreadable { .. } => None,
        }
    }

    /// Whether the page (or section) was in the cached commit.
    pub(crate) fn was_committed(&self) -> bool {
        !matches!(self.answer, Answer::NotCommitted)
    }

    /// The page's blob at the cached commit, when the entry keeps it.
    pub(crate) fn blob(&self) -> Option<Oid> {
        self.blob.map(Oid::from)
    }

    /// Whether this entry answers `query`'s path and section.
    pub(crate) fn is_for(&self, query: &Query) -> bool {
        self.path == query.path && self.anchor == query.anchor
    }

    /// The answer for `query` when the cache describes HEAD itself: what
    /// [`CachedEntry::merge`] gives with nothing newer.
    pub(crate) fn settled(&self, query: &Query) -> Option<Resolved> {
        if !self.was_committed() {
            return Some(Resolved::new(Answer::NotCommitted));
        }
        self.merge(query, &Newer::default(), UnixTime::MAX)
    }

    /// Completes a query the walk followed down to the cached commit, where
    /// the page had this entry's path. `newer` are the changes the walk found
    /// above it; `cap` is the time of the commit above it (times below are
    /// capped by it). `None` when this entry cannot answer the query (a
    /// query still open there was in a newer commit: an entry saying it was
    /// not in the cached one does not answer it, the walk goes on).
    pub(crate) fn merge(&self, query: &Query, newer: &Newer, cap: UnixTime) -> Option<Resolved> {
        if query.want_created && newer.created.is_none() && self.created.is_none() {
            return None;
        }
        let ignored = newer
            .ignored
            .cloned()
            .or_else(|| self.ignored.as_ref().map(|c| capped(c, cap)));
        let created = newer
            .created
            .cloned()
            .or_else(|| self.created.as_ref().map(|c| capped(c, cap)));
        // Commits passed over above the cached commit count only while the
        // walk had found no change there; the cache's own count is below.
        let passed_over = if newer.changes.is_empty() {
            newer.passed_over + self.passed_over
        } else {
            newer.passed_over
        };
        let moved_from = if newer.changes.is_empty() {
            self.moved_from.as_deref().or(newer.moved_from)
        } else {
            newer.moved_from
        }
        .map(str::to_string);
        let newer_changes = newer.changes;
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
                let mut changes = newer_changes.to_vec();
                changes.extend(older.iter().map(|c| capped(c, cap)));
                Some(Resolved {
                    answer: Answer::Changed(changes),
                    created,
                    ignored,
                    covered_since: self.covered_since,
                    passed_over,
                    moved_from,
                    trail: Vec::new(),
                })
            }
            Answer::Shallow { boundary } => Some(Resolved {
                answer: if newer_changes.is_empty() {
                    Answer::Shallow {
                        boundary: boundary.clone(),
                    }
                } else {
                    Answer::Changed(newer_changes.to_vec())
                },
                created,
                ignored,
                covered_since: None,
                passed_over,
                moved_from,
                trail: Vec::new(),
            }),
            Answer::NotCommitted | Answer::Unreadable { .. } => None,
        }
    }
}

/// The freshness cache as a run finds it: where it lives, and what was read
/// there (or why nothing usable was). Read once, at the start of a run: the
/// commit it describes decides whether history is read early, its answers
/// serve the walk.
pub(crate) struct Stored {
    pub dir: PathBuf,
    pub file: Result<CacheFile, CacheStatus>,
}

impl Stored {
    /// The commit the cache describes, whatever settings it was written for.
    pub(crate) fn head(&self) -> Option<&str> {
        self.file.as_ref().ok().map(|file| file.head.as_str())
    }

    /// The cache's answers when they were written for these settings.
    pub(crate) fn for_settings(self, fingerprint: &str) -> Result<CacheFile, CacheStatus> {
        self.file.and_then(|file| {
            if file.fingerprint == fingerprint {
                Ok(file)
            } else {
                Err(CacheStatus::Stale)
            }
        })
    }
}

/// Reads the freshness cache in `dir`.
pub(crate) fn load(dir: &Path) -> Stored {
    let file = read_framed(dir, FILE_NAME).and_then(|framed| {
        // The format comes first: a file of another format is stale, not
        // corrupt, whatever follows it.
        match postcard::take_from_bytes::<u32>(framed.payload()) {
            Ok((FORMAT, _)) => {}
            Ok(_) => return Err(CacheStatus::Stale),
            Err(e) => return Err(CacheStatus::Corrupt(e.to_string())),
        }
        postcard::from_bytes(framed.payload()).map_err(|e| CacheStatus::Corrupt(e.to_string()))
    });
    Stored {
        dir: dir.to_path_buf(),
        file,
    }
}

/// A freshness cache to write in `dir`: the walk hands it back with its
/// answers, so the run can write it while it goes on with them.
pub(crate) struct Pending {
    pub dir: PathBuf,
    pub file: CacheFile,
}

impl Pending {
    /// Writes it. A cache that cannot be written only costs the next run
    /// time.
    pub(crate) fn write(self) {
        let _ = store(&self.dir, self.file);
    }
}

/// Writes the freshness cache atomically.
pub(crate) fn store(dir: &Path, file: CacheFile) -> std::io::Result<()> {
    let file = CacheFile {
        format: FORMAT,
        ..file
    };
    let payload = postcard::to_stdvec(&file).map_err(std::io::Error::other)?;
    write_framed(dir, FILE_NAME, &payload).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file this version cannot read because an older one wrote it (its
    /// layout changed with the format) is stale, not corrupt: the format
    /// comes first and is read on its own.
    #[test]
    fn a_file_of_another_format_is_stale() {
        #[derive(Serialize)]
        struct Older {
            format: u32,
            fingerprint: String,
        }
        let dir = tempfile::tempdir().expect("a directory");
        let older = Older {
            format: FORMAT - 1,
            fingerprint: "settings".to_string(),
        };
        let payload = postcard::to_stdvec(&older).expect("serialised");
        write_framed(dir.path(), FILE_NAME, &payload).expect("written");
        assert!(matches!(load(dir.path()).file, Err(CacheStatus::Stale)));
        // The same bytes under this format's number do not decode.
        let older = Older {
            format: FORMAT,
            ..older
        };
        let payload = postcard::to_stdvec(&older).expect("serialised");
        write_framed(dir.path(), FILE_NAME, &payload).expect("written");
        assert!(matches!(
            load(dir.path()).file,
            Err(CacheStatus::Corrupt(_))
        ));
    }
}
