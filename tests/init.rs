//! `handbook-lint init` on a repository shaped like a real handbook: teams
//! under `content/engineering/<team>/` with a team page holding "Planning"
//! and "Processes" sections and a goals page, PMs and EMs in
//! `data/product_teams.yml` (and a roster in `data/team.yml`), handles in
//! CODEOWNERS, retros two weeks apart, and a formatter sweep in history.
//! The config it writes is read back by `check` and `pages` (the binary),
//! so every inference is judged by what the linter makes of it.

mod common;

use common::*;
use handbook_lint::testing::Edit;
use serde_json::Value;

const NOW: &str = "2026-03-05";
const TEAMS: [&str; 3] = ["search", "billing", "platform"];

fn goals_page(team: &str) -> String {
    format!(
        "# {team} goals\n\n## Goal\n\nServe customers.\n\n## Milestones\n\n- Ship v1\n\n## Timeline\n\nQ1\n\n## Progress\n\nOn track.\n"
    )
}

fn team_page(team: &str) -> String {
    format!(
        "# The {team} team\n\n## Members\n\nSee data.\n\n## Planning\n\nWe plan on Mondays.\n\n## Processes\n\nStandups daily, demos on Fridays.\n"
    )
}

fn retro_page(date: &str, owner: &str) -> String {
    format!(
        "---\ndate: {date}\n---\n# Retro {date}\n\n## Action items\n\n- [x] {owner} tidy the board\n"
    )
}

const PRODUCT_TEAMS: &str = "# Product teams
search:
  title: Search
  pm: Alice Ng
  em: Bob Okafor
billing:
  title: Billing
  product_manager: carol_diaz
  engineering_manager: dan_wu
platform:
  title: Platform
  pm: '@erin'
  em: frank_li
growth:
  title: Growth
  em: dan_wu
";

const ROSTER: &str = "carol_diaz: { name: Carol Diaz, github: carold }
dan_wu: { name: Dan Wu, github: danwu }
frank_li: { name: Frank Li, github: frankli }
";

const CODEOWNERS: &str = "/content/engineering/search/ @alice @bob
/content/engineering/billing/ @carold @danwu
";

/// Who owns each team's action items, by handle.
fn owner(team: &str) -> &'static str {
    match team {
        "search" => "@bob",
        "billing" => "@danwu",
        _ => "@frankli",
    }
}

const RETROS: [&str; 4] = ["2026-01-16", "2026-01-30", "2026-02-13", "2026-02-27"];

/// Every page at the time of the sweep, reformatted: the same words, a
/// different file (list markers and trailing blank lines).
fn reformatted(text: &str) -> String {
    format!("{}\n\n", text.replace("- ", "* "))
}

/// The handbook, committed over two months; returns the sweep's id.
fn handbook() -> (Fixture, String) {
    let f = Fixture::new();
    let mut edits = vec![
        write("README.md", "# Company handbook\n\nSee content/.\n"),
        write("content/index.md", "# Handbook\n\nWelcome.\n"),
        write(
            "content/engineering/index.md",
            "# Engineering\n\nOur teams.\n",
        ),
        write("data/product_teams.yml", PRODUCT_TEAMS),
        write("data/team.yml", ROSTER),
        write(".github/CODEOWNERS", CODEOWNERS),
    ];
    for team in TEAMS.iter().chain(&["growth"]) {
        edits.push(write(
            &format!("content/engineering/{team}/goals.md"),
            &goals_page(team),
        ));
        edits.push(write(
            &format!("content/engineering/{team}/index.md"),
            &team_page(team),
        ));
    }
    f.commit("2026-01-05T09:00:00Z", "Import the handbook", &edits);
    let mut sweep = String::new();
    for (i, date) in RETROS.iter().enumerate() {
        let retros: Vec<Edit> = TEAMS
            .iter()
            .map(|team| {
                write(
                    &format!("content/engineering/{team}/retros/{date}.md"),
                    &retro_page(date, owner(team)),
                )
            })
            .collect();
        f.commit(
            &format!("{date}T16:00:00Z"),
            &format!("Retros of {date}"),
            &retros,
        );
        if i == 2 {
            sweep = f.commit(
                "2026-02-20T10:00:00Z",
                "Format every page with Prettier",
                &sweep_edits(&f),
            );
        }
    }
    (f, sweep)
}

/// Every Markdown page in the working tree, reformatted.
fn sweep_edits(f: &Fixture) -> Vec<Edit> {
    let listed = git(f.path(), &["ls-files", "*.md"]);
    listed
        .lines()
        .map(|path| {
            let text = std::fs::read_to_string(f.path().join(path)).expect("page");
            write(path, &reformatted(&text))
        })
        .collect()
}

fn config_of(f: &Fixture) -> (String, Value) {
    let text =
        std::fs::read_to_string(f.path().join("handbook-lint.yaml")).expect("config written");
    let value: Value =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("YAML: {e}\n{text}"));
    (text, value)
}

fn codes(check: &Value) -> Vec<(String, String)> {
    check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn init_writes_a_config_that_check_reads_without_a_mistake() {
    let (f, _) = handbook();
    let out = f.run(&["init", "--now", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (text, config) = config_of(&f);
    assert!(
        text.starts_with("# yaml-language-server: $schema=https://raw.githubusercontent.com/handbook-lint/handbook-lint/main/schema/handbook-lint.schema.json\n"),
        "{text}"
    );
    let (check, _) = f.check_json(NOW);
    let found = codes(&check);
    assert!(
        !found.iter().any(|(code, _)| code == "HB001"),
        "{found:#?}\n{text}"
    );
    // Every page kind found is found by `check` too: no "missing" finding.
    for missing in ["HB101", "HB201", "HB203"] {
        assert!(
            !found.iter().any(|(code, _)| code == missing),
            "{missing}: {found:#?}\n{text}"
        );
    }
    assert_eq!(config["handbook"], "content", "{text}");
    // An editor reading the modeline's schema marks nothing in it either.
    let schema: Value =
        serde_json::from_str(&handbook_lint::testing::config_schema()).expect("schema JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let options = serde_saphyr::options! { strict_booleans: true };
    let instance: Value = serde_saphyr::from_str_with_options(&text, options).expect("YAML");
    let misfits: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(misfits.is_empty(), "{misfits:#?}\n{text}");
}

#[test]
fn every_team_is_found_with_its_pm_em_and_sections() {
    let (f, _) = handbook();
    assert_eq!(f.run(&["init", "--now", NOW]).code, 0);
    let (text, config) = config_of(&f);
    let teams = &config["teams"];
    let expected = [
        ("search", "alice-ng", "bob-okafor"),
        ("billing", "carol-diaz", "dan-wu"),
        ("platform", "erin", "frank-li"),
    ];
    for (team, pm, em) in expected {
        assert_eq!(
            teams[team]["dir"],
            format!("content/engineering/{team}"),
            "{text}"
        );
        assert_eq!(teams[team]["pm"], pm, "{team}: {text}");
        assert_eq!(teams[team]["em"], em, "{team}: {text}");
        // Every team keeps its pages where the others do.
        assert!(teams[team].get("pages").is_none(), "{team}: {text}");
    }
    let pages = &config["pages"];
    assert_eq!(pages["goals"], "{dir}/goals.md");
    assert_eq!(pages["iteration-planning"], "{dir}/index.md#planning");
    assert_eq!(pages["iteration-execution"], "{dir}/index.md#processes");
    assert_eq!(pages["retrospectives"], "{dir}/retros/*.md");
    // Names and handles: from the data file, the roster, and CODEOWNERS
    // for the names the data file spells out.
    let people = &config["people"];
    assert_eq!(people["alice-ng"]["name"], "Alice Ng");
    assert_eq!(people["alice-ng"]["handles"], serde_json::json!(["@alice"]));
    assert_eq!(people["bob-okafor"]["handles"], serde_json::json!(["@bob"]));
    assert_eq!(
        people["carol-diaz"]["handles"],
        serde_json::json!(["@carold"])
    );
    assert_eq!(people["erin"]["handles"], serde_json::json!(["@erin"]));
    // Each role says where it came from, to the line.
    assert!(
        text.contains("    pm: alice-ng   # pm from data/product_teams.yml:4\n"),
        "{text}"
    );
    assert!(
        text.contains("    em: dan-wu   # em from data/product_teams.yml:9\n"),
        "{text}"
    );
    // The sections are the ones `check` reads, with their team.
    let row = f.page(
        NOW,
        "content/engineering/billing/index.md",
        Some("processes"),
    );
    assert_eq!(row["team"], "billing");
    assert_eq!(row["kind"], "iteration-execution");
}

#[test]
fn a_role_nothing_names_is_left_out_and_said_so() {
    let (f, _) = handbook();
    assert_eq!(f.run(&["init", "--now", NOW]).code, 0);
    let (text, config) = config_of(&f);
    let growth = &config["teams"]["growth"];
    assert_eq!(growth["em"], "dan-wu", "{text}");
    assert!(growth.get("pm").is_none(), "{text}");
    assert!(
        text.contains("    # pm: not decided (its entry in data/product_teams.yml names no PM;"),
        "{text}"
    );
    // Honest: the check reports the vacancy.
    let (check, _) = f.check_json(NOW);
    let vacant: Vec<_> = codes(&check)
        .into_iter()
        .filter(|(code, _)| code == "HB401")
        .collect();
    assert_eq!(vacant.len(), 1, "{vacant:?}");
    assert!(vacant[0].1.contains("growth"), "{vacant:?}");
}

#[test]
fn the_calendar_follows_the_retros_spacing() {
    let (f, _) = handbook();
    assert_eq!(f.run(&["init", "--now", NOW]).code, 0);
    let (text, config) = config_of(&f);
    let iterations = &config["iterations"];
    assert_eq!(iterations["length"], "14d", "{text}");
    // The first retro (2026-01-16) is the last day of the first iteration.
    assert_eq!(iterations["start"], "2026-01-03", "{text}");
    // Every retro counts for its iteration: only growth, which holds
    // none, misses them.
    let (check, _) = f.check_json(NOW);
    let missed: Vec<_> = codes(&check)
        .into_iter()
        .filter(|(code, message)| code == "HB301" && !message.contains("`growth`"))
        .collect();
    assert!(missed.is_empty(), "{missed:?}\n{text}");
}

/// Where the retros give no calendar, the config and the summary say why,
/// so the default is not read as found: none dated twice in a team, or
/// dated further apart than any iteration.
#[test]
fn a_calendar_not_inferred_says_why() {
    for (dates, why) in [
        (&["2026-01-16"][..], "no team has two dated retrospectives"),
        (
            &["2026-01-16", "2026-03-13"][..],
            "retrospectives are 56 days apart (median)",
        ),
    ] {
        let f = Fixture::new();
        let mut edits = vec![write("content/search/goals.md", &goals_page("search"))];
        edits.extend(dates.iter().map(|date| {
            write(
                &format!("content/search/retros/{date}.md"),
                &retro_page(date, "@carold"),
            )
        }));
        f.commit("2026-01-05T09:00:00Z", "start", &edits);
        let out = f.run(&["init", "--print", "--now", NOW]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout
                .contains(&format!("# The defaults, not inferred: {why}.\n")),
            "{}",
            out.stdout
        );
        assert!(
            out.stderr
                .contains(&format!("iterations: the defaults ({why})")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn the_sweep_commit_is_proposed_for_the_ignore_revs_file() {
    let (f, sweep) = handbook();
    assert_eq!(f.run(&["init", "--now", NOW]).code, 0);
    let (text, _) = config_of(&f);
    let proposed: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# "))
        .filter(|line| line.len() > 40 && line[..40].bytes().all(|b| b.is_ascii_hexdigit()))
        .collect();
    assert_eq!(proposed.len(), 1, "{text}");
    assert!(
        proposed[0].starts_with(&format!("{sweep}   # 2026-02-20, ")),
        "{text}"
    );
    assert!(
        proposed[0].ends_with("Format every page with Prettier"),
        "{text}"
    );
    assert!(!f.path().join(".git-blame-ignore-revs").exists());
}

#[test]
fn the_summary_says_what_was_found_and_inferred() {
    let (f, _) = handbook();
    let out = f.run(&["init", "--now", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary = &out.stderr;
    for line in [
        "handbook-lint init: wrote handbook-lint.yaml",
        "teams found: 4",
        "  search (content/engineering/search): PM alice-ng, EM bob-okafor; goals goals.md, planning index.md#planning, execution index.md#processes, retros retros/*.md",
        "  handbook: content (",
        "  iterations: 14 days (median spacing of 4 retros: 14 days), starting 2026-01-03",
        "  people: 6 (from data/product_teams.yml)",
        "  sweeps: 1 of 6 mainline commits changed at least 10 pages in place; proposed for .git-blame-ignore-revs",
        "  growth: no PM (its entry in data/product_teams.yml names no PM;",
        "  growth: no retros page or section found",
        "  HB0xx input 0, HB1xx goals ",
    ] {
        assert!(summary.contains(line), "missing {line:?} in:\n{summary}");
    }
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn init_refuses_to_overwrite_a_config() {
    let (f, _) = handbook();
    let mine = "# mine\nhandbook: content\n";
    std::fs::write(f.path().join("handbook-lint.yaml"), mine).expect("write");
    let out = f.run(&["init", "--now", NOW]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "handbook-lint.yaml already exists at the repository root; init does not overwrite it"
        ),
        "{}",
        out.stderr
    );
    let after = std::fs::read_to_string(f.path().join("handbook-lint.yaml")).expect("read");
    assert_eq!(after, mine);
}

#[test]
fn print_writes_nothing() {
    let (f, _) = handbook();
    let out = f.run(&["init", "--print", "--now", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("# yaml-language-server: $schema="),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nteams:\n"), "{}", out.stdout);
    assert!(!f.path().join("handbook-lint.yaml").exists());
    // Nothing else in the working tree either.
    assert_eq!(git(f.path(), &["status", "--porcelain", "--ignored"]), "");
    // The check ran with the printed config.
    assert!(
        out.stderr.contains("printed the config above"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("HB0xx input 0,"), "{}", out.stderr);
}

/// Everything `init` reads is the repository's: a data file that leads
/// outside it, one too large, one that is not YAML and an alias bomb are
/// each named as not read, and the rest is used; team names that YAML
/// would misread are quoted, so `check` reads the config without a
/// mistake.
#[cfg(unix)]
#[test]
fn hostile_data_files_and_names_are_not_trusted() {
    let (f, _) = handbook();
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
    let big = format!("pm: {}\n", "x".repeat(1024 * 1024));
    let mut edits = vec![
        write("data/bomb.yml", bomb),
        write("data/big.yml", &big),
        write("data/bad.yml", "search: [pm\n"),
    ];
    for name in ["night #shift", "1.5", "yes"] {
        edits.push(write(
            &format!("content/engineering/{name}/goals.md"),
            &goals_page(name),
        ));
    }
    f.commit("2026-03-01T10:00:00Z", "More teams and data", &edits);
    std::os::unix::fs::symlink("/etc/passwd", f.path().join("data/evil.yml")).expect("symlink");
    let out = f.run(&["init", "--now", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for said in [
        "not read: the data file `data/evil.yml` leads outside the repository",
        "not read: the data file `data/big.yml` is 1048581 bytes, over the 1048576-byte limit",
        "not read: data/bad.yml:1: not YAML that can be read (unclosed bracket '[')",
        "not read: data/bomb.yml:4: not YAML that can be read (the YAML is too large once its aliases",
    ] {
        assert!(
            out.stderr.contains(said),
            "missing {said:?} in:\n{}",
            out.stderr
        );
    }
    let (text, config) = config_of(&f);
    for name in ["night #shift", "1.5", "yes"] {
        assert_eq!(
            config["teams"][name]["dir"],
            format!("content/engineering/{name}"),
            "{text}"
        );
    }
    // The good data files still count.
    assert_eq!(config["teams"]["search"]["pm"], "alice-ng", "{text}");
    let (check, _) = f.check_json(NOW);
    let mistakes: Vec<_> = codes(&check)
        .into_iter()
        .filter(|(code, _)| code == "HB001")
        .collect();
    assert!(mistakes.is_empty(), "{mistakes:?}\n{text}");
}

/// A team without a goals page is not given one: its Strategy section is
/// named in a comment, the global location stands, and `check` reports
/// the missing page.
#[test]
fn a_strategy_section_is_a_hint_not_a_goals_page() {
    let f = Fixture::new();
    f.commit(
        "2026-01-05T09:00:00Z",
        "Import",
        &[write(
            "hb/teams/ops/index.md",
            "# Ops\n\n## Strategy\n\nKeep it up.\n\n## Planning\n\nMondays.\n\n## Processes\n\nOn call.\n",
        )],
    );
    let out = f.run(&["init", "--now", NOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (text, config) = config_of(&f);
    assert!(config["teams"]["ops"].get("pages").is_none(), "{text}");
    assert!(
        text.contains("    # goals: no goals page found; if {dir}/index.md#strategy holds the team's goals, write `pages: { goals: \"{dir}/index.md#strategy\" }`\n"),
        "{text}"
    );
    let (check, _) = f.check_json(NOW);
    assert!(
        codes(&check).iter().any(|(code, _)| code == "HB101"),
        "{check:#}"
    );
}

#[test]
fn a_sweep_already_ignored_through_git_blame_config_is_not_proposed_again() {
    let (f, sweep) = handbook();
    // The repository keeps its ignore list where git's blame is told to
    // look, not in `.git-blame-ignore-revs`.
    std::fs::write(f.path().join("formatting-revs.txt"), format!("{sweep}\n")).expect("write");
    common::git(
        f.path(),
        &["config", "blame.ignoreRevsFile", "formatting-revs.txt"],
    );
    assert_eq!(f.run(&["init", "--now", NOW]).code, 0);
    let (text, _) = config_of(&f);
    assert!(!text.contains(&sweep), "{text}");
}
