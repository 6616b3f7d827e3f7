//! The config `init` writes, as commented YAML text, and the summary it
//! prints. Every name in them comes from the repository: values are quoted
//! when plain YAML could misread them, and comments show hidden characters
//! escaped, so no name can end a comment line or start a key.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::app::init::Plan;
use crate::app::init::teams::KINDS;
use crate::base::time::day_of;
use crate::config::schema::SCHEMA_URL;
use crate::report::visible;

/// A YAML scalar for `text`: plain when nothing in it can be misread (a
/// number, a boolean, a null, an indicator), else double-quoted with JSON's
/// escapes, which YAML reads the same.
pub(crate) fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
        && text.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        && !text.ends_with(' ')
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "none"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
    }
}

/// A comment's text: one line, hidden characters shown escaped.
fn comment(text: &str) -> String {
    visible(text).into_owned()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The config file's text.
pub(crate) fn config_text(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={SCHEMA_URL}");
    out.push_str(
        "# Written by `handbook-lint init` from what this repository holds; each\n\
         # inference says where it came from. Correct what is wrong, then run\n\
         # `handbook-lint check`.\n\n",
    );
    if let Some(handbook) = &plan.handbook {
        let _ = writeln!(
            out,
            "# {} of the {} pages are under {}/\nhandbook: {}\n",
            handbook.pages,
            handbook.total,
            comment(&handbook.dir),
            scalar(&handbook.dir)
        );
    }
    write_calendar(&mut out, plan);
    write_pages(&mut out, plan);
    write_people(&mut out, plan);
    write_teams(&mut out, plan);
    write_sweeps(&mut out, plan);
    out
}

fn write_calendar(out: &mut String, plan: &Plan) {
    match &plan.calendar {
        Ok(c) => {
            let _ = writeln!(
                out,
                "# length: the median spacing ({} days) of {} retrospectives' dates, rounded to\n\
                 # whole weeks; start: the iteration that ends on the first retro ({}).\n\
                 iterations: {{ length: {}d, start: {}, grace: 3d }}\n",
                c.median_gap, c.retros, c.first_retro, c.length_days, c.start
            );
        }
        Err(why) => {
            let _ = writeln!(
                out,
                "# The defaults, not inferred: {}.\n\
                 # Set the length (one to five weeks) and the day your iterations began.\n\
                 iterations: {{ length: {}d, start: {}, grace: {}d }}\n",
                why.reason(),
                crate::config::DEFAULT_ITERATION_DAYS,
                crate::config::DEFAULT_START,
                crate::config::DEFAULT_GRACE_DAYS
            );
        }
    }
}

fn write_pages(out: &mut String, plan: &Plan) {
    if plan.global.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "# Where teams keep each page kind: what most of the {} found do. A team\n\
         # that differs has its own `pages:` below.\npages:",
        plural(plan.teams.len(), "team", "teams")
    );
    for kind in KINDS {
        match plan.global.get(kind) {
            Some((pattern, count)) => {
                let _ = writeln!(
                    out,
                    "  {kind}: {}   # {count} of {}",
                    scalar(pattern),
                    plural(plan.teams.len(), "team", "teams")
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  # {kind}: no team's was found; the ruleset's default location applies"
                );
            }
        }
    }
    out.push('\n');
}

fn write_people(out: &mut String, plan: &Plan) {
    if plan.roles.people.is_empty() {
        return;
    }
    out.push_str(
        "# The PMs and EMs named below; `handles` map @mentions and CODEOWNERS to them.\npeople:\n",
    );
    for person in plan.roles.people.values() {
        let mut fields = Vec::new();
        if let Some(name) = &person.name {
            fields.push(format!("name: {}", scalar(name)));
        }
        if !person.handles.is_empty() {
            let handles: Vec<String> = person.handles.iter().map(|h| scalar(h)).collect();
            fields.push(format!("handles: [{}]", handles.join(", ")));
        }
        let _ = writeln!(out, "  {}: {{ {} }}", scalar(&person.id), fields.join(", "));
    }
    out.push('\n');
}

fn write_teams(out: &mut String, plan: &Plan) {
    if plan.teams.is_empty() {
        out.push_str(
            "# No team directory was found (one holding goals.md, okrs.md, roadmap.md, a\n\
             # retros/ folder, or an index.md with a planning or process heading).\n\
             # Name them here: `teams: { search: { dir: handbook/search, pm: alice, em: bob } }`\n\n",
        );
        return;
    }
    out.push_str("teams:\n");
    for (team, roles) in plan.teams.iter().zip(&plan.roles.teams) {
        let _ = writeln!(
            out,
            "  # {}: {}",
            comment(&team.name),
            comment(&team.because.join(", "))
        );
        let _ = writeln!(
            out,
            "  {}:\n    dir: {}",
            scalar(&team.name),
            scalar(&team.dir)
        );
        for role in ["pm", "em"] {
            let Some(decision) = roles.roles.get(role) else {
                continue;
            };
            match decision {
                Ok(decided) => {
                    let value = match decided.ids.as_slice() {
                        [one] => scalar(one),
                        many => format!(
                            "[{}]",
                            many.iter()
                                .map(|i| scalar(i))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    let _ = writeln!(
                        out,
                        "    {role}: {value}   # {role} from {}",
                        comment(&decided.from)
                    );
                }
                Err(why) => {
                    let _ = writeln!(
                        out,
                        "    # {role}: not decided ({}); `check` reports HB401 until it is set",
                        comment(why)
                    );
                }
            }
        }
        for note in &roles.notes {
            let _ = writeln!(out, "    # {}", comment(note));
        }
        write_team_pages(out, plan, team);
    }
    out.push('\n');
}

fn write_team_pages(out: &mut String, plan: &Plan, team: &crate::app::init::teams::TeamFound) {
    let mut own = BTreeMap::new();
    let mut missing = Vec::new();
    for kind in KINDS {
        match (team.pages.get(kind), plan.global.get(kind)) {
            (Some(found), Some((global, _))) if found.pattern == *global => {}
            (Some(found), _) => {
                own.insert(kind, found.pattern.clone());
            }
            (None, _) => missing.push(kind),
        }
    }
    if !own.is_empty() {
        out.push_str("    pages:   # where this team differs from the others\n");
        for kind in KINDS {
            if let Some(pattern) = own.get(kind) {
                let _ = writeln!(out, "      {kind}: {}", scalar(pattern));
            }
        }
    }
    if let Some(hint) = &team.goals_hint {
        let _ = writeln!(
            out,
            "    # goals: no goals page found; if {} holds the team's goals, write `pages: {{ goals: \"{}\" }}`",
            comment(hint),
            comment(hint)
        );
    }
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "    # not found here: {}; the locations above apply, and `check` says if nothing is there",
            missing.join(", ")
        );
    }
}

fn write_sweeps(out: &mut String, plan: &Plan) {
    let sweeps = &plan.sweeps;
    if sweeps.found.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "# {} on the mainline changed at least {} handbook pages in place: sweeps\n\
         # (a formatter, a rename), most likely. handbook-lint already looks past\n\
         # changes that leave the words alone; listed in .git-blame-ignore-revs, these\n\
         # are passed over by `git blame` and by handbook-lint even where words changed.\n\
         # To list them, copy these lines into .git-blame-ignore-revs without the first `# `:",
        plural(sweeps.found.len(), "commit", "commits"),
        sweeps.threshold
    );
    for sweep in &sweeps.found {
        let _ = writeln!(
            out,
            "# {}   # {}, {} pages: {}",
            sweep.commit,
            day_of(sweep.time),
            sweep.pages,
            comment(&sweep.summary)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tree::{self, Value};

    /// Whatever the text, the config reader reads back exactly it.
    #[test]
    fn scalars_read_back_as_written() {
        for text in [
            "search",
            "night #shift",
            "yes",
            "1.5",
            "null",
            "- list",
            "a: b",
            "{dir}/index.md#planning",
            "line\nbreak",
            "\u{202e}bidi",
            "'quoted'",
            "",
        ] {
            let yaml = format!("key: {}\n", scalar(text));
            let node = tree::parse(&yaml).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
            let Value::Map(entries) = node.value else {
                panic!("{text:?}: not a mapping");
            };
            let read = match &entries[0].1.value {
                Value::Scalar(read) => read.clone(),
                Value::Null => String::new(),
                other => panic!("{text:?}: {other:?}"),
            };
            assert_eq!(read, text, "{yaml}");
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment("a\nteams: {}"), "a\\nteams: {}");
    }
}
