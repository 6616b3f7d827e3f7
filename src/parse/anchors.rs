//! The names a heading answers to, and the one rule that finds a section by
//! name.
//!
//! A handbook is rendered by GitHub, GitLab, Jekyll (kramdown) or Hugo, and
//! each names a heading its own way: `## Step 1 - Plan` is `step-1---plan`
//! on GitHub and Hugo, `step-1-plan` on GitLab, `step-1---plan` in kramdown
//! and `## 2026 Goals` is `2026-goals` on GitHub but `goals` in kramdown. A
//! config written against any of them should find the section, so each
//! heading has a primary anchor (its explicit `{#id}`, else GitHub's slug:
//! what reports show) and aliases (kramdown's and GitLab's slugs, and the
//! ids of HTML anchors in or just before the heading). [`find`] decides for
//! every reader — the model, the history walk, `why` — so a section found at
//! HEAD is the same section the walk follows back.

use std::collections::HashMap;

/// GitHub's anchor for a heading (also Hugo/Goldmark's default): lowercase,
/// punctuation dropped except `-` and `_`, spaces to hyphens.
pub(crate) fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        // Every version of every page the history walk parses is named:
        // ASCII, most headings, skips Unicode's case tables.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                slug.push(c.to_ascii_lowercase());
            } else if c == ' ' {
                slug.push('-');
            }
        } else if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        }
    }
    slug
}

/// kramdown's `auto_ids` (Jekyll, older GitLab handbooks;
/// `Kramdown::Converter::Base#basic_generate_id`): leading characters up to
/// the first ASCII letter removed, then everything but ASCII letters,
/// digits, spaces and hyphens, spaces to hyphens, lowercase; `section` when
/// nothing is left.
pub(crate) fn kramdown_slug(text: &str) -> String {
    let from_letter = text.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let mut slug = String::with_capacity(from_letter.len());
    for c in from_letter.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            slug.push(c.to_ascii_lowercase());
        } else if c == ' ' {
            slug.push('-');
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// GitLab's own Markdown (gitlab.com): GitHub's slug with every run of
/// hyphens made one (`Step 1 - Plan` is `step-1-plan`), made from the
/// GitHub slug (`github_slug(text)`), which a heading has
/// already.
pub(crate) fn gitlab_slug(github: &str) -> String {
    let mut slug = String::with_capacity(github.len());
    for c in github.chars() {
        if !(c == '-' && slug.ends_with('-')) {
            slug.push(c);
        }
    }
    slug
}

/// The ids of HTML anchors in raw HTML: `<a name="x">`, `<a id="x">`, or
/// any tag's `id`.
pub(crate) fn html_ids(raw: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        let tag_and_after = &rest[open + 1..];
        let Some(close) = tag_and_after.find('>') else {
            break;
        };
        let tag = &tag_and_after[..close];
        let is_anchor = tag
            .get(..2)
            .is_some_and(|start| start.eq_ignore_ascii_case("a "));
        for attribute in ["id", "name"] {
            if attribute == "name" && !is_anchor {
                continue;
            }
            if let Some(value) = attribute_value(tag, attribute)
                && !value.is_empty()
                && !ids.iter().any(|id| id == value)
            {
                ids.push(value.to_string());
            }
        }
        rest = &tag_and_after[close + 1..];
    }
    ids
}

/// The quoted value of `name="…"` (or `'…'`) in a tag's text.
fn attribute_value<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at;
        from = start + name.len();
        let preceded_by_space = lower[..start].ends_with(char::is_whitespace);
        let after = lower[from..].trim_start();
        if !preceded_by_space || !after.starts_with('=') {
            continue;
        }
        let value_at = tag.len() - after.len() + 1;
        let value = tag[value_at..].trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value = &value[1..];
        return value.find(quote).map(|end| value[..end].trim());
    }
    None
}

/// HTML anchor ids waiting for the next heading: an `<a name="x"></a>` on
/// the line before a heading names it, as long as no text comes between.
#[derive(Default)]
pub(crate) struct PendingIds(Vec<String>);

impl PendingIds {
    pub(crate) fn html(&mut self, raw: &str) {
        self.0.extend(html_ids(raw));
    }

    pub(crate) fn text(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.0.clear();
        }
    }

    pub(crate) fn take(&mut self) -> Vec<String> {
        std::mem::take(&mut self.0)
    }
}

/// Makes repeated anchors unique the way each renderer does: the second
/// `planning` is `planning-1`, the third `planning-2` (GitHub, GitLab and
/// kramdown agree, each counting its own slugs). Explicit ids are kept as
/// written.
#[derive(Default)]
pub(crate) struct Anchors {
    github: HashMap<String, usize>,
    kramdown: HashMap<String, usize>,
    gitlab: HashMap<String, usize>,
}

fn unique(seen: &mut HashMap<String, usize>, base: String) -> String {
    let count = seen.entry(base.clone()).or_default();
    let anchor = if *count == 0 {
        base
    } else {
        format!("{base}-{count}")
    };
    *count += 1;
    anchor
}

impl Anchors {
    /// The heading's primary anchor and its aliases (none equal to the
    /// primary, none repeated). `html` are the ids of HTML anchors in or
    /// just before it.
    pub(crate) fn names(
        &mut self,
        explicit: Option<String>,
        text: &str,
        html: Vec<String>,
    ) -> (String, Vec<String>) {
        // kramdown, Pandoc and Hugo generate no id for a heading that has
        // one: neither does this.
        let (anchor, slugs) = if let Some(id) = explicit {
            (id, Vec::new())
        } else {
            let github = github_slug(text);
            let gitlab = gitlab_slug(&github);
            (
                unique(&mut self.github, github),
                vec![
                    unique(&mut self.kramdown, kramdown_slug(text)),
                    unique(&mut self.gitlab, gitlab),
                ],
            )
        };
        let mut aliases: Vec<String> = Vec::new();
        for alias in slugs.into_iter().chain(html) {
            if alias != anchor && !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
        (anchor, aliases)
    }
}

/// The section `wanted` names among `items`: the first whose primary anchor
/// is `wanted`, else the first with it as an alias. A primary anchor wins
/// over an alias, so a GitHub slug never finds another heading than it does
/// on GitHub.
pub(crate) fn find<'i, T>(
    items: &'i [T],
    wanted: &str,
    names: impl Fn(&T) -> (&str, &[String]),
) -> Option<&'i T> {
    items
        .iter()
        .find(|item| names(item).0 == wanted)
        .or_else(|| {
            items
                .iter()
                .find(|item| names(item).1.iter().any(|alias| alias == wanted))
        })
}

/// How many anchors a message lists before "and N more".
const LISTED: usize = 10;

/// A page's anchors for a message: "`team`, `planning`, `execution`", the
/// first ten and "and N more", or "none" for a page without headings.
pub(crate) fn listed(headings: &[super::Heading]) -> String {
    if headings.is_empty() {
        return "none".to_string();
    }
    let mut list: Vec<String> = headings
        .iter()
        .take(LISTED)
        .map(|h| format!("`{}`", shortened(&h.anchor)))
        .collect();
    if headings.len() > LISTED {
        list.push(format!("and {} more", headings.len() - LISTED));
    }
    list.join(", ")
}

/// An anchor as a message shows it: an explicit id or an HTML anchor may
/// be as long as the page allows, a message line should not be.
fn shortened(anchor: &str) -> std::borrow::Cow<'_, str> {
    const LONGEST: usize = 80;
    match anchor.char_indices().nth(LONGEST) {
        Some((end, _)) => format!("{}…", &anchor[..end]).into(),
        None => anchor.into(),
    }
}

/// The anchor of the heading closest to `wanted`, by any of its names:
/// `sprint-planing` finds `sprint-planning`.
pub(crate) fn nearest<'h>(headings: &'h [super::Heading], wanted: &str) -> Option<&'h str> {
    let names = headings.iter().flat_map(|h| {
        std::iter::once(h.anchor.as_str()).chain(h.aliases.iter().map(String::as_str))
    });
    let closest = crate::config::yaml::did_you_mean(wanted, names)?;
    headings
        .iter()
        .find(|h| h.anchor == closest || h.aliases.iter().any(|a| a == closest))
        .map(|h| h.anchor.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(headings: &[(&str, Option<&str>)]) -> Vec<(String, Vec<String>)> {
        let mut anchors = Anchors::default();
        headings
            .iter()
            .map(|(text, id)| anchors.names(id.map(str::to_string), text, Vec::new()))
            .collect()
    }

    #[test]
    fn github_slugs_keep_hyphens_and_underscores_and_unicode() {
        assert_eq!(github_slug("Planning & Roadmap"), "planning--roadmap");
        assert_eq!(github_slug("Step 1 - Plan"), "step-1---plan");
        assert_eq!(github_slug("snake_case Über"), "snake_case-über");
        assert_eq!(github_slug("2026 Goals"), "2026-goals");
    }

    /// The cases from kramdown's `basic_generate_id`: leading non-letters
    /// go, only ASCII letters, digits, spaces and hyphens stay.
    #[test]
    fn kramdown_slugs_follow_basic_generate_id() {
        assert_eq!(kramdown_slug("Planning & Roadmap"), "planning--roadmap");
        assert_eq!(kramdown_slug("2026 Goals"), "goals");
        assert_eq!(kramdown_slug("1. Planning"), "planning");
        assert_eq!(kramdown_slug("snake_case Über"), "snakecase-ber");
        assert_eq!(kramdown_slug("How we plan?"), "how-we-plan");
        assert_eq!(kramdown_slug("123"), "section");
    }

    #[test]
    fn gitlab_slugs_collapse_hyphen_runs() {
        assert_eq!(
            gitlab_slug(&github_slug("Planning & Roadmap")),
            "planning-roadmap"
        );
        assert_eq!(gitlab_slug(&github_slug("Step 1 - Plan")), "step-1-plan");
        assert_eq!(gitlab_slug(&github_slug("2026 Goals")), "2026-goals");
    }

    #[test]
    fn repeats_are_numbered_per_scheme_and_explicit_ids_stand_alone() {
        let names = names_of(&[
            ("Planning", None),
            ("Planning", None),
            ("How we plan", Some("plan")),
            ("2026 Planning", None),
        ]);
        assert_eq!(names[0], ("planning".to_string(), vec![]));
        assert_eq!(names[1], ("planning-1".to_string(), vec![]));
        assert_eq!(names[2], ("plan".to_string(), vec![]));
        // kramdown drops the year: its third `planning`.
        assert_eq!(
            names[3],
            ("2026-planning".to_string(), vec!["planning-2".to_string()])
        );
    }

    #[test]
    fn html_anchor_ids_are_read_from_a_and_id_attributes() {
        assert_eq!(html_ids(r#"<a name="plan"></a>"#), ["plan"]);
        assert_eq!(html_ids("<A ID='plan-2'>x</A>"), ["plan-2"]);
        assert_eq!(html_ids(r#"<span id="s" class="x">"#), ["s"]);
        assert!(html_ids(r#"<span name="s">"#).is_empty());
        assert!(html_ids(r##"<a href="#plan" data-id="x">"##).is_empty());
        assert!(html_ids("<a name=plan>").is_empty());
    }

    #[test]
    fn a_missing_anchor_lists_ten_and_finds_the_nearest() {
        let text = (0..12).fold(String::new(), |text, i| text + &format!("## Part {i}\n\n"));
        let (doc, _) = super::super::parse(&format!("## Sprint planning\n\n{text}"));
        let list = listed(&doc.headings);
        assert!(list.starts_with("`sprint-planning`, `part-0`"), "{list}");
        assert!(list.ends_with("`part-8`, and 3 more"), "{list}");
        assert_eq!(
            nearest(&doc.headings, "sprint-planing"),
            Some("sprint-planning")
        );
        assert_eq!(nearest(&doc.headings, "roadmap"), None);
        assert_eq!(listed(&[]), "none");
        let long = format!("## Long {{#{}}}\n", "x".repeat(200));
        let (doc, _) = super::super::parse(&long);
        assert_eq!(listed(&doc.headings), format!("`{}…`", "x".repeat(80)));
    }

    #[test]
    fn a_primary_anchor_wins_over_an_alias() {
        // `goals` is kramdown's name for "2026 Goals" and GitHub's for the
        // second heading: GitHub's reading wins.
        let items = [
            ("2026-goals".to_string(), vec!["goals".to_string()]),
            ("goals".to_string(), vec![]),
        ];
        let found = find(&items, "goals", |(a, b)| (a.as_str(), b.as_slice()));
        assert_eq!(found.map(|(a, _)| a.as_str()), Some("goals"));
        let found = find(&items, "2026-goals", |(a, b)| (a.as_str(), b.as_slice()));
        assert_eq!(found.map(|(a, _)| a.as_str()), Some("2026-goals"));
        assert!(find(&items, "roadmap", |(a, b)| (a.as_str(), b.as_slice())).is_none());
    }
}
