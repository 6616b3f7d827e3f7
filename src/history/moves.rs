//! Queries that moved within a batch, and the comparisons made again for
//! them.

use super::batch::StepDiff;

/// The queries that moved within a batch, and the comparisons made again
/// for them (at their new paths) for the commits after the last move.
#[derive(Default)]
pub(super) struct Moves {
    pub(super) queries: Vec<usize>,
    pub(super) is_moved: Vec<bool>,
    /// A query moved in the commit being applied.
    pub(super) moved_here: bool,
    pub(super) supplement: Vec<StepDiff>,
    pub(super) supplement_from: usize,
}

impl Moves {
    pub(super) fn moved(&mut self, index: usize, count: usize) {
        if self.is_moved.is_empty() {
            self.is_moved = vec![false; count];
        }
        if !self.is_moved[index] {
            self.is_moved[index] = true;
            self.queries.push(index);
        }
        self.moved_here = true;
    }

    /// The batch's comparison at `position`, without what it says about
    /// moved queries (it compared their paths before the move) and with
    /// what the comparison made again says instead.
    pub(super) fn correct(&mut self, position: usize, mut diff: StepDiff) -> StepDiff {
        if self.queries.is_empty() {
            return diff;
        }
        let is_moved = &self.is_moved;
        diff.differences.retain_mut(|d| {
            d.queries.retain(|&q| !is_moved[q]);
            !d.queries.is_empty()
        });
        diff.failures.retain_mut(|f| {
            f.queries.retain(|&q| !is_moved[q]);
            !f.queries.is_empty()
        });
        diff.verdicts.retain(|(q, _)| !is_moved[*q]);
        diff.moved.retain(|(q, _)| !is_moved[*q]);
        if let Some(extra) = position
            .checked_sub(self.supplement_from)
            .and_then(|offset| self.supplement.get_mut(offset))
        {
            let extra = std::mem::take(extra);
            diff.differences.extend(extra.differences);
            diff.failures.extend(extra.failures);
            diff.sweep |= extra.sweep;
            diff.verdicts.extend(extra.verdicts);
            diff.moved.extend(extra.moved);
        }
        diff
    }
}
