//! Who is the PM and who the EM of each team, from what the repository
//! already says: YAML data files that map teams to people (and rosters
//! that give people's names and handles), the front matter `owner:` of the
//! team's goals page (PM) and process pages (EM), and CODEOWNERS. Each
//! decision keeps where it came from; a role nothing decides is left out
//! and said so, never guessed.

use std::collections::{BTreeMap, BTreeSet};

use crate::app::init::scan::{DataFile, Page, Scan};
use crate::app::init::teams::TeamFound;
use crate::config::tree::{Node, Value};

/// Keys naming a PM or an EM in a data file, compared without case, `_`,
/// `-` or spaces.
const PM_KEYS: [&str; 3] = ["pm", "productmanager", "productlead"];
const EM_KEYS: [&str; 4] = ["em", "engineeringmanager", "engmanager", "manager"];
/// Fields that name a team in a data file entry.
const NAME_FIELDS: [&str; 6] = ["name", "team", "title", "slug", "id", "key"];
/// Fields that give a person's handle in a roster.
const HANDLE_FIELDS: [&str; 6] = [
    "github",
    "gitlab",
    "handle",
    "username",
    "github_handle",
    "gitlab_handle",
];
/// Values that say a role is open rather than name someone.
const VACANT: [&str; 8] = ["", "tbd", "tba", "none", "vacant", "n/a", "hiring", "open"];
/// Data file mappings are searched this deep.
const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Person {
    pub id: String,
    pub name: Option<String>,
    pub handles: BTreeSet<String>,
}

/// A role decided: who, and where that came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decided {
    pub ids: Vec<String>,
    pub from: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TeamRoles {
    /// Role (`pm`, `em`) → who, or why it could not be decided.
    pub roles: BTreeMap<&'static str, Result<Decided, String>>,
    /// Where handles came from, for the team's comment.
    pub notes: Vec<String>,
}

pub(crate) struct Roles {
    pub people: BTreeMap<String, Person>,
    /// In the order of the teams given.
    pub teams: Vec<TeamRoles>,
}

/// A slug of a name or handle for a person id: lowercase letters and
/// digits, other runs as one `-`.
pub(crate) fn person_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.trim().trim_start_matches('@').chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_string()
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn scalar(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar(text) => Some(text.as_str()),
        _ => None,
    }
}

fn field<'a>(map: &'a [(Node, Node)], names: &[&str]) -> Option<&'a Node> {
    map.iter()
        .find(|(key, _)| scalar(key).is_some_and(|k| names.contains(&k.to_lowercase().as_str())))
        .map(|(_, value)| value)
}

/// A person a roster names: `alice_ng: { name: Alice Ng, github: alice }`.
#[derive(Debug, Clone)]
struct Listed {
    name: String,
    handle: Option<String>,
}

/// Every roster entry in the data files, by key.
fn rosters(data: &[DataFile]) -> BTreeMap<String, Listed> {
    let mut roster = BTreeMap::new();
    for file in data {
        let Value::Map(entries) = &file.root.value else {
            continue;
        };
        for (key, value) in entries {
            let (Some(key), Value::Map(fields)) = (scalar(key), &value.value) else {
                continue;
            };
            let Some(name) = field(fields, &["name"]).and_then(scalar) else {
                continue;
            };
            let handle = field(fields, &HANDLE_FIELDS)
                .and_then(scalar)
                .map(|h| format!("@{}", h.trim().trim_start_matches('@')))
                .filter(|h| h.len() > 1 && !h.contains(char::is_whitespace));
            roster.entry(key.to_string()).or_insert(Listed {
                name: name.trim().to_string(),
                handle,
            });
        }
    }
    roster
}

/// A data file mapping that names a PM or an EM.
struct Entry<'a> {
    file: &'a DataFile,
    /// Its key in the parent mapping, and its name fields.
    names: Vec<String>,
    /// Every text in it, for a path naming the team directory.
    texts: Vec<String>,
    pm: Option<&'a Node>,
    em: Option<&'a Node>,
}

fn role_key(key: &str, keys: &[&str]) -> bool {
    keys.contains(&squash(key).as_str())
}

fn collect_entries<'a>(
    file: &'a DataFile,
    node: &'a Node,
    key: Option<&str>,
    depth: usize,
    out: &mut Vec<Entry<'a>>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &node.value {
        Value::Map(fields) => {
            let pm = fields
                .iter()
                .find(|(k, _)| scalar(k).is_some_and(|k| role_key(k, &PM_KEYS)));
            let em = fields
                .iter()
                .find(|(k, _)| scalar(k).is_some_and(|k| role_key(k, &EM_KEYS)));
            if pm.is_some() || em.is_some() {
                let mut names: Vec<String> = key.map(str::to_string).into_iter().collect();
                names.extend(
                    NAME_FIELDS
                        .iter()
                        .filter_map(|name| field(fields, &[name]).and_then(scalar))
                        .map(str::to_string),
                );
                let texts = fields
                    .iter()
                    .filter_map(|(_, v)| scalar(v))
                    .map(str::to_string)
                    .collect();
                out.push(Entry {
                    file,
                    names,
                    texts,
                    pm: pm.map(|(_, v)| v),
                    em: em.map(|(_, v)| v),
                });
                return;
            }
            for (k, v) in fields {
                collect_entries(file, v, scalar(k), depth + 1, out);
            }
        }
        Value::Seq(items) => {
            for item in items {
                collect_entries(file, item, None, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// How surely an entry names a team: 4 a link to its team page, 3 a path
/// to its directory, 2 its name, 1 its name as the last words of a longer
/// one (`ship_release`).
fn score(entry: &Entry, team: &TeamFound) -> u8 {
    score_dir(entry, &team.dir, &team.name)
}

fn score_dir(entry: &Entry, dir: &str, name: &str) -> u8 {
    let parts: Vec<&str> = dir.split('/').collect();
    let tails: Vec<String> = (0..parts.len().saturating_sub(1))
        .map(|i| parts[i..].join("/"))
        .collect();
    // A link to the directory itself or its team page, not to a page
    // somewhere below it.
    let names_dir = |text: &str, pages: &[&str]| {
        let text = text.trim().trim_matches('/');
        pages.iter().any(|page| {
            tails.iter().any(|tail| {
                let target = format!("{tail}{page}");
                text == target || text.ends_with(&format!("/{target}"))
            })
        })
    };
    if entry
        .texts
        .iter()
        .any(|t| names_dir(t, &["/index.md", "/_index.md", "/README.md"]))
    {
        return 4;
    }
    if entry.texts.iter().any(|t| names_dir(t, &[""])) {
        return 3;
    }
    let team_squashed = squash(name);
    if entry.names.iter().any(|n| squash(n) == team_squashed) {
        return 2;
    }
    let team_words = words(name);
    if entry.names.iter().any(|n| {
        let w = words(n);
        w.len() > team_words.len() && w.ends_with(&team_words)
    }) {
        return 1;
    }
    0
}

/// Each team's entry: the best-scoring one, when only one has that score
/// and no other team claims it more surely.
fn match_entries<'a, 'b>(
    entries: &'b [Entry<'a>],
    teams: &[TeamFound],
) -> Vec<Result<Option<&'b Entry<'a>>, String>> {
    let scores: Vec<Vec<u8>> = teams
        .iter()
        .map(|t| entries.iter().map(|e| score(e, t)).collect())
        .collect();
    let best_for_entry: Vec<u8> = (0..entries.len())
        .map(|e| scores.iter().map(|s| s[e]).max().unwrap_or(0))
        .collect();
    teams
        .iter()
        .enumerate()
        .map(|(t, _)| {
            let available: Vec<(usize, u8)> = (0..entries.len())
                .map(|e| (e, scores[t][e]))
                .filter(|&(e, s)| s > 0 && s == best_for_entry[e])
                .collect();
            let Some(top) = available.iter().map(|&(_, s)| s).max() else {
                return Ok(None);
            };
            let best: Vec<usize> = available
                .iter()
                .filter(|&&(_, s)| s == top)
                .map(|&(e, _)| e)
                .collect();
            match best.as_slice() {
                [one] => Ok(Some(&entries[*one])),
                several => Err(format!(
                    "{} data file entries could name it ({}); none was used",
                    several.len(),
                    several
                        .iter()
                        .map(|&e| entries[e].names.first().map_or("?", String::as_str))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        })
        .collect()
}

/// People as written in a role's value.
enum Named {
    People(Vec<Person>),
    Vacant(String),
}

fn resolve(text: &str, roster: &BTreeMap<String, Listed>) -> Person {
    let text = text.trim();
    if let Some(handle) = text.strip_prefix('@') {
        return Person {
            id: person_id(handle),
            name: None,
            handles: BTreeSet::from([format!("@{handle}")]),
        };
    }
    if let Some(listed) = roster.get(text) {
        return Person {
            id: person_id(&listed.name),
            name: Some(listed.name.clone()),
            handles: listed.handle.iter().cloned().collect(),
        };
    }
    Person {
        id: person_id(text),
        name: text.contains(' ').then(|| text.to_string()),
        handles: BTreeSet::new(),
    }
}

fn named(node: &Node, roster: &BTreeMap<String, Listed>) -> Named {
    let texts: Vec<&str> = match &node.value {
        Value::Scalar(text) => vec![text.as_str()],
        Value::Seq(items) => items.iter().filter_map(scalar).collect(),
        Value::Map(fields) => field(fields, &["name"])
            .and_then(scalar)
            .into_iter()
            .collect(),
        Value::Null => Vec::new(),
    };
    let people: Vec<Person> = texts
        .iter()
        .filter(|t| !VACANT.contains(&t.trim().to_lowercase().as_str()))
        .map(|t| resolve(t, roster))
        .filter(|p| !p.id.is_empty())
        .collect();
    if people.is_empty() {
        Named::Vacant(
            texts
                .first()
                .map_or(String::new(), |t| t.trim().to_string()),
        )
    } else {
        Named::People(people)
    }
}

/// Individual owners (`@name`, not `@org/team` or an email) CODEOWNERS
/// gives a file.
fn individual_owners(scan: &Scan, path: &str) -> Vec<String> {
    let Some(codeowners) = &scan.codeowners else {
        return Vec::new();
    };
    codeowners
        .owners_of(path)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.starts_with('@') && !o.contains('/'))
        .collect()
}

fn page<'a>(scan: &'a Scan, path: &str) -> Option<&'a Page> {
    scan.pages
        .binary_search_by(|p| p.path.as_str().cmp(path))
        .ok()
        .map(|i| &scan.pages[i])
}

fn owner_of(scan: &Scan, path: &str) -> Option<String> {
    page(scan, path)
        .and_then(|p| p.doc.front.owner.as_ref())
        .map(|o| o.value.trim().to_string())
        .filter(|o| !o.is_empty())
}

/// The files holding a role's pages: goals for the PM, the process pages
/// for the EM.
fn role_files(team: &TeamFound, role: &str) -> Vec<String> {
    let kinds: &[&str] = if role == "pm" {
        &["goals"]
    } else {
        &["iteration-planning", "iteration-execution"]
    };
    let mut files: Vec<String> = kinds.iter().filter_map(|k| team.file_of(k)).collect();
    files.dedup();
    files
}

/// Front matter, else CODEOWNERS, for one role of a team with no data
/// file entry: the one owner its pages name, when the other role's pages
/// do not name the same one.
fn from_pages(scan: &Scan, team: &TeamFound, role: &str) -> Option<(Person, String)> {
    let other = if role == "pm" { "em" } else { "pm" };
    let owners = |r: &str| -> Vec<(String, String)> {
        role_files(team, r)
            .iter()
            .filter_map(|f| owner_of(scan, f).map(|o| (o, format!("the front matter of {f}"))))
            .collect()
    };
    let (mine, theirs) = (owners(role), owners(other));
    let distinct: BTreeSet<&str> = mine.iter().map(|(o, _)| o.as_str()).collect();
    if let ([only], [(first, from), ..]) = (
        distinct.iter().collect::<Vec<_>>().as_slice(),
        mine.as_slice(),
    ) && !theirs.iter().any(|(o, _)| o == *only)
    {
        let person = if first.starts_with('@') {
            resolve(first, &BTreeMap::new())
        } else {
            Person {
                id: (*first).clone(),
                name: None,
                handles: BTreeSet::new(),
            }
        };
        return Some((person, from.clone()));
    }
    let code = |r: &str| -> BTreeSet<String> {
        role_files(team, r)
            .iter()
            .flat_map(|f| individual_owners(scan, f))
            .collect()
    };
    let (mine, theirs) = (code(role), code(other));
    if mine.len() == 1 && mine != theirs {
        let handle = mine.into_iter().next().unwrap_or_default();
        let path = scan
            .codeowners
            .as_ref()
            .map_or("CODEOWNERS", |c| c.path.as_str());
        return Some((resolve(&handle, &BTreeMap::new()), path.to_string()));
    }
    None
}

/// Handles the team's pages name (CODEOWNERS, front matter `@owner`), each
/// with where it was seen.
fn handle_pool(scan: &Scan, team: &TeamFound) -> BTreeMap<String, String> {
    let mut pool = BTreeMap::new();
    let mut files: Vec<String> = ["pm", "em"]
        .iter()
        .flat_map(|r| role_files(team, r))
        .collect();
    files.push(format!("{}/", team.dir));
    let codeowners_path = scan
        .codeowners
        .as_ref()
        .map_or("CODEOWNERS", |c| c.path.as_str());
    for file in &files {
        for handle in individual_owners(scan, file.trim_end_matches('/')) {
            pool.entry(handle)
                .or_insert_with(|| codeowners_path.to_string());
        }
        if let Some(owner) = owner_of(scan, file).filter(|o| o.starts_with('@')) {
            pool.entry(owner)
                .or_insert_with(|| format!("the front matter of {file}"));
        }
    }
    pool
}

/// Whether a handle looks like this name: the whole name, the first or
/// last name, or first name and last initial (or the reverse).
fn handle_fits(handle: &str, name: &str) -> bool {
    let handle = squash(handle);
    let parts = words(name);
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let initial = |w: &str| w.chars().next().map(String::from).unwrap_or_default();
    let variants = [
        parts.concat(),
        first.clone(),
        format!("{first}{}", initial(last)),
        format!("{}{last}", initial(first)),
    ];
    variants.contains(&handle) || (parts.len() > 1 && last.len() > 2 && *last == handle)
}

fn all_entries(data: &[DataFile]) -> Vec<Entry<'_>> {
    let mut entries = Vec::new();
    for file in data {
        collect_entries(file, &file.root, None, 0, &mut entries);
    }
    entries
}

/// Which data file names directories as teams: a link to the directory's
/// team page, or its name as an entry's key or name, when the entry names a
/// PM or an EM. A link to the directory alone does not (it is often a
/// strategy page of the same name), and an entry whose name fits several
/// directories names none of them.
pub(crate) fn naming_files(data: &[DataFile], dirs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let entries = all_entries(data);
    let mut named = BTreeMap::new();
    for entry in &entries {
        let fits: Vec<&(&str, &str)> = dirs
            .iter()
            .filter(|(dir, name)| matches!(score_dir(entry, dir, name), 2 | 4))
            .collect();
        if let [(dir, _)] = fits.as_slice() {
            named.insert((*dir).to_string(), entry.file.path.clone());
        }
    }
    named
}

/// Decides the roles of every team.
pub(crate) fn decide(scan: &Scan, teams: &[TeamFound]) -> Roles {
    let roster = rosters(&scan.data);
    let entries = all_entries(&scan.data);
    let matched = match_entries(&entries, teams);
    let mut people: BTreeMap<String, Person> = BTreeMap::new();
    let mut decided = Vec::new();
    for (team, matched) in teams.iter().zip(matched) {
        let mut roles = TeamRoles::default();
        let pool = handle_pool(scan, team);
        for role in ["pm", "em"] {
            let decision = decide_role(scan, team, role, &matched, &roster);
            roles.roles.insert(
                role,
                decision.map(|(mut found, from)| {
                    for person in &mut found {
                        link_handle(person, &pool, &mut roles.notes);
                    }
                    let ids = found.iter().map(|p| p.id.clone()).collect();
                    for person in found {
                        merge(&mut people, person);
                    }
                    Decided { ids, from }
                }),
            );
        }
        decided.push(roles);
    }
    Roles {
        people,
        teams: decided,
    }
}

fn decide_role(
    scan: &Scan,
    team: &TeamFound,
    role: &str,
    matched: &Result<Option<&Entry>, String>,
    roster: &BTreeMap<String, Listed>,
) -> Result<(Vec<Person>, String), String> {
    let mut why_not = Vec::new();
    match matched {
        Ok(Some(entry)) => {
            let node = if role == "pm" { entry.pm } else { entry.em };
            match node.map(|n| (n, named(n, roster))) {
                Some((node, Named::People(found))) => return Ok((found, entry.file.at(node))),
                Some((node, Named::Vacant(text))) => why_not.push(format!(
                    "{} says `{}`",
                    entry.file.at(node),
                    if text.is_empty() { "nothing" } else { &text }
                )),
                None => why_not.push(format!(
                    "its entry in {} names no {}",
                    entry.file.path,
                    role.to_uppercase()
                )),
            }
        }
        Ok(None) => why_not.push("no data file names it".to_string()),
        Err(ambiguous) => why_not.push(ambiguous.clone()),
    }
    if let Some((person, from)) = from_pages(scan, team, role) {
        return Ok((vec![person], from));
    }
    let files = role_files(team, role);
    let pages = if role == "pm" {
        "goals page"
    } else {
        "process pages"
    };
    why_not.push(if files.is_empty() {
        format!("no {pages} found to read an owner from")
    } else {
        format!(
            "neither the front matter nor CODEOWNERS names one owner of {}",
            files.join(" and ")
        )
    });
    Err(why_not.join("; "))
}

fn link_handle(person: &mut Person, pool: &BTreeMap<String, String>, notes: &mut Vec<String>) {
    if !person.handles.is_empty() {
        return;
    }
    let Some(name) = &person.name else {
        return;
    };
    let fitting: Vec<(&String, &String)> =
        pool.iter().filter(|(h, _)| handle_fits(h, name)).collect();
    if let [(handle, from)] = fitting.as_slice() {
        notes.push(format!(
            "{} is {handle} (from {from}; the handle fits the name)",
            person.id
        ));
        person.handles.insert((*handle).clone());
    }
}

fn merge(people: &mut BTreeMap<String, Person>, person: Person) {
    let entry = people.entry(person.id.clone()).or_insert_with(|| Person {
        id: person.id.clone(),
        ..Person::default()
    });
    if entry.name.is_none() {
        entry.name = person.name;
    }
    entry.handles.extend(person.handles);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_ids_are_slugs_of_names_and_handles() {
        assert_eq!(person_id("Alice Ng"), "alice-ng");
        assert_eq!(person_id("@bob_okafor"), "bob-okafor");
        assert_eq!(person_id("  José  Díaz "), "josé-díaz");
        assert_eq!(person_id("@"), "");
    }

    #[test]
    fn a_handle_fits_a_name_by_whole_first_or_initials() {
        for handle in ["@alice", "@aliceng", "@alicen", "@ang", "@Alice-Ng"] {
            assert!(handle_fits(handle, "Alice Ng"), "{handle}");
        }
        for handle in ["@ng", "@al", "@bob", "@alicia"] {
            assert!(!handle_fits(handle, "Alice Ng"), "{handle}");
        }
        assert!(handle_fits("@okafor", "Bob Okafor"));
    }
}
