//! What `stat` says of a file, to tell whether it changed since a run read
//! it, as git's index does for `git status`.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A file's size, times, inode and mode. Two equal stamps mean the file was
/// not written in between, provided the first was taken at least a clock
/// tick after the write before it (see [`FileStamp::settled_before`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileStamp {
    pub size: u64,
    pub mtime: (i64, u32),
    pub ctime: (i64, u32),
    pub inode: u64,
    pub mode: u32,
}

/// A file system's timestamps are only as fine as the clock that sets them
/// (Linux's coarse clock ticks every few milliseconds; FAT keeps two
/// seconds, HFS+ one): a file written twice within one tick keeps its time.
/// A stamp is trusted only when its file was last written at least a tick
/// before the stamp was taken; a younger file is read again. Files whose
/// times have no fraction of a second are taken to live on a file system
/// with whole-second times.
pub(crate) const FINE_TICK: Duration = Duration::from_millis(50);
pub(crate) const COARSE_TICK: Duration = Duration::from_secs(2);

/// The ticks, or `HANDBOOK_LINT_SETTLE_MS` for both: tests that check the
/// cache serves files they have just written set it to 0 (on a file system
/// with fine timestamps) instead of waiting.
fn ticks() -> (Duration, Duration) {
    static SETTLE_MS: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    let fixed = SETTLE_MS.get_or_init(|| {
        std::env::var("HANDBOOK_LINT_SETTLE_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
    });
    match fixed {
        Some(ms) => (Duration::from_millis(*ms), Duration::from_millis(*ms)),
        None => (FINE_TICK, COARSE_TICK),
    }
}

/// Seconds and nanoseconds since the Unix epoch (negative before it).
pub(crate) fn epoch(time: SystemTime) -> (i64, u32) {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (after.as_secs() as i64, after.subsec_nanos()),
        Err(before) => {
            let before = before.duration();
            let nanos = before.subsec_nanos();
            if nanos == 0 {
                (-(before.as_secs() as i64), 0)
            } else {
                (-(before.as_secs() as i64) - 1, 1_000_000_000 - nanos)
            }
        }
    }
}

impl FileStamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            FileStamp {
                size: meta.size(),
                mtime: (meta.mtime(), meta.mtime_nsec() as u32),
                ctime: (meta.ctime(), meta.ctime_nsec() as u32),
                inode: meta.ino(),
                mode: meta.mode(),
            }
        }
        #[cfg(not(unix))]
        {
            let time = |t: std::io::Result<SystemTime>| t.map_or((0, 0), epoch);
            FileStamp {
                size: meta.len(),
                mtime: time(meta.modified()),
                ctime: time(meta.created()),
                inode: 0,
                mode: u32::from(meta.is_dir()) | (u32::from(meta.permissions().readonly()) << 1),
            }
        }
    }

    /// Whether the file was last written at least a clock tick (see
    /// [`FINE_TICK`]) before `taken`, so that any later write gives it
    /// another time. The clock is this machine's: a network file system
    /// whose server's clock runs behind by more than a tick weakens this.
    pub(crate) fn settled_before(&self, taken: (i64, u32)) -> bool {
        let (fine, coarse) = ticks();
        let whole_seconds = self.mtime.1 == 0 && self.ctime.1 == 0;
        let tick = if whole_seconds { coarse } else { fine };
        let mut limit = (taken.0 - tick.as_secs() as i64, taken.1);
        if limit.1 < tick.subsec_nanos() {
            limit = (limit.0 - 1, limit.1 + 1_000_000_000 - tick.subsec_nanos());
        } else {
            limit.1 -= tick.subsec_nanos();
        }
        self.mtime < limit && self.ctime < limit
    }
}

/// The stamp of `path` without following a final symbolic link; `None`
/// when there is nothing there (or it cannot be read, which is the same to
/// a cache: look again).
pub(crate) fn stat(path: &Path) -> Option<FileStamp> {
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| FileStamp::of(&m))
}

/// Stamps of many files in one directory. On Unix each is looked up from
/// an open handle on the directory, not by its whole path: a handbook's
/// pages sit deep in the tree, and the path walk is most of a `stat`.
// `stat` field types differ between platforms: what is a no-op conversion
// on Linux is a needed one on macOS.
#[allow(clippy::useless_conversion)]
pub(crate) fn stat_in(dir: &Path, names: &[&str]) -> Vec<Option<FileStamp>> {
    #[cfg(unix)]
    {
        use rustix::fs::{AtFlags, Mode, OFlags};
        let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
        if let Ok(fd) = rustix::fs::open(dir, flags, Mode::empty()) {
            return names
                .iter()
                .map(|name| {
                    rustix::fs::statat(&fd, *name, AtFlags::SYMLINK_NOFOLLOW)
                        .ok()
                        .map(|st| FileStamp {
                            size: u64::try_from(st.st_size).unwrap_or(0),
                            mtime: (
                                i64::from(st.st_mtime),
                                u32::try_from(st.st_mtime_nsec).unwrap_or(0),
                            ),
                            ctime: (
                                i64::from(st.st_ctime),
                                u32::try_from(st.st_ctime_nsec).unwrap_or(0),
                            ),
                            inode: u64::from(st.st_ino),
                            mode: u32::from(st.st_mode),
                        })
                })
                .collect();
        }
    }
    names.iter().map(|name| stat(&dir.join(name))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written_at(secs: i64, nanos: u32) -> FileStamp {
        FileStamp {
            size: 1,
            mtime: (secs, nanos),
            ctime: (secs, nanos),
            inode: 1,
            mode: 0o100_644,
        }
    }

    /// A file written within a clock tick before a stamp was taken may be
    /// written again within the same tick: it is never trusted.
    #[test]
    fn only_files_older_than_a_tick_are_trusted() {
        let taken = (1_000, 500_000_000);
        // Fine times: 50 ms.
        assert!(written_at(1_000, 449_999_999).settled_before(taken));
        assert!(!written_at(1_000, 450_000_000).settled_before(taken));
        assert!(written_at(999, 959_999_999).settled_before((1_000, 10_000_000)));
        assert!(!written_at(999, 960_000_000).settled_before((1_000, 10_000_000)));
        // Whole seconds: two of them.
        assert!(written_at(998, 0).settled_before(taken));
        assert!(!written_at(999, 0).settled_before(taken));
        // A change of mode or owner moves only the ctime: still a change.
        let mut touched = written_at(990, 1);
        touched.ctime = (1_000, 460_000_000);
        assert!(!touched.settled_before(taken));
    }

    #[test]
    fn epochs_before_1970_count_down() {
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(epoch(before), (-2, 500_000_000));
        assert_eq!(epoch(UNIX_EPOCH + Duration::from_secs(3)), (3, 0));
    }
}
