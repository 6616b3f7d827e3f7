//! Inline suppressions, as markdownlint writes them:
//!
//! ```markdown
//! <!-- handbook-lint-disable HB303 -->        until -enable, or the end of the file
//! <!-- handbook-lint-enable HB303 -->
//! <!-- handbook-lint-disable-next-line HB302 -->
//! <!-- handbook-lint-disable-file HB102 -->
//! ```
//!
//! Codes (HB303) or names (action-item-overdue), separated by spaces or
//! commas; none means every rule. An unknown code is HB006; a comment that
//! suppresses nothing is HB007.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::base::finding::{Finding, LineIndex};
use crate::rules::{self, registry};

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*handbook-lint-(disable-next-line|disable-file|disable|enable)\b([^>]*?)-->")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// A code or name in a directive: separated by whitespace or commas.
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\s,]+").unwrap_or_else(|e| unreachable!("{e}")));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    File,
}

#[derive(Debug, Clone)]
struct Directive {
    kind: Kind,
    /// Rule codes; empty for every rule.
    codes: Vec<&'static str>,
    line: usize,
    span: Range<usize>,
    used: bool,
}

impl Directive {
    fn names(&self, code: &str) -> bool {
        self.codes.is_empty() || self.codes.contains(&code)
    }
}

/// The directives of one page, and HB006 findings for unknown codes.
fn directives(
    path: &str,
    text: &str,
    lines: &LineIndex,
    findings: &mut Vec<Finding>,
) -> Vec<Directive> {
    let mut found = Vec::new();
    for captures in DIRECTIVE.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let kind = match captures.get(1).map(|m| m.as_str()) {
            Some("disable-next-line") => Kind::NextLine,
            Some("disable-file") => Kind::File,
            Some("enable") => Kind::Enable,
            _ => Kind::Disable,
        };
        let codes = match captures.get(2) {
            Some(args) => codes_of(path, &args, findings),
            None => Vec::new(),
        };
        found.push(Directive {
            kind,
            codes,
            line: lines.line(whole.start()),
            span: whole.range(),
            used: false,
        });
    }
    found
}

/// Unknown codes reported one by one per comment; the rest are counted in
/// one more finding. A comment can name 10,000 codes, and a finding for
/// each, with the comment shown under each, made a 3 GB report.
const UNKNOWN_SHOWN: usize = 3;

/// The rules a comment's arguments name, each once; HB006 for the first
/// few unknown ones and one HB006 counting the rest.
fn codes_of(path: &str, args: &regex::Match, findings: &mut Vec<Finding>) -> Vec<&'static str> {
    let mut codes = Vec::new();
    let mut unknown: HashSet<&str> = HashSet::new();
    let mut rest: Option<(usize, Range<usize>)> = None;
    for word in WORD.find_iter(args.as_str()) {
        let span = args.start() + word.start()..args.start() + word.end();
        if let Some(meta) = registry::by_code(word.as_str()) {
            if !codes.contains(&meta.code) {
                codes.push(meta.code);
            }
        } else if !unknown.insert(word.as_str()) {
            // Named before: reported or counted then.
        } else if unknown.len() <= UNKNOWN_SHOWN {
            findings.push(
                Finding::new(
                    &rules::input::SUPPRESSION_INVALID,
                    format!(
                        "suppression names `{}`, which is not a rule",
                        cut(word.as_str())
                    ),
                )
                .at(path, Some(span))
                .label("unknown rule")
                .help("`handbook-lint rules` lists the codes"),
            );
        } else {
            rest.get_or_insert((0, span)).0 += 1;
        }
    }
    if let Some((count, span)) = rest {
        findings.push(
            Finding::new(
                &rules::input::SUPPRESSION_INVALID,
                format!(
                    "suppression names {count} more code{} that {} not rules",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "is" } else { "are" }
                ),
            )
            .at(path, Some(span))
            .label(format!("and {count} more unknown"))
            .help("`handbook-lint rules` lists the codes"),
        );
    }
    codes
}

/// A word as a message quotes it: a code is short, so a long word is cut.
fn cut(word: &str) -> String {
    const MAX: usize = 40;
    if word.chars().count() <= MAX {
        return word.to_string();
    }
    let kept: String = word.chars().take(MAX - 1).collect();
    format!("{kept}…")
}

/// A page's directives, indexed so that each finding is checked in time
/// independent of how many there are: a page can hold thousands of
/// comments and thousands of findings.
struct PageDirectives {
    list: Vec<Directive>,
    lines: LineIndex,
    /// `disable-next-line` directives by the line they cover.
    next_line: HashMap<usize, Vec<usize>>,
    /// Per rule code, built when a finding of that code first asks.
    by_code: HashMap<&'static str, CodeDirectives>,
}

/// The directives that name one code.
struct CodeDirectives {
    /// The first `disable-file`.
    file: Option<usize>,
    /// `disable` and `enable`, in the page's order.
    regions: Vec<usize>,
}

impl PageDirectives {
    fn new(list: Vec<Directive>, lines: LineIndex) -> PageDirectives {
        let mut next_line: HashMap<usize, Vec<usize>> = HashMap::new();
        for (index, directive) in list.iter().enumerate() {
            if directive.kind == Kind::NextLine {
                next_line.entry(directive.line + 1).or_default().push(index);
            }
        }
        PageDirectives {
            list,
            lines,
            next_line,
            by_code: HashMap::new(),
        }
    }

    /// Whether a finding of `code` on `line` (1-based; `None` when the
    /// finding has no position) is covered, marking the directive that
    /// covers it: the first `disable-file` or `disable-next-line` naming the
    /// code, else the last `disable`/`enable` at or before the line naming
    /// it, if that is a `disable`.
    fn covers(&mut self, code: &'static str, line: Option<usize>) -> bool {
        let list = &self.list;
        let named = self.by_code.entry(code).or_insert_with(|| CodeDirectives {
            file: list
                .iter()
                .position(|d| d.kind == Kind::File && d.names(code)),
            regions: (0..list.len())
                .filter(|&i| matches!(list[i].kind, Kind::Disable | Kind::Enable))
                .filter(|&i| list[i].names(code))
                .collect(),
        });
        let next = line
            .and_then(|line| self.next_line.get(&line))
            .and_then(|found| found.iter().copied().find(|&i| list[i].names(code)));
        let hit = match (named.file, next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let region = line.and_then(|line| {
            let before = named.regions.partition_point(|&i| list[i].line <= line);
            let last = *named.regions.get(before.checked_sub(1)?)?;
            (list[last].kind == Kind::Disable).then_some(last)
        });
        match hit.or(region) {
            Some(index) => {
                self.list[index].used = true;
                true
            }
            None => false,
        }
    }
}

/// Drops suppressed findings; adds HB006 for unknown codes and HB007 for
/// suppressions that suppressed nothing.
///
/// `not_run` says which rules the config turned off: a suppression naming
/// only those has nothing to suppress because of the config, not because
/// the finding is gone, and is not reported as unused.
pub(crate) fn apply(
    findings: &mut Vec<Finding>,
    pages: &[(String, std::sync::Arc<str>)],
    not_run: impl Fn(&str) -> bool,
) {
    let mut by_path: HashMap<&str, PageDirectives> = HashMap::new();
    let mut extra = Vec::new();
    for (path, text) in pages {
        if !text.contains("handbook-lint-") {
            continue;
        }
        let lines = LineIndex::new(text);
        let found = directives(path, text, &lines, &mut extra);
        if !found.is_empty() {
            by_path.insert(path.as_str(), PageDirectives::new(found, lines));
        }
    }
    findings.retain(|finding| {
        let Some(location) = &finding.location else {
            return true;
        };
        let Some(page) = by_path.get_mut(location.path.as_str()) else {
            return true;
        };
        let line = location
            .span
            .as_ref()
            .map(|span| page.lines.line(span.start));
        !page.covers(finding.rule.code, line)
    });
    for (path, page) in &by_path {
        for directive in page
            .list
            .iter()
            .filter(|d| !d.used && d.kind != Kind::Enable)
            .filter(|d| d.codes.is_empty() || !d.codes.iter().all(|code| not_run(code)))
        {
            extra.push(
                Finding::new(
                    &rules::input::SUPPRESSION_UNUSED,
                    "this suppression suppresses nothing".to_string(),
                )
                .at(*path, Some(directive.span.clone()))
                .label("nothing to suppress here")
                .help("delete it: the finding it was for is gone"),
            );
        }
    }
    findings.extend(extra);
}
