//! A long, messy history against the git CLI: enough commits that the walk
//! reads them in big batches, compares those on several threads and meets
//! moves in the middle of a batch. Every page's date must still be git's.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::*;
use handbook_lint::testing::{Edit, ROBOT};

const NOW: &str = "2026-06-01";
/// 2025-01-06T00:00:00Z: the first commit; one commit an hour after it.
const START: i64 = 1_736_121_600;

/// xorshift64*: a fixed history on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

fn at(hour: usize) -> String {
    format!("@{}", START + 3600 * hour as i64)
}

fn page_text(path: &str, version: usize) -> String {
    format!("# {path}\n\nVersion {version} of {path}.\n")
}

fn index_text(planning: usize, execution: usize) -> String {
    format!(
        "# Team\n\n## Planning\n\nPlanning, take {planning}.\n\n## Execution\n\nExecution, take {execution}.\n"
    )
}

/// Builds the history: returns the fixture, the pages' current paths, and
/// the reformatting sweeps (listed in `.git-blame-ignore-revs`).
struct History {
    f: Fixture,
    rng: Rng,
    /// Logical page → current path.
    paths: BTreeMap<usize, String>,
    /// Pages never edited after they were added: their answer is the
    /// commit that added them, at the far end of the walk.
    untouched: HashSet<usize>,
    sweeps: Vec<String>,
    /// Sweeps are made only before the ignore-revs file is written.
    sweeping: bool,
    hour: usize,
    version: usize,
    planning: usize,
    execution: usize,
}

impl History {
    fn new() -> History {
        let f = Fixture::new();
        let config = "iterations: { length: 14d, start: 2025-01-06, grace: 3d }
teams:
  alpha: { dir: hb/alpha }
pages:
  iteration-planning: \"{dir}/index.md#planning\"
  iteration-execution: \"{dir}/index.md#execution\"
";
        let mut paths = BTreeMap::new();
        let mut edits = vec![
            write("handbook-lint.yaml", config),
            write("hb/alpha/index.md", &index_text(0, 0)),
            write("hb/alpha/goals.md", "# Goals\n"),
        ];
        for page in 0..24 {
            let path = format!("hb/t{}/p{page}.md", page % 4);
            edits.push(write(&path, &page_text(&path, 0)));
            paths.insert(page, path);
        }
        f.commit(&at(0), "start", &edits);
        History {
            f,
            rng: Rng(0x5eed),
            paths,
            untouched: (0..24).filter(|p| p % 6 == 5).collect(),
            sweeps: Vec::new(),
            sweeping: true,
            hour: 0,
            version: 0,
            planning: 0,
            execution: 0,
        }
    }

    fn next_hour(&mut self) -> String {
        self.hour += 1;
        at(self.hour)
    }

    fn editable(&mut self) -> usize {
        loop {
            let page = self.rng.below(self.paths.len());
            if !self.untouched.contains(&page) {
                return page;
            }
        }
    }

    fn edit(&mut self, page: usize) -> Edit {
        self.version += 1;
        let path = &self.paths[&page];
        write(path, &page_text(path, self.version))
    }

    /// One commit of the kind the step number picks.
    fn step(&mut self, n: usize) {
        let when = self.next_hour();
        match n {
            _ if n % 150 == 75 && self.sweeping => {
                // A reformatting sweep over every page, listed as ignored.
                let edits: Vec<Edit> = self
                    .paths
                    .values()
                    .map(|path| {
                        let text = self.f.path().join(path);
                        let text = std::fs::read_to_string(text).expect("page");
                        write(path, &format!("{text}\n"))
                    })
                    .collect();
                let id = self.f.commit_as(ROBOT, &when, "reformat", &edits);
                self.sweeps.push(id);
            }
            _ if n % 250 == 120 => {
                // A mass move: one team directory renamed, pages unchanged.
                let from = format!("hb/t{}/", (n / 250) % 4);
                let to = format!("hb/moved{n}/");
                let mut edits = Vec::new();
                for path in self.paths.values_mut() {
                    if let Some(rest) = path.strip_prefix(&from) {
                        let new = format!("{to}{rest}");
                        edits.push(mv(path, &new));
                        *path = new;
                    }
                }
                self.f.commit_as(ROBOT, &when, "reorganise", &edits);
            }
            _ if n % 97 == 40 => {
                // One page moved unchanged.
                let page = self.rng.below(self.paths.len());
                let old = self.paths[&page].clone();
                let new = old.replace(".md", &format!("-m{n}.md"));
                self.f.commit(&when, "move a page", &[mv(&old, &new)]);
                self.paths.insert(page, new);
            }
            _ if n % 131 == 60 => {
                // One page moved and edited in the same commit.
                let page = self.editable();
                let old = self.paths[&page].clone();
                let new = old.replace(".md", &format!("-e{n}.md"));
                self.version += 1;
                let edits = [delete(&old), write(&new, &page_text(&new, self.version))];
                self.f.commit(&when, "move and edit", &edits);
                self.paths.insert(page, new);
            }
            _ if n % 53 == 7 => {
                // A pull request: an edit on a side branch, merged later.
                let page = self.editable();
                let edit = self.edit(page);
                let head = self.f.repo.repo.head().expect("head").target();
                let side = self
                    .f
                    .repo
                    .commit_on(head, &when, ALICE, "edit on a branch", &[edit])
                    .expect("side commit");
                let merged = self.next_hour();
                let path = self.paths[&page].clone();
                self.f
                    .repo
                    .merge(side, &[path.as_str()], &merged, BOB, "merge", &[])
                    .expect("merge");
                self.f.repo.checkout().expect("checkout");
            }
            _ if n % 89 == 11 => {
                // A copy: a new page with another page's text.
                let page = self.rng.below(self.paths.len());
                let source = self.f.path().join(&self.paths[&page]);
                let text = std::fs::read_to_string(source).expect("page");
                let new = format!("hb/copies/c{n}.md");
                self.f.commit(&when, "copy a page", &[write(&new, &text)]);
                let id = self.paths.len();
                self.paths.insert(id, new);
                self.untouched.insert(id);
            }
            _ if n % 7 == 3 => {
                // Only one of the index page's two sections changes.
                if self.rng.below(2) == 0 {
                    self.planning += 1;
                } else {
                    self.execution += 1;
                }
                let text = index_text(self.planning, self.execution);
                self.f
                    .commit(&when, "process", &[write("hb/alpha/index.md", &text)]);
            }
            _ if n.is_multiple_of(5) => {
                let text = format!("site change {n}\n");
                self.f
                    .commit(&when, "site", &[write("site/index.html", &text)]);
            }
            _ => {
                let page = self.editable();
                let edit = self.edit(page);
                self.f.commit(&when, "edit a page", &[edit]);
            }
        }
    }

    fn write_ignore_revs(&mut self) {
        let list = self.sweeps.join("\n") + "\n";
        let when = self.next_hour();
        self.f.commit(
            &when,
            "ignore the sweeps",
            &[write(".git-blame-ignore-revs", &list)],
        );
        self.sweeping = false;
    }
}

/// Every page and both sections answer as the git CLI does; returns the
/// `pages` output.
fn assert_every_page_matches_git(h: &History, extra: &[&str]) -> String {
    let skip: HashSet<String> = h.sweeps.iter().cloned().collect();
    let mut args = vec!["pages", "--format", "json", "--now", NOW];
    args.extend_from_slice(extra);
    let out = h.f.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pages: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let rows = pages["pages"].as_array().expect("rows");
    let row = |path: &str, section: Option<&str>| {
        rows.iter()
            .find(|r| r["path"] == path && r["section"].as_str() == section)
            .unwrap_or_else(|| panic!("no row for {path} {section:?}"))
    };
    for path in h.paths.values() {
        let entry = follow_log(h.f.path(), path)
            .into_iter()
            .filter(|entry| !skip.contains(&entry.commit))
            .find(|entry| !entry.statuses.iter().all(|s| s[0] == "R100"))
            .unwrap_or_else(|| panic!("git knows no change of {path}"));
        let (commit, time) = (entry.commit, entry.time);
        let found = row(path, None);
        assert_eq!(found["commit"], commit.as_str(), "{path}: {found:#}");
        assert_eq!(found["git_updated_unix"], time, "{path}: {found:#}");
    }
    for anchor in ["planning", "execution"] {
        let (commit, time) = oracle_section_change(h.f.path(), "hb/alpha/index.md", anchor)
            .expect("the section changed at least once");
        let found = row("hb/alpha/index.md", Some(anchor));
        assert_eq!(found["commit"], commit.as_str(), "{anchor}: {found:#}");
        assert_eq!(found["git_updated_unix"], time, "{anchor}: {found:#}");
    }
    out.stdout
}

#[test]
fn a_long_history_matches_git_in_every_batch_cold_warm_and_incremental() {
    let mut h = History::new();
    for n in 1..=640 {
        h.step(n);
    }
    h.write_ignore_revs();
    let cold = assert_every_page_matches_git(&h, &["--no-cache"]);
    // The pages never edited are answered by the first commit, at the far
    // end of the walk, through two mass moves and the sweeps.
    let first = git(h.f.path(), &["rev-list", "--max-parents=0", "HEAD"]);
    let pages: serde_json::Value = serde_json::from_str(&cold).expect("json");
    for page in [5, 11, 17, 23] {
        let path = &h.paths[&page];
        let row = pages["pages"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["path"] == path.as_str()))
            .expect("row");
        assert_eq!(row["commit"], first.trim(), "{path}");
    }
    // Fill the cache, then add history with moves and merges on top.
    let warm = assert_every_page_matches_git(&h, &[]);
    assert_eq!(warm, cold);
    for n in 641..=760 {
        h.step(n);
    }
    let incremental =
        h.f.run(&["pages", "--format", "json", "--now", NOW, "--verbose"]);
    assert!(
        incremental.stderr.contains("cache incremental"),
        "{}",
        incremental.stderr
    );
    let cold = assert_every_page_matches_git(&h, &["--no-cache"]);
    assert_eq!(incremental.stdout, cold);

    // The same history packed as a hosting service packs it, in delta
    // chains up to 50 deep, read from the pack and its delta bases: the
    // same answers as from loose objects.
    git(h.f.path(), &handbook_lint::testing::DEEP_REPACK);
    let packed = assert_every_page_matches_git(&h, &["--no-cache"]);
    assert_eq!(packed, cold);
    // Then a second pack of newer history, and loose objects on top.
    for n in 761..=820 {
        h.step(n);
    }
    git(h.f.path(), &["repack", "-d", "-q"]);
    for n in 821..=840 {
        h.step(n);
    }
    assert_every_page_matches_git(&h, &["--no-cache"]);
}
