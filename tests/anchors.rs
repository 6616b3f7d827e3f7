//! Sections found by the anchor any renderer gives them: GitHub's slug,
//! kramdown's and GitLab's, an explicit `{#id}`, an HTML anchor. The model
//! finds the section and the history walk dates the same section.

mod common;

use common::*;

const NOW: &str = "2026-02-20";

/// An index page written for kramdown/GitLab: the config's anchors are not
/// GitHub's slugs of these headings.
fn kramdown_index(planning: &str, execution: &str) -> String {
    format!(
        "---\nowner: bob\n---\n# Search\n\n## 1. Planning & Roadmap\n\n{planning}\n\n<a name=\"exec\"></a>\n## How we ship - weekly\n\n{execution}\n"
    )
}

const PAGES: &str = "    pages:
      iteration-planning: \"{dir}/index.md#planning--roadmap\"
      iteration-execution: \"{dir}/index.md#exec\"
";

/// `planning--roadmap` is kramdown's id for `1. Planning & Roadmap` (GitHub
/// says `1-planning--roadmap`); `exec` is an HTML anchor. Each section is
/// dated by its own last change, as the git log oracle dates it.
#[test]
fn kramdown_and_html_anchors_find_the_section_and_its_history() {
    let f = one_team(
        PAGES,
        &[write(
            "hb/search/index.md",
            &kramdown_index("Mondays.", "Fridays."),
        )],
    );
    let planning_change = f.commit(
        "2026-01-20T09:00:00Z",
        "planning changes",
        &[write(
            "hb/search/index.md",
            &kramdown_index("Tuesdays.", "Fridays."),
        )],
    );
    f.commit(
        "2026-02-03T09:00:00Z",
        "execution changes",
        &[write(
            "hb/search/index.md",
            &kramdown_index("Tuesdays.", "Thursdays."),
        )],
    );
    let (short, _) = f.check_short(NOW);
    assert!(
        !short.contains("HB201") && !short.contains("HB203"),
        "{short}"
    );

    let planning = f.page(NOW, "hb/search/index.md", Some("planning--roadmap"));
    assert_eq!(planning["commit"], planning_change.as_str(), "{planning:#}");
    assert_eq!(planning["kind"], "iteration-planning");
    let execution = f.page(NOW, "hb/search/index.md", Some("exec"));
    assert_eq!(
        execution["updated"], "2026-02-03T09:00:00Z",
        "{execution:#}"
    );
}

/// A misspelt anchor names the page's anchors and the nearest one.
#[test]
fn a_missing_anchor_lists_the_anchors_and_the_nearest() {
    let f = one_team(
        "    pages: { iteration-planning: \"{dir}/index.md#planing\" }\n",
        &[],
    );
    let out = f.run(&["check", "--format", "json", "--now", NOW]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let finding = report["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["code"] == "HB201"))
        .unwrap_or_else(|| panic!("HB201 in {report:#}"));
    let message = finding["message"].as_str().unwrap_or_default();
    assert!(
        message.ends_with("(its anchors: `search`, `planning`, `execution`)"),
        "{message}"
    );
    let help = finding["help"].as_str().unwrap_or_default();
    assert!(help.starts_with("did you mean `#planning`?"), "{help}");
}

/// With the page itself missing, the help says to create it with the
/// heading, not to add a heading to a file that is not there.
#[test]
fn a_missing_page_with_an_anchor_is_to_be_created_with_its_heading() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", CONFIG),
            write("hb/search/goals.md", &goals("Kicked off.")),
        ],
    );
    let (report, _) = f.check_json(NOW);
    let finding = report["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["code"] == "HB201"))
        .unwrap_or_else(|| panic!("HB201 in {report:#}"));
    assert_eq!(
        finding["help"],
        "create `hb/search/index.md` with a heading whose anchor is `planning`, or point `pages.iteration-planning` in handbook-lint.yaml at where the iteration-planning process page lives"
    );
}
