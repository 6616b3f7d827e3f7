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
