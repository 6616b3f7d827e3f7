//! The page cache (`.git/handbook-lint/pages.bin`): a run with it must say
//! exactly what a run without it says, whatever happened to the working
//! tree in between, and must read again only what changed.

mod common;

use std::path::Path;

use common::*;

const NOW: &str = "2026-06-01";

/// Files written by a test are a few milliseconds old: with the settle
/// time at zero the cache trusts them (on a file system with nanosecond
/// timestamps, which the runs' own duration keeps apart).
const SETTLED: (&str, &str) = ("HANDBOOK_LINT_SETTLE_MS", "0");

fn handbook() -> Fixture {
    one_team(
        "",
        &[
            write(
                "hb/search/retros/2026-01-20.md",
                &retro("2026-01-20", "- [ ] @bob tidy up"),
            ),
            write("hb/search/notes/a.md", "# A\n\nNotes.\n"),
            write("hb/search/notes/b.md", "# B\n\nMore notes.\n"),
            write("hb/other/c.md", "# C\n"),
        ],
    )
}

/// `pages` and `check` with the cache, compared with a run without it;
/// returns what `pages --verbose` said about the page cache.
fn assert_cache_agrees(f: &Fixture, env: &[(&str, &str)]) -> String {
    let run = |args: &[&str]| {
        let out = run_in_env(f.path(), args, env);
        assert!(out.code != 2, "{args:?}: {}", out.stderr);
        out
    };
    let cold_pages = run(&["pages", "--format", "json", "--now", NOW, "--no-cache"]).stdout;
    let cold_check = run(&["check", "--format", "json", "--now", NOW, "--no-cache"]).stdout;
    let pages = run(&["pages", "--format", "json", "--now", NOW, "--verbose"]);
    assert_eq!(pages.stdout, cold_pages);
    assert_eq!(
        run(&["check", "--format", "json", "--now", NOW]).stdout,
        cold_check
    );
    pages
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("pages: "))
        .unwrap_or_default()
        .to_string()
}

/// Something done to the working tree between two runs.
type Change = Box<dyn Fn(&Fixture)>;

fn write_file(f: &Fixture, path: &str, text: &str) {
    let full = f.path().join(path);
    if let Some(dir) = full.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(full, text).expect("write");
}

fn page_count(f: &Fixture) -> usize {
    let out = run_in_env(
        f.path(),
        &["pages", "--format", "json", "--now", NOW],
        &[SETTLED],
    );
    let pages: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let rows = pages["pages"].as_array().cloned().unwrap_or_default();
    rows.iter().filter(|row| row["section"].is_null()).count()
}

#[test]
fn an_unchanged_handbook_is_neither_walked_nor_read_again() {
    let f = handbook();
    assert_cache_agrees(&f, &[SETTLED]);
    let status = assert_cache_agrees(&f, &[SETTLED]);
    let total = page_count(&f);
    assert_eq!(status, format!("0 of {total} pages read, listing reused"));
    // An edit in place that keeps the size: only that page is read again.
    let text = std::fs::read_to_string(f.path().join("hb/search/notes/a.md")).expect("read");
    write_file(
        &f,
        "hb/search/notes/a.md",
        &text.replace("Notes.", "Nodes."),
    );
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(status, format!("1 of {total} pages read, listing reused"));
    // A page or two read again cost less than rewriting the cache: it is
    // not rewritten, and the page is read again next time too.
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(status, format!("1 of {total} pages read, listing reused"));
    // Saved by rename, as many editors do: the directory's time moves, its
    // names do not, and nothing else is listed or read again.
    let notes = f.path().join("hb/search/notes");
    std::fs::write(notes.join(".a.md.swp"), "# A, saved\n").expect("write");
    std::fs::rename(notes.join(".a.md.swp"), notes.join("a.md")).expect("rename");
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(
        status,
        format!("1 of {total} pages read, changed directories listed again")
    );
    // A new page: only its directory is listed again, and the listing having
    // changed, the cache is rewritten with everything read.
    write_file(&f, "hb/search/notes/c.md", "# C\n");
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(
        status,
        format!(
            "2 of {} pages read, changed directories listed again",
            total + 1
        )
    );
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(
        status,
        format!("0 of {} pages read, listing reused", total + 1)
    );
}

/// `pages` reads the bodies of the pages a team consults and only the
/// front matter of the others; the cache says which it read, so a `check`
/// after it reads those bodies (and says what a run without the cache
/// says), while `pages` serves every page from the cache.
#[test]
fn pages_leaves_unread_the_bodies_no_team_consults_and_check_reads_them() {
    let f = handbook();
    let total = page_count(&f);
    std::fs::remove_dir_all(f.path().join(".git/handbook-lint")).expect("no cache yet");
    let cold_check = run_in(
        f.path(),
        &["check", "--format", "json", "--now", NOW, "--no-cache"],
    )
    .stdout;
    let (pages, status) = cache_status(&f, "pages");
    assert_eq!(
        status,
        format!("{total} of {total} pages read, listing walked")
    );
    // The team's sections are found in the bodies read: the planning and
    // execution sections of its index page, each dated.
    let rows: serde_json::Value = serde_json::from_str(&pages).expect("json");
    let sections: Vec<&str> = rows["pages"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["path"] == "hb/search/index.md" && row["updated"].is_string())
        .filter_map(|row| row["section"].as_str())
        .collect();
    assert_eq!(sections, ["execution", "planning"], "{pages}");
    // The notes and the other directory's page: bodies no team consults.
    // Three pages cost less to read again than the cache to rewrite (as
    // pages edited in place), so each `check` reads them until it is.
    for _ in 0..2 {
        let (check, status) = cache_status(&f, "check");
        assert_eq!(check, cold_check);
        assert_eq!(status, format!("3 of {total} pages read, listing reused"));
    }
    let (_, status) = cache_status(&f, "pages");
    assert_eq!(status, format!("0 of {total} pages read, listing reused"));
}

/// `pages` keeps no text of a page whose body it did not read: nothing
/// shows it, and a run that needs the body reads the page again. A long
/// page no team consults leaves the cache's texts small, and `check`
/// after it still says what a run without the cache says.
#[test]
fn pages_keeps_no_text_of_the_pages_whose_bodies_it_did_not_read() {
    let f = handbook();
    let long = format!("# Long notes\n\n{}\n", "Many words here. ".repeat(20_000));
    f.commit(
        "2026-01-10T09:00:00Z",
        "long notes",
        &[write("hb/other/long.md", &long)],
    );
    let _ = std::fs::remove_dir_all(f.path().join(".git/handbook-lint"));
    let cold_check = run_in(
        f.path(),
        &["check", "--format", "json", "--now", NOW, "--no-cache"],
    )
    .stdout;
    let total = page_count_without_cache(&f);
    let (_, status) = cache_status(&f, "pages");
    assert_eq!(
        status,
        format!("{total} of {total} pages read, listing walked")
    );
    let texts = std::fs::metadata(f.path().join(".git/handbook-lint/page-texts.bin"))
        .expect("texts written")
        .len();
    assert!(
        texts < 20_000,
        "{texts} bytes of texts for pages holding {} bytes",
        long.len()
    );
    let (check, status) = cache_status(&f, "check");
    assert_eq!(check, cold_check);
    // The long page and the others no team consults, read again.
    assert_eq!(status, format!("4 of {total} pages read, listing reused"));
}

/// How many pages `pages` lists, without touching the cache.
fn page_count_without_cache(f: &Fixture) -> usize {
    let out = run_in(
        f.path(),
        &["pages", "--format", "json", "--now", NOW, "--no-cache"],
    );
    let pages: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let rows = pages["pages"].as_array().cloned().unwrap_or_default();
    rows.iter().filter(|row| row["section"].is_null()).count()
}

/// Many pages edited in place: reading them all again each time would cost
/// more than rewriting the cache once.
#[test]
fn many_edited_pages_are_written_back_to_the_cache() {
    let f = handbook();
    let edits: Vec<_> = (0..40)
        .map(|i| write(&format!("hb/many/p{i}.md"), &format!("# P{i}\n")))
        .collect();
    f.commit("2026-01-10T09:00:00Z", "many pages", &edits);
    assert_cache_agrees(&f, &[SETTLED]);
    let total = page_count(&f);
    for i in 0..40 {
        write_file(
            &f,
            &format!("hb/many/p{i}.md"),
            &format!("# P{i}, edited\n"),
        );
    }
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(status, format!("40 of {total} pages read, listing reused"));
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert_eq!(status, format!("0 of {total} pages read, listing reused"));
}

#[test]
fn every_kind_of_change_to_the_working_tree_is_seen() {
    let f = handbook();
    let env = [SETTLED];
    assert_cache_agrees(&f, &env);
    let changes: Vec<Change> = vec![
        // A new page in a directory the walk knows.
        Box::new(|f| write_file(f, "hb/search/notes/new.md", "# New\n")),
        // A new directory of pages.
        Box::new(|f| write_file(f, "hb/search/deep/er/page.md", "# Deep\n")),
        // A page deleted, another renamed.
        Box::new(|f| std::fs::remove_file(f.path().join("hb/other/c.md")).expect("rm")),
        Box::new(|f| {
            std::fs::rename(
                f.path().join("hb/search/notes/b.md"),
                f.path().join("hb/search/notes/renamed.md"),
            )
            .expect("mv");
        }),
        // An unowned action item appears in the retro (a longer file).
        Box::new(|f| {
            write_file(
                f,
                "hb/search/retros/2026-01-20.md",
                &retro("2026-01-20", "- [ ] @bob tidy up\n- [ ] nobody's job"),
            );
        }),
        // A .gitignore hides pages, then stops hiding some of them.
        Box::new(|f| write_file(f, "hb/search/.gitignore", "notes/\n")),
        Box::new(|f| write_file(f, "hb/search/.gitignore", "notes/new.md\n")),
        // One above the handbook, and the repository's own exclude file.
        Box::new(|f| write_file(f, ".gitignore", "hb/other/\n")),
        Box::new(|f| write_file(f, ".git/info/exclude", "*.md.bak\nhb/search/deep/\n")),
        // A page that is no longer text, then is again.
        Box::new(|f| {
            std::fs::write(f.path().join("hb/search/notes/a.md"), b"\0binary").expect("w");
        }),
        Box::new(|f| write_file(f, "hb/search/notes/a.md", "# A again\n")),
        // The whole handbook directory removed and made again.
        Box::new(|f| std::fs::remove_dir_all(f.path().join("hb/other")).expect("rm")),
        Box::new(|f| write_file(f, "hb/other/c.md", "# C is back\n")),
    ];
    for (index, change) in changes.iter().enumerate() {
        change(&f);
        let status = assert_cache_agrees(&f, &env);
        assert!(!status.is_empty(), "change {index}");
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_page_is_read_on_every_run() {
    let f = handbook();
    write_file(&f, "shared/policy.md", "# Policy\n\n**Progress:** none\n");
    std::os::unix::fs::symlink(
        f.path().join("shared/policy.md"),
        f.path().join("hb/search/policy.md"),
    )
    .expect("symlink");
    assert_cache_agrees(&f, &[SETTLED]);
    // The link is unchanged; what it points at is not.
    write_file(&f, "shared/policy.md", "# Policy\n\n**Progress:** half\n");
    assert_cache_agrees(&f, &[SETTLED]);
}

#[test]
fn the_config_s_ignore_globs_are_part_of_the_key() {
    let f = handbook();
    assert_cache_agrees(&f, &[SETTLED]);
    let config = std::fs::read_to_string(f.path().join("handbook-lint.yaml")).expect("read");
    write_file(
        &f,
        "handbook-lint.yaml",
        &format!("{config}ignore: [\"hb/other/**\"]\n"),
    );
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert!(status.ends_with("listing walked"), "{status}");
}

/// A page rewritten keeping its size, with its old modification time put
/// back (what two writes within one tick of a coarse clock look like): the
/// change time still moves, and the run sees the new text.
#[test]
fn a_same_size_rewrite_under_the_old_modification_time_is_seen() {
    let f = handbook();
    let path = "hb/search/notes/a.md";
    assert_cache_agrees(&f, &[SETTLED]);
    let text = std::fs::read_to_string(f.path().join(path)).expect("read");
    let modified = std::fs::metadata(f.path().join(path))
        .and_then(|m| m.modified())
        .expect("mtime");
    write_file(&f, path, &text.replace("Notes.", "Nodes."));
    // Put the old time back: what a second write within one tick of a
    // coarse clock looks like.
    std::fs::File::options()
        .write(true)
        .open(f.path().join(path))
        .and_then(|file| file.set_modified(modified))
        .expect("set mtime");
    let status = assert_cache_agrees(&f, &[SETTLED]);
    assert!(status.starts_with("1 of"), "{status}");
}

/// What a run said about the page cache (`pages:` of `--verbose`).
fn cache_status(f: &Fixture, command: &str) -> (String, String) {
    let out = run_in_env(
        f.path(),
        &[command, "--format", "json", "--now", NOW, "--verbose"],
        &[SETTLED],
    );
    assert!(out.code != 2, "{}", out.stderr);
    let status = out
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("pages: "))
        .unwrap_or_default()
        .to_string();
    (out.stdout, status)
}

/// The pages' texts are a file of their own, read only by a run that shows
/// them: `pages` serves every page from the cache whatever that file holds,
/// and `check` never takes a damaged, missing or foreign one (another
/// snapshot's, whole and checksummed) for its own: it reads the pages
/// again, and writes the cache again so the next run need not.
#[test]
fn page_texts_are_read_only_when_shown_and_only_their_own() {
    let f = handbook();
    assert_cache_agrees(&f, &[SETTLED]);
    // The texts as a run that shows them writes them: every page's (a
    // `pages` run keeps none of the pages whose bodies it does not read).
    std::fs::remove_dir_all(f.path().join(".git/handbook-lint")).expect("a cache");
    cache_status(&f, "check");
    let cold_pages = run_in(
        f.path(),
        &["pages", "--format", "json", "--now", NOW, "--no-cache"],
    )
    .stdout;
    let cold_check = run_in(
        f.path(),
        &["check", "--format", "json", "--now", NOW, "--no-cache"],
    )
    .stdout;
    let file = f.path().join(".git/handbook-lint/page-texts.bin");
    let good = std::fs::read(&file).expect("written");
    let newline = good.iter().position(|&b| b == b'\n').expect("header");
    // Another snapshot's texts: the same length, other words, a right
    // header (a frame of its own can't tell them apart; the seal can).
    let foreign_payload: Vec<u8> = good[newline + 1..]
        .iter()
        .map(|b| {
            if b.is_ascii_lowercase() {
                b.to_ascii_uppercase()
            } else {
                *b
            }
        })
        .collect();
    let mut foreign = format!(
        "handbook-lint-cache {} {:08x}\n",
        foreign_payload.len(),
        crc32fast::hash(&foreign_payload)
    )
    .into_bytes();
    foreign.extend_from_slice(&foreign_payload);
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x20;
    for broken in [Some(foreign), Some(damaged), None] {
        match broken {
            Some(bytes) => std::fs::write(&file, bytes).expect("write"),
            None => std::fs::remove_file(&file).expect("remove"),
        }
        let (pages, status) = cache_status(&f, "pages");
        assert_eq!(pages, cold_pages);
        assert!(status.starts_with("0 of"), "{status}");
        let (check, status) = cache_status(&f, "check");
        assert_eq!(check, cold_check);
        assert!(!status.starts_with("0 of"), "{status}");
        let (check, status) = cache_status(&f, "check");
        assert_eq!(check, cold_check);
        assert!(status.starts_with("0 of"), "repaired: {status}");
        assert_eq!(std::fs::read(&file).expect("rewritten"), good);
    }
}

#[test]
fn a_damaged_page_cache_is_ignored() {
    let f = handbook();
    assert_cache_agrees(&f, &[SETTLED]);
    let file = f.path().join(".git/handbook-lint/pages.bin");
    let bytes = std::fs::read(&file).expect("written");
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x20;
    for broken in [damaged, bytes[..bytes.len() / 3].to_vec(), Vec::new()] {
        std::fs::write(&file, broken).expect("write");
        let status = assert_cache_agrees(&f, &[SETTLED]);
        assert!(status.ends_with("listing walked"), "{status}");
    }
    assert!(Path::new(&file).is_file(), "rebuilt");
}
