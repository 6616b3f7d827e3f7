//! Writes a realistic handbook repository for the benchmark.
//!
//! ```sh
//! cargo run --release --example generate -- --teams 20 --pages 900 --commits 12000 --out /tmp/hb
//! ```
//!
//! The history is what handbooks like GitLab's or Sourcegraph's look like:
//! teams whose goals pages are updated most iterations (some stop), process
//! pages edited now and then, a retro per iteration with action items,
//! many ordinary pages edited by many people, pull requests merged with
//! merge commits, a few mass moves of the whole tree, reformatting sweeps
//! listed in `.git-blame-ignore-revs`, a formatter sweep over the whole
//! handbook that nobody listed (Prettier: headings, bullets, trailing
//! whitespace; no word changes), and a reorganisation that moves every
//! team's pages into a deeper folder and fixes their relative links in the
//! same commit.
//!
//! It is fed to `git fast-import`, which writes 100,000 commits in seconds
//! where committing one by one would take many minutes, and then repacked
//! as a server would pack it for a clone.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const DAY: i64 = 86_400;
/// 2019-01-07, a Monday: iteration 1 of the generated calendar.
const START: i64 = 1_546_819_200;
const ITERATION_DAYS: i64 = 14;

struct Args {
    teams: usize,
    pages: usize,
    commits: usize,
    out: PathBuf,
    seed: u64,
    /// Percent of ordinary commits that touch the rest of the site (code,
    /// data, blog posts) rather than the handbook, as in repositories where
    /// the handbook lives beside a company website.
    site_share: u64,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        teams: 20,
        pages: 900,
        commits: 12_000,
        out: PathBuf::from("bench-handbook"),
        seed: 7,
        site_share: 40,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| anyhow::anyhow!("{flag}: `{value}` is not a number"))
        };
        match flag.as_str() {
            "--teams" => args.teams = number()?.max(1),
            "--pages" => args.pages = number()?.max(1),
            "--commits" => args.commits = number()?.max(10),
            "--seed" => args.seed = number()? as u64,
            "--site-share" => args.site_share = (number()? as u64).min(100),
            "--out" => args.out = PathBuf::from(value),
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(args)
}

/// xorshift64*: deterministic, so every run of the benchmark measures the
/// same repository.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const WORDS: &[&str] = &[
    "team",
    "iteration",
    "customer",
    "search",
    "latency",
    "review",
    "deploy",
    "incident",
    "roadmap",
    "milestone",
    "design",
    "feedback",
    "metrics",
    "onboarding",
    "process",
    "release",
    "quality",
];

fn prose(rng: &mut Rng, lines: usize) -> String {
    let mut text = String::new();
    for _ in 0..lines {
        for _ in 0..12 {
            text.push_str(WORDS[rng.below(WORDS.len())]);
            text.push(' ');
        }
        text.push('\n');
    }
    text
}

struct Stream {
    out: Vec<u8>,
    mark: usize,
}

impl Stream {
    fn data(&mut self, text: &str) {
        let _ = write!(self.out, "data {}\n{text}\n", text.len());
    }

    /// Starts a commit on `branch`; returns its mark.
    fn commit(
        &mut self,
        branch: &str,
        who: usize,
        time: i64,
        message: &str,
        from: Option<usize>,
        merge: Option<usize>,
    ) -> usize {
        self.mark += 1;
        let _ = write!(
            self.out,
            "commit refs/heads/{branch}\nmark :{}\ncommitter Person {who} <p{who}@example.com> {time} +0000\n",
            self.mark
        );
        self.data(message);
        if let Some(from) = from {
            let _ = writeln!(self.out, "from :{from}");
        }
        if let Some(merge) = merge {
            let _ = writeln!(self.out, "merge :{merge}");
        }
        self.mark
    }

    fn modify(&mut self, path: &str, text: &str) {
        let _ = writeln!(self.out, "M 100644 inline {path}");
        self.data(text);
    }

    fn rename(&mut self, from: &str, to: &str) {
        let _ = writeln!(self.out, "R {from} {to}");
    }

    fn delete(&mut self, path: &str) {
        let _ = writeln!(self.out, "D {path}");
    }
}

/// What Prettier does to a page without changing a word: ATX headings
/// become setext ones (levels 1 and 2), `-` bullets `*`, and prose lines
/// get a trailing space. The front matter is left alone.
fn reformat(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut in_front = text.starts_with("---\n");
    for (n, line) in text.lines().enumerate() {
        if in_front {
            out.push_str(line);
            out.push('\n');
            in_front = n == 0 || line != "---";
            continue;
        }
        if let Some(title) = line.strip_prefix("# ") {
            let _ = writeln!(out, "{title}\n{}", "=".repeat(title.chars().count().max(3)));
        } else if let Some(title) = line.strip_prefix("## ") {
            let _ = writeln!(out, "{title}\n{}", "-".repeat(title.chars().count().max(3)));
        } else if let Some(item) = line.strip_prefix("- ") {
            let _ = writeln!(out, "* {item}");
        } else if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{} ", line.trim_end());
        }
    }
    out
}

/// A team page: prose, and a link to the team's index page from `sub`
/// (`pages`, or deeper after the reorganisation).
fn team_page(p: usize, sub: &str, prose: &str) -> String {
    let up = "../".repeat(sub.split('/').count());
    format!("# Page {p}\n\n{prose}\nSee [the team]({up}index.md).\n")
}

fn site_file(f: usize) -> String {
    match f % 3 {
        0 => format!("site/source/components/c{}/file-{f}.js", f % 40),
        1 => format!("site/data/d{}/file-{f}.yml", f % 20),
        _ => format!("site/blog/{}/post-{f}.md", 2019 + f % 6),
    }
}

fn goals(team: usize, progress: &str) -> String {
    format!(
        "---\nowner: pm{team}\n---\n# Team {team} goals\n\n## Goal\n\nServe customers.\n\n## Milestones\n\n1. One\n2. Two\n\n## Timeline\n\nThis year.\n\n## Progress\n\n{progress}\n"
    )
}

fn index(team: usize, planning: &str, execution: &str) -> String {
    format!(
        "---\nowner: em{team}\n---\n# Team {team}\n\n## Planning\n\n{planning}\n## Execution\n\n{execution}\n"
    )
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("generate: {message}");
            std::process::exit(2);
        }
    };
    if let Err(message) = run(&args) {
        eprintln!("generate: {message}");
        std::process::exit(1);
    }
}

fn git(dir: &PathBuf, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| anyhow::anyhow!("git: {e}"))?;
    if !output.status.success() {
        anyhow::bail!("git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The history being written: the fast-import stream and where it stands.
struct Writer<'a> {
    args: &'a Args,
    rng: Rng,
    s: Stream,
    /// Where team and company pages live; mass moves change these.
    root: String,
    config: String,
    /// The mainline's newest commit (its mark).
    head: usize,
    /// Commits written so far.
    i: usize,
    /// Seconds between two commits.
    step: i64,
    pages_per_team: usize,
    company_pages: usize,
    site_files: usize,
    /// The marks of the reformatting sweeps, for the ignore-revs file.
    sweeps: Vec<usize>,
    goals_progress: Vec<String>,
    /// Every handbook page's text, by its path under `root`: what the
    /// formatter sweep and the reorganisation rewrite.
    pages: std::collections::BTreeMap<String, String>,
    /// Where a team's ordinary pages live under its directory.
    pages_sub: String,
}

fn team_dir(root: &str, t: usize) -> String {
    format!("{root}/teams/team-{t}")
}

impl Writer<'_> {
    /// The first commit (config and every page) and the rest of the site.
    fn start(args: &Args) -> Writer<'_> {
        let mut rng = Rng(args.seed.max(1));
        let mut s = Stream {
            out: Vec::new(),
            mark: 0,
        };
        let root = "handbook".to_string();
        let pages_per_team = args.pages / (args.teams + 1);
        let company_pages = args.pages - pages_per_team * args.teams;
        // The first commit: config and every page.
        let mut config = String::from(
            "handbook: handbook\niterations: { length: 14d, start: 2019-01-07, grace: 3d }\npeople:\n",
        );
        for t in 0..args.teams {
            let _ = writeln!(
                config,
                "  pm{t}: {{ handles: ['@pm{t}'] }}\n  em{t}: {{ handles: ['@em{t}'] }}"
            );
        }
        config.push_str("teams:\n");
        for t in 0..args.teams {
            let _ = writeln!(
                config,
                "  team-{t}: {{ dir: {}, pm: pm{t}, em: em{t} }}",
                team_dir(&root, t)
            );
        }
        let head = s.commit("main", 0, START, "Start the handbook", None, None);
        s.modify("handbook-lint.yaml", &config);
        let mut pages = std::collections::BTreeMap::new();
        for t in 0..args.teams {
            let dir = format!("teams/team-{t}");
            pages.insert(format!("{dir}/goals.md"), goals(t, "Kicked off."));
            pages.insert(
                format!("{dir}/index.md"),
                index(t, "We plan.", "We execute."),
            );
            for p in 0..pages_per_team {
                let text = team_page(p, "pages", &prose(&mut rng, 6));
                pages.insert(format!("{dir}/pages/page-{p}.md"), text);
            }
        }
        for p in 0..company_pages {
            pages.insert(
                format!("company/section-{}/page-{p}.md", p % 30),
                format!("# Company {p}\n\n{}", prose(&mut rng, 6)),
            );
        }
        for (path, text) in &pages {
            s.modify(&format!("{root}/{path}"), text);
        }

        // The rest of the site: source, data and blog posts, outside the
        // handbook directory.
        let site_files = (args.pages / 4).max(10);
        if args.site_share > 0 {
            for f in 0..site_files {
                s.modify(
                    &site_file(f),
                    &format!("// site file {f}\n{}", prose(&mut rng, 4)),
                );
            }
        }

        Writer {
            args,
            rng,
            s,
            root,
            config,
            head,
            i: 1,
            step: 0,
            pages_per_team,
            company_pages,
            site_files,
            sweeps: Vec::new(),
            goals_progress: vec![String::new(); args.teams],
            pages,
            pages_sub: "pages".to_string(),
        }
    }

    /// Starts a commit on the mainline, on top of its newest one.
    fn on_mainline(&mut self, who: usize, time: i64, message: &str) {
        self.head = self
            .s
            .commit("main", who, time, message, Some(self.head), None);
    }

    /// Writes a handbook page (by its path under `root`) in the commit
    /// being written, and remembers its text.
    fn put(&mut self, path: &str, text: String) {
        self.s.modify(&format!("{}/{path}", self.root), &text);
        self.pages.insert(path.to_string(), text);
    }

    /// A formatter run over the whole handbook that nobody lists in the
    /// ignore-revs file: every page rewritten, no word changed.
    fn formatter_sweep(&mut self, time: i64) {
        self.on_mainline(3, time, "Format the handbook with Prettier");
        let paths: Vec<String> = self.pages.keys().cloned().collect();
        for path in paths {
            let text = reformat(&self.pages[&path]);
            self.put(&path, text);
        }
        self.i += 1;
    }

    /// A reorganisation: every team's pages move one folder deeper, and
    /// their links to the team's index page are fixed in the same commit.
    fn reorganise(&mut self, time: i64) {
        self.on_mainline(
            4,
            time,
            "Reorganise team pages under docs/ and fix their links",
        );
        let new_sub = format!("docs/{}", self.pages_sub);
        let old_up = "../".repeat(self.pages_sub.split('/').count());
        let new_up = "../".repeat(new_sub.split('/').count());
        for t in 0..self.args.teams {
            for p in 0..self.pages_per_team {
                let old = format!("teams/team-{t}/{}/page-{p}.md", self.pages_sub);
                let Some(text) = self.pages.remove(&old) else {
                    continue;
                };
                self.s.delete(&format!("{}/{old}", self.root));
                let text = text.replace(
                    &format!("]({old_up}index.md)"),
                    &format!("]({new_up}index.md)"),
                );
                self.put(&format!("teams/team-{t}/{new_sub}/page-{p}.md"), text);
            }
        }
        self.pages_sub = new_sub;
        self.i += 1;
    }

    /// Iteration boundary: retros and goals updates, team by team.
    fn iteration_boundary(&mut self, time: i64, iteration: i64) {
        // Iteration boundary: retros and goals updates, team by team.
        for t in 0..self.goals_progress.len() {
            if self.i >= self.args.commits {
                return;
            }
            let dir = format!("teams/team-{t}");
            let day = time + (t as i64 % 3) * 3600;
            self.on_mainline(
                1000 + t,
                day,
                &format!("Team {t}: retro for iteration {iteration}"),
            );
            let items = format!(
                "- [x] @pm{t} carry into goals\n- [ ] @em{t} {}(due 2030-01-01)\n",
                WORDS[self.rng.below(WORDS.len())]
            );
            self.put(
                &format!("{dir}/retros/iteration-{iteration}.md"),
                format!("---\niteration: {iteration}\n---\n# Retro\n\n## Action items\n\n{items}"),
            );
            self.i += 1;
            // Teams 0 and 1 stopped updating their goals long ago.
            if t > 1 && self.rng.chance(85) && self.i < self.args.commits {
                let _ = writeln!(self.goals_progress[t], "- Iteration {iteration}: progress.");
                self.on_mainline(2000 + t, day + 3600, &format!("Team {t}: goals progress"));
                let text = goals(t, &self.goals_progress[t]);
                self.put(&format!("{dir}/goals.md"), text);
                self.i += 1;
            }
        }
    }

    /// A mass move: the whole handbook tree moves, unchanged.
    fn mass_move(&mut self, time: i64) {
        // A mass move: the whole handbook tree moves, unchanged.
        let new_root = format!("{}-v{}", self.root, self.i);
        self.on_mainline(1, time, "Reorganise the handbook");
        self.s.rename(&self.root, &new_root);
        let moved = self
            .config
            .replace(
                &format!("dir: {}/", self.root),
                &format!("dir: {new_root}/"),
            )
            .replace(
                &format!("handbook: {}\n", self.root),
                &format!("handbook: {new_root}\n"),
            );
        self.config = moved;
        self.s.modify("handbook-lint.yaml", &self.config);
        self.root = new_root;
        self.i += 1;
    }

    /// A reformatting sweep: every team's process page, rewrapped.
    fn sweep(&mut self, time: i64) {
        // A reformatting sweep: every team's process page, rewrapped.
        self.on_mainline(2, time, "Reformat: normalise whitespace");
        for t in 0..self.args.teams {
            let text = index(
                t,
                &format!("We plan.{}", " ".repeat(self.i % 7)),
                "We execute.",
            );
            self.put(&format!("teams/team-{t}/index.md"), text);
        }
        self.sweeps.push(self.head);
        self.i += 1;
    }

    /// An ordinary commit: a site file, or a page, directly or by a merged
    /// pull request.
    fn edit(&mut self, time: i64) {
        let who = self.rng.below(300);
        if self.rng.chance(self.args.site_share) {
            let f = self.rng.below(self.site_files);
            self.on_mainline(who, time, "Update the site");
            self.s.modify(
                &site_file(f),
                &format!("// site file {f}\n{}", prose(&mut self.rng, 4)),
            );
            self.i += 1;
            return;
        }
        let t = self.rng.below(self.args.teams);
        let (page, text) = if self.rng.chance(3) {
            let text = index(t, &prose(&mut self.rng, 2), "We execute.");
            (format!("teams/team-{t}/index.md"), text)
        } else if self.rng.chance(40) && self.pages_per_team > 0 {
            let p = self.rng.below(self.pages_per_team);
            let text = team_page(p, &self.pages_sub, &prose(&mut self.rng, 6));
            (
                format!("teams/team-{t}/{}/page-{p}.md", self.pages_sub),
                text,
            )
        } else {
            let p = self.rng.below(self.company_pages.max(1));
            let text = format!("# Page\n\n{}", prose(&mut self.rng, 6));
            (format!("company/section-{}/page-{p}.md", p % 30), text)
        };
        let path = format!("{}/{page}", self.root);
        self.pages.insert(page, text.clone());
        if self.rng.chance(10) && self.i + 1 < self.args.commits {
            // A pull request: a commit on a branch, merged with a merge
            // commit a little later.
            let side = self
                .s
                .commit("topic", who, time, "Edit a page", Some(self.head), None);
            self.s.modify(&path, &text);
            self.head = self.s.commit(
                "main",
                who,
                time + self.step / 2,
                "Merge pull request",
                Some(self.head),
                Some(side),
            );
            self.s.modify(&path, &text);
            self.i += 2;
        } else {
            self.on_mainline(who, time, "Edit a page");
            self.s.modify(&path, &text);
            self.i += 1;
        }
    }
}

/// Feeds the stream to `git fast-import`; returns where the marks are.
fn import(args: &Args, stream: &[u8]) -> anyhow::Result<PathBuf> {
    let marks = args.out.join(".git/generate-marks");
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&args.out)
        .args(["fast-import", "--quiet", "--done"])
        .arg(format!("--export-marks={}", marks.display()))
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("git fast-import: {e}"))?;
    child
        .stdin
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdin"))?
        .write_all(stream)
        .map_err(|e| anyhow::anyhow!("git fast-import: {e}"))?;
    let status = child.wait()?;
    if !status.success() {
        anyhow::bail!("git fast-import failed");
    }
    git(&args.out, &["branch", "--quiet", "-D", "topic"]).ok();
    git(&args.out, &["reset", "--quiet", "--hard", "main"])?;

    Ok(marks)
}

/// Commits the sweeps' real ids as `.git-blame-ignore-revs`, at `last`.
fn commit_ignore_revs(
    args: &Args,
    marks: &Path,
    sweeps: &[usize],
    last: i64,
) -> anyhow::Result<()> {
    // The sweeps go into .git-blame-ignore-revs, by their real ids.
    let marks_text = std::fs::read_to_string(marks)?;
    let ids: std::collections::HashMap<usize, String> = marks_text
        .lines()
        .filter_map(|line| {
            let (mark, id) = line.split_once(' ')?;
            Some((mark.trim_start_matches(':').parse().ok()?, id.to_string()))
        })
        .collect();
    let mut ignore = String::from("# Reformatting sweeps\n");
    for mark in sweeps {
        if let Some(id) = ids.get(mark) {
            let _ = writeln!(ignore, "{id}");
        }
    }
    std::fs::write(args.out.join(".git-blame-ignore-revs"), ignore)?;
    let date = format!("@{last} +0000");
    git(&args.out, &["add", ".git-blame-ignore-revs"])?;
    let output = Command::new("git")
        .arg("-C")
        .arg(&args.out)
        .args([
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.com",
        ])
        .args(["commit", "--quiet", "-m", "Ignore reformatting sweeps"])
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()?;
    if !output.status.success() {
        anyhow::bail!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(())
}

fn run(args: &Args) -> anyhow::Result<()> {
    if args.out.exists() {
        anyhow::bail!("{} exists", args.out.display());
    }
    std::fs::create_dir_all(&args.out)?;
    git(&args.out, &["init", "--quiet", "--initial-branch=main"])?;

    let mut w = Writer::start(args);
    // About five and a half years for 100,000 commits, as GitLab's handbook.
    let span = (args.commits as i64 * DAY / 50).max(400 * DAY);
    w.step = span / args.commits as i64;
    // Thresholds, each taken once the history gets there.
    let mut moves_at = vec![args.commits * 6 / 10, args.commits * 3 / 10];
    let mut sweeps_at = vec![args.commits * 4 / 5, args.commits / 2, args.commits / 4];
    let mut reorganise_at = Some(args.commits * 7 / 10);
    let mut format_at = Some(args.commits * 9 / 10);
    let mut last_iteration = 0;
    while w.i < args.commits {
        let time = START + w.i as i64 * w.step;
        let iteration = (time - START) / (ITERATION_DAYS * DAY);
        if iteration != last_iteration {
            last_iteration = iteration;
            w.iteration_boundary(time, iteration);
        } else if moves_at.last().is_some_and(|&at| w.i >= at) {
            moves_at.pop();
            w.mass_move(time);
        } else if sweeps_at.last().is_some_and(|&at| w.i >= at) {
            sweeps_at.pop();
            w.sweep(time);
        } else if reorganise_at.is_some_and(|at| w.i >= at) {
            reorganise_at = None;
            w.reorganise(time);
        } else if format_at.is_some_and(|at| w.i >= at) {
            format_at = None;
            w.formatter_sweep(time);
        } else {
            w.edit(time);
        }
    }
    w.s.out.extend_from_slice(b"done\n");
    let marks = import(args, &w.s.out)?;
    let last = START + span + DAY;
    commit_ignore_revs(args, &marks, &w.sweeps, last)?;
    std::fs::remove_file(&marks).ok();
    // fast-import stores each version of a file as a delta against the one
    // before it, the reverse of what `git pack-objects` does (the newest
    // version whole, older ones as deltas against it); git's manual says
    // to repack after an import. A clone gets a pack like this one.
    git(&args.out, &["repack", "-a", "-d", "-f", "--quiet"])?;
    let count = git(&args.out, &["rev-list", "--count", "HEAD"])?;
    let files = git(&args.out, &["ls-files"])?.lines().count();
    println!(
        "generated {}: {} commits, {files} files, {} teams, now = @{}",
        args.out.display(),
        count.trim(),
        args.teams,
        last + DAY
    );
    Ok(())
}
