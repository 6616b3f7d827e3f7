//! What `init` reads from the repository, all of it untrusted: the pages
//! (through the page walk, confined and bounded as `check` reads them), the
//! YAML data files that may name PMs and EMs, and CODEOWNERS.

use std::path::Path;
use std::sync::Arc;

use crate::base::fsread::{self, NotRead};
use crate::config::Config;
use crate::config::codeowners::{self, CodeOwners};
use crate::config::tree::{self, Node};
use crate::discover::{self, pagecache};
use crate::git::repo::Repo;

/// Where data files are looked for: Hugo's `data/` and Jekyll's `_data/`.
const DATA_DIRS: [&str; 2] = ["data", "_data"];
/// At most this many data files are read; a handbook has a handful.
const MAX_DATA_FILES: usize = 64;
/// Data files are read one directory level below `data/` at most.
const MAX_DATA_DEPTH: usize = 2;

/// A page as `init` sees it: path and parse.
pub(crate) struct Page {
    pub path: String,
    pub doc: crate::parse::Document,
}

/// A YAML data file, parsed into a tree with spans.
pub(crate) struct DataFile {
    pub path: String,
    pub text: Arc<str>,
    pub root: Node,
}

impl DataFile {
    /// `path:line` of a node, for the comment saying where a role came from.
    pub(crate) fn at(&self, node: &Node) -> String {
        format!("{}:{}", self.path, line_of(&self.text, node.span.start))
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].matches('\n').count() + 1
}

pub(crate) struct Scan {
    pub pages: Vec<Page>,
    pub data: Vec<DataFile>,
    pub codeowners: Option<CodeOwners>,
    /// Files that could not be used, in the tool's words.
    pub skipped: Vec<String>,
}

/// Reads what `init` infers from.
pub(crate) fn scan(repo: &Repo) -> Scan {
    let config = Config::default_config();
    let walk = pagecache::PageWalk {
        root: repo.root(),
        handbook: "",
        ignore: &config.ignore,
        ignore_patterns: &config.ignore_patterns,
        extensions: &config.page_extensions,
        git_common_dir: repo.common_dir(),
        confinement: repo.confinement(),
        offer: None,
        needs_body: None,
    };
    // No cache directory: `init` writes nothing but the config.
    let loaded = pagecache::list(&walk, None).read(&walk, None, true);
    let mut skipped: Vec<String> = loaded.findings.iter().map(|f| f.message.clone()).collect();
    let mut pages: Vec<Page> = loaded
        .pages
        .into_iter()
        .map(|page| Page {
            path: page.file.path,
            doc: page.doc,
        })
        .collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let data = read_data_files(repo, &mut skipped);
    let codeowners = read_codeowners(repo, &mut skipped);
    Scan {
        pages,
        data,
        codeowners,
        skipped,
    }
}

/// The YAML files under `data/` and `_data/`, read as the config is: each
/// confined to the working tree, at most 1 MiB, parsed with the config's
/// budgets on nodes, depth and aliases.
fn read_data_files(repo: &Repo, skipped: &mut Vec<String>) -> Vec<DataFile> {
    let mut names = Vec::new();
    for dir in DATA_DIRS {
        list_yaml(repo, dir, 1, &mut names);
    }
    names.sort();
    if names.len() > MAX_DATA_FILES {
        skipped.push(format!(
            "{} data files found; only the first {MAX_DATA_FILES} were read",
            names.len()
        ));
        names.truncate(MAX_DATA_FILES);
    }
    let mut files = Vec::new();
    for name in names {
        let subject = format!("the data file `{name}`");
        let text = match discover::read_named(
            repo.confinement(),
            &name,
            &subject,
            fsread::MAX_CONFIG_BYTES,
        ) {
            Ok(text) => text,
            Err(error) => {
                skipped.push(error.into_message());
                continue;
            }
        };
        match tree::parse(&text) {
            Ok(root) => files.push(DataFile {
                path: name,
                text,
                root,
            }),
            Err(error) => {
                skipped.push(format!(
                    "{name}:{}: not YAML that can be read ({})",
                    line_of(&text, error.span.start),
                    error.message
                ));
            }
        }
    }
    files
}

/// Repository-relative names of `*.yml`/`*.yaml` files under `dir`. The
/// directory is confined first, so a symbolic link out of the working tree
/// is not listed.
fn list_yaml(repo: &Repo, dir: &str, depth: usize, names: &mut Vec<String>) {
    let subject = format!("the directory `{dir}`");
    let Ok(path) = repo.confinement().resolve(dir, &subject) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&path) else {
        return;
    };
    for entry in entries.flatten().take(MAX_DATA_FILES * 4) {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let relative = format!("{dir}/{name}");
        if kind.is_dir() && depth < MAX_DATA_DEPTH {
            list_yaml(repo, &relative, depth + 1, names);
        } else if !kind.is_dir() && is_yaml(&name) {
            names.push(relative);
        }
    }
}

fn is_yaml(name: &str) -> bool {
    matches!(
        Path::new(name).extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml")
    )
}

/// The first CODEOWNERS file where git hosts look, as `check` reads it.
fn read_codeowners(repo: &Repo, skipped: &mut Vec<String>) -> Option<CodeOwners> {
    for location in codeowners::LOCATIONS {
        let subject = format!("`{location}`");
        match discover::read_named(
            repo.confinement(),
            location,
            &subject,
            fsread::MAX_CODEOWNERS_BYTES,
        ) {
            Ok(text) => {
                // Malformed lines are `check`'s to report; the rest is used.
                let mut findings = Vec::new();
                return Some(codeowners::parse(location, &text, &mut findings));
            }
            Err(NotRead::Missing(_)) => {}
            Err(error) => {
                skipped.push(error.into_message());
                return None;
            }
        }
    }
    None
}
