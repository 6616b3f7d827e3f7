//! The repository as the stages see it: where it is, what HEAD names, what
//! the index stages, what a branch changed, where its hooks live.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::base::fsread::Confinement;

/// An object id, as the history walk and the caches name commits.
pub(crate) use gix::ObjectId as Oid;

/// A repository with a working tree.
pub(crate) struct Repo {
    inner: git2::Repository,
    root: PathBuf,
    confinement: Confinement,
    /// The index a hook was handed (`GIT_INDEX_FILE`), when not the
    /// repository's own.
    index_file: Option<PathBuf>,
}

/// The files of HEAD's tree (none before the first commit).
pub(crate) struct HeadFiles<'r> {
    repo: &'r git2::Repository,
    tree: Option<git2::Tree<'r>>,
}

impl HeadFiles<'_> {
    /// The file at `path`, as text.
    pub(crate) fn read(&self, path: &str) -> Option<String> {
        let entry = self.tree.as_ref()?.get_path(Path::new(path)).ok()?;
        let blob = self.repo.find_blob(entry.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    }
}

/// A blob the index stages, as read for `--staged`.
pub(crate) enum StagedBlob {
    Read(Vec<u8>),
    /// Larger than the reader's limit: not read.
    TooLarge(u64),
    /// What git said when it could not be read.
    Failed(String),
}

fn not_a_repository(dir: &Path, error: &git2::Error) -> anyhow::Error {
    anyhow!(
        "`{}` is not inside a git repository ({}); handbook-lint learns page freshness from git history",
        dir.display(),
        error.message()
    )
}

impl Repo {
    /// Opens the repository containing `dir`; a bare repository or a
    /// directory outside any repository is an error the user must fix
    /// before anything can be checked.
    pub(crate) fn discover(dir: &Path) -> anyhow::Result<Repo> {
        let inner =
            git2::Repository::discover(dir).map_err(|error| not_a_repository(dir, &error))?;
        Repo::with_work_tree(inner, None)
    }

    /// Opens the repository a git hook runs for, as git describes it to
    /// hooks: `GIT_DIR` and `GIT_WORK_TREE` when set, and `GIT_INDEX_FILE`,
    /// the index being committed. `git commit -a` and `git commit PATH`
    /// stage into a temporary index and name it there; reading the
    /// repository's own index would check something else than the commit.
    /// Relative paths are relative to the current directory, as for git.
    pub(crate) fn for_hook(dir: &Path) -> anyhow::Result<Repo> {
        let env_path = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
                .map(|path| std::path::absolute(&path).unwrap_or(path))
        };
        let inner = match env_path("GIT_DIR") {
            Some(git_dir) => git2::Repository::open(&git_dir)
                .map_err(|error| not_a_repository(&git_dir, &error))?,
            None => {
                git2::Repository::discover(dir).map_err(|error| not_a_repository(dir, &error))?
            }
        };
        if let Some(work_tree) = env_path("GIT_WORK_TREE") {
            inner.set_workdir(&work_tree, false).map_err(|error| {
                anyhow!(
                    "GIT_WORK_TREE `{}` cannot be used: {}",
                    work_tree.display(),
                    error.message()
                )
            })?;
        }
        Repo::with_work_tree(inner, env_path("GIT_INDEX_FILE"))
    }

    fn with_work_tree(
        inner: git2::Repository,
        index_file: Option<PathBuf>,
    ) -> anyhow::Result<Repo> {
        let root = inner
            .workdir()
            .ok_or_else(|| {
                anyhow!(
                    "`{}` is a bare repository: handbook-lint needs a working tree",
                    inner.path().display()
                )
            })?
            .to_path_buf();
        let confinement = Confinement::new(&root, &[inner.path(), inner.commondir()]);
        Ok(Repo {
            inner,
            root,
            confinement,
            index_file,
        })
    }

    /// The index the next commit is made from.
    fn index(&self) -> Result<git2::Index, git2::Error> {
        match &self.index_file {
            Some(path) => git2::Index::open(path),
            None => self.inner.index(),
        }
    }

    /// The working tree's root.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The git directory (`.git`, or `.git/worktrees/NAME` in a linked
    /// worktree).
    pub(crate) fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// The git directory shared by every worktree.
    pub(crate) fn common_dir(&self) -> &Path {
        self.inner.commondir()
    }

    /// Where files the repository names may be read: its working tree,
    /// less its git directories.
    pub(crate) fn confinement(&self) -> &Confinement {
        &self.confinement
    }

    /// A key to everything besides the commits that decides a commit's
    /// parents: the shallow boundary (`shallow`), grafts (`info/grafts`)
    /// and replace refs (`refs/replace/*`), as the walk honours them.
    pub(crate) fn ancestry_key(&self) -> String {
        let common = self.common_dir();
        let file_key = |name: &str| {
            // Bounded like every read; a file too large to key is keyed by
            // its size alone, which still changes when it is rewritten.
            match crate::base::fsread::read_capped(&common.join(name), name, 64 * 1024 * 1024) {
                Ok((bytes, _)) => format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)),
                Err(crate::base::fsread::NotRead::Missing(_)) => "none".to_string(),
                Err(error) => format!("unreadable:{}", error.into_message().len()),
            }
        };
        let mut replaced: Vec<String> = self
            .inner
            .references_glob("refs/replace/*")
            .map(|refs| {
                refs.flatten()
                    .map(|r| {
                        format!(
                            "{}={}",
                            r.name().unwrap_or(""),
                            r.target().map(|id| id.to_string()).unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        replaced.sort();
        format!(
            "shallow={},grafts={},replace={:016x}",
            file_key("shallow"),
            file_key("info/grafts"),
            xxhash_rust::xxh3::xxh3_64(replaced.join(" ").as_bytes())
        )
    }

    pub(crate) fn is_shallow(&self) -> bool {
        self.inner.is_shallow()
    }

    /// The commit HEAD names, without reading it; `None` before the first
    /// commit.
    pub(crate) fn head(&self) -> Option<Oid> {
        self.inner
            .head()
            .ok()
            .and_then(|head| head.resolve().ok())
            .and_then(|head| head.target())
            .and_then(|id| Oid::try_from(id.as_bytes()).ok())
    }

    /// A string setting from git's config (`blame.ignoreRevsFile`).
    pub(crate) fn config_string(&self, key: &str) -> Option<String> {
        self.inner
            .config()
            .ok()
            .and_then(|c| c.get_string(key).ok())
    }

    /// HEAD's files, for reading several: its tree is found once.
    pub(crate) fn head_files(&self) -> HeadFiles<'_> {
        HeadFiles {
            repo: &self.inner,
            tree: self.inner.head().ok().and_then(|h| h.peel_to_tree().ok()),
        }
    }

    /// Paths the commit being made adds, changes or deletes: the index
    /// against HEAD.
    pub(crate) fn staged_paths(&self) -> anyhow::Result<BTreeSet<String>> {
        let repo = &self.inner;
        let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
        let index = self.index()?;
        let diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), None)?;
        // Deleted paths too: deleting (or renaming away) a team's required
        // page is a change to it, and its "missing" finding is this commit's.
        Ok(diff
            .deltas()
            .flat_map(|d| [d.old_file().path(), d.new_file().path()])
            .filter_map(|path| path.and_then(Path::to_str).map(str::to_string))
            .collect())
    }

    /// The blobs the index stages at the paths `wanted` accepts, each no
    /// larger than `max_bytes`, sorted by path. An index with unmerged
    /// entries cannot say what would be committed: that is an error naming
    /// them.
    pub(crate) fn staged_blobs(
        &self,
        wanted: impl Fn(&str) -> bool,
        max_bytes: u64,
    ) -> anyhow::Result<Vec<(String, StagedBlob)>> {
        let index = self.index()?;
        if index.has_conflicts() {
            let mut paths: Vec<String> = index
                .conflicts()?
                .filter_map(Result::ok)
                .filter_map(|c| c.our.or(c.their).or(c.ancestor))
                .map(|entry| String::from_utf8_lossy(&entry.path).into_owned())
                .collect();
            paths.sort();
            paths.dedup();
            anyhow::bail!(
                "the index has unmerged entries ({}): resolve the conflicts and stage the result before checking what is staged",
                paths.join(", ")
            );
        }
        let mut blobs = Vec::new();
        for entry in index.iter() {
            let Ok(path) = std::str::from_utf8(&entry.path) else {
                continue;
            };
            if !wanted(path) {
                continue;
            }
            let blob = match self.inner.find_blob(entry.id) {
                Err(error) => StagedBlob::Failed(error.message().to_string()),
                Ok(blob) if blob.size() as u64 > max_bytes => {
                    StagedBlob::TooLarge(blob.size() as u64)
                }
                Ok(blob) => StagedBlob::Read(blob.content().to_vec()),
            };
            blobs.push((path.to_string(), blob));
        }
        blobs.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(blobs)
    }

    /// The files changed since the merge-base of HEAD and `base`: what a
    /// pull request changes.
    pub(crate) fn changed_since(&self, base: &str) -> anyhow::Result<BTreeSet<String>> {
        let repo = &self.inner;
        let base_commit = repo
            .revparse_single(base)
            .and_then(|object| object.peel_to_commit())
            .map_err(|error| {
                anyhow!(
                    "--diff-base `{base}` does not name a commit: {}",
                    error.message()
                )
            })?;
        let head = repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(|error| anyhow!("--diff-base needs a HEAD commit: {}", error.message()))?;
        let merge_base = repo
            .merge_base(head.id(), base_commit.id())
            .map_err(|error| anyhow!("HEAD and `{base}` share no history: {}", error.message()))?;
        let old = repo.find_commit(merge_base)?.tree()?;
        let new = head.tree()?;
        let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
        let mut changed = BTreeSet::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path().and_then(Path::to_str) {
                    changed.insert(path.to_string());
                }
            }
        }
        Ok(changed)
    }

    /// The hooks directory git uses: `core.hooksPath` (relative to the
    /// working tree when relative), else `.git/hooks`.
    pub(crate) fn hooks_dir(&self) -> PathBuf {
        let repo = &self.inner;
        let configured = repo
            .config()
            .ok()
            .and_then(|c| c.get_path("core.hooksPath").ok());
        match configured {
            Some(path) if path.is_absolute() => path,
            Some(path) => repo
                .workdir()
                .map_or_else(|| repo.path().join(&path), |w| w.join(&path)),
            // Hooks are shared by every worktree: git runs those in the
            // common directory, never `.git/worktrees/NAME/hooks`.
            None => repo.commondir().join("hooks"),
        }
    }

    /// A commit's subject line, for `why`.
    pub(crate) fn commit_summary(&self, id: Oid) -> Option<String> {
        let id = git2::Oid::from_bytes(id.as_bytes()).ok()?;
        let commit = self.inner.find_commit(id).ok()?;
        commit.summary().ok().flatten().map(str::to_string)
    }

    /// A blob's text, when it is no larger than `limit` bytes (a page is
    /// read with the same cap as in the working tree).
    pub(crate) fn blob_text(&self, id: Oid, limit: usize) -> Option<String> {
        let id = git2::Oid::from_bytes(id.as_bytes()).ok()?;
        let blob = self.inner.find_blob(id).ok()?;
        (blob.size() <= limit).then(|| String::from_utf8_lossy(blob.content()).into_owned())
    }

    /// How many Markdown files commit `id` holds under `dir` (the whole
    /// tree for `""`): what an import commit brought in.
    pub(crate) fn pages_at(
        &self,
        id: &str,
        dir: &str,
        pages: &crate::base::paths::PageExtensions,
    ) -> Option<usize> {
        let commit = self.inner.find_commit(git2::Oid::from_str(id).ok()?).ok()?;
        let root = commit.tree().ok()?;
        let tree = if dir.is_empty() {
            root
        } else {
            let entry = root.get_path(Path::new(dir)).ok()?;
            self.inner.find_tree(entry.id()).ok()?
        };
        let mut count = 0;
        let walked = tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
            let is_page = entry.kind() == Some(git2::ObjectType::Blob)
                && entry.name().is_ok_and(|name| pages.matches(name));
            count += usize::from(is_page);
            git2::TreeWalkResult::Ok
        });
        walked.ok().map(|()| count)
    }
}
