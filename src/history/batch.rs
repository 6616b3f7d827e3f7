//! One commit compared with its parent: which asked-about pages changed,
//! were added (and from where they may have moved), or could not be read.

use std::collections::HashMap;

use super::Query;
use super::prefetch::Step;
use super::reader::{Reader, section_changed};
use crate::git::repo::Oid;
use crate::git::trees::{self, Difference, Failure, Odb, PathTrie, ReadError};

/// What comparing a commit with its parent found.
#[derive(Default)]
pub(super) struct StepDiff {
    pub(super) differences: Vec<Difference>,
    pub(super) failures: Vec<Failure>,
    /// The commit changes more pages than the sweep limit.
    pub(super) sweep: bool,
    /// When a page was added: the paths the commit deleted, by blob (where
    /// it may have moved from), or why they cannot be read.
    pub(super) deleted: Option<Result<HashMap<Oid, Vec<String>>, ReadError>>,
    /// For each section query whose page changed: whether the section's
    /// text did, or why that cannot be told.
    pub(super) sections: Vec<(usize, Result<bool, ReadError>)>,
}

/// Compares one commit with its parent along the trie.
///
/// What needs the commit's trees or blobs is done here too, where they are
/// at hand and on every core: the deleted paths a page added here may have
/// moved from, and whether a changed page's section changed.
pub(super) fn diff_step(
    reader: &mut Reader,
    step: &Step,
    trie: &PathTrie,
    queries: &[Query],
    sweep_limit: Option<usize>,
) -> StepDiff {
    let Reader {
        objects,
        trees,
        sections,
    } = reader;
    let odb: &Odb = objects.odb();
    let mut diff = StepDiff::default();
    if step.at_boundary || step.parent_tree == Some(step.tree) || step.broken.is_some() {
        return diff;
    }
    // A missing root tree leaves every open query unanswered.
    let everything = |what: &str, error: &ReadError| {
        let mut queries = Vec::new();
        trie.all_queries(&mut queries);
        StepDiff {
            failures: vec![Failure {
                queries,
                reason: format!("the {what} of commit {} is missing: {error}", step.commit),
            }],
            ..StepDiff::default()
        }
    };
    let ours = match trees.get(odb, step.tree) {
        Ok(listing) => listing,
        Err(error) => return everything("tree", &error),
    };
    let theirs = match step.parent_tree.map(|id| trees.get(odb, id)).transpose() {
        Ok(listing) => listing,
        Err(error) => return everything("parent tree", &error),
    };
    trees::compare(
        odb,
        trees,
        Some(&ours),
        theirs.as_deref(),
        trie,
        "",
        &mut diff.differences,
        &mut diff.failures,
    );
    if let (Some(limit), false) = (sweep_limit, diff.differences.is_empty()) {
        diff.sweep =
            trees::count_changed_pages(odb, trees, Some(step.tree), step.parent_tree, limit)
                .is_ok_and(|count| count > limit);
    }
    let added = diff
        .differences
        .iter()
        .any(|d| d.ours.is_some() && d.theirs.is_none());
    if let (true, Some(parent_tree)) = (added, step.parent_tree) {
        diff.deleted = Some(trees::deleted_blobs(odb, trees, step.tree, parent_tree));
    }
    for difference in &diff.differences {
        let (Some(ours), Some(theirs)) = (difference.ours, difference.theirs) else {
            continue;
        };
        for &index in &difference.queries {
            if let Some(anchor) = &queries[index].anchor {
                let changed = section_changed(odb, sections, ours, theirs, anchor);
                diff.sections.push((index, changed));
            }
        }
    }
    trees.retire(step.tree);
    trees.end_comparison();
    diff
}
