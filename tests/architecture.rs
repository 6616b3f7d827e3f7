//! The pipeline's one direction, as a test: every `crate::…` path in
//! `src/` may name only its own stage or a stage above it in [`LAYERS`].
//! An import that points down the list (a leaf reaching for the engine)
//! is what turned the modules into one cycle before; this fails on it,
//! naming the file, the line and the rule it breaks.

use std::path::{Path, PathBuf};

/// The stages, from the leaf to the commands. A module may use its own
/// stage and those before it, never one after it.
const LAYERS: &[&str] = &[
    "base", "git", "config", "parse", "discover", "history", "model", "rules", "report", "engine",
    "app",
];

/// The stage a source file belongs to (`src/history/cache.rs` → history);
/// `None` for the crate roots, which wire everything together.
fn stage_of(relative: &str) -> Option<&str> {
    let first = relative.split('/').next()?;
    let first = first.strip_suffix(".rs").unwrap_or(first);
    LAYERS.iter().copied().find(|layer| *layer == first)
}

/// The crates only `git/` may name: the rest of the pipeline sees git
/// through `git/`'s own types, so a change of library stays in one place.
const GIT_CRATES: &[&str] = &["git2", "gix"];

/// Every upward import in one file, and every use of a git library outside
/// `git/`, as `file:line: message`.
fn violations(relative: &str, text: &str) -> Vec<String> {
    let Some(from) = stage_of(relative) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let text = shipped(text);
    if from != "git" {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for krate in GIT_CRATES {
                let named = code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| word == *krate);
                if named {
                    found.push(format!(
                        "src/{relative}:{}: `{from}` names `{krate}`; only `git` may (add what it needs to `git/`)",
                        number + 1
                    ));
                }
            }
        }
    }
    let from_rank = LAYERS.iter().position(|l| *l == from).unwrap_or(0);
    // `crate::x`, `$crate::x` (macros) and the grouped `crate::{x, y::{z}}`,
    // over line breaks too, outside comments.
    let mut search_from = 0;
    while let Some(found_at) = text[search_from..].find("crate::") {
        let at = search_from + found_at;
        search_from = at + "crate::".len();
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..at].contains("//") {
            continue;
        }
        let line = text[..at].matches('\n').count() + 1;
        for name in first_names(&text[search_from..]) {
            if let Some(to_rank) = LAYERS.iter().position(|l| *l == name)
                && to_rank > from_rank
            {
                found.push(format!(
                    "src/{relative}:{line}: `{from}` imports `{name}`, which comes after it in the pipeline ({}); move what both need into `{from}` or a stage before it",
                    LAYERS.join(" → "),
                ));
            }
        }
    }
    found
}

/// The first path segment of each top-level name a `crate::` path names:
/// `x` of `x::y`, or `x` and `y` of `{x::{a, b}, y}`.
fn first_names(after: &str) -> Vec<&str> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let Some(group) = after.strip_prefix('{') else {
        return vec![after.split(|c: char| !is_name(c)).next().unwrap_or("")];
    };
    let mut names = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (index, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(&group[start..index]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(&group[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    names
        .into_iter()
        .filter_map(|part| part.trim().split(|c: char| !is_name(c)).next())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The part of a file that ships: a test-only file (`#![cfg(test)]`) has
/// none, and a file's test module (`#[cfg(test)]` before `mod … {`) ends
/// it. Tests may use any stage: they check the pipeline, they are not part
/// of it.
fn shipped(text: &str) -> &str {
    if text.lines().any(|line| line.trim() == "#![cfg(test)]") {
        return "";
    }
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.contains("mod ") && next.trim_end().ends_with('{'))
        {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

#[test]
fn imports_point_one_way_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(
        files.len() > 40,
        "found only {} files under src/",
        files.len()
    );
    let mut all = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .expect("listed under src")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).expect("source is UTF-8");
        all.extend(violations(&relative, &text));
    }
    assert!(
        all.is_empty(),
        "imports that point up the pipeline:\n{}",
        all.join("\n")
    );
}

#[test]
fn every_top_level_module_is_a_stage() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    let mut declared: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.trim().strip_prefix("mod "))
        .map(|name| name.trim_end_matches(';'))
        .collect();
    declared.sort_unstable();
    let mut layers = LAYERS.to_vec();
    layers.sort_unstable();
    assert_eq!(declared, layers, "src/lib.rs declares exactly the stages");
}

// The test of the test: an upward import is caught, with file, line and
// rule; imports that point the right way, and the crate roots, are not.

#[test]
fn an_upward_import_is_reported_with_its_file_and_line() {
    let text = "//! time\n\nuse crate::base::finding::Finding;\nuse crate::engine::Outcome;\n";
    let found = violations("base/time.rs", text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/base/time.rs:4: `base` imports `engine`, which comes after it"),
        "{}",
        found[0]
    );
}

#[test]
fn grouped_imports_over_several_lines_are_read_too() {
    let text = "use crate::{\n    base::time,\n    model::{Handbook, Page},\n    report,\n};\n";
    let found = violations("config/mod.rs", text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.iter().all(|f| f.starts_with("src/config/mod.rs:1: ")),
        "{found:?}"
    );
    assert!(
        violations(
            "config/mod.rs",
            "use crate::{\n    base,\n    git::repo,\n};"
        )
        .is_empty()
    );
}

#[test]
fn grouped_macro_and_inline_paths_are_read_too() {
    assert_eq!(
        violations("config/mod.rs", "use crate::{base, rules};").len(),
        1
    );
    assert_eq!(
        violations("parse/mod.rs", "    $crate::model::Page {").len(),
        1
    );
    assert_eq!(
        violations("history/walk.rs", "let x = crate::report::render(y);").len(),
        1
    );
}

#[test]
fn only_git_names_git2_or_gix() {
    let found = violations(
        "history/walk.rs",
        "use gix::ObjectId;\nlet x = 1; // gix is fine in a comment",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/history/walk.rs:1: `history` names `gix`"),
        "{}",
        found[0]
    );
    assert!(violations("engine.rs", "fn f(r: &git2::Repository) {}").len() == 1);
    assert!(violations("git/repo.rs", "use git2::Repository;").is_empty());
    assert!(violations("report/mod.rs", "let digits = 2; let gixel = 3;").is_empty());
}

#[test]
fn test_code_may_use_any_stage() {
    let inline = "use crate::model::Handbook;\n\n#[cfg(test)]\nmod tests {\n    use crate::report::graphical;\n}\n";
    assert!(violations("rules/goals/goals_stale.rs", inline).is_empty());
    let declared = "#[cfg(test)]\nmod testing;\nuse crate::report::graphical;\n";
    assert_eq!(
        violations("rules/mod.rs", declared).len(),
        1,
        "a declaration is not a test module"
    );
    let test_only = "//! kit\n#![cfg(test)]\nuse crate::report::graphical;\n";
    assert!(violations("rules/testing.rs", test_only).is_empty());
}

#[test]
fn downward_imports_comments_and_roots_pass() {
    assert!(
        violations(
            "app/cli.rs",
            "use crate::engine::run;\nuse crate::base::time;"
        )
        .is_empty()
    );
    assert!(
        violations(
            "rules/mod.rs",
            "use crate::model::Handbook; // not crate::app"
        )
        .is_empty()
    );
    assert!(violations("lib.rs", "use crate::app::cli;").is_empty());
    assert!(violations("history/mod.rs", "use crate::history::cache;").is_empty());
}
