//! The test kit's substance oracle (comrak, not the crate's parser) gives
//! the words and sections of every worked example in
//! `tests/data/substance-vectors.json`: the oracle the history tests in
//! `tests/substance.rs` trust is itself checked against the contract's
//! examples.

mod common;

use common::oracle;
use handbook_lint::testing::substance_cases;

#[test]
fn the_oracle_gives_every_worked_examples_words() {
    let cases = substance_cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    for case in cases {
        assert_eq!(
            oracle::words(&case.markdown),
            case.words,
            "words of {:?}\n{}",
            case.name,
            case.markdown
        );
    }
}

#[test]
fn the_oracle_gives_every_worked_examples_sections() {
    for case in substance_cases() {
        let (name, markdown) = (&case.name, &case.markdown);
        if case.sections.is_empty() {
            continue;
        }
        let mut anchors: Vec<String> = oracle::sections(markdown)
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        anchors.sort_unstable();
        let wanted: Vec<String> = case.sections.keys().cloned().collect();
        assert_eq!(anchors, wanted, "anchors of {name:?}\n{markdown}");
        for (anchor, words) in &case.sections {
            assert_eq!(
                oracle::section(markdown, anchor).as_ref(),
                Some(words),
                "section {anchor} of {name:?}\n{markdown}"
            );
        }
    }
}

/// Cases the vectors leave out, which the history tests rely on.
#[test]
fn the_oracle_reads_what_the_history_tests_write() {
    let cases: &[(&str, &[&str])] = &[
        // A multi-line comment in one HTML block, and one left open.
        ("<!--\nhidden\n\nwords\n-->\n\nshown\n", &["shown"]),
        ("shown\n\n<!-- never closed\nhidden\n", &["shown"]),
        // Front matter never closed is text.
        ("---\nowner: x\n", &["owner", "x"]),
        // `...` closes front matter too.
        ("---\nowner: x\n...\nBody\n", &["Body"]),
        // `[X]` is ticked like `[x]`.
        ("- [X] done\n- [ ] open\n", &["[x]", "done", "[ ]", "open"]),
        // Tags inside words join them, as a reader sees them.
        ("foo<b>bar</b> baz\n", &["foobar", "baz"]),
        // Reference-style and inline links read the same.
        ("[a b][r]\n\n[r]: x.md\n", &["a", "b"]),
        ("[a b](../../x.md \"t\")\n", &["a", "b"]),
    ];
    for (markdown, expected) in cases {
        assert_eq!(oracle::words(markdown), *expected, "{markdown:?}");
    }
    let page = "# T\n\n## A {#alpha}\n\nx\n\n### B\n\ny\n\n## A\n\nz\n";
    let anchors: Vec<String> = oracle::sections(page).into_iter().map(|(a, _)| a).collect();
    assert_eq!(anchors, ["t", "alpha", "b", "a"]);
    assert_eq!(
        oracle::section(page, "alpha"),
        Some(vec!["A".into(), "x".into(), "B".into(), "y".into()])
    );
}

/// Where pulldown-cmark 0.13 disagrees with CommonMark (trailing tabs after
/// a heading's closing `#`s or a closing fence, which the crate's parser
/// works around), the oracle follows CommonMark.
#[test]
fn the_oracle_ignores_tabs_after_closing_sequences_and_fences() {
    let anchors: Vec<String> = oracle::sections("## Planning ##\t\n\nText.\n")
        .into_iter()
        .map(|(anchor, _)| anchor)
        .collect();
    assert_eq!(anchors, ["planning"]);
    let text = "```\nowner: alice\n```\t\n\n## Planning\n\nSee [the plan](plan.md).\n";
    assert_eq!(
        oracle::words(text),
        ["owner", "alice", "Planning", "See", "the", "plan"]
    );
}
