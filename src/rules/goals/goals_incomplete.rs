use crate::base::finding::Finding;
use crate::config::ruleset::GOALS;
use crate::model::{Handbook, Slot};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That the goals page holds each element the ruleset asks for — by
    /// default the goal, milestones, timeline and progress — as a heading, a
    /// bold label opening a paragraph (`**Progress:** …`), the label of a
    /// list item (`- Status: on track`, or a leading mark such as
    /// `- ✅ Index rebuilt`), or a table's header cell (`| Key result |
    /// Status |`). The patterns are in the ruleset (`pages.goals.content`);
    /// `goals-content:` in the config adds more.
    ///
    /// ## Why it matters
    /// The partnership's summary: a PM is doing well with “clearly defined the
    /// goal of your team, the incremental milestones toward that goal, the
    /// timeline for achieving those milestones, and the progress so far (all
    /// likely in the handbook)”. A goals page missing one of them cannot show
    /// progress against a plan.
    ///
    /// ## Example
    /// ```markdown
    /// # Search team goals
    /// ## Goal
    /// ## Milestones
    /// ```
    /// has no timeline and no progress: HB103 names both.
    ///
    /// ## How to fix
    /// Add a heading (or bold label) for each missing element, e.g.
    /// `## Timeline` and `## Progress`.
    pub static GOALS_INCOMPLETE = ("HB103", "goals-incomplete", "goals", Error, "The goals page lacks goal, milestones, timeline or progress"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let Some(kind) = model.ruleset.pages.get(GOALS) else {
        return;
    };
    if kind.content.is_empty() {
        return;
    }
    for team in &model.teams {
        let Some(slot @ Slot::Found { page, section }) = team.slots.get(GOALS) else {
            continue;
        };
        let page = &model.pages[*page];
        let range = section
            .as_ref()
            .map_or(0..page.text.len(), |s| s.heading.section.clone());
        let mut texts: Vec<&str> = page
            .doc
            .headings
            .iter()
            .filter(|h| range.contains(&h.span.start))
            .map(|h| h.text.as_str())
            .chain(
                page.doc
                    .labels
                    .iter()
                    .filter(|l| range.contains(&l.span.start))
                    .map(|l| l.text.as_str()),
            )
            .collect();
        texts.extend(line_labels(page.text.get(range).unwrap_or_default()));
        let missing: Vec<&str> = kind
            .content
            .iter()
            .filter(|(element, pattern)| {
                let added = model.config.goals_content.get(element);
                let patterns = std::iter::once(pattern).chain(added.into_iter().flatten());
                !patterns
                    .into_iter()
                    .any(|pattern| texts.iter().any(|t| pattern.is_match(t)))
            })
            .map(|(element, _)| element.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing.join(", ");
        findings.push(
            Finding::new(&GOALS_INCOMPLETE, format!("goals page has no {list}"))
                .at(page.path.clone(), model.slot_span(slot))
                .label(format!("missing: {list}"))
                .help(format!(
                    "add a heading or a bold label for each, e.g. `## {}`",
                    capitalize(missing[0])
                ))
                .why(model.ruleset.summary_quote())
                .team(team.name.clone()),
        );
    }
}

/// The longest list-item label (the words before a colon) read: past it,
/// the colon is in a sentence, not after a label.
const LABEL_CHARS: usize = 40;

/// The labels goals pages write outside headings: a list item's leading
/// mark (`✅`, `🔄`) or the words before its colon (`Status: on track`),
/// and the header cells of a table (`| Key result | Status |`). Lines in
/// fenced code are not read.
fn line_labels(text: &str) -> Vec<&str> {
    let mut labels = Vec::new();
    let mut fenced = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if line.starts_with('|') {
            let separator = lines.peek().is_some_and(|next| {
                let next = next.trim();
                next.starts_with('|')
                    && next.contains('-')
                    && next.chars().all(|c| "|-: ".contains(c))
            });
            if separator {
                labels.extend(table_cells(line));
                lines.next();
            }
            continue;
        }
        if let Some(item) = list_item(line) {
            labels.extend(item_label(item));
        }
    }
    labels
}

/// A table row's cells, trimmed, without emphasis.
fn table_cells(row: &str) -> impl Iterator<Item = &str> {
    row.trim_matches('|')
        .split('|')
        .map(|cell| cell.trim().trim_matches(['*', '_']).trim())
        .filter(|cell| !cell.is_empty())
}

/// The text of a list item (`- `, `* `, `+ `, `1. `, `1) `), past any
/// task box.
fn list_item(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix(['-', '*', '+'])
        .or_else(|| {
            let digits = line.find(|c: char| !c.is_ascii_digit())?;
            (digits > 0).then(|| line[digits..].strip_prefix(['.', ')']))?
        })?
        .strip_prefix([' ', '\t'])?
        .trim_start();
    let rest = ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|task| rest.strip_prefix(task))
        .unwrap_or(rest);
    Some(rest.trim_start())
}

/// A list item's label: a leading mark that is no word (`✅`), or the
/// words before its colon (`Estimated completion: March`).
fn item_label(item: &str) -> Option<&str> {
    let first = item.split_whitespace().next()?;
    if !first.chars().any(char::is_alphanumeric) && !first.starts_with(['*', '_', '`', '[']) {
        return Some(first);
    }
    let plain = item.trim_start_matches(['*', '_']);
    let (label, _) = plain.split_once(':')?;
    let label = label.trim_end_matches(['*', '_']).trim();
    (!label.is_empty() && label.chars().count() <= LABEL_CHARS).then_some(label)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::GOALS_INCOMPLETE;
    use crate::rules::testing::*;

    #[test]
    fn fails_when_the_goals_page_lacks_timeline_and_progress() {
        let thin = "---\nowner: alice\n---\n# Search goals\n\n## Goal\n\nBe fast.\n\n## Milestones\n\nKicked off.\n";
        let built = healthy().page(GOALS, thin).build();
        insta::assert_snapshot!(report(&GOALS_INCOMPLETE, &built));
    }

    #[test]
    fn passes_with_bold_labels_instead_of_headings() {
        let labelled = "---\nowner: alice\n---\n# Search goals\n\n**Goal:** be fast.\n\n**Milestones:** index, rank.\n\n**Timeline:** Q1, Q2.\n\n**Status:** Kicked off.\n";
        let built = healthy().page(GOALS, labelled).build();
        assert_passes(&GOALS_INCOMPLETE, &built);
    }

    /// Each built-in element against what real goals pages write, in a
    /// heading, a label or a list item: (element, text, matches).
    #[test]
    fn the_built_in_patterns_know_real_goals_pages() {
        let ruleset = crate::config::ruleset::Ruleset::parse(crate::config::ruleset::BUILTIN_TEXT)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let content = &ruleset.pages[crate::config::ruleset::GOALS].content;
        let matches = |element: &str, text: &str| {
            content
                .iter()
                .find(|(name, _)| name == element)
                .is_some_and(|(_, pattern)| pattern.is_match(text))
        };
        let cases = [
            ("goal", "Team goals", true),
            ("goal", "Objectives", true),
            ("goal", "OKRs", true),
            ("goal", "Q3 OKR", false),
            ("goal", "Our mission", true),
            ("goal", "Goalkeeping", false),
            ("milestones", "Milestones", true),
            ("milestones", "Key results", true),
            ("milestones", "KR1: p95 under 200 ms", true),
            ("milestones", "Deliverables", true),
            ("milestones", "Krypton", false),
            ("timeline", "Estimated completion", true),
            ("timeline", "ETA", true),
            ("timeline", "Target quarter", true),
            ("timeline", "Due", true),
            ("timeline", "Beta feedback", false),
            ("timeline", "Residue", false),
            ("progress", "✅", true),
            ("progress", "🔄", true),
            ("progress", "⏳", true),
            ("progress", "❌", true),
            ("progress", "✔️", true),
            ("progress", "Done", true),
            ("progress", "In progress", true),
            ("progress", "Not started", true),
            ("progress", "On track", true),
            ("progress", "Status", true),
            ("progress", "Donations", false),
            ("progress", "Ideas", false),
        ];
        let wrong: Vec<_> = cases
            .iter()
            .filter(|(element, text, expected)| matches(element, text) != *expected)
            .collect();
        assert!(
            wrong.is_empty(),
            "(element, text, expected) wrong: {wrong:?}"
        );
    }

    #[test]
    fn list_items_and_table_headers_give_their_labels() {
        let text = "- ✅ Index rebuilt\n* 🔄 Ranking v2\n1. [x] ⏳ Cache\n- Estimated completion: March\n- **Status:** on track\n- plain item, no label\n- a sentence that goes on well past forty characters: then a colon\n\n| Key result | Target date |\n|---|:---:|\n| p95 < 200ms | Q3 |\n\n```\n- ✅ in code\n```\n";
        assert_eq!(
            super::line_labels(text),
            [
                "✅",
                "🔄",
                "⏳",
                "Estimated completion",
                "Status",
                "Key result",
                "Target date"
            ]
        );
    }

    /// A goals page as teams write them: objectives and key results, a
    /// status list of marks, an estimated completion. No heading says
    /// "progress" or "timeline", and it is complete.
    #[test]
    fn passes_with_an_okr_layout_and_a_status_list() {
        let okrs = "---\nowner: alice\n---\n# Search\n\n## Objectives\n\nSearch feels instant.\n\n### Key results\n\n- ✅ p95 under 300 ms\n- 🔄 p95 under 200 ms\n- ⏳ zero-result rate under 5%\n\nEstimated completion: end of Q3.\n\n- Estimated completion: 2026-09-30\n";
        let built = healthy().page(GOALS, okrs).build();
        assert_passes(&GOALS_INCOMPLETE, &built);
    }

    /// `goals-content:` adds to the built-in patterns: a page whose
    /// progress is a "Burndown" section passes once the config says so.
    #[test]
    fn the_config_adds_patterns() {
        let page = "---\nowner: alice\n---\n# Search goals\n\n## Goal\n\nBe fast.\n\n## Milestones\n\n1. Index\n\n## Timeline\n\nQ1\n\n## Burndown\n\nHalf done.\n";
        let built = healthy().page(GOALS, page).build();
        let found = findings(&GOALS_INCOMPLETE, &built);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "goals page has no progress");
        let config = format!(
            "{}goals-content:\n  progress: [\"(?i)^burn(down|up)$\"]\n",
            crate::model::testing::CONFIG
        );
        let built = healthy().config(&config).page(GOALS, page).build();
        assert_passes(&GOALS_INCOMPLETE, &built);
    }
}
