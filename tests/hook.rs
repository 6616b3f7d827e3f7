//! `install-hook`: a plain git pre-commit hook, never clobbering one that
//! is already there.

mod common;

use std::path::Path;

use common::*;

const NOW: &str = "2026-03-05T12:00:00Z";

fn handbook() -> Fixture {
    one_team("    since: 2026-03-05\n", &[])
}

/// `git commit` with the hook in force, at the fixed time.
fn git_commit(dir: &Path, message: &str) -> std::process::Output {
    git_output(
        dir,
        &["commit", "--quiet", "-m", message],
        &[("HANDBOOK_LINT_NOW", NOW)],
    )
}

#[test]
fn the_installed_hook_blocks_an_unowned_action_item_and_passes_a_clean_commit() {
    let f = handbook();
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("installed the pre-commit hook"),
        "{}",
        out.stdout
    );
    let hook = f.path().join(".git/hooks/pre-commit");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&hook).expect("hook").permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "executable");
    }
    stage(
        &f,
        "hb/search/retros/2026-03-05.md",
        &retro("2026-03-05", "- [ ] nobody owns this"),
    );
    let blocked = git_commit(f.path(), "retro");
    assert!(!blocked.status.success(), "the commit is blocked");
    // Git sends a hook's output to its own standard error.
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(
        shown.contains("hb/search/retros/2026-03-05.md:9:1: HB302"),
        "{shown}"
    );
    stage(
        &f,
        "hb/search/retros/2026-03-05.md",
        &retro("2026-03-05", "- [ ] @bob owns this"),
    );
    let passed = git_commit(f.path(), "retro");
    assert!(
        passed.status.success(),
        "{}",
        String::from_utf8_lossy(&passed.stdout)
    );
    assert_eq!(
        f.run(&["install-hook"]).stdout.trim_end(),
        format!(
            "the pre-commit hook at {} is already handbook-lint's",
            hook.display()
        )
    );
}

#[test]
fn an_existing_hook_is_kept_runs_first_and_is_restored() {
    let f = handbook();
    let hooks = f.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    let theirs = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/their-hook-ran\"\n";
    std::fs::write(hooks.join("pre-commit"), theirs).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(
            hooks.join("pre-commit"),
            std::fs::Permissions::from_mode(0o755),
        )
        .expect("chmod");
    }
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("kept as"), "{}", out.stdout);
    stage(&f, "hb/search/notes.md", "# Notes\n");
    assert!(git_commit(f.path(), "notes").status.success());
    assert!(
        f.path().join(".git/their-hook-ran").is_file(),
        "their hook ran"
    );
    let out = f.run(&["install-hook", "--uninstall"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).expect("hook"),
        theirs
    );
    assert!(!hooks.join("pre-commit.handbook-lint-previous").exists());
    // Not ours any more: uninstalling again refuses and changes nothing.
    let out = f.run(&["install-hook", "--uninstall"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("was not installed by handbook-lint"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).expect("hook"),
        theirs
    );
}

#[test]
fn core_hooks_path_is_respected() {
    let f = handbook();
    git(f.path(), &["config", "core.hooksPath", ".githooks"]);
    assert_eq!(f.run(&["install-hook"]).code, 0);
    assert!(f.path().join(".githooks/pre-commit").is_file());
    assert!(!f.path().join(".git/hooks/pre-commit").exists());
}

#[test]
fn it_refuses_rather_than_guess() {
    let f = handbook();
    let hooks = f.path().join(".git/hooks");
    std::fs::create_dir_all(hooks.join("pre-commit")).expect("a directory where the hook goes");
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    std::fs::remove_dir(hooks.join("pre-commit")).expect("rmdir");

    std::fs::write(hooks.join("pre-commit"), "#!/bin/sh\nexit 0\n").expect("write");
    std::fs::write(
        hooks.join("pre-commit.handbook-lint-previous"),
        "#!/bin/sh\nexit 0\n",
    )
    .expect("write");
    let out = f.run(&["install-hook"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("will not guess"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).expect("hook"),
        "#!/bin/sh\nexit 0\n"
    );
}
