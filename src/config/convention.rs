//! Teams found by convention when the config names none.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Team;

/// Finds teams by convention when the config names none: every directory
/// holding a `goals.md` or a `retros/` directory of pages is a team, named
/// after the directory.
pub(crate) fn conventional_teams(paths: &[&str], handbook: &str) -> Vec<Team> {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for path in paths {
        let Some((dir, name)) = path.rsplit_once('/').or(Some(("", path))) else {
            continue;
        };
        if name == "goals.md" {
            dirs.insert(dir.to_string());
        } else if let Some(team_dir) = dir
            .strip_suffix("/retros")
            .or((dir == "retros").then_some(""))
        {
            dirs.insert(team_dir.to_string());
        }
    }
    dirs.into_iter()
        .filter(|dir| handbook.is_empty() || dir.starts_with(handbook))
        .map(|dir| Team {
            name: dir.rsplit('/').next().unwrap_or(&dir).to_string(),
            dir,
            roles: BTreeMap::new(),
            named_roles: Vec::new(),
            since: None,
            pages: BTreeMap::new(),
            span: None,
        })
        .collect()
}
