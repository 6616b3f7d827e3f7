//! Issue 10, the trust boundary: pages, file names and CODEOWNERS come from
//! an untrusted pull request. What such input can do to the report: forge
//! lines, reach the reader's terminal, or make the run's work grow faster
//! than the input.

mod common;

use std::fmt::Write as _;

use common::*;

const NOW: &str = "2026-06-01T12:00:00Z";

/// Regression: 100,000 action items in one retro took 90 s, because every
/// finding's line number was found by scanning its page from the top. Now
/// the page's lines are indexed once; this runs in a few seconds even in a
/// debug build.
#[test]
fn one_hundred_thousand_action_items_are_reported_in_linear_time() {
    const ITEMS: usize = 100_000;
    let mut items = String::with_capacity(ITEMS * 12);
    for i in 0..ITEMS {
        // Half without an owner (HB302); all open since the retro, long
        // past the two iterations an item without a due date may stay
        // open (HB303).
        if i % 2 == 0 {
            let _ = writeln!(items, "- [ ] x{i}");
        } else {
            let _ = writeln!(items, "- [ ] @bob y{i}");
        }
    }
    let f = one_team(
        "",
        &[write(
            "hb/search/retros/2026-01-16.md",
            &retro("2026-01-16", &items),
        )],
    );
    let (out, code) = f.check_short(NOW);
    assert_eq!(code, 1);
    let count = |code: &str| out.lines().filter(|l| l.contains(code)).count();
    assert_eq!(count(" HB302 "), ITEMS / 2);
    assert_eq!(count(" HB303 "), ITEMS);
    let last = out
        .lines()
        .rfind(|l| l.contains(" HB302 "))
        .unwrap_or_default();
    // Eight lines of front matter, title and heading come first: the last
    // unowned item, number 99,998, is on line 9 + 99,998.
    assert!(
        last.starts_with(&format!(
            "hb/search/retros/2026-01-16.md:{}:1:",
            9 + ITEMS - 2
        )),
        "{last}"
    );
}

/// A page name with a newline that would forge a finding in `short` and a
/// workflow command in `github`.
const FORGED: &str = "hb/search/retros/2026-01-16-a\nforged.md:1:1: HB101 [error] forged\n::error file=forged::forged.md";

/// A handbook whose pages, names, config and history carry control
/// characters: an OSC sequence that retitles the terminal, colour codes, a
/// screen wipe, a bell, DEL and a C1 CSI.
fn hostile() -> Fixture {
    let retro_text = "---\nowner: \"\\e[31mmallory\"\ndate: 2026-01-16\n---\n# Retro \u{1b}]0;pwned\u{7}\n\n## Action items\n\n- [ ] \u{1b}]0;pwned\u{7} fix (due 2020-01-01)\n- [ ] @bob \u{1b}[2J wipe\tthe \u{7f}screen\u{9b}31m\n- [ ] @zed\u{1b}[31m owns nothing\n";
    let team = "  \"ev\\e]0;t\\ail\":\n    dir: hb/evil\n    pm: alice\n    em: bob\n";
    let f = one_team(team, &[]);
    f.commit(
        "2026-01-16T10:00:00Z",
        "\u{1b}]0;pwned\u{7} add the retro",
        &[
            write(FORGED, retro_text),
            write("CODEOWNERS", "/hb/search/ @\u{1b}[31mx @bob\n/hb/ nobody\n"),
        ],
    );
    f
}

/// Control characters that must not reach a reader raw: all but the line
/// breaks a format writes itself.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c.is_control() && c != '\n')
        .collect()
}

fn run_format(f: &Fixture, format: &str) -> Output {
    let out = f.run(&["check", "--format", format, "--now", NOW]);
    assert_eq!(out.code, 1, "{format}: {}", out.stderr);
    assert_eq!(
        raw_controls(&out.stdout),
        Vec::<char>::new(),
        "{format}:\n{}",
        out.stdout
    );
    assert_eq!(
        raw_controls(&out.stderr),
        Vec::<char>::new(),
        "{format}:\n{}",
        out.stderr
    );
    out
}

/// Every format, with NO_COLOR: no raw control character in the report
/// or the notes, and one line per finding where a format promises it.
#[test]
fn control_characters_from_the_repository_reach_no_report_raw() {
    let f = hostile();
    let json = run_format(&f, "json");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    // JSON keeps every string exact: the name with its newlines, the
    // message with its escape sequence.
    assert!(findings.iter().any(|f| f["path"] == FORGED), "{report:#}");
    assert!(
        findings.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("\u{1b}]0;pwned\u{7}"))),
        "{report:#}"
    );
    for format in ["human", "sarif", "gitlab"] {
        run_format(&f, format);
    }
    let short = run_format(&f, "short");
    assert_eq!(
        short.stdout.lines().count(),
        findings.len(),
        "{}",
        short.stdout
    );
    assert!(
        short.stdout.contains("2026-01-16-a\\nforged.md"),
        "{}",
        short.stdout
    );
    let github = run_format(&f, "github");
    let annotations = github
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .count();
    assert_eq!(annotations, findings.len(), "{}", github.stdout);
    assert!(
        github.stdout.lines().all(|l| l.starts_with("::")),
        "{}",
        github.stdout
    );
    // The file property escapes what GitHub reads as its own syntax.
    assert!(
        github
            .stdout
            .contains("file=hb/search/retros/2026-01-16-a\\nforged.md%3A1%3A1%3A HB101"),
        "{}",
        github.stdout
    );
    let junit = run_format(&f, "junit");
    let document = roxmltree::Document::parse(&junit.stdout).expect("well-formed XML");
    assert_eq!(
        document
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        findings.len()
    );
}

/// `pages` and `why`, as text and JSON, show the same names safely.
#[test]
fn pages_and_why_show_control_characters_escaped() {
    let f = hostile();
    // `why` takes a path as the shell gives it: relative to where it runs.
    let page = f.path().join(FORGED).to_string_lossy().into_owned();
    for args in [
        &["pages", "--format", "text"][..],
        &["pages", "--format", "json"],
        &["why", &page, "--format", "json"],
        &["why", &page, "--format", "text"],
    ] {
        let out = f.run(&[args, &["--now", NOW]].concat());
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(
            raw_controls(&out.stdout),
            Vec::<char>::new(),
            "{args:?}:\n{}",
            out.stdout
        );
        assert_eq!(
            raw_controls(&out.stderr),
            Vec::<char>::new(),
            "{args:?}:\n{}",
            out.stderr
        );
    }
    let pages = f.run(&["pages", "--format", "text", "--now", NOW]);
    assert!(
        pages.stdout.lines().any(|l| l.ends_with(
            "2026-01-16-a\\nforged.md:1:1: HB101 [error] forged\\n::error file=forged::forged.md"
        )),
        "{}",
        pages.stdout
    );
    let why = f.run(&["why", &page, "--now", NOW]);
    assert!(
        why.stdout.contains("\\u{1b}]0;pwned\\u{7} add the retro"),
        "{}",
        why.stdout
    );
}

/// Regression: one 70 KB suppression comment naming 10,000 unknown codes
/// made a 3 GB report, a finding per code with the comment under each.
/// Codes are taken once each, three unknown ones are reported and the rest
/// counted in one finding.
#[test]
fn a_suppression_naming_ten_thousand_unknown_codes_makes_a_small_report() {
    let mut codes = String::new();
    for i in 0..10_000 {
        let _ = write!(codes, "HB{i:05} ");
    }
    // Repeats are one code, known codes one rule.
    codes.push_str("HB00000 HB00001 HB102 goals-stale HB102");
    let page = format!(
        "{}<!-- handbook-lint-disable-file {codes} -->\n",
        goals("Kicked off.")
    );
    assert!(page.len() > 60_000);
    let f = one_team("", &[write("hb/search/goals.md", &page)]);
    for format in [
        "human", "short", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let out = f.run(&["check", "--format", format, "--now", NOW]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        // SARIF carries every rule's doc, 55 KB; a finding per code would
        // be a megabyte even in `short`.
        assert!(
            out.stdout.len() + out.stderr.len() < 100_000,
            "{format}: {} bytes",
            out.stdout.len()
        );
    }
    let (short, _) = f.check_short(NOW);
    let invalid: Vec<&str> = short.lines().filter(|l| l.contains(" HB006 ")).collect();
    assert_eq!(invalid.len(), 4, "{short}");
    assert!(invalid[0].ends_with("suppression names `HB00000`, which is not a rule"));
    assert!(
        invalid[3].ends_with("suppression names 9997 more codes that are not rules"),
        "{short}"
    );
    // Past the report: the goals page's staleness is still suppressed, by
    // the known code named twice.
    assert!(!short.contains(" HB102 "), "{short}");
}

/// Regression: `(due 2026-13-45)` was silently read as no due date.
#[test]
fn an_invalid_due_date_is_a_finding_at_the_item() {
    let f = one_team(
        "",
        &[write(
            "hb/search/retros/2026-05-20.md",
            &retro("2026-05-20", "- [ ] @bob fix (due 2026-13-45)"),
        )],
    );
    let (short, _) = f.check_short(NOW);
    assert!(
        short.lines().any(|l| l
            == "hb/search/retros/2026-05-20.md:9:21: HB303 [error] `2026-13-45` is not a date; write the due date as YYYY-MM-DD"),
        "{short}"
    );
}

/// Thousands of suppression comments and thousands of findings on one
/// page: each finding finds its comment through an index, not by reading
/// every comment of the page.
#[test]
fn twenty_thousand_suppressions_on_one_page_are_applied_in_linear_time() {
    const ITEMS: usize = 20_000;
    let mut items = String::new();
    for i in 0..ITEMS {
        let _ = writeln!(
            items,
            "<!-- handbook-lint-disable-next-line HB302 -->\n- [ ] x{i}"
        );
    }
    let f = one_team(
        "",
        &[write(
            "hb/search/retros/2026-01-16.md",
            &retro("2026-01-16", &items),
        )],
    );
    let (out, _) = f.check_short(NOW);
    let count = |code: &str| out.lines().filter(|l| l.contains(code)).count();
    assert_eq!(count(" HB302 "), 0, "each is suppressed");
    assert_eq!(count(" HB007 "), 0, "each suppression is used");
    assert_eq!(count(" HB303 "), ITEMS);
}
