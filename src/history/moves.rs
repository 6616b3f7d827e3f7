//! Queries that moved within a batch, and the comparisons made again for
//! them.
//!
//! A batch's commits are compared with their parents before any is
//! applied, along the paths the queries had at its start. When a query
//! moves at a commit, the comparisons below that commit speak of a path it
//! no longer has: they are made again, for the queries that moved there
//! alone, at their old paths. Each query is spoken for by the newest
//! comparison made for it, so a query that moves twice in a batch is
//! compared once more, not every query moved so far each time (which, with
//! a reorganisation every few hundred commits, read twice the trees git
//! does).

use super::batch::StepDiff;

/// The comparisons made again for queries that moved, from a position in
/// the batch on.
struct Supplement {
    from: usize,
    diffs: Vec<StepDiff>,
}

/// The queries that moved within a batch, and the comparisons made again
/// for them (at their old paths) for the commits after their move.
#[derive(Default)]
pub(super) struct Moves {
    /// For each query that moved in this batch: the supplement that speaks
    /// for it.
    owner: Vec<Option<usize>>,
    /// The queries that moved at the commit being applied.
    pub(super) moved_here: Vec<usize>,
    supplements: Vec<Supplement>,
}

impl Moves {
    pub(super) fn moved(&mut self, index: usize) {
        self.moved_here.push(index);
    }

    /// Records the comparisons made again, from `from` on, for the queries
    /// that moved at the commit just applied.
    pub(super) fn supplement(&mut self, from: usize, diffs: Vec<StepDiff>, count: usize) {
        if self.owner.is_empty() {
            self.owner = vec![None; count];
        }
        let index = self.supplements.len();
        for query in self.moved_here.drain(..) {
            self.owner[query] = Some(index);
        }
        self.supplements.push(Supplement { from, diffs });
    }

    /// The batch's comparison at `position`, without what it says about
    /// moved queries (it compared their paths before the move) and with
    /// what the comparisons made again say instead.
    pub(super) fn correct(&mut self, position: usize, mut diff: StepDiff) -> StepDiff {
        if self.supplements.is_empty() {
            return diff;
        }
        let owner = &self.owner;
        keep(&mut diff, |q| owner[q].is_none());
        for (index, supplement) in self.supplements.iter_mut().enumerate() {
            let Some(extra) = position
                .checked_sub(supplement.from)
                .and_then(|offset| supplement.diffs.get_mut(offset))
            else {
                continue;
            };
            let mut extra = std::mem::take(extra);
            // A query that moved again is spoken for by a newer one.
            keep(&mut extra, |q| owner[q] == Some(index));
            diff.differences.extend(extra.differences);
            diff.failures.extend(extra.failures);
            diff.sweep |= extra.sweep;
            diff.verdicts.extend(extra.verdicts);
            diff.moved.extend(extra.moved);
        }
        diff
    }
}

/// Keeps what a comparison says about the queries `wanted` accepts.
fn keep(diff: &mut StepDiff, wanted: impl Fn(usize) -> bool) {
    diff.differences.retain_mut(|d| {
        d.queries.retain(|&q| wanted(q));
        !d.queries.is_empty()
    });
    diff.failures.retain_mut(|f| {
        f.queries.retain(|&q| wanted(q));
        !f.queries.is_empty()
    });
    diff.verdicts.retain(|(q, _)| wanted(*q));
    diff.moved.retain(|(q, _)| wanted(*q));
}
