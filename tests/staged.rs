//! `check --staged`: what a pre-commit hook sees.

mod common;

use common::*;

const NOW: &str = "2026-03-05T12:00:00Z";
const GOALS: &str = "hb/search/goals.md";
const INDEX: &str = "hb/search/index.md";

/// A team whose goals page went stale in January and whose planning
/// section is older than 30 days.
fn stale_team() -> Fixture {
    let f = Fixture::new();
    let config = format!("{CONFIG}max-age: {{ iteration-planning: 30d }}\n");
    f.commit(
        "2026-01-05T09:00:00Z",
        "start",
        &[
            write("handbook-lint.yaml", &config),
            write(GOALS, &goals("Kicked off.")),
            write(INDEX, &index("Mondays.", "Fridays.")),
            write(
                "hb/search/retros/2026-03-02.md",
                &retro("2026-03-02", "- [x] @alice done"),
            ),
        ],
    );
    f
}

fn staged(f: &Fixture) -> (String, i32) {
    let out = f.run(&["check", "--staged", "--format", "short", "--now", NOW]);
    (out.stdout, out.code)
}

#[test]
fn only_findings_on_staged_files_are_reported() {
    let f = stale_team();
    let (all, _) = f.check_short(NOW);
    assert!(all.contains("HB102") && all.contains("HB202"), "{all}");
    // Nothing staged: nobody is blocked for the team's stale pages.
    assert_eq!(staged(&f), (String::new(), 0));
    stage(&f, "hb/other.md", "# Other\n");
    assert_eq!(staged(&f), (String::new(), 0));
}

#[test]
fn staging_an_update_to_a_stale_goals_page_clears_hb102() {
    let f = stale_team();
    stage(
        &f,
        GOALS,
        &goals("Kicked off.\n- Iteration 4: shipped search v2."),
    );
    let (out, code) = staged(&f);
    assert!(!out.contains("HB102"), "{out}");
    assert_eq!(code, 0, "{out}");
    // The same edit left unstaged does not count.
    let f = stale_team();
    std::fs::write(f.path().join(GOALS), goals("unstaged")).expect("write");
    git(f.path(), &["add", GOALS]);
    git(f.path(), &["reset", "--quiet", "--", GOALS]);
    let out = f.run(&["pages", "--format", "json", "--now", NOW]);
    assert!(out.stdout.contains("\"source\": \"git\""), "{}", out.stdout);
}

#[test]
fn a_retro_with_an_unowned_action_item_is_blocked_with_its_line() {
    let f = stale_team();
    stage(
        &f,
        "hb/search/retros/2026-03-03.md",
        &retro(
            "2026-03-03",
            "- [x] @alice done\n- [ ] write the release checklist",
        ),
    );
    let (out, code) = staged(&f);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "hb/search/retros/2026-03-03.md:10:1: HB302 [error] action item has no owner: “write the release checklist”\n"
    );
}

#[test]
fn page_content_comes_from_the_index_not_the_working_tree() {
    let f = stale_team();
    let path = "hb/search/retros/2026-03-03.md";
    stage(
        &f,
        path,
        &retro("2026-03-03", "- [ ] @bob owned in the index"),
    );
    // The working tree loses the owner, but that is not what is committed.
    std::fs::write(f.path().join(path), retro("2026-03-03", "- [ ] nobody")).expect("write");
    let (out, code) = staged(&f);
    assert_eq!((out.as_str(), code), ("", 0));
    // And the other way round.
    stage(&f, path, &retro("2026-03-03", "- [ ] nobody in the index"));
    std::fs::write(f.path().join(path), retro("2026-03-03", "- [ ] @bob")).expect("write");
    let (out, _) = staged(&f);
    assert!(out.contains("HB302"), "{out}");
}

#[test]
fn a_staged_section_edit_refreshes_only_that_section() {
    let f = stale_team();
    stage(&f, INDEX, &index("Mondays.", "Fridays, with demos."));
    let (out, code) = staged(&f);
    assert!(out.contains("HB202"), "planning is still stale: {out}");
    assert_eq!(code, 1);
    stage(&f, INDEX, &index("Tuesdays now.", "Fridays, with demos."));
    let (out, code) = staged(&f);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn an_index_with_conflicts_is_an_error_naming_them() {
    let f = stale_team();
    git(f.path(), &["checkout", "--quiet", "-b", "side"]);
    stage(&f, GOALS, &goals("side"));
    let commit = |message: &str| {
        git(f.path(), &["commit", "--quiet", "-m", message]);
    };
    commit("side");
    git(f.path(), &["checkout", "--quiet", "main"]);
    stage(&f, GOALS, &goals("main"));
    commit("main");
    let merge = git_output(f.path(), &["merge", "--quiet", "side"], &[]);
    assert!(!merge.status.success(), "the merge conflicts");
    let out = f.run(&["check", "--staged", "--now", NOW]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("unmerged entries (hb/search/goals.md)"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_first_commit_of_a_new_handbook_is_not_blocked() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path().join("hb/search")).expect("mkdir");
    // A team adopting the process today owes nothing for past iterations.
    stage(
        &f,
        "handbook-lint.yaml",
        &format!("{CONFIG}    since: 2026-03-05\n"),
    );
    stage(&f, GOALS, &goals("x"));
    stage(&f, INDEX, &index("a", "b"));
    let (out, code) = staged(&f);
    assert_eq!((out.as_str(), code), ("", 0));
}

/// Staging the config changes every verdict, so everything is reported;
/// staging the goals update with it turns the hook green.
#[test]
fn a_staged_config_reports_everything_until_the_goals_page_is_updated_too() {
    let f = stale_team();
    // The team adopted the process with iteration 4: its retros are complete.
    let config =
        format!("{CONFIG}    since: 2026-02-16\nmax-age: {{ iteration-planning: 300d }}\n");
    stage(&f, "handbook-lint.yaml", &config);
    let (out, code) = staged(&f);
    assert!(out.contains("hb/search/goals.md:4:1: HB102"), "{out}");
    assert_eq!(code, 1);
    stage(
        &f,
        GOALS,
        &goals("Kicked off.\n- Iteration 4: shipped search v2."),
    );
    let (out, code) = staged(&f);
    assert_eq!((out.as_str(), code), ("", 0));
}
