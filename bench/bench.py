#!/usr/bin/env python3
"""Benchmark handbook-lint's history walk against `git log`, in one run.

    python3 bench/bench.py                 # small and medium
    python3 bench/bench.py --sizes large   # the 10k-page, 100k-commit handbook

For each size it generates a handbook repository (examples/generate.rs) once,
then times, on the same repository and machine:

- git log --first-parent --no-renames --name-only --format=%ct  (the floor a
  user could script: one pass over the same history)
- handbook-lint pages --format json, cold (--no-cache)
- warm (cache filled, no new commits)
- incremental (cache filled, then 10 new commits)
- check --staged with one staged page (when the binary supports --staged)

Each figure is the median of --runs runs; memory is the peak resident set
size (GNU time's %M). Ratios are to git log's median in the same run.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {
    "small": dict(teams=10, pages=300, commits=3_000),
    "medium": dict(teams=20, pages=900, commits=12_000),
    "large": dict(teams=20, pages=10_000, commits=100_000),
}
TARGETS = {"cold": 1.0, "warm": 0.1, "incremental": 0.15}


def run(cmd, cwd=None, env=None, stdout=subprocess.DEVNULL):
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=stdout)


def timed(cmd, cwd):
    """Wall seconds (perf_counter: GNU time rounds to 10 ms) and peak RSS
    (KiB, from GNU time) of one run."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%M"] + cmd,
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        kib = report.read().split()[-1]
    return seconds, int(kib)


def median_of(runs, cmd, cwd, before=None):
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, kib = timed(cmd, cwd)
        times.append(seconds)
        peaks.append(kib)
    return statistics.median(times), max(peaks)


def git(repo, *args, env=None):
    out = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env)
    return out.stdout.strip()


def ten_new_commits(repo, base):
    """Ten ordinary commits on top of `base`, dated after it, on `bench-next`."""
    git(repo, "checkout", "--quiet", "-B", "bench-next", base)
    head_time = int(git(repo, "log", "-1", "--format=%ct"))
    pages = [p for p in git(repo, "ls-files", "*.md").splitlines() if "/pages/" in p or "/company/" in p][:10]
    for i, page in enumerate(pages):
        path = repo / page
        path.write_text(path.read_text() + f"\nbenchmark edit {i}\n")
        date = f"@{head_time + 3600 * (i + 1)} +0000"
        env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        git(repo, "-c", "user.name=Bench", "-c", "user.email=b@example.com", "commit", "--quiet", "-am", f"edit {i}", env=env)
    next_head = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "--quiet", "main")
    return next_head


def measure(name, size, runs, binary, generator, workdir):
    repo = workdir / name
    if not repo.exists():
        out = subprocess.run(
            [str(generator), "--teams", str(size["teams"]), "--pages", str(size["pages"]),
             "--commits", str(size["commits"]), "--out", str(repo)],
            check=True, capture_output=True, text=True,
        )
        print(out.stdout.strip(), file=sys.stderr)
    now = "@" + str(int(git(repo, "log", "-1", "--format=%ct")) + 86_400)
    base = git(repo, "rev-parse", "main")
    next_head = ten_new_commits(repo, base)
    cache = repo / ".git" / "handbook-lint"

    def reset(commit):
        git(repo, "reset", "--quiet", "--hard", commit)

    lint = [str(binary), "pages", "--format", "json", "--now", now]
    results = {}
    results["git log"] = median_of(runs, ["git", "log", "--first-parent", "--no-renames", "--name-only", "--format=%ct"], repo)
    results["cold"] = median_of(runs, lint + ["--no-cache"], repo)
    shutil.rmtree(cache, ignore_errors=True)
    run(lint, cwd=repo)
    results["warm"] = median_of(runs, lint, repo)

    def back_to_base_then_next():
        reset(base)
        run(lint, cwd=repo)  # the cache describes base
        reset(next_head)

    results["incremental"] = median_of(runs, lint, repo, before=back_to_base_then_next)
    reset(base)

    help_text = subprocess.run([str(binary), "check", "--help"], capture_output=True, text=True).stdout
    if "--staged" in help_text:
        page = next(p for p in git(repo, "ls-files", "*.md").splitlines() if "/company/" in p)
        def stage_one():
            path = repo / page
            path.write_text(path.read_text() + "\nstaged edit\n")
            git(repo, "add", page)
        results["staged (1 page)"] = median_of(runs, [str(binary), "check", "--staged", "--format", "short", "--now", now], repo, before=stage_one)
        reset(base)

    pages = int(subprocess.run(["git", "-C", str(repo), "ls-files", "*.md"], capture_output=True, text=True).stdout.count("\n"))
    commits = int(git(repo, "rev-list", "--count", "--first-parent", "HEAD"))
    return dict(pages=pages, commits=commits, results=results)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,medium")
    parser.add_argument("--runs", type=int, default=3)
    # The generator's version is in the path: a repository written by an
    # older generator is not reused.
    parser.add_argument("--workdir", default=str(ROOT / "target" / "bench" / "v2"))
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    run(["cargo", "build", "--release", "--quiet", "--locked", "--bin", "handbook-lint", "--example", "generate"], cwd=ROOT)
    binary = ROOT / "target" / "release" / "handbook-lint"
    generator = ROOT / "target" / "release" / "examples" / "generate"
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, {git_version}"
    print(f"machine: {machine}")
    report = {"machine": machine, "sizes": {}}
    failed = []
    for name in args.sizes.split(","):
        measured = measure(name, SIZES[name], args.runs, binary, generator, workdir)
        report["sizes"][name] = measured
        floor, floor_kib = measured["results"]["git log"]
        print(f"\n{name}: {measured['pages']} pages, {measured['commits']} first-parent commits")
        print(f"| run | median s | ratio to git log | peak MiB | target |")
        print(f"|---|---:|---:|---:|---|")
        for label, (seconds, kib) in measured["results"].items():
            ratio = seconds / floor if floor else float("nan")
            target = TARGETS.get(label)
            verdict = "" if target is None else (f"≤ {target} ✓" if ratio <= target else f"≤ {target} ✗")
            if target is not None and ratio > target:
                failed.append(f"{name} {label} {ratio:.2f}")
            print(f"| {label} | {seconds:.3f} | {ratio:.2f} | {kib / 1024:.0f} | {verdict} |")
        memory_ratio = max(k for _, k in measured["results"].values()) / floor_kib
        print(f"peak memory, worst run / git log: {memory_ratio:.2f} (target ≤ 2)")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    if failed:
        print("\nmissed targets: " + ", ".join(failed))


if __name__ == "__main__":
    main()
