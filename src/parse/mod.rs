//! Parse stage: a page's text into its front matter and Markdown structure.
//!
//! Everything keeps byte offsets into the whole file (front matter
//! included), so a finding on line 14 of a page points at line 14.

use std::ops::Range;

use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::base::time::parse_date;
use crate::config::yaml::{self, span_of};

pub(crate) mod anchors;
pub(crate) mod substance;

/// A value from front matter and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FrontMatter {
    pub owner: Option<Located<String>>,
    /// An explicit "still true as of" stamp.
    pub reviewed: Option<Located<NaiveDate>>,
    /// The day a retrospective was held.
    pub date: Option<Located<NaiveDate>>,
    /// A `date:` that is not a date. Only retrospectives read `date:`; other
    /// pages (a blog post, release notes) may write it any way they like,
    /// so this is reported only once the model knows the page is a retro.
    pub date_problem: Option<ParseProblem>,
    /// The iteration a retrospective is for, 1-based.
    pub iteration: Option<Located<i64>>,
    /// The whole block including its `---` fences.
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Heading {
    pub level: u8,
    pub text: String,
    /// The GitHub-style anchor, or the explicit `{#id}`.
    pub anchor: String,
    /// Other names the heading answers to: its kramdown and GitLab slugs,
    /// HTML anchors in or just before it (see [`anchors`]).
    pub aliases: Vec<String>,
    /// The heading line itself.
    pub span: Range<usize>,
    /// The section: from the heading to the next heading of the same or a
    /// higher level (or the end of the file).
    pub section: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Task {
    pub checked: bool,
    /// The item's text, without the `- [ ]` marker.
    pub text: String,
    /// The item's first line, for highlighting.
    pub span: Range<usize>,
    /// Index into [`Document::headings`] of the heading the item sits under.
    pub heading: Option<usize>,
}

/// A bold label that opens a paragraph (`**Progress:** 60%`); goals pages
/// often use these instead of headings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Label {
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Document {
    pub front: FrontMatter,
    pub headings: Vec<Heading>,
    pub tasks: Vec<Task>,
    pub labels: Vec<Label>,
    /// Whether the body after the front matter was read: without it,
    /// `headings`, `tasks` and `labels` are empty whatever the page holds.
    /// `pages` reads only the front matter of the pages no team's slot
    /// consults (see [`front_matter_only`]).
    pub body_read: bool,
}

/// A problem in a page's front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ParseProblem {
    pub message: String,
    pub span: Range<usize>,
}

impl Document {
    /// The heading `anchor` names, by [`anchors::find`]'s rule.
    pub(crate) fn section(&self, anchor: &str) -> Option<&Heading> {
        debug_assert!(self.body_read, "a section looked up in an unread body");
        anchors::find(&self.headings, anchor, |h| {
            (h.anchor.as_str(), h.aliases.as_slice())
        })
    }
}

#[derive(Debug, Deserialize)]
struct RawFrontMatter {
    owner: Option<Spanned<String>>,
    reviewed: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    iteration: Option<Spanned<i64>>,
}

/// The front matter block: its YAML text, where that text starts, and the
/// whole block's span. `Err` when a block is opened but never closed.
/// A front matter block: its YAML text, the offset where that text starts,
/// and the span of the whole block with its fences.
type Block<'t> = (&'t str, usize, Range<usize>);

fn front_matter_block(text: &str) -> Result<Option<Block<'_>>, ParseProblem> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(None);
    }
    let body_start = first_line_end;
    let mut offset = body_start;
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = text[offset..line_end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Some((&text[body_start..offset], body_start, 0..line_end)));
        }
        offset = line_end;
    }
    Err(ParseProblem {
        message: "front matter opened with `---` is never closed".to_string(),
        span: 0..3.min(text.len()),
    })
}

fn parse_front_matter(text: &str, problems: &mut Vec<ParseProblem>) -> FrontMatter {
    let (yaml_text, base, block) = match front_matter_block(text) {
        Ok(Some(block)) => block,
        Ok(None) => return FrontMatter::default(),
        Err(problem) => {
            problems.push(problem);
            return FrontMatter::default();
        }
    };
    let mut front = FrontMatter {
        span: Some(block),
        ..FrontMatter::default()
    };
    if yaml_text.trim().is_empty() {
        return front;
    }
    let raw: RawFrontMatter = match yaml::from_str(yaml_text) {
        Ok(raw) => raw,
        Err(error) => {
            problems.push(ParseProblem {
                message: format!("front matter: {}", error.message),
                span: shift(error.span, base),
            });
            return front;
        }
    };
    let locate = |value: &Spanned<String>| shift(span_of(yaml_text, value), base);
    front.owner = raw.owner.as_ref().map(|owner| Located {
        value: owner.value.trim().to_string(),
        span: locate(owner),
    });
    // A date in front matter: kept where it parses, its problem where not.
    let dated = |field: &str, value: &Spanned<String>| match parse_date(&value.value) {
        Ok(date) => Ok(Located {
            value: date,
            span: locate(value),
        }),
        Err(message) => Err(ParseProblem {
            message: format!("front matter `{field}`: {message}"),
            span: locate(value),
        }),
    };
    front.reviewed = raw
        .reviewed
        .as_ref()
        .and_then(|value| dated("reviewed", value).map_err(|p| problems.push(p)).ok());
    // `date:` is a retro's: its problem is reported only on retro pages.
    match raw.date.as_ref().map(|value| dated("date", value)) {
        Some(Ok(date)) => front.date = Some(date),
        Some(Err(problem)) => front.date_problem = Some(problem),
        None => {}
    }
    front.iteration = raw.iteration.as_ref().and_then(|iteration| {
        let span = shift(span_of(yaml_text, iteration), base);
        if iteration.value < 1 {
            problems.push(ParseProblem {
                message: format!(
                    "front matter `iteration`: {} is not an iteration number (they start at 1)",
                    iteration.value
                ),
                span,
            });
            return None;
        }
        Some(Located {
            value: iteration.value,
            span,
        })
    });
    front
}

fn shift(span: Range<usize>, by: usize) -> Range<usize> {
    span.start + by..span.end + by
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn first_line(text: &str, range: Range<usize>) -> Range<usize> {
    let end = text[range.clone()]
        .find('\n')
        .map_or(range.end, |i| range.start + i);
    let trimmed = text[range.start..end].trim_end().len();
    range.start..range.start + trimmed
}

/// A page body's structure, read event by event.
#[derive(Default)]
struct BodyReader {
    headings: Vec<Heading>,
    tasks: Vec<Task>,
    labels: Vec<Label>,
    /// Heading being read: level, explicit id, text so far, span.
    open_heading: Option<(u8, Option<String>, String, Range<usize>)>,
    /// HTML anchor ids in or just before the heading being read.
    html_ids: anchors::PendingIds,
    /// Item being read: the task marker, its text so far, the item's span.
    item_stack: Vec<(Option<bool>, String, Range<usize>)>,
    /// Bold text opening a paragraph: whether we are at the paragraph's
    /// start and the bold text collected so far.
    paragraph_start: bool,
    strong: Option<(String, Range<usize>)>,
    /// Repeated headings get GitHub's `-1`, `-2` anchors, as in
    /// [`substance`], so a section is found by the same anchor in both.
    anchors: anchors::Anchors,
}

impl BodyReader {
    /// One event at `range` (a byte range into the whole page's `text`).
    fn event(&mut self, text: &str, event: Event, range: Range<usize>) {
        let opens_paragraph = matches!(event, Event::Start(Tag::Paragraph | Tag::Strong));
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.open_heading = Some((
                    level_number(level),
                    id.map(|id| id.to_string()),
                    String::new(),
                    range,
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, heading_text, span)) = self.open_heading.take() {
                    let heading_text = heading_text.trim().to_string();
                    let (anchor, aliases) =
                        self.anchors.names(id, &heading_text, self.html_ids.take());
                    self.headings.push(Heading {
                        level,
                        text: heading_text,
                        anchor,
                        aliases,
                        span: first_line(text, span.clone()),
                        section: span.start..text.len(),
                    });
                }
            }
            Event::Start(Tag::Item) => self.item_stack.push((None, String::new(), range)),
            Event::TaskListMarker(checked) => {
                if let Some(item) = self.item_stack.last_mut() {
                    item.0 = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some((Some(checked), item_text, span)) = self.item_stack.pop() {
                    self.tasks.push(Task {
                        checked,
                        text: item_text.trim().to_string(),
                        span: first_line(text, span.clone()),
                        heading: self.headings.len().checked_sub(1),
                    });
                }
            }
            Event::Start(Tag::Paragraph) => self.paragraph_start = true,
            Event::Start(Tag::Strong) if self.paragraph_start => {
                self.strong = Some((String::new(), range));
            }
            Event::End(TagEnd::Strong) => {
                if let Some((label_text, span)) = self.strong.take() {
                    self.labels.push(Label {
                        text: label_text.trim().trim_end_matches(':').trim().to_string(),
                        span,
                    });
                }
            }
            Event::Text(ref fragment)
            | Event::Code(ref fragment)
            | Event::InlineHtml(ref fragment) => {
                // A heading's text is what it shows: its anchor is made from
                // that, without tags.
                if let Event::InlineHtml(_) = event {
                    self.html_ids.html(fragment);
                } else if let Some((_, _, heading_text, _)) = self.open_heading.as_mut() {
                    heading_text.push_str(fragment);
                } else {
                    self.html_ids.text(fragment);
                }
                if let Some((_, item_text, _)) = self.item_stack.last_mut() {
                    item_text.push_str(fragment);
                }
                if let Some((label_text, _)) = self.strong.as_mut() {
                    label_text.push_str(fragment);
                }
                self.paragraph_start = false;
            }
            Event::Html(ref raw) => self.html_ids.html(raw),
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, item_text, _)) = self.item_stack.last_mut() {
                    item_text.push(' ');
                }
            }
            _ => {}
        }
        if !opens_paragraph {
            // Only bold text at the very start of a paragraph is a label.
            if self.strong.is_none() {
                self.paragraph_start = false;
            }
        }
    }
}

/// Parses a page. Never fails: problems in the front matter are returned
/// beside whatever structure could be read.
pub(crate) fn parse(text: &str) -> (Document, Vec<ParseProblem>) {
    let (doc, problems, _) = parse_reading_words(text, false);
    (doc, problems)
}

/// The page's front matter alone, its body left unread: what `pages`
/// needs of a page no team consults (its owner and review stamp). Parsing
/// the body of every page beside the history walk was a sixth of a cold
/// `pages` run on a real handbook, for headings nothing looked at; the
/// walk parses the versions it compares itself.
pub(crate) fn front_matter_only(text: &str) -> (Document, Vec<ParseProblem>) {
    let mut problems = Vec::new();
    let front = parse_front_matter(text, &mut problems);
    let doc = Document {
        front,
        ..Document::default()
    };
    (doc, problems)
}

/// [`parse`], and the page's substance digest from the same parse where
/// it can be read from it (as [`substance::Digest::page_with_words`] makes
/// it): a cold walk of a real handbook parsed most pages at HEAD a second
/// time for their words.
pub(crate) fn parse_with_digest(
    text: &str,
) -> (Document, Vec<ParseProblem>, Option<substance::Digest>) {
    parse_reading_words(text, true)
}

fn parse_reading_words(
    text: &str,
    read_words: bool,
) -> (Document, Vec<ParseProblem>, Option<substance::Digest>) {
    let mut problems = Vec::new();
    let front = parse_front_matter(text, &mut problems);
    let body_start = front.span.as_ref().map_or(0, |span| span.end);
    let body = &text[body_start..];
    let parser = Parser::new_ext(body, substance::PARSE_OPTIONS).into_offset_iter();

    let mut body_reader = BodyReader::default();
    let mut words = read_words.then(|| substance::BodyWords::of(body)).flatten();
    for (event, range) in parser {
        if let Some(words) = &mut words {
            words.event(event.clone());
        }
        body_reader.event(text, event, shift(range, body_start));
    }
    let BodyReader {
        mut headings,
        tasks,
        labels,
        ..
    } = body_reader;

    // Close each section at the next heading of the same or a higher level.
    for index in 0..headings.len() {
        let level = headings[index].level;
        if let Some(next) = headings[index + 1..].iter().find(|h| h.level <= level) {
            headings[index].section.end = next.span.start;
        }
    }

    (
        Document {
            front,
            headings,
            tasks,
            labels,
            body_read: true,
        },
        problems,
        words.map(substance::BodyWords::digest),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "---\nowner: \"@alice\"\nreviewed: 2026-03-01\n---\n# Team\n\n## Planning {#planning}\n\nWe plan.\n\n### Detail\n\nMore.\n\n## Execution\n\n**Progress:** 50%\n\n## Action items\n\n- [ ] @bob fix the thing (due 2026-04-01)\n- [x] done\n- not a task\n";

    #[test]
    fn front_matter_values_keep_their_lines() {
        let (doc, problems) = parse(PAGE);
        assert!(problems.is_empty(), "{problems:?}");
        let owner = doc.front.owner.expect("owner");
        assert_eq!(owner.value, "@alice");
        assert_eq!(&PAGE[owner.span], "\"@alice\"");
        assert_eq!(
            doc.front.reviewed.map(|r| r.value),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
    }

    /// The front matter alone reads what the whole parse reads of it, with
    /// the same problems, and says the body went unread.
    #[test]
    fn the_front_matter_alone_is_the_whole_parse_s() {
        for text in [
            PAGE,
            "---\nowner: [\n---\n# Broken YAML\n",
            "---\nreviewed: someday\n---\n# Bad date\n",
            "---\nowner: \"@a\"\n# never closed\n",
            "# No front matter\n\n- [ ] task\n",
        ] {
            let (whole, whole_problems) = parse(text);
            let (front, problems) = front_matter_only(text);
            assert_eq!(front.front, whole.front, "{text:?}");
            assert_eq!(problems, whole_problems, "{text:?}");
            assert!(whole.body_read && !front.body_read);
            assert!(front.headings.is_empty() && front.tasks.is_empty() && front.labels.is_empty());
        }
    }

    #[test]
    fn sections_run_to_the_next_heading_of_the_same_level() {
        let (doc, _) = parse(PAGE);
        let anchors: Vec<_> = doc.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["team", "planning", "detail", "execution", "action-items"]
        );
        let planning = doc
            .section("planning")
            .and_then(|h| PAGE.get(h.section.clone()))
            .unwrap_or_default();
        assert!(planning.starts_with("## Planning"));
        assert!(planning.contains("More."));
        assert!(!planning.contains("Execution"));
    }

    /// The model reads a page's headings, the history walk its substance:
    /// every name a heading answers to must find the same section in both,
    /// or a section found at HEAD would be dated by another one.
    #[test]
    fn every_name_finds_the_same_section_in_the_page_and_its_substance() {
        use substance::{Digest, Substance, hash_words};
        let text = "# Team\n\n## 2026 Planning & Roadmap\n\nWe plan.\n\n<a name=\"exec\"></a>\n## Execution\n\nWe ship.\n\n## Step 1 - Demo <a id=\"demo\"></a>\n\nShow.\n";
        let (doc, _) = parse(text);
        let substance = Substance::of(text);
        let digest = Digest::of(text);
        for (wanted, heading) in [
            ("2026-planning--roadmap", "2026 Planning & Roadmap"),
            ("planning--roadmap", "2026 Planning & Roadmap"),
            ("2026-planning-roadmap", "2026 Planning & Roadmap"),
            ("execution", "Execution"),
            ("exec", "Execution"),
            ("step-1---demo", "Step 1 - Demo"),
            ("step-1-demo", "Step 1 - Demo"),
            ("demo", "Step 1 - Demo"),
        ] {
            let found = doc.section(wanted).map(|h| h.text.as_str());
            assert_eq!(found, Some(heading), "{wanted}");
            let words = substance.section(wanted).unwrap_or_default();
            let first_word = heading.split(' ').next().unwrap_or_default();
            assert_eq!(
                words.first().map(String::as_str),
                Some(first_word),
                "{wanted}"
            );
            assert_eq!(digest.section(wanted), Some(hash_words(words)), "{wanted}");
        }
        for missing in ["roadmap", "team-1", "we-plan"] {
            assert!(doc.section(missing).is_none(), "{missing}");
            assert!(substance.section(missing).is_none(), "{missing}");
            assert!(digest.section(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn tasks_know_their_heading_and_labels_are_found() {
        let (doc, _) = parse(PAGE);
        assert_eq!(doc.tasks.len(), 2);
        assert_eq!(doc.tasks[0].text, "@bob fix the thing (due 2026-04-01)");
        assert!(!doc.tasks[0].checked && doc.tasks[1].checked);
        assert_eq!(
            doc.tasks[0]
                .heading
                .map(|h| doc.headings[h].anchor.as_str()),
            Some("action-items")
        );
        assert_eq!(
            doc.labels
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>(),
            ["Progress"]
        );
    }

    #[test]
    fn broken_front_matter_is_located_in_the_file() {
        let text = "---\nowner: [unclosed\n---\n# Body\n";
        let (doc, problems) = parse(text);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].span.start >= 4, "{problems:?}");
        assert_eq!(doc.headings.len(), 1);
        let (_, problems) = parse("---\nowner: x\n# never closed\n");
        assert!(problems[0].message.contains("never closed"));
        let (_, problems) = parse("---\nreviewed: last week\n---\n");
        assert!(problems[0].message.contains("reviewed"));
    }

    /// Only retrospectives read `date:`: a bad one is kept aside for the
    /// model, not reported for every page that has one.
    #[test]
    fn a_bad_date_is_kept_aside_for_retrospectives() {
        let (doc, problems) = parse("---\nowner: bob\ndate: mid-January\n---\n# Post\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(doc.front.date.is_none());
        assert_eq!(doc.front.owner.map(|o| o.value), Some("bob".to_string()));
        let problem = doc.front.date_problem.expect("the date problem");
        assert!(
            problem.message.starts_with("front matter `date`:"),
            "{problem:?}"
        );
    }

    /// Front matter is written by every contributor: its messages are the
    /// tool's, naming no Rust type or library option.
    #[test]
    fn front_matter_messages_name_no_library_type() {
        let (_, problems) = parse("---\niteration: three\n---\n");
        assert_eq!(problems[0].message, "front matter: expected a whole number");
        assert_eq!(problems[0].span, 15..20);
        let (_, problems) = parse("---\nowner: alice\nowner: bob\n---\n");
        assert_eq!(
            problems[0].message,
            "front matter: the key `owner` is written twice in the same mapping"
        );
    }
}
