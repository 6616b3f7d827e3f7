//! How a grid mark reads, the same in every rendering: its JSON value (for
//! the HTML's `data-*` attributes), its symbol, and its meaning in words, so
//! colour is never the only signal.

use super::data::{Cell, Mark};

impl Mark {
    /// The value `report --format json` writes for the mark.
    pub(super) fn key(self) -> &'static str {
        match self {
            Mark::Yes => "yes",
            Mark::No => "no",
            Mark::Missing => "missing",
            Mark::NotDue => "not-due",
            Mark::Unknown => "unknown",
        }
    }

    pub(super) fn symbol(self) -> &'static str {
        match self {
            Mark::Yes => "✓",
            Mark::No => "✗",
            Mark::Missing => "○",
            Mark::NotDue => "–",
            Mark::Unknown => "?",
        }
    }

    /// Every mark, in the legend's order.
    pub(super) const ALL: [Mark; 5] = [
        Mark::Yes,
        Mark::No,
        Mark::Missing,
        Mark::NotDue,
        Mark::Unknown,
    ];

    /// The legend's words for the mark, whatever it marks.
    pub(super) fn legend(self) -> &'static str {
        match self {
            Mark::Yes => "done",
            Mark::No => "not done (a finding then)",
            Mark::Missing => "the page it needs is missing",
            Mark::NotDue => "nothing was due",
            Mark::Unknown => "history cannot say",
        }
    }
}

/// The three things a grid cell marks, in the cell's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Aspect {
    Goals,
    Retro,
    Carry,
}

impl Aspect {
    pub(super) const ALL: [Aspect; 3] = [Aspect::Goals, Aspect::Retro, Aspect::Carry];

    /// The cell's field (and `data-*` attribute) name.
    pub(super) fn key(self) -> &'static str {
        match self {
            Aspect::Goals => "goals",
            Aspect::Retro => "retro",
            Aspect::Carry => "carry",
        }
    }

    /// What the mark answers, and the rule that decides it.
    pub(super) fn question(self) -> &'static str {
        match self {
            Aspect::Goals => "goals page updated in the iteration (HB102)",
            Aspect::Retro => "retro held (HB301)",
            Aspect::Carry => "action items carried into goals or roadmap (HB304)",
        }
    }

    pub(super) fn mark(self, cell: &Cell) -> Mark {
        match self {
            Aspect::Goals => cell.goals,
            Aspect::Retro => cell.retro,
            Aspect::Carry => cell.carry,
        }
    }

    /// The mark in words, for a cell's title and the screen reader.
    pub(super) fn describe(self, mark: Mark) -> &'static str {
        match (self, mark) {
            (Aspect::Goals, Mark::Yes) => "goals updated",
            (Aspect::Goals, Mark::No) => "goals not updated",
            (Aspect::Goals, Mark::Missing) => "no goals page",
            (Aspect::Goals, Mark::NotDue) => "goals update not due",
            (Aspect::Retro, Mark::Yes) => "retro held",
            (Aspect::Retro, Mark::No) => "no retro",
            (Aspect::Retro, Mark::Missing) => "no retros page",
            (Aspect::Retro, Mark::NotDue) => "retro not due",
            (Aspect::Carry, Mark::Yes) => "action items carried",
            (Aspect::Carry, Mark::No) => "action items not carried",
            (Aspect::Carry, Mark::Missing) => "no goals or roadmap page to carry items into",
            (Aspect::Carry, Mark::NotDue) => "no action items due",
            (Aspect::Goals, Mark::Unknown) => "goals: history cannot say",
            (Aspect::Retro, Mark::Unknown) => "retro: history cannot say",
            (Aspect::Carry, Mark::Unknown) => "action items: history cannot say",
        }
    }
}

/// `fresh` of `total` as a whole percentage; `None` when there is nothing
/// to count.
pub(super) fn percent(fresh: usize, total: usize) -> Option<u32> {
    (total > 0).then(|| ((fresh as f64) * 100.0 / (total as f64)).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTML's `data-*` values and the Markdown legend must be the JSON's.
    #[test]
    fn keys_are_the_json_values() {
        for mark in Mark::ALL {
            assert_eq!(
                serde_json::to_value(mark).ok(),
                Some(serde_json::Value::from(mark.key()))
            );
        }
    }

    #[test]
    fn percent_rounds_and_knows_nothing_to_count() {
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(0, 0), None);
    }
}
