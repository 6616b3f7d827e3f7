//! One commit compared with its parent: which asked-about pages changed in
//! substance, were added (and where from they moved), or could not be read.

use std::collections::HashMap;
use std::sync::Arc;

use super::Settings;
use super::compare::{MovedFrom, MovesSeen, Verdict, match_moves};
use super::prefetch::Step;
use super::reader::Reader;
use crate::git::objects::Objects;
use crate::git::repo::Oid;
use crate::git::trees::{self, Difference, Failure, Odb, PathTrie, ReadError};

/// What comparing a commit with its parent found.
#[derive(Default)]
pub(super) struct StepDiff {
    pub(super) differences: Vec<Difference>,
    pub(super) failures: Vec<Failure>,
    /// The commit changes more pages than the sweep limit.
    pub(super) sweep: bool,
    /// For each query whose page this commit edited, or added by a move:
    /// what it did to the words, or why that cannot be told. Filled in for
    /// the touches the walk will most likely need (see `Walker::judge`).
    pub(super) verdicts: Vec<(usize, Result<Verdict, ReadError>)>,
    /// Queries whose page this commit moved, and from where.
    pub(super) moved: Vec<(usize, MovedFrom)>,
}

impl StepDiff {
    /// Where the page of query `index` moved from, when this commit moved it.
    pub(super) fn moved_from(&self, index: usize) -> Option<&MovedFrom> {
        self.moved
            .iter()
            .find(|(q, _)| *q == index)
            .map(|(_, from)| from)
    }

    /// The version query `index`'s page in `difference` is compared with:
    /// the parent's at the same path, or the one it moved from; none for a
    /// page this commit created.
    pub(super) fn predecessor(&self, difference: &Difference, index: usize) -> Option<Oid> {
        difference
            .theirs
            .or_else(|| self.moved_from(index).map(|from| from.blob))
    }
}

/// Compares one commit with its parent along the trie.
///
/// Where a page added here moved from is worked out here too, where the
/// commit's trees are at hand and on every core.
pub(super) fn diff_step(
    reader: &mut Reader,
    step: &Step,
    trie: &PathTrie,
    settings: &Settings,
    seen: &MovesSeen,
) -> StepDiff {
    let Reader {
        objects,
        trees,
        digests,
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
    let theirs = match step.parent_tree.map(|id| trees.get(odb, id)) {
        None => None,
        Some(Ok(listing)) => Some(listing),
        Some(Err(error)) => return everything("parent tree", &error),
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
    if diff.differences.is_empty() {
        trees.retire(step.tree);
        trees.end_comparison();
        return diff;
    }
    if let Some(limit) = settings.max_files_per_commit {
        // Pages under the handbook directory, in both versions.
        let mut handbook = |root: Option<_>| {
            root.and_then(|root| trees::tree_at(odb, trees, root, &settings.handbook))
        };
        let (ours, theirs) = (handbook(Some(step.tree)), handbook(step.parent_tree));
        diff.sweep = trees::count_changed_pages(odb, trees, ours, theirs, limit, &settings.pages)
            .is_ok_and(|count| count > limit);
    }
    let moves = find_moves(objects, trees, digests, step, settings, seen, &mut diff);
    for difference in &diff.differences {
        let (Some(_), None, Some(from)) = (
            difference.ours,
            difference.theirs,
            moves.get(&difference.path),
        ) else {
            continue;
        };
        for &index in &difference.queries {
            diff.moved.push((index, from.clone()));
        }
    }
    trees.retire(step.tree);
    trees.end_comparison();
    diff
}

/// Where the pages asked about that this commit added moved from: the
/// commit's added and deleted pages matched by [`match_moves`]. When the
/// commit cannot be read, the queries of the added pages fail.
fn find_moves(
    objects: &Objects,
    trees: &mut trees::TreeCache,
    digests: &mut super::compare::Digests,
    step: &Step,
    settings: &Settings,
    seen: &MovesSeen,
    diff: &mut StepDiff,
) -> Arc<HashMap<String, MovedFrom>> {
    let added: Vec<&str> = diff
        .differences
        .iter()
        .filter(|d| d.ours.is_some() && d.theirs.is_none())
        .map(|d| d.path.as_str())
        .collect();
    let (false, Some(parent_tree)) = (added.is_empty(), step.parent_tree) else {
        return Arc::default();
    };
    let threshold = f64::from(settings.move_similarity) / 100.0;
    let odb = objects.odb();
    let matched = trees::page_changes(odb, trees, step.tree, parent_tree, &settings.pages)
        .and_then(|changes| {
            // The same blobs settle most commits without parsing a page.
            let quick = match_moves(digests, objects, &changes, threshold, &added, true)?;
            if added.iter().all(|path| quick.contains_key(*path)) {
                return Ok(Arc::new(quick));
            }
            if let Some(seen) = seen.get(step.commit) {
                return Ok(seen);
            }
            let found = Arc::new(match_moves(
                digests, objects, &changes, threshold, &added, false,
            )?);
            seen.insert(step.commit, Arc::clone(&found));
            Ok(found)
        });
    match matched {
        Ok(found) => found,
        Err(error) => {
            let mut failed = Vec::new();
            for difference in diff.differences.iter().filter(|d| d.theirs.is_none()) {
                failed.extend(difference.queries.iter().copied());
            }
            diff.failures.push(Failure {
                queries: failed,
                reason: format!(
                    "commit {} cannot be compared with its parent: {error}",
                    step.commit
                ),
            });
            Arc::default()
        }
    }
}
