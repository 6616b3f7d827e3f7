//! A small builder for git repositories with a chosen history: "commit
//! these files on this date as this person". The demo uses it to make a
//! handbook with realistic backdated history, and the tests use it to make
//! fixtures whose every date is known.
//!
//! Commits are made from trees, not from the working tree, so side branches
//! and merges are as easy as linear history; [`RepoBuilder::checkout`]
//! writes HEAD's files to disk when the caller wants them there.

use std::path::{Path, PathBuf};

use git2::build::{CheckoutBuilder, TreeUpdateBuilder};
use git2::{FileMode, Oid, Repository, Signature, Time};

use crate::base::time::{UnixTime, parse_now};

/// One change to the tree in a commit.
#[derive(Debug, Clone)]
pub enum Edit {
    Write(String, String),
    Delete(String),
    /// Move a file unchanged (same blob), as `git mv` does.
    Move(String, String),
}

pub fn write(path: &str, text: &str) -> Edit {
    Edit::Write(path.to_string(), text.to_string())
}

pub fn delete(path: &str) -> Edit {
    Edit::Delete(path.to_string())
}

pub fn mv(from: &str, to: &str) -> Edit {
    Edit::Move(from.to_string(), to.to_string())
}

pub struct RepoBuilder {
    pub repo: Repository,
    pub root: PathBuf,
}

/// A person and their e-mail, for commit signatures.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

pub const ROBOT: Person<'static> = Person {
    name: "Handbook Bot",
    email: "bot@example.com",
};

impl RepoBuilder {
    /// `git init` with `main` as the initial branch.
    pub fn init(dir: &Path) -> Result<RepoBuilder, git2::Error> {
        std::fs::create_dir_all(dir).map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        let repo = Repository::init_opts(dir, &options)?;
        let root = repo
            .workdir()
            .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
        Ok(RepoBuilder { repo, root })
    }

    fn signature(who: Person, time: UnixTime) -> Result<Signature<'static>, git2::Error> {
        Signature::new(who.name, who.email, &Time::new(time, 0))
    }

    fn head(&self) -> Option<Oid> {
        self.repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id())
    }

    /// The tree of `parent` with `edits` applied.
    fn tree_with(&self, parent: Option<Oid>, edits: &[Edit]) -> Result<Oid, git2::Error> {
        let base = if let Some(id) = parent {
            self.repo.find_commit(id)?.tree()?
        } else {
            let empty = self.repo.treebuilder(None)?.write()?;
            self.repo.find_tree(empty)?
        };
        let mut update = TreeUpdateBuilder::new();
        for edit in edits {
            match edit {
                Edit::Write(path, text) => {
                    let blob = self.repo.blob(text.as_bytes())?;
                    update.upsert(path.as_str(), blob, FileMode::Blob);
                }
                Edit::Delete(path) => {
                    update.remove(path.as_str());
                }
                Edit::Move(from, to) => {
                    let entry = base.get_path(Path::new(from))?;
                    update.remove(from.as_str());
                    update.upsert(to.as_str(), entry.id(), FileMode::Blob);
                }
            }
        }
        update.create_updated(&self.repo, &base)
    }

    /// Commits `edits` on top of HEAD at `when` (RFC 3339, a date, or
    /// `@unix`), authored and committed by `who`. Returns the commit id.
    pub fn commit(
        &self,
        when: &str,
        who: Person,
        message: &str,
        edits: &[Edit],
    ) -> Result<Oid, git2::Error> {
        let head = self.head();
        let id = self.commit_on(head, when, who, message, edits)?;
        self.repo.reference("refs/heads/main", id, true, message)?;
        if head.is_none() {
            self.repo.set_head("refs/heads/main")?;
        }
        Ok(id)
    }

    /// Commits `edits` on top of `parent` without moving any branch: a
    /// commit on a side branch, to be merged later.
    pub fn commit_on(
        &self,
        parent: Option<Oid>,
        when: &str,
        who: Person,
        message: &str,
        edits: &[Edit],
    ) -> Result<Oid, git2::Error> {
        let time = parse_now(when).map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let signature = Self::signature(who, time)?;
        let tree = self.repo.find_tree(self.tree_with(parent, edits)?)?;
        let parents: Vec<git2::Commit> = parent
            .map(|id| self.repo.find_commit(id))
            .transpose()?
            .into_iter()
            .collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(None, &signature, &signature, message, &tree, &parent_refs)
    }

    /// Merges `other` into HEAD with a merge commit whose tree is HEAD's
    /// tree with `other`'s versions of `take` paths and then `edits` applied
    /// (the caller decides the result, as a person resolving it would).
    pub fn merge(
        &self,
        other: Oid,
        take: &[&str],
        when: &str,
        who: Person,
        message: &str,
        edits: &[Edit],
    ) -> Result<Oid, git2::Error> {
        let head = self
            .head()
            .ok_or_else(|| git2::Error::from_str("merge needs a HEAD commit"))?;
        let other_tree = self.repo.find_commit(other)?.tree()?;
        let mut all_edits = Vec::new();
        for path in take {
            let entry = other_tree.get_path(Path::new(path))?;
            let blob = self.repo.find_blob(entry.id())?;
            all_edits.push(Edit::Write(
                (*path).to_string(),
                String::from_utf8_lossy(blob.content()).into_owned(),
            ));
        }
        all_edits.extend_from_slice(edits);
        let time = parse_now(when).map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let signature = Self::signature(who, time)?;
        let tree = self
            .repo
            .find_tree(self.tree_with(Some(head), &all_edits)?)?;
        let head_commit = self.repo.find_commit(head)?;
        let other_commit = self.repo.find_commit(other)?;
        let id = self.repo.commit(
            None,
            &signature,
            &signature,
            message,
            &tree,
            &[&head_commit, &other_commit],
        )?;
        self.repo.reference("refs/heads/main", id, true, message)?;
        Ok(id)
    }

    /// The commit HEAD names.
    pub fn head_commit(&self) -> Result<Oid, git2::Error> {
        Ok(self.repo.head()?.peel_to_commit()?.id())
    }

    /// The paths of the files in HEAD's tree under `dir` (which ends in
    /// `/`), in tree order.
    pub fn files_under(&self, dir: &str) -> Result<Vec<String>, git2::Error> {
        let tree = self.repo.head()?.peel_to_tree()?;
        let mut files = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
            if let (true, Some(name)) = (parent.starts_with(dir), entry.name().ok())
                && entry.kind() == Some(git2::ObjectType::Blob)
            {
                files.push(format!("{parent}{name}"));
            }
            git2::TreeWalkResult::Ok
        })?;
        Ok(files)
    }

    /// Writes HEAD's files into the working tree and index.
    pub fn checkout(&self) -> Result<(), git2::Error> {
        self.repo
            .checkout_head(Some(CheckoutBuilder::new().force().remove_untracked(true)))
    }
}
