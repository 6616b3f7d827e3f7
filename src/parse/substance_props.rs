//! Property tests of parsing and substance: any page parses without a panic
//! and with its spans inside it; formatting never changes a page's digest,
//! a changed word always does, and sections only change from within.

#![cfg(test)]
use proptest::prelude::*;
use proptest::sample::Index;

use super::{Digest, Substance, has_words, same_words, similarity_reaching, sorted_similarity};

const VOCAB: &[&str] = &[
    "plan", "ship", "team", "goal", "road", "map", "week", "owner", "review", "search", "index",
    "fast", "café", "naïve", "Équipe", "q3", "v2",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Emph,
    Strong,
    Strike,
    Link,
    Image,
    Code,
}

#[derive(Debug, Clone)]
struct Inline {
    kind: Kind,
    words: Vec<String>,
    /// Which destination, for links and images.
    dest: usize,
}

#[derive(Debug, Clone)]
struct Item {
    /// A task item's checkbox: ticked or not.
    task: Option<bool>,
    inlines: Vec<Inline>,
}

#[derive(Debug, Clone)]
enum Block {
    Heading {
        level: u8,
        words: Vec<String>,
    },
    Para(Vec<Inline>),
    /// A paragraph in a block quote.
    Quote(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    /// Rows of cells, the first the header; every row as wide.
    Table(Vec<Vec<Vec<String>>>),
    /// A code block's lines.
    Code(Vec<Vec<String>>),
}

#[derive(Debug, Clone)]
struct Doc {
    blocks: Vec<Block>,
}

/// A word list that an edit may change, and where it is.
struct Slot<'a> {
    block: usize,
    heading: bool,
    words: &'a mut Vec<String>,
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(String),
    Delete,
    Replace(String),
}

fn slug(words: &[String]) -> String {
    words
        .join(" ")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

impl Doc {
    /// The words a reader sees, straight from the model.
    fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        let inline_words = |inlines: &[Inline], out: &mut Vec<String>| {
            for inline in inlines {
                out.extend(inline.words.iter().cloned());
            }
        };
        for block in &self.blocks {
            match block {
                Block::Heading { words, .. } => out.extend(words.iter().cloned()),
                Block::Para(inlines) | Block::Quote(inlines) => inline_words(inlines, &mut out),
                Block::List { items, .. } => {
                    for item in items {
                        if let Some(ticked) = item.task {
                            out.push(if ticked { "[x]" } else { "[ ]" }.to_string());
                        }
                        inline_words(&item.inlines, &mut out);
                    }
                }
                Block::Table(rows) => {
                    for cell in rows.iter().flatten() {
                        out.extend(cell.iter().cloned());
                    }
                }
                Block::Code(lines) => out.extend(lines.iter().flatten().cloned()),
            }
        }
        out
    }

    /// Each heading's block index, level and anchor.
    fn headings(&self) -> Vec<(usize, u8, String)> {
        let mut seen = std::collections::HashMap::<String, usize>::new();
        let mut out = Vec::new();
        for (index, block) in self.blocks.iter().enumerate() {
            if let Block::Heading { level, words } = block {
                let base = slug(words);
                let count = seen.entry(base.clone()).or_default();
                let anchor = if *count == 0 {
                    base
                } else {
                    format!("{base}-{count}")
                };
                *count += 1;
                out.push((index, *level, anchor));
            }
        }
        out
    }

    /// The blocks of the section whose heading is block `start`: up to
    /// the next heading of the same or a higher level.
    fn section_end(&self, start: usize) -> usize {
        let Block::Heading { level, .. } = &self.blocks[start] else {
            return start;
        };
        self.blocks[start + 1..]
            .iter()
            .position(|b| matches!(b, Block::Heading { level: l, .. } if l <= level))
            .map_or(self.blocks.len(), |i| start + 1 + i)
    }

    fn slots(&mut self) -> Vec<Slot<'_>> {
        let mut out = Vec::new();
        for (block, content) in self.blocks.iter_mut().enumerate() {
            let mut push = |heading, words| {
                out.push(Slot {
                    block,
                    heading,
                    words,
                });
            };
            match content {
                Block::Heading { words, .. } => push(true, words),
                Block::Para(inlines) | Block::Quote(inlines) => {
                    for inline in inlines {
                        push(false, &mut inline.words);
                    }
                }
                Block::List { items, .. } => {
                    for inline in items.iter_mut().flat_map(|i| i.inlines.iter_mut()) {
                        push(false, &mut inline.words);
                    }
                }
                Block::Table(rows) => {
                    for cell in rows.iter_mut().flatten() {
                        push(false, cell);
                    }
                }
                Block::Code(lines) => {
                    for line in lines {
                        push(false, line);
                    }
                }
            }
        }
        out
    }

    /// Changes one word among the slots `allowed` accepts (by block
    /// index and whether it is a heading); false when there is none.
    /// Words are deleted only where one is left, so no construct
    /// empties.
    fn edit(
        &mut self,
        edit: &Edit,
        at: (Index, Index),
        allowed: impl Fn(usize, bool) -> bool,
    ) -> bool {
        let mut slots: Vec<Slot<'_>> = self
            .slots()
            .into_iter()
            .filter(|s| allowed(s.block, s.heading))
            .filter(|s| !matches!(edit, Edit::Delete) || s.words.len() >= 2)
            .collect();
        if slots.is_empty() {
            return false;
        }
        let slot = at.0.get_mut(&mut slots);
        match edit {
            Edit::Insert(word) => {
                let position = at.1.index(slot.words.len() + 1);
                slot.words.insert(position, word.clone());
            }
            Edit::Delete => {
                let position = at.1.index(slot.words.len());
                slot.words.remove(position);
            }
            Edit::Replace(word) => {
                let position = at.1.index(slot.words.len());
                let old = &mut slot.words[position];
                *old = if old == word {
                    let next = VOCAB.iter().position(|v| v == word).map_or(0, |i| i + 1);
                    VOCAB[next % VOCAB.len()].to_string()
                } else {
                    word.clone()
                };
            }
        }
        true
    }

    /// Ticks or unticks one task item; false when there is none.
    fn toggle(&mut self, at: Index) -> bool {
        let mut boxes: Vec<&mut bool> = self
            .blocks
            .iter_mut()
            .filter_map(|b| match b {
                Block::List { items, .. } => Some(items),
                _ => None,
            })
            .flatten()
            .filter_map(|item| item.task.as_mut())
            .collect();
        if boxes.is_empty() {
            return false;
        }
        let ticked = at.get_mut(&mut boxes);
        **ticked = !**ticked;
        true
    }
}

/// How a page is written: everything here is formatting.
#[derive(Debug, Clone)]
struct Style {
    front_matter: Option<u8>,
    setext: bool,
    atx_closed: bool,
    /// Block quote lines after the first without `>`.
    lazy_quote: bool,
    numbering: usize,
    /// Line breaks as `\` hard breaks.
    backslash: bool,
    /// Emphasis as HTML tags.
    html_em: bool,
    bullet: usize,
    underscore: bool,
    /// Where paragraph lines break, when they are reflowed.
    wrap: Option<u64>,
    /// Which lines get trailing whitespace.
    trailing: Option<u64>,
    padded: bool,
    outer_pipes: bool,
    /// ```` ``` ```` with an info string, `~~~`, or indented.
    fence: usize,
    align: usize,
    dest: usize,
    references: bool,
    /// Where HTML comments go.
    comments: Option<u64>,
    upper_x: bool,
}

/// A pseudo-random choice, one time in `one_in`, for the `n`th place.
fn pick(seed: Option<u64>, n: usize, one_in: u64) -> bool {
    seed.is_some_and(|seed| {
        let mixed = (seed ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (mixed >> 33).is_multiple_of(one_in)
    })
}

fn destination(base: usize, variant: usize) -> String {
    let name = ["guide", "roadmap", "team", "faq"][base % 4];
    match variant % 4 {
        0 => format!("{name}.md"),
        1 => format!("../{name}.md#top"),
        2 => format!("https://example.com/{name}?q=1"),
        _ => format!("<{name} page.md> \"The {name}\""),
    }
}

struct Renderer<'s> {
    style: &'s Style,
    out: String,
    /// Reference definitions, written at the end.
    definitions: Vec<String>,
    /// Places counted for the seeded choices.
    gaps: usize,
}

impl Renderer<'_> {
    /// An inline's pieces: the text between the places a line may break.
    fn atoms(&mut self, inline: &Inline) -> Vec<String> {
        let words = &inline.words;
        let wrapped = |open: &str, close: &str| {
            let mut atoms = words.clone();
            atoms[0].insert_str(0, open);
            if let Some(last) = atoms.last_mut() {
                last.push_str(close);
            }
            atoms
        };
        let (emph, strong) = if self.style.underscore {
            ("_", "__")
        } else {
            ("*", "**")
        };
        match inline.kind {
            Kind::Plain => words.clone(),
            Kind::Emph if self.style.html_em => wrapped("<em class=\"x\">", "</em>"),
            Kind::Emph => wrapped(emph, emph),
            Kind::Strong => wrapped(strong, strong),
            Kind::Strike => wrapped("~~", "~~"),
            Kind::Code => vec![format!("`{}`", words.join(" "))],
            Kind::Link | Kind::Image => {
                let open = if inline.kind == Kind::Image {
                    "!["
                } else {
                    "["
                };
                let dest = destination(inline.dest, self.style.dest);
                let close = if self.style.references {
                    let label = format!("r{}", self.definitions.len());
                    self.definitions.push(format!("[{label}]: {dest}"));
                    format!("][{label}]")
                } else {
                    format!("]({dest})")
                };
                wrapped(open, &close)
            }
        }
    }

    /// Inline content, reflowed at the style's breaks; continuation
    /// lines are indented by `indent`. An inline comment never starts
    /// a line (there it would be an HTML block).
    fn inlines(&mut self, inlines: &[Inline], indent: &str) {
        let mut first = true;
        for inline in inlines {
            let atoms = self.atoms(inline);
            for atom in atoms {
                if !first {
                    self.gaps += 1;
                    if pick(self.style.wrap, self.gaps, 3) {
                        if self.style.backslash {
                            self.out.push('\\');
                        }
                        self.out.push('\n');
                        self.out.push_str(indent);
                    } else {
                        self.out.push(' ');
                    }
                }
                first = false;
                self.out.push_str(&atom);
            }
            self.gaps += 1;
            if pick(self.style.comments, self.gaps, 4) {
                self.out.push_str(" <!-- an aside -->");
            }
        }
    }

    fn heading(&mut self, level: u8, words: &[String]) {
        let text = words.join(" ");
        if self.style.setext && level <= 2 {
            let underline = if level == 1 { "===" } else { "---" };
            self.out.push_str(&text);
            self.out.push('\n');
            self.out.push_str(underline);
        } else {
            let marks = "#".repeat(usize::from(level));
            self.out.push_str(&marks);
            self.out.push(' ');
            self.out.push_str(&text);
            if self.style.atx_closed {
                self.out.push(' ');
                self.out.push_str(&marks);
            }
        }
    }

    fn list(&mut self, ordered: bool, items: &[Item]) {
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                self.out.push('\n');
            }
            let marker = if ordered {
                match self.style.numbering % 4 {
                    0 => format!("{}.", n + 1),
                    1 => "1.".to_string(),
                    2 => format!("{})", n + 1),
                    _ => format!("{}.", n + 7),
                }
            } else {
                ["-", "*", "+"][self.style.bullet % 3].to_string()
            };
            let indent = " ".repeat(marker.len() + 1);
            self.out.push_str(&marker);
            self.out.push(' ');
            match item.task {
                Some(true) if self.style.upper_x => self.out.push_str("[X] "),
                Some(true) => self.out.push_str("[x] "),
                Some(false) => self.out.push_str("[ ] "),
                None => {}
            }
            self.inlines(&item.inlines, &indent);
        }
    }

    fn table(&mut self, rows: &[Vec<Vec<String>>]) {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|cell| cell.join(" ")).collect())
            .collect();
        let columns = cells[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                cells
                    .iter()
                    .map(|row| row[c].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(5)
            })
            .collect();
        let delimiters: Vec<String> = (0..columns)
            .map(|c| {
                let width = if self.style.padded { widths[c] } else { 3 };
                let (left, right) = [(false, false), (true, false), (false, true), (true, true)]
                    [(self.style.align + c) % 4];
                let dashes = width - usize::from(left) - usize::from(right);
                format!(
                    "{}{}{}",
                    if left { ":" } else { "" },
                    "-".repeat(dashes),
                    if right { ":" } else { "" }
                )
            })
            .collect();
        let mut lines: Vec<Vec<String>> = cells;
        lines.insert(1, delimiters);
        let rendered: Vec<String> = lines
            .iter()
            .map(|row| {
                let padded: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        if self.style.padded {
                            let fill = widths[c] - cell.chars().count();
                            format!(" {cell}{} ", " ".repeat(fill))
                        } else {
                            cell.clone()
                        }
                    })
                    .collect();
                let inner = padded.join("|");
                if self.style.outer_pipes {
                    format!("|{inner}|")
                } else {
                    inner
                }
            })
            .collect();
        self.out.push_str(&rendered.join("\n"));
    }
}

impl Renderer<'_> {
    fn code(&mut self, lines: &[Vec<String>]) {
        let lines: Vec<String> = lines.iter().map(|line| line.join(" ")).collect();
        let text = match self.style.fence % 3 {
            0 => format!("```yaml title=\"x\"\n{}\n```", lines.join("\n")),
            1 => format!("~~~~\n{}\n~~~~", lines.join("\n")),
            _ => lines
                .iter()
                .map(|line| format!("    {line}"))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        self.out.push_str(&text);
    }
}

fn render(doc: &Doc, style: &Style) -> String {
    let mut r = Renderer {
        style,
        out: String::new(),
        definitions: Vec::new(),
        gaps: 0,
    };
    if let Some(value) = style.front_matter {
        let month = value % 9 + 1;
        for piece in [
            "---\nowner: person",
            &value.to_string(),
            "\nreviewed: 2026-0",
            &month.to_string(),
            "-01\n---\n",
        ] {
            r.out.push_str(piece);
        }
    }
    for (n, block) in doc.blocks.iter().enumerate() {
        if pick(style.comments, 1000 + n, 3) {
            let comment = if n % 2 == 0 {
                "<!-- handbook-lint-disable HB102 -->"
            } else {
                "<!--\nhidden words\n\nmore hidden words\n-->"
            };
            r.out.push_str(comment);
            r.out.push_str("\n\n");
        }
        match block {
            Block::Heading { level, words } => r.heading(*level, words),
            Block::Para(inlines) => r.inlines(inlines, ""),
            Block::Quote(inlines) => {
                r.out.push_str("> ");
                r.inlines(inlines, if style.lazy_quote { "" } else { "> " });
            }
            Block::List { ordered, items } => r.list(*ordered, items),
            Block::Table(rows) => r.table(rows),
            Block::Code(lines) => r.code(lines),
        }
        r.out.push_str("\n\n");
    }
    for definition in &r.definitions {
        r.out.push_str(definition);
        r.out.push('\n');
    }
    if style.trailing.is_none() {
        return r.out;
    }
    let mut out = String::with_capacity(r.out.len() * 2);
    for (n, line) in r.out.lines().enumerate() {
        out.push_str(line);
        if pick(style.trailing, n, 2) {
            out.push_str(if n % 3 == 0 { "  " } else { " \t " });
        }
        out.push('\n');
    }
    out
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(VOCAB).prop_map(str::to_string)
}

fn words(most: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), 1..=most)
}

fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    let kind = prop_oneof![
        4 => Just(Kind::Plain),
        1 => Just(Kind::Emph),
        1 => Just(Kind::Strong),
        1 => Just(Kind::Strike),
        1 => Just(Kind::Link),
        1 => Just(Kind::Image),
        1 => Just(Kind::Code),
    ];
    let inline =
        (kind, words(3), 0..4usize).prop_map(|(kind, words, dest)| Inline { kind, words, dest });
    prop::collection::vec(inline, 1..5)
}

fn block() -> impl Strategy<Value = Block> {
    let item = (prop::option::of(any::<bool>()), inlines())
        .prop_map(|(task, inlines)| Item { task, inlines });
    let table = (2..=3usize, 1..=3usize).prop_flat_map(|(columns, rows)| {
        prop::collection::vec(
            prop::collection::vec(words(2), columns..=columns),
            rows + 1..=rows + 1,
        )
    });
    prop_oneof![
        3 => (1..=3u8, words(3)).prop_map(|(level, words)| Block::Heading { level, words }),
        3 => inlines().prop_map(Block::Para),
        2 => (any::<bool>(), prop::collection::vec(item, 1..4))
            .prop_map(|(ordered, items)| Block::List { ordered, items }),
        1 => inlines().prop_map(Block::Quote),
        1 => table.prop_map(Block::Table),
        1 => prop::collection::vec(words(3), 1..3).prop_map(Block::Code),
    ]
}

fn doc() -> impl Strategy<Value = Doc> {
    prop::collection::vec(block(), 1..9).prop_map(|blocks| Doc { blocks })
}

fn style() -> impl Strategy<Value = Style> {
    let headings = (
        prop::option::of(0..5u8),
        any::<bool>(),
        any::<bool>(),
        0..3usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0..4usize,
        any::<bool>(),
        any::<bool>(),
    );
    let layout = (
        prop::option::of(any::<u64>()),
        prop::option::of(any::<u64>()),
        any::<bool>(),
        any::<bool>(),
        0..3usize,
        0..4usize,
        0..4usize,
        any::<bool>(),
        prop::option::of(any::<u64>()),
    );
    (headings, layout).prop_map(
        |(
            (
                front_matter,
                setext,
                atx_closed,
                bullet,
                underscore,
                upper_x,
                lazy_quote,
                numbering,
                backslash,
                html_em,
            ),
            (wrap, trailing, padded, outer_pipes, fence, align, dest, references, comments),
        )| Style {
            front_matter,
            setext,
            atx_closed,
            lazy_quote,
            numbering,
            backslash,
            html_em,
            bullet,
            underscore,
            wrap,
            trailing,
            padded,
            outer_pipes,
            fence,
            align,
            dest,
            references,
            comments,
            upper_x,
        },
    )
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        word().prop_map(Edit::Insert),
        Just(Edit::Delete),
        word().prop_map(Edit::Replace),
    ]
}

/// A section of `doc`, chosen by `at`: its heading's block, where it
/// ends, its level and anchor.
fn section(doc: &Doc, at: Index) -> Option<(usize, usize, u8, String)> {
    let headings = doc.headings();
    if headings.is_empty() {
        return None;
    }
    let (start, level, anchor) = at.get(&headings).clone();
    Some((start, doc.section_end(start), level, anchor))
}

/// CommonMark: "The optional closing sequence of `#`s must be preceded
/// by spaces or tabs and may be followed by spaces or tabs only."
#[test]
fn an_atx_closing_sequence_before_a_tab_is_not_text() {
    let spaces = Substance::of("## Planning ##  \n\nText.\n");
    let tab = Substance::of("## Planning ##\t\n\nText.\n");
    assert_eq!(spaces.sections[0].anchor, "planning");
    assert_eq!(tab.sections, spaces.sections);
    assert_eq!(
        Digest::of("## Planning ##\t\n"),
        Digest::of("## Planning\n")
    );
}

/// CommonMark: "The closing code fence ... may be followed only by
/// spaces or tabs, which are ignored."
#[test]
fn a_closing_fence_before_a_tab_closes_the_block() {
    let text = "```\nowner: alice\n```\t\n\n## Planning\n\nSee [the plan](plan.md).\n";
    let substance = Substance::of(text);
    assert_eq!(
        substance.words,
        ["owner", "alice", "Planning", "See", "the", "plan"]
    );
    assert_eq!(Digest::of(text), Digest::of(&text.replace("```\t", "```")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any two stylings of a page have the same digest, and the words
    /// and sections the model says.
    #[test]
    fn formatting_never_changes_the_digest(doc in doc(), a in style(), b in style()) {
        let one = render(&doc, &a);
        let two = render(&doc, &b);
        let substance = Substance::of(&one);
        prop_assert_eq!(&substance.words, &doc.words(), "{}", one);
        let anchors: Vec<&str> = substance.sections.iter().map(|s| s.anchor.as_str()).collect();
        let expected: Vec<String> = doc.headings().into_iter().map(|(_, _, a)| a).collect();
        prop_assert_eq!(anchors, expected, "{}", one);
        prop_assert_eq!(Digest::of(&one), Digest::of(&two), "\n{}\n----\n{}", one, two);
        let (page, _) = Digest::page_with_words(&one);
        prop_assert_eq!(page.page, Digest::of(&two).page, "\n{}\n----\n{}", one, two);
        // Read word by word against the other styling's words: the same.
        prop_assert!(has_words(&one, &Digest::page_with_words(&two).1), "\n{}\n----\n{}", one, two);
        // Read side by side: the same, and the newer's digest.
        prop_assert_eq!(same_words(&two, &one), Some(Digest::page_with_words(&two).0), "\n{}\n----\n{}", one, two);
        // The working tree's pages are digested from the parse that reads
        // their structure: the walk takes that digest for HEAD's version.
        // (None where a line ends in a tab: see the property below.)
        let (_, _, shared) = crate::parse::parse_with_digest(&two);
        match shared {
            Some(shared) => prop_assert_eq!(shared, Digest::page_with_words(&two).0, "{}", two),
            None => prop_assert!(two.contains('\t'), "{}", two),
        }
    }

    /// Inserting, deleting or replacing one word changes the digest,
    /// however either version is styled.
    #[test]
    fn one_word_changed_changes_the_digest(
        doc in doc(),
        edit in edit(),
        at in (any::<Index>(), any::<Index>()),
        a in style(),
        b in style(),
    ) {
        let mut changed = doc.clone();
        prop_assert!(changed.edit(&edit, at, |_, _| true) || matches!(edit, Edit::Delete));
        let before = render(&doc, &a);
        let after = render(&changed, &b);
        prop_assert_eq!(&Substance::of(&after).words, &changed.words(), "{}", after);
        if doc.words() != changed.words() {
            prop_assert_ne!(Digest::of(&before).page, Digest::of(&after).page, "\n{}\n----\n{}", before, after);
        }
        // Read word by word against the other version's words, ending at
        // the first that differs: the same answer.
        prop_assert_eq!(
            has_words(&before, &Digest::page_with_words(&after).1),
            doc.words() == changed.words(),
            "\n{}\n----\n{}", before, after
        );
        // Read side by side, either version first: the same answer.
        let same = doc.words() == changed.words();
        prop_assert_eq!(same_words(&after, &before).is_some(), same, "\n{}\n----\n{}", before, after);
        prop_assert_eq!(same_words(&before, &after).is_some(), same, "\n{}\n----\n{}", before, after);
    }

    /// Ticking or unticking one checkbox changes the digest.
    #[test]
    fn a_checkbox_ticked_changes_the_digest(doc in doc(), at in any::<Index>(), a in style(), b in style()) {
        let mut changed = doc.clone();
        if changed.toggle(at) {
            let before = render(&doc, &a);
            let after = render(&changed, &b);
            prop_assert_ne!(Digest::of(&before).page, Digest::of(&after).page, "\n{}\n----\n{}", before, after);
            prop_assert!(!has_words(&before, &Digest::page_with_words(&after).1), "\n{}\n----\n{}", before, after);
            prop_assert!(same_words(&after, &before).is_none(), "\n{}\n----\n{}", before, after);
        }
    }

    /// A word changed outside a section leaves its digest alone; one
    /// changed inside (below its heading) does not.
    #[test]
    fn a_section_digest_follows_its_own_words(
        doc in doc(),
        pick_section in any::<Index>(),
        edit in edit(),
        at in (any::<Index>(), any::<Index>()),
        a in style(),
        b in style(),
    ) {
        let Some((start, end, _, anchor)) = section(&doc, pick_section) else {
            return Ok(());
        };
        let before = Digest::of(&render(&doc, &a));
        prop_assert!(before.section(&anchor).is_some(), "{}", anchor);
        let mut outside = doc.clone();
        if outside.edit(&edit, at, |block, heading| !heading && (block < start || block >= end)) {
            let after = Digest::of(&render(&outside, &b));
            prop_assert_eq!(before.section(&anchor), after.section(&anchor), "{:?}", outside);
        }
        let mut inside = doc.clone();
        if inside.edit(&edit, at, |block, _| block > start && block < end) {
            let after = Digest::of(&render(&inside, &b));
            prop_assert_ne!(before.section(&anchor), after.section(&anchor), "{:?}", inside);
        }
    }

    /// Adding a section right after one, or deleting the one that
    /// follows it, leaves its digest alone.
    #[test]
    fn the_following_section_comes_and_goes(
        doc in doc(),
        pick_section in any::<Index>(),
        heading in words(3),
        level in any::<Index>(),
        body in inlines(),
        a in style(),
        b in style(),
    ) {
        let Some((_, end, own_level, anchor)) = section(&doc, pick_section) else {
            return Ok(());
        };
        let before = Digest::of(&render(&doc, &a)).section(&anchor);
        prop_assert!(before.is_some());
        let mut added = doc.clone();
        let level = 1 + level.index(usize::from(own_level)) as u8;
        added.blocks.insert(end, Block::Para(body));
        added.blocks.insert(end, Block::Heading { level, words: heading });
        let text = render(&added, &b);
        prop_assert_eq!(before, Digest::of(&text).section(&anchor), "{}", text);
        if end < doc.blocks.len() {
            let mut deleted = doc.clone();
            let following = deleted.section_end(end);
            deleted.blocks.drain(end..following);
            let text = render(&deleted, &b);
            prop_assert_eq!(before, Digest::of(&text).section(&anchor), "{}", text);
        }
    }
}

/// Pieces hostile pages are made of: front matter fences and keys,
/// headings, tasks with due dates, HTML, control characters, odd Unicode.
const PIECES: &[&str] = &[
    "---\n",
    "owner: ",
    "reviewed: ",
    "2026-13-45",
    "2999-01-01",
    "@alice",
    "# ",
    "## ",
    "{#a}",
    "- [ ] ",
    "- [x] ",
    "(due ",
    ")",
    "**",
    "`",
    "```\n",
    "<!-- ",
    " -->",
    "<div>",
    "[",
    "](",
    "x",
    "\n",
    "\r\n",
    "\t",
    "\u{1b}[31m",
    "\u{0}",
    "\u{feff}",
    "é",
    "👍",
    "\u{202e}",
    ": ",
    "&amp;",
    "|a|b|\n|-|-|\n",
    "> ",
    "1. ",
    "*",
    "\\",
    "{",
    "[^1]",
    "***\n",
    "key: [a, b\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Whatever a page holds, parsing it gives a document and problems,
    /// never a panic, and every span it reports lies in the text on char
    /// boundaries (a finding is drawn from it).
    #[test]
    fn any_page_parses_with_spans_inside_it(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60),
        noise in ".{0,40}",
    ) {
        let mut text: String = pieces.concat();
        text.push_str(&noise);
        let (doc, problems) = crate::parse::parse(&text);
        let spans = doc
            .headings
            .iter()
            .map(|h| h.span.clone())
            .chain(doc.tasks.iter().map(|t| t.span.clone()))
            .chain(doc.labels.iter().map(|l| l.span.clone()))
            .chain(problems.iter().map(|p| p.span.clone()));
        for span in spans {
            prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?} in {text:?}");
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        let _ = Substance::of(&text);
        // A digest made without its sections (as the history walk makes
        // most) has the same words: only headings' names are left out.
        let (full, full_words) = Digest::with_words(&text);
        let (page, page_words) = Digest::page_with_words(&text);
        prop_assert!(full.sectioned && !page.sectioned);
        prop_assert!(page.sections.is_empty());
        prop_assert_eq!((full.page, full.words), (page.page, page.words), "{:?}", text);
        prop_assert_eq!(full_words, page_words, "{:?}", text);
        // The digest read from the structure's parse is the walk's own, or
        // there is none: a line ends in a tab, and the walk parses a copy
        // without trailing whitespace.
        let (_, _, shared) = crate::parse::parse_with_digest(&text);
        match shared {
            Some(shared) => prop_assert_eq!(shared, page, "{:?}", text),
            None => prop_assert!(text.contains('\t'), "{:?}", text),
        }
    }
}

/// Pieces around link destinations: what could make a cut destination
/// read as something else, or something else read as one.
const AROUND_LINKS: &[&str] = &[
    "[",
    "]",
    "](",
    ")",
    "![",
    "[a](",
    "[a b](",
    "](x y)",
    "](<x>)",
    "](x \"t\")",
    "plan",
    "q3",
    "é",
    " ",
    "\n",
    "\n\n",
    "  \n",
    "\t",
    "_",
    "__",
    "*",
    "~~",
    "`",
    "``",
    "```\n",
    "~~~\n",
    "    ",
    "<",
    ">",
    "<b>",
    "</b>",
    "<a href=",
    "<a title='",
    "'>",
    "<span x=",
    "<!--",
    "-->",
    "<?",
    "?>",
    "<![CDATA[",
    "]]>",
    "<div>\n",
    "</div>\n",
    "<pre>\n",
    "</pre>\n",
    "<https://x.example/",
    "&amp;",
    "&",
    ";",
    "\\",
    "\\]",
    "|",
    "|a|b|\n|-|-|\n",
    "# ",
    "## ",
    "=",
    "===\n",
    "---\n",
    "> ",
    "- ",
    "1. ",
    "- [ ] ",
    "[x]",
    "[r]: ",
    "[r]",
    "{#id}",
    "title: t\n",
    "\"",
    "'",
    "#",
    "?",
    "%",
    ":",
    "@",
    "-",
    ",",
    "(",
    "((",
];

/// What cut destinations are replaced with: strings of the bytes a cut
/// may hold (each of its punctuation as likely as a letter), up to five
/// long, taken from [`super::LINK_DESTINATION_BYTES`] itself, so a byte
/// let in there is tried here.
fn replacements() -> impl Strategy<Value = Vec<String>> {
    let alphabet: Vec<char> = (0..=255u8)
        .filter(|&byte| super::LINK_DESTINATION_BYTES[usize::from(byte)])
        .filter(|byte| !byte.is_ascii_alphanumeric() || matches!(byte, b'a' | b'1'))
        .map(char::from)
        .collect();
    let replacement = proptest::collection::vec(proptest::sample::select(alphabet), 0..6)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    proptest::collection::vec(replacement, 1..6)
}

/// Checks that a text with `one`'s skeleton and its cuts replaced by
/// `replacements` has `one`'s words whenever `one`'s parse says its cuts
/// are link destinations; returns whether it did.
fn check_skeleton(one: &str, replacements: &[String]) -> Result<bool, TestCaseError> {
    let Some(skeleton) = super::LinkSkeleton::of(one.as_bytes()) else {
        return Ok(false);
    };
    let mut two = String::new();
    let mut from = 0;
    for (n, cut) in skeleton.cuts.iter().enumerate() {
        two.push_str(&one[from..cut.start]);
        two.push_str(
            replacements
                .get(n % replacements.len().max(1))
                .map_or("", String::as_str),
        );
        from = cut.end;
    }
    two.push_str(&one[from..]);
    let other = super::LinkSkeleton::of(two.as_bytes());
    prop_assert_eq!(
        other.as_ref().map(|s| s.hash),
        Some(skeleton.hash),
        "{:?} / {:?}",
        one,
        two
    );
    let (digest, words, checked) = Digest::page_with_words_checking(one, &skeleton.cuts);
    // The same words as the plain parse, checked or not.
    let (plain, plain_words) = Digest::page_with_words(one);
    prop_assert_eq!((digest.page, digest.words), (plain.page, plain.words));
    prop_assert_eq!(&words, &plain_words);
    if checked {
        let (theirs, their_words) = Digest::page_with_words(&two);
        prop_assert_eq!(
            (theirs.page, theirs.words),
            (digest.page, digest.words),
            "{:?} / {:?}",
            one,
            two
        );
        prop_assert_eq!(their_words, words);
    }
    Ok(checked)
}

/// Where a link may stand: each a place where a cut destination, or
/// something that looks like one, could be read as something else.
const CONTEXTS: &[(&str, &str)] = &[
    ("", ""),
    ("", ""),
    ("<a b=", ">"),
    ("<a b='", "'>"),
    ("<a b=\"", "\">"),
    ("<a ", ">"),
    ("`", "`"),
    ("``", "``"),
    ("<!-- ", " -->"),
    ("<!--", "-->"),
    ("<?", "?>"),
    ("<![CDATA[", "]]>"),
    ("<!X ", ">"),
    ("<https://x.example/", ">"),
    ("<a@", ">"),
    ("<", ">"),
    ("**", "**"),
    ("_", "_"),
    ("~~", "~~"),
    ("[", "]"),
    ("[", "](y)"),
    ("[", "][r]"),
    ("![", "](y)"),
    ("<div>\n", "\n</div>\n"),
    ("<pre>\n", "\n</pre>\n"),
    ("```\n", "\n```\n"),
    ("~~~\n", "\n~~~\n"),
    ("\n    ", "\n"),
    ("| ", " | b |\n|---|---|\n"),
    ("| a | b |\n|---|---|\n| ", " | c |\n"),
    ("> ", "\n"),
    ("# ", "\n"),
    ("## ", " ##\n"),
    ("[r]: ", "\n"),
    ("[r]: /x '", "'\n"),
    ("- ", "\n"),
    ("1. ", "\n"),
    ("---\ntitle: ", "\n---\n"),
    ("\\", ""),
    ("&", ";"),
    ("x", "y"),
];

/// Destinations as written, cut or not.
const WRITTEN_DESTINATIONS: &[&str] = &[
    "",
    "a",
    "a_b",
    "../x.md#y",
    "a=b",
    "a`b",
    "a<b",
    "a>b",
    "a b",
    "a\"b",
    "a'b",
    "a|b",
    "a\\_b",
    "a&amp;b",
    "a*b",
    "a~b",
    "a!b",
    "a$b",
    "a(b)c",
    "a\nb",
    "a\tb",
    "é",
    "--",
    "?",
    "-->",
    "]]",
    "a]b",
    "a[b",
    "a{b}",
    "a^b",
];

/// One piece of a generated text: a link, an image or a piece of
/// [`AROUND_LINKS`], in a context.
fn around_link() -> impl Strategy<Value = String> {
    let link =
        (0..3usize, proptest::sample::select(WRITTEN_DESTINATIONS)).prop_map(|(kind, dest)| {
            match kind {
                0 => format!("[plan]({dest})"),
                1 => format!("![ship q3]({dest})"),
                _ => format!("[a [b](c)]({dest})"),
            }
        });
    let inner = prop_oneof![
        3 => link,
        1 => proptest::sample::select(AROUND_LINKS).prop_map(str::to_string),
    ];
    (
        proptest::sample::select(CONTEXTS),
        proptest::collection::vec(inner, 1..3),
    )
        .prop_map(|((open, close), inner)| format!("{open}{}{close}", inner.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// Any text: where its parse says each cut is a link's destination,
    /// changing them changes no word.
    #[test]
    fn same_link_skeleton_same_words_for_any_text(
        pieces in proptest::collection::vec(
            prop_oneof![
                2 => around_link(),
                1 => proptest::sample::select([AROUND_LINKS, PIECES].concat()).prop_map(str::to_string),
            ],
            0..30,
        ),
        replacements in replacements(),
    ) {
        check_skeleton(&pieces.concat(), &replacements)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Pages as people write them, links and all.
    #[test]
    fn same_link_skeleton_same_words_for_styled_pages(
        doc in doc(),
        style in style(),
        replacements in replacements(),
    ) {
        check_skeleton(&render(&doc, &style), &replacements)?;
    }
}

/// The skeleton finds what a reorganisation does to a page: its relative
/// links pointed elsewhere, every one of them a link (so a test above that
/// only ever met unchecked cuts could not pass unnoticed); and it refuses
/// the places that only look like links.
#[test]
fn a_page_whose_links_were_pointed_elsewhere_has_its_skeleton() {
    let before = "# Finance\n\n- [Dan Adler](../team/index.md#dan-adler), VP\n- ![logo](img/a_b.png) and [FAQ](faq.md)\n\n| a | [b](b.md) |\n|---|---|\n| c | d |\n";
    let after = "# Finance\n\n- [Dan Adler](../../team/index.md#dan-adler), VP\n- ![logo](../img/a_b.png) and [FAQ](process/faq.md)\n\n| a | [b](x/b.md) |\n|---|---|\n| c | d |\n";
    let one = super::LinkSkeleton::of(before.as_bytes()).expect("cuts");
    let two = super::LinkSkeleton::of(after.as_bytes()).expect("cuts");
    assert_eq!(one.hash, two.hash);
    assert_eq!(one.cuts.len(), 4);
    let (digest, _, checked) = Digest::page_with_words_checking(after, &two.cuts);
    assert!(checked);
    assert_eq!(digest.page, Digest::page_with_words(before).0.page);
    // The same places in code, in HTML, or in a link's text are words.
    for looks_like_one in [
        "`[a](b.md)`\n",
        "```\n[a](b.md)\n```\n",
        "<div>\n[a](b.md)\n</div>\n",
        "<a title=[a](b.md)>x</a>\n",
        "[a [b](c.md)](d.md)\n",
        "<!-- [a](b.md) -->\n",
    ] {
        let skeleton = super::LinkSkeleton::of(looks_like_one.as_bytes()).expect("cuts");
        let (_, _, checked) = Digest::page_with_words_checking(looks_like_one, &skeleton.cuts);
        assert!(!checked, "{looks_like_one:?}");
    }
    // Why `=` is never cut: in an unquoted HTML attribute it ends the
    // value, so the tag is no tag and the link in it is one. Were it cut,
    // that version's parse would vouch for one whose link is inside a tag
    // and has no words.
    let (tag, no_tag) = ("<a b=[t](xy)>\n", "<a b=[t](x=y)>\n");
    let destination = no_tag.find("x=y").expect("there")..no_tag.find(")>").expect("there");
    let (_, _, checked) = Digest::page_with_words_checking(no_tag, &[destination]);
    assert!(checked, "{no_tag:?} has a link there");
    assert_ne!(
        Digest::page_with_words(no_tag).0.page,
        Digest::page_with_words(tag).0.page
    );
    // Another byte in a destination is not cut.
    for kept in [
        "[a](b c)\n",
        "[a](<b>)\n",
        "[a](b&amp;c)\n",
        "[a](b=c)\n",
        "[a](b\\_c)\n",
    ] {
        assert!(
            super::LinkSkeleton::of(kept.as_bytes()).is_none(),
            "{kept:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Ending the merge early keeps exactly the pairs the whole merge
    /// would, with their scores: words drawn from a small vocabulary (so
    /// pages share many, with repeats), pages of up to 400 words (several
    /// of the merge's steps between checks), any threshold.
    #[test]
    fn similarity_reaching_keeps_the_pairs_the_whole_merge_keeps(
        mut a in proptest::collection::vec(0u64..40, 0..400),
        mut b in proptest::collection::vec(0u64..40, 0..400),
        threshold in prop_oneof![0.0..=1.0f64, Just(0.5), Just(1.0), Just(0.0)],
    ) {
        a.sort_unstable();
        b.sort_unstable();
        let whole = sorted_similarity(&a, &b);
        prop_assert_eq!(
            similarity_reaching(&a, &b, threshold),
            (whole >= threshold).then_some(whole)
        );
    }
}

/// Read side by side, versions whose words are one the other's beginning,
/// whose words differ only where a word is split across inline pieces, or
/// which differ only outside their words, are told apart (or not) as
/// their digests are.
#[test]
fn words_read_side_by_side_agree_with_the_digests() {
    let pages = [
        "",
        "---\ntitle: Goals\n---\n",
        "# Goals\n\nShip the **plan**ly report.\n",
        "# Goals\n\nShip the planly report.\n",
        "# Goals\n\nShip the plan ly report.\n",
        "# Goals\n\nShip the planly report.\n\nAnd more.\n",
        "Goals\n=====\n\n* Ship the [planly](a.md) report.\n",
        "- [ ] Ship the report\n",
        "- [x] Ship the report\n",
        "Ship the report\n",
        "<!-- draft -->\nShip   the\nreport\t\n",
    ];
    for newer in pages {
        for older in pages {
            let same =
                Digest::page_with_words(newer).0.page == Digest::page_with_words(older).0.page;
            let read = same_words(newer, older);
            assert_eq!(read.is_some(), same, "{newer:?} against {older:?}");
            if let Some(digest) = read {
                assert_eq!(digest, Digest::page_with_words(newer).0, "{newer:?}");
            }
        }
    }
}
