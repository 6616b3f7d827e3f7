//! Pages and sections are dated by their last change in substance, the
//! words a reader sees: every row of `pages --format json` is checked
//! against the test kit's oracle (`common::oracle`: comrak and the `git`
//! CLI, no code of the crate's) on histories where comparing bytes would
//! give another answer — formatter sweeps, reorganisations that fix links,
//! moves with edits, copies, ticked checkboxes, sections around edits.

mod common;

use std::collections::HashSet;
use std::fmt::Write as _;

use common::oracle::{self, OracleAnswer, last_byte_change};
use common::*;
use handbook_lint::testing::ROBOT;
use serde_json::Value;

const NOW: &str = "2026-06-01T00:00:00Z";

/// Checks every row `pages` gives (each page and each configured section)
/// against the oracle: commit, time, the path the history continued under
/// and the commits passed over. Returns the oracle's answers by target.
fn assert_every_row(f: &Fixture) -> Vec<(String, Option<String>, OracleAnswer)> {
    assert_every_row_skipping(f, &HashSet::new())
}

/// [`assert_every_row`] when the commits in `skip` are in the ignore-revs
/// file.
fn assert_every_row_skipping(
    f: &Fixture,
    skip: &HashSet<String>,
) -> Vec<(String, Option<String>, OracleAnswer)> {
    let pages = f.pages(NOW);
    let rows = pages["pages"].as_array().expect("rows");
    assert!(!rows.is_empty(), "{pages:#}");
    rows.iter()
        .map(|row| {
            let path = row["path"].as_str().expect("a path");
            let section = row["section"].as_str();
            let expected = oracle::last_change(f.path(), path, section, skip)
                .unwrap_or_else(|| panic!("the oracle dates {path} {section:?}"));
            assert_row(row, &expected);
            (path.to_string(), section.map(str::to_string), expected)
        })
        .collect()
}

fn assert_row(row: &Value, expected: &OracleAnswer) {
    assert_eq!(row["commit"], expected.commit.as_str(), "commit: {row:#}");
    assert_eq!(row["git_updated_unix"], expected.time, "time: {row:#}");
    assert_eq!(
        row["moved_from"].as_str(),
        expected.moved_from.as_deref(),
        "moved_from: {row:#}"
    );
    assert_eq!(
        row["passed_over"], expected.passed_over,
        "passed_over: {row:#}"
    );
}

/// The oracle's answer for one target out of [`assert_every_row`]'s.
fn answer<'a>(
    answers: &'a [(String, Option<String>, OracleAnswer)],
    path: &str,
    section: Option<&str>,
) -> &'a OracleAnswer {
    answers
        .iter()
        .find(|(p, s, _)| p == path && s.as_deref() == section)
        .map_or_else(|| panic!("no row for {path} {section:?}"), |(_, _, a)| a)
}

/// Asserts the page is dated by `commit`, and that a tool comparing bytes
/// would have dated it otherwise.
fn assert_dated_by_words(f: &Fixture, answer: &OracleAnswer, path: &str, commit: &str) {
    assert_eq!(answer.commit, commit, "{path}: {answer:?}");
    assert_ne!(
        last_byte_change(f.path(), path),
        commit,
        "{path}: its bytes last changed in the same commit; the test would not tell words from bytes"
    );
}

fn committer_time(f: &Fixture, commit: &str) -> i64 {
    git(f.path(), &["show", "-s", "--format=%ct", commit])
        .trim()
        .parse()
        .expect("a committer time")
}

/// Greedy word wrap at `width` columns.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// What one sweep page says.
#[derive(Clone)]
struct Content {
    title: String,
    prose: String,
    em: String,
    items: Vec<String>,
    due: String,
}

impl Content {
    fn new(title: &str, prose: &str, em: &str, items: &[&str], due: &str) -> Content {
        Content {
            title: title.to_string(),
            prose: prose.to_string(),
            em: em.to_string(),
            items: items.iter().map(|i| (*i).to_string()).collect(),
            due: due.to_string(),
        }
    }

    /// As people wrote it: setext headings, short lines with trailing
    /// whitespace, `*` bullets and emphasis, a tight table.
    fn messy(&self) -> String {
        let mut out = format!("{}\n{}\n\n", self.title, "=".repeat(self.title.len()));
        for line in wrap(&self.prose, 28) {
            writeln!(out, "{line}   ").expect("a String takes text");
        }
        write!(out, "\nThis is *{}* work. \n\n", self.em).expect("a String takes text");
        for item in &self.items {
            writeln!(out, "* {item}").expect("a String takes text");
        }
        out.push_str("\nPlan\n----\n\n|Milestone|Due|\n|---|---|\n");
        writeln!(out, "|M1|{}|", self.due).expect("a String takes text");
        out
    }

    /// As a Prettier-style formatter leaves it: ATX headings, lines filled
    /// to 80 columns, `-` bullets, `_` emphasis, a padded aligned table.
    fn pretty(&self) -> String {
        let mut out = format!("# {}\n\n", self.title);
        for line in wrap(&self.prose, 80) {
            writeln!(out, "{line}").expect("a String takes text");
        }
        write!(out, "\nThis is _{}_ work.\n\n", self.em).expect("a String takes text");
        for item in &self.items {
            writeln!(out, "- {item}").expect("a String takes text");
        }
        let width = self.due.len().max(3);
        write!(
            out,
            "\n## Plan\n\n| Milestone | {:<width$} |\n| :-------- | {:-<width$} |\n| M1        | {:<width$} |\n",
            "Due", ":", self.due
        )
        .expect("a String takes text");
        out
    }
}

fn sweep_contents() -> Vec<(String, Content)> {
    let prose = "We index every document once a day and answer queries in under two hundred milliseconds for ninety nine percent of users";
    (0..5)
        .map(|i| {
            (
                format!("hb/area{i}/page.md"),
                Content::new(
                    &format!("Area {i}"),
                    prose,
                    "careful",
                    &["ship the ranker", "measure the latency"],
                    "2026-03-01",
                ),
            )
        })
        .collect()
}

#[test]
fn a_formatter_sweep_leaves_every_page_dated_by_its_last_real_edit() {
    let f = Fixture::new();
    let mut pages = sweep_contents();
    let mut edits = vec![write("handbook-lint.yaml", CONFIG)];
    edits.extend(pages.iter().map(|(p, c)| write(p, &c.messy())));
    let start = f.commit("2026-01-05T09:00:00Z", "start", &edits);
    let mut last_edit = vec![start.clone(); pages.len()];
    // Real edits: prose, an item, the table, the emphasised word.
    let edit = |pages: &mut Vec<(String, Content)>, i: usize, change: &dyn Fn(&mut Content)| {
        change(&mut pages[i].1);
        write(&pages[i].0, &pages[i].1.messy())
    };
    let e = edit(&mut pages, 1, &|c| c.prose.push_str(" in Europe"));
    last_edit[1] = f.commit("2026-02-10T09:00:00Z", "prose", &[e]);
    let e = edit(&mut pages, 2, &|c| c.items[1] = "measure the recall".into());
    last_edit[2] = f.commit("2026-03-15T09:00:00Z", "item", &[e]);
    let e = edit(&mut pages, 3, &|c| c.due = "2026-04-01".into());
    last_edit[3] = f.commit("2026-04-20T09:00:00Z", "due date", &[e]);
    let e = edit(&mut pages, 4, &|c| c.em = "urgent".into());
    last_edit[4] = f.commit("2026-05-01T09:00:00Z", "emphasis", &[e]);
    // A hand-made formatting fix, committed with a clock behind the last
    // commit's: the edit before it is dated no later than it.
    let reflow = f.commit(
        "2026-04-28T09:00:00Z",
        "reflow",
        &[write(&pages[2].0, &pages[2].1.messy().replace("* ", "+ "))],
    );
    let sweep: Vec<_> = pages.iter().map(|(p, c)| write(p, &c.pretty())).collect();
    let sweep = f.commit_as(ROBOT, "2026-05-25T09:00:00Z", "prettier --write", &sweep);

    let answers = assert_every_row(&f);
    for (i, (path, _)) in pages.iter().enumerate() {
        let found = answer(&answers, path, None);
        assert_dated_by_words(&f, found, path, &last_edit[i]);
        assert_ne!(found.commit, sweep);
        assert_eq!(found.moved_from, None, "{path}");
        assert_eq!(found.passed_over, if i == 2 { 2 } else { 1 }, "{path}");
    }
    // The emphasis edit of 2026-05-01 is dated by the reflow's earlier clock.
    let capped = answer(&answers, &pages[4].0, None);
    assert_eq!(capped.time, committer_time(&f, &reflow), "{capped:?}");
}

/// A page in `dir` linking to the glossary one level up (`up` is `../`
/// repeated), with `words` of its own.
fn linked(title: &str, words: &str, up: &str) -> String {
    format!("# {title}\n\n{words} See [the glossary]({up}glossary.md#terms \"Terms\").\n")
}

/// A stub page: the same words wherever it is.
fn stub(up: &str) -> String {
    linked("To do", "To be written.", up)
}

/// Moves every page a level down, fixing the links to the glossary, then
/// edits the glossary and reformats a moved page.
fn reorganise(f: &Fixture) {
    // Everything moves a level down; the links to the glossary are fixed
    // in the same commit, so no moved page keeps its bytes but the runbook.
    let mut reorg = Vec::new();
    for (from, to, title, words) in [
        (
            "hb/search/planning.md",
            "hb/teams/search/planning.md",
            "Planning",
            "Mondays and Thursdays.",
        ),
        (
            "hb/search/metrics.md",
            "hb/teams/search/metrics.md",
            "Metrics",
            "Latency.",
        ),
        (
            "hb/ops/oncall.md",
            "hb/teams/ops/oncall.md",
            "On call",
            "Fortnightly.",
        ),
    ] {
        reorg.push(delete(from));
        reorg.push(write(to, &linked(title, words, "../../")));
    }
    reorg.push(mv("hb/ops/runbook.md", "hb/teams/ops/runbook.md"));
    // The stubs have the same words: which one each new page continues is
    // the rule's tie order (added path, then deleted path), not the names.
    reorg.push(delete("hb/search/todo-a.md"));
    reorg.push(delete("hb/ops/todo-b.md"));
    reorg.push(write("hb/teams/stubs/alpha.md", &stub("../../")));
    reorg.push(write("hb/teams/stubs/beta.md", &stub("../../")));
    f.commit("2026-04-15T09:00:00Z", "reorganise", &reorg);
    f.commit(
        "2026-05-01T09:00:00Z",
        "glossary",
        &[write(
            "hb/glossary.md",
            "# Glossary\n\nTerms and more terms.\n",
        )],
    );
    f.commit(
        "2026-05-02T09:00:00Z",
        "whitespace",
        &[write(
            "hb/teams/search/planning.md",
            &linked("Planning", "Mondays   and\nThursdays.", "../../").replace("# ", "#  "),
        )],
    );
}

#[test]
fn a_reorganisation_that_fixes_links_keeps_each_pages_date_and_says_where_it_moved_from() {
    let f = Fixture::new();
    let start = f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/glossary.md", "# Glossary\n\nTerms.\n"),
            write(
                "hb/search/planning.md",
                &linked("Planning", "Mondays.", "../"),
            ),
            write(
                "hb/search/metrics.md",
                &linked("Metrics", "Latency.", "../"),
            ),
            write("hb/ops/oncall.md", &linked("On call", "Weekly.", "../")),
            write("hb/ops/runbook.md", "# Runbook\n\nRestart it.\n"),
            write("hb/search/todo-a.md", &stub("../")),
        ],
    );
    let planning = f.commit(
        "2026-02-01T09:00:00Z",
        "planning",
        &[write(
            "hb/search/planning.md",
            &linked("Planning", "Mondays and Thursdays.", "../"),
        )],
    );
    let oncall = f.commit(
        "2026-03-01T09:00:00Z",
        "on call",
        &[write(
            "hb/ops/oncall.md",
            &linked("On call", "Fortnightly.", "../"),
        )],
    );
    // A second stub with the same words as the first, added later.
    let todo_b = f.commit(
        "2026-04-01T09:00:00Z",
        "another stub",
        &[write("hb/ops/todo-b.md", &stub("../"))],
    );
    reorganise(&f);

    let answers = assert_every_row(&f);
    for (path, commit, from, passed) in [
        (
            "hb/teams/search/planning.md",
            &planning,
            "hb/search/planning.md",
            2,
        ),
        (
            "hb/teams/search/metrics.md",
            &start,
            "hb/search/metrics.md",
            1,
        ),
        ("hb/teams/ops/oncall.md", &oncall, "hb/ops/oncall.md", 1),
        ("hb/teams/ops/runbook.md", &start, "hb/ops/runbook.md", 1),
        ("hb/teams/stubs/alpha.md", &todo_b, "hb/ops/todo-b.md", 1),
        ("hb/teams/stubs/beta.md", &start, "hb/search/todo-a.md", 1),
    ] {
        let found = answer(&answers, path, None);
        assert_dated_by_words(&f, found, path, commit);
        assert_eq!(found.moved_from.as_deref(), Some(from), "{path}");
        assert_eq!(found.passed_over, passed, "{path}");
    }
}

/// A reorganisation whose pages differ from their old versions only where
/// plain links point (`[text](dest)`, no title) is matched by parsing one
/// version of each pair for both; a page where the same-looking place is
/// code, not a link, must still be told apart by its words.
#[test]
fn a_reorganisation_that_points_links_elsewhere_pairs_pages_by_their_words() {
    let f = Fixture::new();
    // Before the walk's horizon (six iterations and three more before
    // `NOW`), where a page's first change found settles it.
    let page = |title: &str, words: &str, up: &str| {
        format!(
            "# {title}\n\n{words} See [the glossary]({up}glossary.md#terms) and ![the chart]({up}img/chart_1.png).\n\n- [Planning]({up}search/planning.md)\n"
        )
    };
    // The same shape, but the destination-like text is inside code: its
    // words change with it.
    let code = |title: &str, name: &str, up: &str| {
        format!("# {title}\n\nRun `open [it]({name})` first, then [read on]({up}glossary.md).\n")
    };
    let start = f.commit(
        "2025-10-06T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/glossary.md", "# Glossary\n\nTerms.\n"),
            write(
                "hb/search/planning.md",
                &page("Planning", "Mondays.", "../"),
            ),
            write("hb/search/metrics.md", &page("Metrics", "Latency.", "../")),
            write("hb/ops/runbook.md", &code("Runbook", "old.md", "../")),
            // Two pages that stay where they are.
            write("hb/index.md", &page("Handbook", "Start here.", "")),
            write("hb/ops/howto.md", &code("How to", "old.md", "../")),
        ],
    );
    let planning = f.commit(
        "2025-11-03T09:00:00Z",
        "planning",
        &[write(
            "hb/search/planning.md",
            &page("Planning", "Mondays and Thursdays.", "../"),
        )],
    );
    let reorg = f.commit(
        "2026-01-12T09:00:00Z",
        "reorganise",
        &[
            delete("hb/search/planning.md"),
            delete("hb/search/metrics.md"),
            delete("hb/ops/runbook.md"),
            write(
                "hb/teams/search/planning.md",
                &page("Planning", "Mondays and Thursdays.", "../../"),
            ),
            write(
                "hb/teams/search/metrics.md",
                &page("Metrics", "Latency.", "../../"),
            ),
            write(
                "hb/teams/ops/runbook.md",
                &code("Runbook", "new.md", "../../"),
            ),
            // Its links fixed: not a change.
            write("hb/index.md", &page("Handbook", "Start here.", "teams/")),
            // The same shape of edit, in code: a change.
            write("hb/ops/howto.md", &code("How to", "new.md", "../")),
        ],
    );
    let answers = assert_every_row(&f);
    for (path, commit, from) in [
        (
            "hb/teams/search/planning.md",
            &planning,
            "hb/search/planning.md",
        ),
        ("hb/teams/search/metrics.md", &start, "hb/search/metrics.md"),
    ] {
        let found = answer(&answers, path, None);
        assert_dated_by_words(&f, found, path, commit);
        assert_eq!(found.moved_from.as_deref(), Some(from), "{path}");
    }
    let index = answer(&answers, "hb/index.md", None);
    assert_dated_by_words(&f, index, "hb/index.md", &start);
    assert_eq!(index.passed_over, 1, "{index:?}");
    let howto = answer(&answers, "hb/ops/howto.md", None);
    assert_eq!(howto.commit, reorg, "{howto:?}");
    // `old` became `new` in the code: a move with a change, dated by it
    // (so its history does not continue under the old path).
    let runbook = answer(&answers, "hb/teams/ops/runbook.md", None);
    assert_eq!(runbook.commit, reorg, "{runbook:?}");
    assert_eq!(runbook.moved_from, None);
    let runbook = f.path().join("hb/teams/ops/runbook.md");
    let why = f.run(&["why", runbook.to_str().expect("UTF-8"), "--now", NOW]);
    assert!(
        why.stdout
            .contains("moved from hb/ops/runbook.md (90% similar) and the words changed"),
        "{}{}",
        why.stdout,
        why.stderr
    );
}

/// Twelve words no other page of the many-page reorganisation below has;
/// `version` changes the first two.
fn own_words(page: usize, version: usize) -> String {
    (0..12)
        .map(|word| format!("p{page}w{word}v{}", if word < 2 { version } else { 0 }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A reorganisation that moves more pages than one thread parses for
/// matching (each with its links fixed, some edited, two stubs alike), on
/// one thread and on four: the same answers, and the oracle's.
#[test]
fn a_reorganisation_of_many_pages_is_matched_alike_on_any_number_of_threads() {
    const PAGES: usize = 24;
    let f = Fixture::new();
    let old = |page: usize| format!("hb/old/p{page}.md");
    let new = |page: usize| format!("hb/areas/a{}/p{page}.md", page % 4);
    let mut start = vec![
        write("handbook-lint.yaml", CONFIG),
        write("hb/glossary.md", "# Glossary\n\nTerms.\n"),
    ];
    start.extend(
        (0..PAGES).map(|page| write(&old(page), &linked("Page", &own_words(page, 0), "../"))),
    );
    start.push(write("hb/old/stub-a.md", &stub("../")));
    start.push(write("hb/old/stub-b.md", &stub("../")));
    f.commit("2026-01-05T09:00:00Z", "start", &start);
    // A third of the pages edited before the move, on their own days.
    let mut edited = std::collections::HashMap::new();
    for page in (0..PAGES).filter(|page| page % 3 == 1) {
        let when = format!("2026-02-{:02}T09:00:00Z", 1 + page / 3);
        let edit = write(&old(page), &linked("Page", &own_words(page, 1), "../"));
        edited.insert(page, f.commit(&when, "edit", &[edit]));
    }
    // Everything moves a level down with its links fixed; every fifth
    // page also has two of its twelve words changed.
    let mut reorg = Vec::new();
    for page in 0..PAGES {
        let version = match (page % 5 == 0, page % 3 == 1) {
            (true, _) => 2,
            (false, true) => 1,
            (false, false) => 0,
        };
        reorg.push(delete(&old(page)));
        reorg.push(write(
            &new(page),
            &linked("Page", &own_words(page, version), "../../../"),
        ));
    }
    for stub_name in ["stub-a", "stub-b"] {
        reorg.push(delete(&format!("hb/old/{stub_name}.md")));
        reorg.push(write(&format!("hb/areas/{stub_name}.md"), &stub("../../")));
    }
    let reorganised = f.commit_as(ROBOT, "2026-04-01T09:00:00Z", "reorganise", &reorg);

    let oracle_rows = assert_every_row(&f);
    for threads in ["1", "4"] {
        let out = run_in_env(
            f.path(),
            &["pages", "--format", "json", "--now", NOW],
            &[("RAYON_NUM_THREADS", threads)],
        );
        let pages: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", out.stdout, out.stderr));
        let rows = pages["pages"].as_array().expect("rows");
        assert_eq!(
            rows.len(),
            oracle_rows.len(),
            "{threads} threads: {pages:#}"
        );
        for (path, section, expected) in &oracle_rows {
            let row = rows
                .iter()
                .find(|r| r["path"] == path.as_str() && r["section"].as_str() == section.as_deref())
                .unwrap_or_else(|| panic!("{threads} threads: no row for {path}"));
            assert_row(row, expected);
        }
    }
    for page in 0..PAGES {
        let found = answer(&oracle_rows, &new(page), None);
        // Dated by the move itself, a page's history needs no older path.
        let moved_from = (page % 5 != 0).then(|| old(page));
        assert_eq!(found.moved_from, moved_from, "page {page}");
        match (page % 5 == 0, edited.get(&page)) {
            (true, _) => assert_eq!(found.commit, reorganised, "page {page}"),
            (false, Some(edit)) => assert_dated_by_words(&f, found, &new(page), edit),
            (false, None) => assert_ne!(found.commit, reorganised, "page {page}"),
        }
    }
    for (stub_name, from) in [("stub-a", "stub-a"), ("stub-b", "stub-b")] {
        let found = answer(&oracle_rows, &format!("hb/areas/{stub_name}.md"), None);
        assert_eq!(
            found.moved_from,
            Some(format!("hb/old/{from}.md")),
            "{stub_name}"
        );
    }
}

/// A roadmap of twenty words.
fn roadmap(quarter: &str, theme: &str) -> String {
    format!(
        "# Roadmap\n\nIn {quarter} we focus on {theme}: faster indexing, better ranking,\nfewer outages, clearer dashboards and a calmer on call rotation for everyone.\n"
    )
}

#[test]
fn a_move_with_a_real_edit_is_a_change_at_the_move() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/search/roadmap.md", &roadmap("Q1", "quality")),
            write(
                "hb/search/notes.md",
                "# Notes\n\nScattered thoughts about the ranking work.\n",
            ),
        ],
    );
    f.commit(
        "2026-02-01T09:00:00Z",
        "roadmap",
        &[write("hb/search/roadmap.md", &roadmap("Q2", "quality"))],
    );
    // Two words of twenty differ: a move with an edit. The notes are
    // rewritten as they move: too few words in common, a new page.
    let moved = f.commit(
        "2026-04-01T09:00:00Z",
        "move and update",
        &[
            delete("hb/search/roadmap.md"),
            write("hb/search/plans/roadmap.md", &roadmap("Q3", "speed")),
            delete("hb/search/notes.md"),
            write(
                "hb/search/plans/notes.md",
                "# Notes\n\nDecisions: we ship the new ranker behind a flag in May.\n",
            ),
        ],
    );
    f.commit(
        "2026-05-01T09:00:00Z",
        "reflow",
        &[write(
            "hb/search/plans/roadmap.md",
            &roadmap("Q3", "speed")
                .replace(",\n", ", ")
                .replace("# Roadmap", "Roadmap\n======="),
        )],
    );

    let answers = assert_every_row(&f);
    let found = answer(&answers, "hb/search/plans/roadmap.md", None);
    assert_dated_by_words(&f, found, "hb/search/plans/roadmap.md", &moved);
    assert_eq!(found.moved_from, None, "{found:?}");
    assert_eq!(found.passed_over, 1, "{found:?}");
    let notes = answer(&answers, "hb/search/plans/notes.md", None);
    assert_eq!(notes.commit, moved, "{notes:?}");
}

#[test]
fn pages_added_and_deleted_together_pair_by_blob_then_words_then_similarity() {
    let f = Fixture::new();
    let text = "# Page\n\nWe plan on Mondays and ship on Fridays.\n";
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/old/a.md", "# Page\n\nDraft.\n"),
            write("hb/old/b.md", "# Page\n\nOther draft.\n"),
        ],
    );
    let a_edit = f.commit(
        "2026-02-01T09:00:00Z",
        "a",
        &[write("hb/old/a.md", &text.replace("We plan", "We  plan"))],
    );
    let b_edit = f.commit("2026-03-01T09:00:00Z", "b", &[write("hb/old/b.md", text)]);
    // `x` has b's very blob; `y` only a's words (formatted a third way). A
    // matcher going by words or path order alone would give `x` a's history.
    f.commit(
        "2026-04-01T09:00:00Z",
        "move",
        &[
            delete("hb/old/a.md"),
            delete("hb/old/b.md"),
            write("hb/new/x.md", text),
            write("hb/new/y.md", &text.replace("on Fridays", "on\nFridays")),
        ],
    );
    let answers = assert_every_row(&f);
    for (path, commit, from) in [
        ("hb/new/x.md", &b_edit, "hb/old/b.md"),
        ("hb/new/y.md", &a_edit, "hb/old/a.md"),
    ] {
        let found = answer(&answers, path, None);
        assert_dated_by_words(&f, found, path, commit);
        assert_eq!(found.moved_from.as_deref(), Some(from), "{path}");
    }
}

/// A reorganisation big enough that its pages are parsed and paired on
/// every core: 70 pages moved with a few words changed each, so neither
/// the same blob nor the same words pairs them, only similarity. Each
/// page shares 8 of its 20 words with every other (40%, below the 50%
/// threshold) and 17 with its own old version; one page was rewritten
/// beyond recognition and is new.
#[test]
fn a_reorganisation_of_many_edited_pages_pairs_each_with_its_own_old_version() {
    let f = Fixture::new();
    let common = "we plan ship review the team goals each";
    let page = |n: usize, changed: usize| {
        let own: Vec<String> = (0..12)
            .map(|w| {
                if w < changed {
                    format!("new{n}x{w}")
                } else {
                    format!("own{n}x{w}")
                }
            })
            .collect();
        format!("# Page {n}\n\n{common} {}.\n", own.join(" "))
    };
    let count = 70;
    let mut start = vec![write("handbook-lint.yaml", CONFIG)];
    start.extend((0..count).map(|n| write(&format!("hb/old/p{n:02}.md"), &page(n, 0))));
    f.commit("2026-01-05T09:00:00Z", "start", &start);
    let mut reorganisation = Vec::new();
    for n in 0..count {
        reorganisation.push(delete(&format!("hb/old/p{n:02}.md")));
        // Page 0 keeps only the common words: 8 of 20, not a move.
        let changed = if n == 0 { 12 } else { 3 };
        reorganisation.push(write(&format!("hb/new/q{n:02}.md"), &page(n, changed)));
    }
    let moved = f.commit("2026-03-01T09:00:00Z", "reorganise", &reorganisation);
    let answers = assert_every_row(&f);
    for n in 0..count {
        let path = format!("hb/new/q{n:02}.md");
        // Each page's words changed in the move: it is dated by it, and
        // `why` says where it came from.
        let found = answer(&answers, &path, None);
        assert_eq!(found.commit, moved, "{path}: {found:?}");
        // `why` takes a path as a user types it, from where they are.
        let absolute = f.path().join(&path);
        let absolute = absolute.to_str().expect("a UTF-8 path");
        let out = f.run(&["why", absolute, "--format", "json", "--now", NOW]);
        let why: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
        let touch = &why["trail"][0];
        assert_eq!(touch["commit"], moved.as_str(), "{path}: {why:#}");
        let from = (n > 0).then(|| format!("hb/old/p{n:02}.md"));
        assert_eq!(
            touch["moved_from"].as_str(),
            from.as_deref(),
            "{path}: {why:#}"
        );
        if n > 0 {
            // 19 of its 22 words.
            assert_eq!(touch["similarity"], 86, "{path}: {why:#}");
        }
    }
}

#[test]
fn a_copy_is_a_new_page_and_the_original_keeps_its_date() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/search/goals.md", &goals("Kicked off.")),
        ],
    );
    let progress = f.commit(
        "2026-02-01T09:00:00Z",
        "progress",
        &[write("hb/search/goals.md", &goals("Halfway *there*."))],
    );
    let copied = f.commit(
        "2026-04-01T09:00:00Z",
        "keep last year's goals",
        &[write("hb/search/goals-2025.md", &goals("Halfway *there*."))],
    );
    f.commit(
        "2026-05-01T09:00:00Z",
        "format both",
        &[
            write("hb/search/goals-2025.md", &goals("Halfway _there_.")),
            write("hb/search/goals.md", &goals("Halfway _there_.")),
        ],
    );
    let answers = assert_every_row(&f);
    let copy = answer(&answers, "hb/search/goals-2025.md", None);
    assert_dated_by_words(&f, copy, "hb/search/goals-2025.md", &copied);
    assert_eq!((copy.moved_from.as_deref(), copy.passed_over), (None, 1));
    let original = answer(&answers, "hb/search/goals.md", None);
    assert_dated_by_words(&f, original, "hb/search/goals.md", &progress);
    assert_eq!(
        (original.moved_from.as_deref(), original.passed_over),
        (None, 1)
    );
}

#[test]
fn ticking_an_action_item_is_a_change_and_restyling_the_list_is_not() {
    let f = Fixture::new();
    let items = "- [ ] @bob add an SLO (due 2026-02-15)\n- [ ] @alice write the docs\n";
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write(
                "hb/search/retros/2026-01-16.md",
                &retro("2026-01-16", items),
            ),
            write(
                "hb/search/retros/2026-01-30.md",
                &retro("2026-01-30", &items.replace("[ ]", "[x]")),
            ),
        ],
    );
    let ticked = f.commit(
        "2026-02-01T09:00:00Z",
        "done",
        &[write(
            "hb/search/retros/2026-01-16.md",
            &retro("2026-01-16", &items.replacen("[ ]", "[x]", 1)),
        )],
    );
    let reopened = f.commit(
        "2026-02-15T09:00:00Z",
        "not done after all",
        &[write(
            "hb/search/retros/2026-01-30.md",
            &retro(
                "2026-01-30",
                &items.replace("[ ]", "[x]").replacen("[x]", "[ ]", 1),
            ),
        )],
    );
    // `[X]` is ticked as `[x]` is; `*` bullets are `-` bullets.
    f.commit(
        "2026-03-01T09:00:00Z",
        "restyle",
        &[write(
            "hb/search/retros/2026-01-16.md",
            &retro(
                "2026-01-16",
                "* [X] @bob add an SLO (due 2026-02-15)  \n* [ ]   @alice write the docs\n",
            ),
        )],
    );
    let answers = assert_every_row(&f);
    let found = answer(&answers, "hb/search/retros/2026-01-16.md", None);
    assert_dated_by_words(&f, found, "hb/search/retros/2026-01-16.md", &ticked);
    assert_eq!(found.passed_over, 1);
    let found = answer(&answers, "hb/search/retros/2026-01-30.md", None);
    assert_eq!(found.commit, reopened);
}

/// The team page: an intro, planning with a subsection, execution, and
/// any `extra` sections after planning.
fn team_page(
    title: &str,
    intro: &str,
    planning: &str,
    details: &str,
    extra: &str,
    execution: &str,
) -> String {
    format!(
        "# {title}\n\n{intro}\n\n## Planning\n\n{planning}\n\n### Details\n\n{details}\n\n{extra}## Execution\n\n{execution}\n"
    )
}

/// The team page as it evolves: planning's words never change but for its
/// details.
fn process_page(intro: &str, details: &str, extra: &str, execution: &str) -> String {
    team_page(
        "Search",
        intro,
        "We plan on Mondays with the whole team.",
        details,
        extra,
        execution,
    )
}

/// A draft sharing some words with the team page: a candidate for its
/// move, but a worse one than the page it moves from.
fn draft_page() -> String {
    team_page(
        "Search",
        "Intro.",
        "We plan on Tuesdays maybe.",
        "A board.",
        "",
        "We ship on Fridays.",
    )
}

const PROCESS: &str = "hb/search/process.md";

/// The team page's history up to its move: planning's details edited,
/// then execution, then a section added after planning, the intro edited,
/// and the section removed. Returns the details edit.
fn section_history(f: &Fixture) -> String {
    let config = format!(
        "{CONFIG}pages:\n  iteration-planning: \"{{dir}}/team.md#planning\"\n  iteration-execution: \"{{dir}}/team.md#execution\"\n"
    );
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", &config),
            write(
                PROCESS,
                &process_page("Intro.", "A board.", "", "We ship on Fridays."),
            ),
            write("hb/search/draft.md", &draft_page()),
        ],
    );
    let details = f.commit(
        "2026-02-01T09:00:00Z",
        "details",
        &[write(
            PROCESS,
            &process_page("Intro.", "A board and tickets.", "", "We ship on Fridays."),
        )],
    );
    let review = "## Review\n\nWe review on Thursdays.\n\n";
    for (when, message, intro, extra, execution) in [
        (
            "2026-02-15T09:00:00Z",
            "execution",
            "Intro.",
            "",
            "We ship on Fridays and Tuesdays.",
        ),
        (
            "2026-03-01T09:00:00Z",
            "a section follows planning",
            "Intro.",
            review,
            "We ship on Fridays and Tuesdays.",
        ),
        (
            "2026-03-15T09:00:00Z",
            "intro",
            "Intro to search.",
            review,
            "We ship on Fridays and Tuesdays.",
        ),
        (
            "2026-04-01T09:00:00Z",
            "the section goes",
            "Intro to search.",
            "",
            "We ship on Fridays and Tuesdays.",
        ),
    ] {
        f.commit(
            when,
            message,
            &[write(
                PROCESS,
                &process_page(intro, "A board and tickets.", extra, execution),
            )],
        );
    }
    details
}

#[test]
fn a_section_is_dated_by_its_own_words_whatever_happens_around_it() {
    let f = Fixture::new();
    let details = section_history(&f);
    // The page moves with an edit of execution; the draft goes in the same
    // commit. Both are similar enough; the process page is the better pair.
    let final_text = process_page(
        "Intro to search.",
        "A board and tickets.",
        "",
        "We ship on Fridays, Tuesdays too.",
    );
    let (common, longest) =
        oracle::similarity(&oracle::words(&draft_page()), &oracle::words(&final_text));
    assert!(
        2 * common >= longest,
        "the draft is a candidate: {common}/{longest}"
    );
    let moved = f.commit(
        "2026-05-01T09:00:00Z",
        "move",
        &[
            delete(PROCESS),
            delete("hb/search/draft.md"),
            write("hb/search/team.md", &final_text),
        ],
    );
    f.commit(
        "2026-05-10T09:00:00Z",
        "a section after execution, and setext",
        &[write(
            "hb/search/team.md",
            &format!("{final_text}\n## Retro\n\nFridays.\n")
                .replace("# Search\n", "Search\n======\n"),
        )],
    );

    let answers = assert_every_row(&f);
    let planning = answer(&answers, "hb/search/team.md", Some("planning"));
    assert_dated_by_words(&f, planning, "hb/search/team.md", &details);
    assert_eq!(planning.moved_from.as_deref(), Some(PROCESS));
    assert_eq!(planning.passed_over, 6, "{planning:?}");
    let execution = answer(&answers, "hb/search/team.md", Some("execution"));
    assert_dated_by_words(&f, execution, "hb/search/team.md", &moved);
    assert_eq!(
        (execution.moved_from.as_deref(), execution.passed_over),
        (None, 1)
    );
}

#[test]
fn an_ignored_sweep_is_passed_over_but_a_page_it_created_dates_from_it() {
    let f = Fixture::new();
    let start = f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/a.md", "# A\n\nThe widget works.\n"),
            write("hb/b.md", "# B\n\nThe widget breaks.\n"),
        ],
    );
    let edit = f.commit(
        "2026-02-01T09:00:00Z",
        "edit b",
        &[write("hb/b.md", "# B\n\nThe widget breaks often.\n")],
    );
    // A rename everywhere changes words; listed in ignore-revs, it does
    // not count, but the page it adds has nothing older to date it by.
    let sweep = f.commit_as(
        ROBOT,
        "2026-03-01T09:00:00Z",
        "rename widget to gadget",
        &[
            write("hb/a.md", "# A\n\nThe gadget works.\n"),
            write("hb/b.md", "# B\n\nThe gadget breaks often.\n"),
            write("hb/c.md", "# C\n\nThe gadget glossary.\n"),
        ],
    );
    f.commit(
        "2026-03-02T09:00:00Z",
        "ignore the rename",
        &[write(".git-blame-ignore-revs", &format!("{sweep}\n"))],
    );
    let skip = HashSet::from([sweep.clone()]);
    let answers = assert_every_row_skipping(&f, &skip);
    for (path, commit, passed) in [
        ("hb/a.md", &start, 1),
        ("hb/b.md", &edit, 1),
        ("hb/c.md", &sweep, 0),
    ] {
        let found = answer(&answers, path, None);
        assert_eq!(&found.commit, commit, "{path}");
        assert_eq!(found.passed_over, passed, "{path}");
    }
}

/// On a clone of a real handbook (`HANDBOOK_LINT_REAL_REPO=DIR`, with its
/// config in place), a sample of pages agrees with the oracle, moves and
/// passed-over commits included. Ignored by default: CI has no real
/// repository. `HANDBOOK_LINT_REAL_SAMPLE` sets how many pages (default 12),
/// spread evenly over the listing.
#[test]
#[ignore = "needs HANDBOOK_LINT_REAL_REPO: a clone of a real handbook"]
fn a_real_handbook_agrees_with_the_oracle() {
    let Some(dir) = std::env::var_os("HANDBOOK_LINT_REAL_REPO") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let sample: usize = std::env::var("HANDBOOK_LINT_REAL_SAMPLE")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    let out = run_in(
        &dir,
        &["pages", "--format", "json", "--no-cache", "--now", NOW],
    );
    let report: Value = serde_json::from_str(&out.stdout).expect("pages JSON");
    let rows: Vec<&Value> = report["pages"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["section"].is_null() && row["history"] == "git")
        .collect();
    let step = (rows.len() / sample.max(1)).max(1);
    let mut report_lines = String::new();
    for row in rows.iter().step_by(step).take(sample) {
        let path = row["path"].as_str().expect("path");
        let answer = oracle::last_change(&dir, path, None, &HashSet::new())
            .unwrap_or_else(|| panic!("the oracle knows no change of {path}"));
        let _ = writeln!(
            report_lines,
            "{path}: {} ({} passed over, moved from {:?})",
            &answer.commit[..7],
            answer.passed_over,
            answer.moved_from
        );
        assert_eq!(row["commit"], answer.commit.as_str(), "{path}: {row:#}");
        assert_eq!(row["git_updated_unix"], answer.time, "{path}: {row:#}");
        assert_eq!(
            row["moved_from"].as_str(),
            answer.moved_from.as_deref(),
            "{path}"
        );
        assert_eq!(row["passed_over"], answer.passed_over, "{path}");
    }
    eprintln!("{report_lines}");
}
