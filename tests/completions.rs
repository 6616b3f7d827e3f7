//! `completions SHELL` and `man`: generated from the command line's own
//! definition, so every command is in them. The commands are read from
//! `--help`; the bash script is run by bash, and the man page rendered by
//! the machine's `man` and checked by `groff` (one of them must be there:
//! nothing is skipped).

use std::io::Write;
use std::process::{Command, Stdio};

mod common;

/// The commands `--help` lists (without `help` itself).
fn commands() -> Vec<String> {
    let help = common::run_ok(&["--help"]);
    let listed: Vec<String> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        // A command's line is indented two spaces; its description's
        // continuation lines more.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect();
    for expected in ["check", "schema", "completions", "man"] {
        assert!(
            listed.iter().any(|c| c == expected),
            "{expected} not in {listed:?}"
        );
    }
    listed
}

/// Runs `program` with `input` on its standard input: its exit status,
/// standard output and standard error, or `None` when it is not installed.
fn pipe(program: &str, args: &[&str], input: &str) -> Option<(bool, String, String)> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "0")
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    Some((
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[test]
fn every_shell_gets_every_command() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = common::run_ok(&["completions", shell]);
        for command in &commands {
            assert!(
                script.contains(command.as_str()),
                "the {shell} completions do not mention `{command}`"
            );
        }
    }
    let bash = common::run_ok(&["completions", "bash"]);
    for command in &commands {
        assert!(
            bash.contains(&format!("handbook__lint,{command})")),
            "bash does not complete `{command}`"
        );
    }
}

/// What bash completes for the words typed so far (the last is the one
/// being completed), with the script `handbook-lint completions bash`.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = common::run_ok(&["completions", "bash"]);
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let program = format!(
        "{script}\nCOMP_WORDS=({});\nCOMP_CWORD={cword};\n_handbook__lint handbook-lint '{}' '{}';\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words[cword],
        words[cword - 1],
    );
    let (ok, out, err) = pipe("bash", &["-s"], &program).expect("bash is installed");
    assert!(ok, "bash failed: {err}");
    out.lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_commands_and_what_follows_them() {
    let first = bash_completes(&["handbook-lint", ""]);
    for command in commands() {
        assert!(
            first.contains(&command),
            "`{command}` not offered: {first:?}"
        );
    }
    // After a command: its own values and options.
    let shells = bash_completes(&["handbook-lint", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            shells.contains(&shell.to_string()),
            "{shell} not offered: {shells:?}"
        );
    }
    let options = bash_completes(&["handbook-lint", "check", "--fo"]);
    assert_eq!(options, ["--format"]);
    let formats = bash_completes(&["handbook-lint", "pages", "--format", ""]);
    assert_eq!(formats, ["json", "text"]);
}

/// Terminal text without its overstrikes (`N\u{8}N` is a bold N).
fn plain(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.into_iter().collect()
}

#[test]
fn the_man_page_names_every_command_and_renders() {
    let page = common::run_ok(&["man"]);
    assert!(page.contains(".TH handbook-lint 1"), "no title line");
    let rendered = pipe("man", &["-l", "-"], &page);
    let checked = pipe("groff", &["-man", "-Tutf8", "-ww", "-z"], &page);
    assert!(
        rendered.is_some() || checked.is_some(),
        "neither `man` nor `groff` is installed: install man-db or groff to check the man page"
    );
    if let Some((ok, _, warnings)) = &checked {
        assert!(*ok && warnings.is_empty(), "groff: {warnings}");
    }
    // Rendered text (or, without `man`, the page's own text with roff's
    // escaped hyphens) names every command's page.
    let text = match rendered {
        Some((ok, text, err)) => {
            assert!(ok, "man -l -: {err}");
            let text = plain(&text);
            assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{text}");
            text
        }
        None => page.replace("\\-", "-"),
    };
    for command in commands() {
        let reference = format!("handbook-lint-{command}(1)");
        assert!(
            text.contains(&reference),
            "the man page does not name {reference}"
        );
    }
}

#[test]
fn man_writes_a_page_per_command() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("man1");
    let listed = common::run_ok(&["man", "--dir", out.to_str().expect("UTF-8 path")]);
    let mut expected = vec!["handbook-lint.1".to_string()];
    expected.extend(commands().iter().map(|c| format!("handbook-lint-{c}.1")));
    for page in &expected {
        let path = out.join(page);
        assert!(path.is_file(), "{page} not written");
        assert!(
            listed.contains(&path.display().to_string()),
            "{page} not listed: {listed}"
        );
    }
    assert_eq!(listed.lines().count(), expected.len(), "{listed}");
}
