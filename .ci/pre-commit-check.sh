#!/usr/bin/env bash
# Proves .pre-commit-hooks.yaml for real: installs the pre-commit framework
# from PyPI, makes a sample handbook repository, and runs
# `pre-commit try-repo <this checkout> handbook-lint` on a commit that is
# clean and on one that must be blocked.
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
precommit="$work/venv/bin/pre-commit"
export PRE_COMMIT_HOME="$work/cache"
# Verdicts are computed at a fixed time, as in every test.
export HANDBOOK_LINT_NOW=2026-03-05T12:00:00Z

sample="$work/sample"
mkdir -p "$sample/hb/search/retros"
cd "$sample"
git init --quiet --initial-branch=main
git config user.name "Sample"
git config user.email "sample@example.com"
cat > handbook-lint.yaml <<'YAML'
iterations: { length: 14d, start: 2026-01-05, grace: 3d }
people:
  alice: { handles: ['@alice'] }
  bob: { handles: ['@bob'] }
teams:
  search: { dir: hb/search, pm: alice, em: bob }
YAML
cat > hb/search/goals.md <<'MD'
---
owner: alice
---
# Search goals

## Goal

Be fast.

## Milestones

1. Index

## Timeline

Q1

## Progress

Kicked off.
MD
cat > hb/search/index.md <<'MD'
---
owner: bob
---
# Search

## Planning

Mondays.

## Execution

Fridays.
MD
git add -A
GIT_AUTHOR_DATE=2026-01-05T09:00:00Z GIT_COMMITTER_DATE=2026-01-05T09:00:00Z git commit --quiet -m "Start the handbook"

run_hook() {
  "$precommit" try-repo "$checkout" handbook-lint --verbose > "$work/out.txt" 2>&1
}

# 1. A retro with owned action items, and the stale goals page updated in
#    the same commit: the hook passes.
cat > hb/search/retros/2026-03-02.md <<'MD'
---
owner: bob
date: 2026-03-02
---
# Retro

## Action items

- [x] @alice add the latency milestone to the goals page
MD
printf -- '- Iteration 4: latency milestone added.\n' >> hb/search/goals.md
git add -A
if ! run_hook; then
  cat "$work/out.txt"
  echo "pre-commit: the clean commit was blocked" >&2
  exit 1
fi
grep -q "handbook-lint.*Passed" "$work/out.txt" || { cat "$work/out.txt"; echo "pre-commit: no Passed line" >&2; exit 1; }
git commit --quiet --no-verify -m "Retro and goals"
echo "pre-commit: a clean commit passes"

# 2. A retro with an action item nobody owns: blocked, with the line shown.
cat > hb/search/retros/2026-03-03.md <<'MD'
---
owner: bob
date: 2026-03-03
---
# Retro

## Action items

- [ ] write down the release checklist
MD
git add -A
if run_hook; then
  cat "$work/out.txt"
  echo "pre-commit: the commit with an unowned action item was not blocked" >&2
  exit 1
fi
grep -q "hb/search/retros/2026-03-03.md:9:1: HB302" "$work/out.txt" || { cat "$work/out.txt"; echo "pre-commit: HB302 with its line was not shown" >&2; exit 1; }
echo "pre-commit: a commit with an unowned action item is blocked at hb/search/retros/2026-03-03.md:9"
