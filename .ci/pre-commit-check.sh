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
  search: { dir: hb/search, pm: alice, em: bob, since: 2026-02-16 }
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

# 1. The config changes (every verdict may change, so everything is
#    reported) and a retro with an action item nobody owns is added: blocked,
#    with both lines shown — the stale goals page and the unowned item.
printf "  carol: { handles: ['@carol'] }\n" > people.tmp
sed -i "/^people:/r people.tmp" handbook-lint.yaml && rm people.tmp
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
for expected in "hb/search/retros/2026-03-03.md:9:1: HB302" "hb/search/goals.md:4:1: HB102"; do
  grep -q "$expected" "$work/out.txt" || { cat "$work/out.txt"; echo "pre-commit: \`$expected\` was not shown" >&2; exit 1; }
done
echo "pre-commit: blocked, showing hb/search/retros/2026-03-03.md:9 (HB302) and hb/search/goals.md:4 (HB102)"

# 2. The action item gets its owner and the stale goals page its progress
#    update, both staged: the hook turns green.
sed -i 's/- \[ \] write down/- [ ] @bob write down/' hb/search/retros/2026-03-03.md
printf -- '- Iteration 4: release checklist planned.\n' >> hb/search/goals.md
git add -A
if ! run_hook; then
  cat "$work/out.txt"
  echo "pre-commit: the fixed commit was blocked" >&2
  exit 1
fi
grep -q "handbook-lint.*Passed" "$work/out.txt" || { cat "$work/out.txt"; echo "pre-commit: no Passed line" >&2; exit 1; }
echo "pre-commit: staging the goals update and the owner turns the hook green"
