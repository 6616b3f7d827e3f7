//! `handbook-lint install-hook`: a git pre-commit hook for people without
//! the pre-commit framework.
//!
//! A hook someone already has is never overwritten: it is kept beside ours
//! (`pre-commit.handbook-lint-previous`) and runs first, and `--uninstall`
//! puts it back. Every write is atomic: a temporary file in the hooks
//! directory, then a rename.

use crate::base::fswrite::{Existing, write_via_temp};
use std::path::{Path, PathBuf};

use crate::git::repo::Repo;
use anyhow::{Context, bail};

const HOOK: &str = "pre-commit";
const PREVIOUS: &str = "pre-commit.handbook-lint-previous";
const MARKER: &str = "# installed by `handbook-lint install-hook`";

fn script(binary: &Path, chained: bool) -> String {
    let binary = binary.display().to_string().replace('\'', "'\\''");
    // As git itself does, a previous hook that is not executable (or a
    // symbolic link to nothing) is not run.
    let previous = if chained {
        format!(
            "# The hook that was here before runs first, when git would run it (it is executable);\n# `handbook-lint install-hook --uninstall` restores it.\nprevious=\"$(dirname \"$0\")/{PREVIOUS}\"\nif [ -x \"$previous\" ]; then \"$previous\" \"$@\" || exit $?; fi\n"
        )
    } else {
        String::new()
    };
    format!(
        "#!/bin/sh\n{MARKER}\n# Checks what is being committed; see `handbook-lint check --help`.\n{previous}if [ -x '{binary}' ]; then exec '{binary}' check --staged --format short; fi\nexec handbook-lint check --staged --format short\n"
    )
}

fn is_ours(path: &Path) -> bool {
    // Bounded and non-blocking: a hook path can be anything, a FIFO too.
    crate::base::fsread::read_chosen(path, "the hook", 1024 * 1024)
        .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(MARKER))
}

/// Whether something is at `path`, a symbolic link to nothing included.
fn occupied(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Whether git would run the hook at `path`: an executable file (through
/// any symbolic link).
fn runnable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path)
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

fn write_atomically(dir: &Path, name: &str, text: &str) -> anyhow::Result<()> {
    write_via_temp(&dir.join(name), text, Existing::Replace, true)
        .with_context(|| format!("cannot write `{}`", dir.join(name).display()))
}

/// What `install-hook` did, for the message to the user.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Installed {
    Fresh(PathBuf),
    Chained {
        hook: PathBuf,
        previous: PathBuf,
        /// Git would not run the previous hook (not executable, or a
        /// symbolic link to nothing): kept, and not run either.
        runnable: bool,
    },
    AlreadyThere(PathBuf),
    Removed(PathBuf),
    Restored(PathBuf),
}

pub(crate) fn install(repo: &Repo, binary: &Path) -> anyhow::Result<Installed> {
    let dir = repo.hooks_dir();
    if occupied(&dir) && !dir.is_dir() {
        bail!("the hooks path `{}` is not a directory", dir.display());
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the hooks directory `{}`", dir.display()))?;
    let hook = dir.join(HOOK);
    if hook.is_dir() {
        bail!(
            "`{}` is a directory, not a hook; nothing was changed",
            hook.display()
        );
    }
    if is_ours(&hook) {
        return Ok(Installed::AlreadyThere(hook));
    }
    let previous = dir.join(PREVIOUS);
    if occupied(&hook) {
        if occupied(&previous) {
            bail!(
                "`{}` exists and so does `{}`: handbook-lint will not guess which hook to keep; nothing was changed",
                hook.display(),
                previous.display()
            );
        }
        let runnable = runnable(&hook);
        // A rename moves a symbolic link itself, dangling or not: what the
        // person put there is kept exactly.
        std::fs::rename(&hook, &previous).with_context(|| {
            format!("cannot keep the existing hook as `{}`", previous.display())
        })?;
        if let Err(error) = write_atomically(&dir, HOOK, &script(binary, true)) {
            // Put the person's hook back before reporting.
            let _ = std::fs::rename(&previous, &hook);
            return Err(error);
        }
        return Ok(Installed::Chained {
            hook,
            previous,
            runnable,
        });
    }
    write_atomically(&dir, HOOK, &script(binary, false))?;
    Ok(Installed::Fresh(hook))
}

pub(crate) fn uninstall(repo: &Repo) -> anyhow::Result<Installed> {
    let dir = repo.hooks_dir();
    let hook = dir.join(HOOK);
    if !occupied(&hook) {
        bail!("there is no pre-commit hook in `{}`", dir.display());
    }
    if !is_ours(&hook) {
        bail!(
            "`{}` was not installed by handbook-lint; it is left as it is",
            hook.display()
        );
    }
    let previous = dir.join(PREVIOUS);
    if occupied(&previous) {
        std::fs::rename(&previous, &hook)
            .with_context(|| format!("cannot restore `{}`", previous.display()))?;
        return Ok(Installed::Restored(hook));
    }
    std::fs::remove_file(&hook).with_context(|| format!("cannot remove `{}`", hook.display()))?;
    Ok(Installed::Removed(hook))
}

impl std::fmt::Display for Installed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Installed::Fresh(hook) => {
                write!(f, "installed the pre-commit hook at {}", hook.display())
            }
            Installed::Chained {
                hook,
                previous,
                runnable: true,
            } => write!(
                f,
                "installed the pre-commit hook at {}; the hook that was there is kept as {} and runs first",
                hook.display(),
                previous.display()
            ),
            Installed::Chained {
                hook,
                previous,
                runnable: false,
            } => write!(
                f,
                "installed the pre-commit hook at {}; the hook that was there is kept as {}, and is not run: git did not run it either, as it is not an executable file (make it one to have it run first)",
                hook.display(),
                previous.display()
            ),
            Installed::AlreadyThere(hook) => {
                write!(
                    f,
                    "the pre-commit hook at {} is already handbook-lint's",
                    hook.display()
                )
            }
            Installed::Removed(hook) => {
                write!(f, "removed the pre-commit hook at {}", hook.display())
            }
            Installed::Restored(hook) => write!(
                f,
                "removed handbook-lint's pre-commit hook and restored the one that was there, at {}",
                hook.display()
            ),
        }
    }
}
