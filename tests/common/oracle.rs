//! An independent oracle for the substance contract (DESIGN.md,
//! "Substance, precisely"): the words of a page and of its sections, read
//! with comrak rather than the crate's pulldown-cmark parser, and a page's
//! last substantive change found with nothing but the `git` CLI.
//!
//! It shares no code with the crate: where both get a rule wrong the same
//! way, the tests cannot tell, so the rules are written out here again
//! from the contract itself.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};
use regex::Regex;

use super::git;

/// An open task item's checkbox, as a word.
const OPEN: &str = "[ ]";
/// A ticked task item's checkbox, as a word.
const TICKED: &str = "[x]";

/// HTML comments (which may run over lines, or to the end of a block left
/// open) and tags: none of it is words, the text between them is.
static HTML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<!--.*?(?:-->|\z)|</?[A-Za-z][^>]*(?:>|\z)|<[!?][^>]*(?:>|\z)")
        .expect("the HTML pattern compiles")
});

/// An explicit anchor ending a heading: `## How we work {#how}`.
static EXPLICIT_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?s)(.*?)[ \t]*\{#([^\s{}]+)\}[ \t]*$").expect("the id pattern compiles")
});

/// The words a reader sees on a page.
pub(crate) fn words(markdown: &str) -> Vec<String> {
    read(markdown).words
}

/// Each section's anchor and words, in page order.
pub(crate) fn sections(markdown: &str) -> Vec<(String, Vec<String>)> {
    let page = read(markdown);
    page.heads
        .iter()
        .enumerate()
        .map(|(i, head)| {
            let end = page.heads[i + 1..]
                .iter()
                .find(|next| next.level <= head.level)
                .map_or(page.words.len(), |next| next.start);
            (head.anchor.clone(), page.words[head.start..end].to_vec())
        })
        .collect()
}

/// The words of the section with `anchor`, if the page has it.
pub(crate) fn section(markdown: &str, anchor: &str) -> Option<Vec<String>> {
    sections(markdown)
        .into_iter()
        .find(|(candidate, _)| candidate == anchor)
        .map(|(_, words)| words)
}

/// The body of a page: everything after its front matter, a first line
/// `---` up to a line `---` or `...`. Front matter never closed is text.
fn body(markdown: &str) -> &str {
    let mut lines = markdown.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return markdown;
    };
    if first.trim_end() != "---" {
        return markdown;
    }
    let mut offset = first.len();
    for line in lines {
        offset += line.len();
        if matches!(line.trim_end(), "---" | "...") {
            return &markdown[offset..];
        }
    }
    markdown
}

fn strip_html(raw: &str) -> String {
    HTML.replace_all(raw, "").into_owned()
}

/// GitHub's slug of a heading's text.
fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

struct Head {
    level: u8,
    anchor: String,
    /// Index of the heading's first word.
    start: usize,
}

/// The heading being read.
struct OpenHeading {
    level: u8,
    /// Its text without HTML, for the slug.
    text: String,
}

#[derive(Default)]
struct Page {
    words: Vec<String>,
    heads: Vec<Head>,
    /// The inline text of the block being read, joined as written.
    block: String,
    heading: Option<OpenHeading>,
    slugs_seen: HashMap<String, usize>,
}

fn read(markdown: &str) -> Page {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    let arena = Arena::new();
    let root = parse_document(&arena, body(markdown), &options);
    let mut page = Page::default();
    page.node(root);
    page.flush();
    page
}

impl Page {
    fn flush(&mut self) {
        let block = std::mem::take(&mut self.block);
        self.words.extend(
            block
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
    }

    /// Inline text: `shown` is also part of a heading's slug.
    fn inline(&mut self, text: &str, shown: bool) {
        self.block.push_str(text);
        if shown && let Some(heading) = self.heading.as_mut() {
            heading.text.push_str(text);
        }
    }

    fn children<'a>(&mut self, node: &'a AstNode<'a>) {
        for child in node.children() {
            self.node(child);
        }
    }

    fn node<'a>(&mut self, node: &'a AstNode<'a>) {
        let value = node.data().value.clone();
        match value {
            NodeValue::Text(text) => self.inline(&text, true),
            NodeValue::Code(code) => self.inline(&code.literal, true),
            NodeValue::SoftBreak | NodeValue::LineBreak => self.inline(" ", true),
            NodeValue::HtmlInline(raw) => self.inline(&strip_html(&raw), false),
            NodeValue::Emph
            | NodeValue::Strong
            | NodeValue::Strikethrough
            | NodeValue::Link(_)
            | NodeValue::Image(_) => self.children(node),
            NodeValue::Heading(heading) => {
                self.flush();
                self.heading = Some(OpenHeading {
                    level: heading.level,
                    text: String::new(),
                });
                self.children(node);
                self.end_heading();
            }
            NodeValue::CodeBlock(code) => {
                self.flush();
                self.block.push_str(&code.literal);
                self.flush();
            }
            NodeValue::HtmlBlock(html) => {
                self.flush();
                self.block.push_str(&strip_html(&html.literal));
                self.flush();
            }
            NodeValue::TaskItem(task) => {
                self.flush();
                let word = if task.symbol.is_some() { TICKED } else { OPEN };
                self.words.push(word.to_string());
                self.children(node);
                self.flush();
            }
            NodeValue::ThematicBreak | NodeValue::FrontMatter(_) => self.flush(),
            _ => {
                self.flush();
                self.children(node);
                self.flush();
            }
        }
    }

    fn end_heading(&mut self) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        // The id, and how long the `{#id}` ending the text is.
        let explicit = EXPLICIT_ID
            .captures(&heading.text)
            .map(|caps| (caps[2].to_string(), caps[0].len() - caps[1].len()));
        let anchor = if let Some((id, suffix)) = explicit {
            // The `{#id}` is the end of the block's text too.
            let keep = self.block.len().saturating_sub(suffix);
            self.block.truncate(keep);
            id
        } else {
            let base = slug(&heading.text);
            let seen = self.slugs_seen.entry(base.clone()).or_default();
            let anchor = if *seen == 0 {
                base
            } else {
                format!("{base}-{seen}")
            };
            *seen += 1;
            anchor
        };
        let start = self.words.len();
        self.flush();
        self.heads.push(Head {
            level: heading.level,
            anchor,
            start,
        });
    }
}

/// Word similarity: |A ∩ B| / max(|A|, |B|) as a fraction (common words,
/// the longer page's word count), the words taken as multisets.
pub(crate) fn similarity(a: &[String], b: &[String]) -> (usize, usize) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for word in a {
        *counts.entry(word).or_default() += 1;
    }
    let mut common = 0;
    for word in b {
        if let Some(count) = counts.get_mut(word.as_str())
            && *count > 0
        {
            *count -= 1;
            common += 1;
        }
    }
    (common, a.len().max(b.len()))
}

const ZERO: &str = "0000000000000000000000000000000000000000";

/// One line of `git diff-tree --raw`.
#[derive(Debug, Clone)]
struct Raw {
    old: String,
    new: String,
    path: String,
}

impl Raw {
    fn added(&self) -> bool {
        self.old == ZERO
    }
    fn deleted(&self) -> bool {
        self.new == ZERO
    }
}

fn is_markdown(path: &str) -> bool {
    [".md", ".markdown", ".mdx"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// A commit of the mainline: id, first parent, committer time.
struct Mainline {
    commit: String,
    parent: Option<String>,
    raw_time: i64,
}

fn mainline(dir: &Path) -> Vec<Mainline> {
    git(
        dir,
        &["log", "--first-parent", "--format=%H %P|%ct", "HEAD"],
    )
    .lines()
    .map(|line| {
        let (ids, time) = line.split_once('|').expect("a log line");
        let mut ids = ids.split_whitespace();
        Mainline {
            commit: ids.next().expect("a commit id").to_string(),
            parent: ids.next().map(str::to_string),
            raw_time: time.trim().parse().expect("a committer time"),
        }
    })
    .collect()
}

fn diff_tree(dir: &Path, step: &Mainline) -> Vec<Raw> {
    let mut args = vec![
        "diff-tree",
        "-r",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--no-commit-id",
    ];
    match &step.parent {
        Some(parent) => args.push(parent),
        None => args.push("--root"),
    }
    args.push(&step.commit);
    git(dir, &args)
        .lines()
        .filter_map(|line| {
            let (meta, path) = line.split_once('\t')?;
            let fields: Vec<&str> = meta.split_whitespace().collect();
            Some(Raw {
                old: fields.get(2)?.to_string(),
                new: fields.get(3)?.to_string(),
                path: path.to_string(),
            })
        })
        .collect()
}

/// Blob texts by id, read with `git cat-file blob`.
struct Blobs<'d> {
    dir: &'d Path,
    texts: HashMap<String, String>,
}

impl Blobs<'_> {
    fn text(&mut self, blob: &str) -> String {
        self.texts
            .entry(blob.to_string())
            .or_insert_with(|| git(self.dir, &["cat-file", "blob", blob]))
            .clone()
    }

    fn words(&mut self, blob: &str) -> Vec<String> {
        words(&self.text(blob))
    }
}

/// Pairs each Markdown page a commit added with the one it moved from:
/// the same blob, then the same words, then the most similar words (at
/// least half), best pair first, ties by added then deleted path; each
/// page used once. Returns added path → (deleted path, deleted blob).
fn moves(changes: &[Raw], blobs: &mut Blobs<'_>) -> HashMap<String, (String, String)> {
    let mut added: Vec<&Raw> = changes
        .iter()
        .filter(|c| c.added() && is_markdown(&c.path))
        .collect();
    let mut deleted: Vec<&Raw> = changes
        .iter()
        .filter(|c| c.deleted() && is_markdown(&c.path))
        .collect();
    added.sort_by(|a, b| a.path.cmp(&b.path));
    deleted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut pairs: HashMap<String, (String, String)> = HashMap::new();
    let mut used: HashSet<String> = HashSet::new();
    // Same blob, then same words: the first unused deleted page in order.
    for same_words in [false, true] {
        for new in &added {
            if pairs.contains_key(&new.path) {
                continue;
            }
            let ours = blobs.words(&new.new);
            let found = deleted.iter().find(|old| {
                !used.contains(&old.path)
                    && if same_words {
                        blobs.words(&old.old) == ours
                    } else {
                        old.old == new.new
                    }
            });
            if let Some(old) = found {
                pairs.insert(new.path.clone(), (old.path.clone(), old.old.clone()));
                used.insert(old.path.clone());
            }
        }
    }
    // Similar words: every candidate pair, best first.
    let mut candidates = Vec::new();
    for new in added.iter().filter(|n| !pairs.contains_key(&n.path)) {
        for old in deleted.iter().filter(|o| !used.contains(&o.path)) {
            let (common, longest) = similarity(&blobs.words(&new.new), &blobs.words(&old.old));
            if longest > 0 && 2 * common >= longest {
                candidates.push((common, longest, *new, *old));
            }
        }
    }
    candidates.sort_by(|a, b| {
        (b.0 * a.1)
            .cmp(&(a.0 * b.1))
            .then_with(|| a.2.path.cmp(&b.2.path))
            .then_with(|| a.3.path.cmp(&b.3.path))
    });
    for (_, _, new, old) in candidates {
        if !pairs.contains_key(&new.path) && !used.contains(&old.path) {
            pairs.insert(new.path.clone(), (old.path.clone(), old.old.clone()));
            used.insert(old.path.clone());
        }
    }
    pairs
}

/// A page's (or section's) last substantive change on the mainline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OracleAnswer {
    pub commit: String,
    /// Committer time, capped by every newer mainline commit's.
    pub time: i64,
    /// The path the page had at that commit, when it moved since.
    pub moved_from: Option<String>,
    /// Commits that touched the page (another blob at its path, or a move)
    /// after that commit without counting.
    pub passed_over: u32,
}

enum Judged {
    Same,
    Changed,
    Created,
}

fn judge(ours: &str, theirs: &str, anchor: Option<&str>) -> Judged {
    match anchor {
        None if words(ours) == words(theirs) => Judged::Same,
        None => Judged::Changed,
        Some(anchor) => match (section(ours, anchor), section(theirs, anchor)) {
            (_, None) => Judged::Created,
            (new, old) if new == old => Judged::Same,
            _ => Judged::Changed,
        },
    }
}

/// The newest mainline commit that changed the words of `path` (or of its
/// section `anchor`), following moves; commits in `skip` only count when
/// they create it.
pub(crate) fn last_change(
    dir: &Path,
    path: &str,
    anchor: Option<&str>,
    skip: &HashSet<String>,
) -> Option<OracleAnswer> {
    let mut blobs = Blobs {
        dir,
        texts: HashMap::new(),
    };
    let mut current = path.to_string();
    let mut moved_from = None;
    let mut passed_over = 0;
    let mut cap = i64::MAX;
    for step in mainline(dir) {
        let time = step.raw_time.min(cap);
        cap = time;
        let changes = diff_tree(dir, &step);
        let Some(ours) = changes.iter().find(|c| c.path == current && !c.deleted()) else {
            continue;
        };
        let answer = |moved_from: Option<String>, passed_over| {
            Some(OracleAnswer {
                commit: step.commit.clone(),
                time,
                moved_from,
                passed_over,
            })
        };
        let (from, theirs) = if ours.added() {
            match moves(&changes, &mut blobs).remove(&current) {
                Some(from) => from,
                None => return answer(moved_from, passed_over),
            }
        } else {
            (current.clone(), ours.old.clone())
        };
        let judged = judge(&blobs.text(&ours.new), &blobs.text(&theirs), anchor);
        match judged {
            Judged::Created => return answer(moved_from, passed_over),
            Judged::Changed if !skip.contains(&step.commit) => {
                return answer(moved_from, passed_over);
            }
            Judged::Changed | Judged::Same => passed_over += 1,
        }
        if from != current {
            current.clone_from(&from);
            moved_from = Some(from);
        }
    }
    None
}

/// The newest mainline commit whose blob at `path` differs from its first
/// parent's: what a tool comparing bytes (and not following moves) would
/// date the page by.
pub(crate) fn last_byte_change(dir: &Path, path: &str) -> String {
    git(
        dir,
        &[
            "log",
            "--first-parent",
            "-1",
            "--format=%H",
            "HEAD",
            "--",
            path,
        ],
    )
    .trim()
    .to_string()
}
