use crate::base::finding::Finding;
use crate::config::ruleset::GOALS;
use crate::model::{Handbook, Slot};

crate::rules::declare_rule! {
    /// ## What it checks
    /// That the goals page holds each element the ruleset asks for — by
    /// default the goal, milestones, timeline and progress — as a heading or a
    /// bold label opening a paragraph (`**Progress:** …`). The patterns are in
    /// the ruleset (`pages.goals.content`).
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
        let texts: Vec<&str> = page
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
        let missing: Vec<&str> = kind
            .content
            .iter()
            .filter(|(_, pattern)| !texts.iter().any(|t| pattern.is_match(t)))
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
}
