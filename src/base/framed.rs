//! The framing every cache file under `.git/handbook-lint/` shares: a
//! header line with the payload's length and CRC-32, written by temporary
//! file and rename, so a truncated, damaged or half-written file is never
//! trusted, only rebuilt.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How the cache served a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum CacheStatus {
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
    pub(crate) fn describe(&self) -> String {
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

/// Where the cache of a repository lives: inside its git directory, never
/// in the working tree.
pub(crate) fn directory(git_dir: &Path) -> PathBuf {
    git_dir.join("handbook-lint")
}

/// The first line of every cache file: what it is, then the payload's
/// length and CRC-32, so a truncated or damaged file is never trusted.
const MAGIC: &str = "handbook-lint-cache";

/// A cache file as read: its bytes and where the payload starts.
pub(crate) struct Framed {
    bytes: Vec<u8>,
    start: usize,
    crc: u32,
}

impl Framed {
    pub(crate) fn payload(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    /// The payload's CRC-32, as checked.
    pub(crate) fn crc(&self) -> u32 {
        self.crc
    }
}

/// Reads the payload of the cache file `name`; `Err` says why it cannot be
/// used (and the run rebuilds it).
pub(crate) fn read_framed(dir: &Path, name: &str) -> Result<Framed, CacheStatus> {
    let bytes = match std::fs::read(dir.join(name)) {
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
    let mut fields = header.split(' ');
    let (Some(MAGIC), Some(length), Some(crc), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(corrupt("bad header"));
    };
    let length: usize = length.parse().map_err(|_| corrupt("bad header"))?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| corrupt("bad header"))?;
    let framed = Framed {
        bytes,
        start: newline + 1,
        crc,
    };
    if framed.payload().len() != length {
        return Err(corrupt("truncated"));
    }
    if crc32fast::hash(framed.payload()) != crc {
        return Err(corrupt("checksum mismatch"));
    }
    Ok(framed)
}

/// Writes a cache file atomically: a temporary file in the same directory,
/// then a rename, so a reader never sees half of one and two runs at once
/// each leave a whole file. Not synced to disk: a file lost or torn by a
/// crash fails its checksum and is rebuilt, never trusted. Returns the
/// payload's CRC-32.
pub(crate) fn write_framed(dir: &Path, name: &str, payload: &[u8]) -> std::io::Result<u32> {
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    let crc = crc32fast::hash(payload);
    writeln!(temp, "{MAGIC} {} {crc:08x}", payload.len())?;
    temp.write_all(payload)?;
    temp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(crc)
}

/// A value derived from a text, kept in the cache file `name` with the text
/// it came from: read back when the text is the same, derived (and kept)
/// otherwise. For what costs more to derive than to read back, such as a
/// ruleset parsed from YAML. A derivation that fails is not kept.
pub(crate) fn memo<T: Serialize + serde::de::DeserializeOwned, E>(
    dir: Option<&Path>,
    name: &str,
    text: &str,
    derive: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    #[derive(Serialize, Deserialize)]
    struct Memo<T> {
        version: String,
        text: String,
        value: T,
    }
    let version = env!("CARGO_PKG_VERSION");
    if let Some(memo) = dir
        .and_then(|dir| read_framed(dir, name).ok())
        .and_then(|framed| postcard::from_bytes::<Memo<T>>(framed.payload()).ok())
        .filter(|memo| memo.version == version && memo.text == text)
    {
        return Ok(memo.value);
    }
    let value = derive()?;
    if let Some(dir) = dir {
        let memo = Memo {
            version: version.to_string(),
            text: text.to_string(),
            value,
        };
        // A cache that cannot be written only costs the next run time.
        if let Ok(payload) = postcard::to_stdvec(&memo) {
            let _ = write_framed(dir, name, &payload);
        }
        return Ok(memo.value);
    }
    Ok(value)
}
