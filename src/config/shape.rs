//! Reading the config's tree by shape: a mapping, a list, text, a whole
//! number. Each reader reports what does not have the shape asked for as an
//! HB001 finding at it and hands back only what does, so the settings code
//! (`config::validate`) never sees a wrong type.

use std::collections::HashMap;
use std::ops::Range;

use crate::config::tree::{Node, Value};
use crate::config::validate::Validator;
use crate::config::yaml::key_hint;

/// A text value and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub value: String,
    pub span: Range<usize>,
}

/// One entry of a mapping: its key (text) and its value.
pub(crate) struct Entry<'n> {
    pub key: Text,
    pub value: &'n Node,
}

/// The value of `key` among `entries`, if it is there.
pub(crate) fn setting<'n>(entries: &[Entry<'n>], key: &str) -> Option<&'n Node> {
    entries
        .iter()
        .find(|entry| entry.key.value == key)
        .map(|entry| entry.value)
}

/// How a place in the config is named in messages.
pub(crate) fn shown(path: &str) -> String {
    if path.is_empty() {
        "the config".to_string()
    } else {
        format!("`{path}`")
    }
}

/// `path.key`, or `key` at the top.
pub(crate) fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Why a path the config names cannot be used: the tool only reads files
/// inside the repository's working tree, and the config comes from whoever
/// opened the pull request. (Symbolic links are checked where the file is
/// opened; this is the check of the text.)
pub(crate) fn outside_repository(value: &str) -> Option<&'static str> {
    let value = value.trim();
    let bytes = value.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'/' | b'\\');
    if value.starts_with(['/', '\\']) || drive {
        return Some("is an absolute path");
    }
    let parts = || value.split(['/', '\\']);
    if parts().any(|part| part == "..") {
        return Some("leads outside it");
    }
    // `.GIT` is the same directory on a case-insensitive file system.
    if parts().any(|part| part.eq_ignore_ascii_case(".git")) {
        return Some("is inside the git directory");
    }
    None
}

impl Validator<'_> {
    /// A mapping's entries with text keys, each key once: the first of a
    /// repeated key is used and the later ones are reported. Nothing (`key:`)
    /// is an empty mapping.
    pub(crate) fn entries<'n>(&mut self, node: &'n Node, path: &str) -> Vec<Entry<'n>> {
        let pairs = match &node.value {
            Value::Map(pairs) => pairs,
            Value::Null => return Vec::new(),
            Value::Seq(_) | Value::Scalar(_) => {
                self.invalid(
                    node.span.clone(),
                    format!(
                        "{} must be a mapping (`key: value`), not {}",
                        shown(path),
                        node.kind()
                    ),
                    None,
                );
                return Vec::new();
            }
        };
        let mut first_line: HashMap<&str, usize> = HashMap::new();
        let mut entries = Vec::new();
        for (key, value) in pairs {
            let Value::Scalar(name) = &key.value else {
                self.invalid(
                    key.span.clone(),
                    format!(
                        "a key in {} is {}: keys must be text",
                        shown(path),
                        key.kind()
                    ),
                    None,
                );
                continue;
            };
            if let Some(line) = first_line.get(name.as_str()) {
                self.invalid(
                    key.span.clone(),
                    format!(
                        "`{name}` is set twice in {}: this one is ignored, the one on line {line} is used",
                        shown(path)
                    ),
                    Some("remove one of them".to_string()),
                );
                continue;
            }
            first_line.insert(name, self.lines.line(key.span.start));
            entries.push(Entry {
                key: Text {
                    value: name.clone(),
                    span: key.span.clone(),
                },
                value,
            });
        }
        entries
    }

    /// A mapping of settings: [`Self::entries`], and each key not among
    /// `known` reported (with a "did you mean") and left out.
    pub(crate) fn settings<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        known: &[&str],
    ) -> Vec<Entry<'n>> {
        let mut entries = self.entries(node, path);
        entries.retain(|entry| {
            let known_key = known.contains(&entry.key.value.as_str());
            if !known_key {
                let place = if path.is_empty() {
                    String::new()
                } else {
                    format!(" in `{path}`")
                };
                self.invalid(
                    entry.key.span.clone(),
                    format!("unknown key `{}`{place}", entry.key.value),
                    key_hint(&entry.key.value, known.iter().copied()),
                );
            }
            known_key
        });
        entries
    }

    /// Text: any scalar, as written. Nothing is `None` (the setting is not
    /// set); a mapping or a list is reported.
    pub(crate) fn text(&mut self, node: &Node, path: &str) -> Option<Text> {
        match &node.value {
            Value::Scalar(value) => Some(Text {
                value: value.clone(),
                span: node.span.clone(),
            }),
            Value::Null => None,
            Value::Map(_) | Value::Seq(_) => {
                self.invalid(
                    node.span.clone(),
                    format!("{} must be text, not {}", shown(path), node.kind()),
                    None,
                );
                None
            }
        }
    }

    /// A list's items. Nothing is an empty list; anything else is reported.
    pub(crate) fn items<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            Value::Map(_) | Value::Scalar(_) => {
                let help = matches!(node.value, Value::Scalar(_)).then(|| {
                    format!(
                        "write a list: `{}: [...]`",
                        path.rsplit('.').next().unwrap_or(path)
                    )
                });
                self.invalid(
                    node.span.clone(),
                    format!("{} must be a list, not {}", shown(path), node.kind()),
                    help,
                );
                &[]
            }
        }
    }

    /// A list of texts; items that are not text are reported and left out.
    pub(crate) fn texts(&mut self, node: &Node, path: &str) -> Vec<Text> {
        let items = self.items(node, path);
        let item_path = format!("an item of {}", shown(path));
        let mut texts = Vec::new();
        for item in items {
            match &item.value {
                Value::Scalar(value) => texts.push(Text {
                    value: value.clone(),
                    span: item.span.clone(),
                }),
                _ => self.invalid(
                    item.span.clone(),
                    format!("{item_path} must be text, not {}", item.kind()),
                    None,
                ),
            }
        }
        texts
    }

    /// A whole number, not negative: `None` (reported) for anything else.
    pub(crate) fn whole_number(&mut self, node: &Node, path: &str) -> Option<(u64, Range<usize>)> {
        let text = self.text(node, path)?;
        let written = text.value.trim();
        let digits = written.strip_prefix('+').unwrap_or(written);
        let problem = if let Ok(number) = digits.parse::<u64>() {
            return Some((number, text.span));
        } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            format!("{} is too large: `{written}`", shown(path))
        } else if let Some(negative) = digits.strip_prefix('-')
            && negative.parse::<f64>().is_ok()
        {
            format!("{} must not be negative: `{written}`", shown(path))
        } else {
            format!("{} must be a whole number, not `{written}`", shown(path))
        };
        self.invalid(text.span, problem, None);
        None
    }
}
