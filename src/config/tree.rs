//! A YAML document as a plain tree with a byte span on every node.
//!
//! The config is read into this tree first and checked by hand afterwards
//! (`config::validate`), rather than straight into typed structs: serde
//! stops at the first unknown key, wrong type or duplicate key, while the
//! config's promise is that every mistake is reported and the rest used.
//! Only YAML that does not parse at all fails here.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess};
use serde_saphyr::{Location, Spanned};

use crate::base::finding::token_at;
use crate::config::yaml::{YamlError, location_offset, yaml_error};

/// A node and where it was written: a scalar's own token; a mapping or
/// list from its first character to the end of its last entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Entries in document order, duplicates included: the reader decides
    /// what a repeated key means and reports it.
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    /// A scalar as written: `14`, `yes` and `2026-01-05` stay text, so a
    /// setting reads what its author typed, not YAML 1.1's guess at a type.
    Scalar(String),
    /// `key:` with no value, or `~`/`null`.
    Null,
}

impl Node {
    /// What this node is, for a message: "a mapping", "a list", "text".
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            Value::Map(_) => "a mapping",
            Value::Seq(_) => "a list",
            Value::Scalar(_) => "text",
            Value::Null => "nothing",
        }
    }
}

/// Reads `text` as one YAML document; `Err` only when it does not parse
/// (syntax, several documents, over the size limits).
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        // The reader reports a repeated key at its second occurrence; the
        // library would stop at it.
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        // `.nan` is text to the config, not a reason to reject the file.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        // A config never needs many aliases; every replayed event becomes a
        // node here, so an alias bomb is stopped long before it costs memory.
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
        },
    };
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            span: 0..0,
        });
    }
    let raw: Raw = serde_saphyr::from_str_with_options(text, options)
        .map_err(|error| yaml_error(text, &error))?;
    Ok(raw.into_node(text))
}

/// A node as serde-saphyr gives it: positions, not yet byte spans.
struct Raw {
    value: RawValue,
    /// Where the node is used (an alias's `*name`)…
    referenced: Location,
    /// …and where it was written (the anchored original).
    defined: Location,
}

enum RawValue {
    Map(Vec<(Raw, Raw)>),
    Seq(Vec<Raw>),
    Text(String),
    /// A number or boolean: its text is read back from the source.
    Typed(String),
    Null,
}

impl Raw {
    fn into_node(self, text: &str) -> Node {
        let span = byte_span(text, self.referenced);
        let value = match self.value {
            RawValue::Text(value) => Value::Scalar(value),
            RawValue::Typed(shown) => {
                // The text as written (`0x1F`, `yes`, `1.50`), from where it
                // was defined; the library's rendering if that is unknown.
                let defined = byte_span(text, self.defined);
                let written = text.get(defined).unwrap_or("").trim();
                Value::Scalar(if written.is_empty() {
                    shown
                } else {
                    written.to_string()
                })
            }
            RawValue::Null => Value::Null,
            RawValue::Seq(items) => {
                let items: Vec<Node> = items.into_iter().map(|i| i.into_node(text)).collect();
                let span = extent(text, span, items.iter().map(|i| i.span.end));
                return Node {
                    value: Value::Seq(items),
                    span,
                };
            }
            RawValue::Map(entries) => {
                let entries: Vec<(Node, Node)> = entries
                    .into_iter()
                    .map(|(k, v)| (k.into_node(text), v.into_node(text)))
                    .collect();
                let ends = entries.iter().map(|(k, v)| k.span.end.max(v.span.end));
                let span = extent(text, span, ends);
                return Node {
                    value: Value::Map(entries),
                    span,
                };
            }
        };
        Node { value, span }
    }
}

/// A location's byte range in `text`, on character boundaries; the token
/// there when the location carries no byte length.
fn byte_span(text: &str, location: Location) -> Range<usize> {
    let span = location.span();
    let start = span
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or_else(|| location_offset(text, location));
    let start = floor_boundary(text, start);
    match span.byte_len().and_then(|l| usize::try_from(l).ok()) {
        Some(len) => start..floor_boundary(text, start.saturating_add(len)).max(start),
        None => token_at(text, start),
    }
}

/// A mapping's or list's span: from where it starts to the end of its last
/// entry (entries replayed from an alias's anchor lie before it and do not
/// count), and over a closing `]` or `}` that follows.
fn extent(text: &str, start: Range<usize>, ends: impl Iterator<Item = usize>) -> Range<usize> {
    let from = start.start;
    let end = ends.filter(|&end| end > from).fold(start.end, usize::max);
    let opener = text[from..].chars().next();
    let closer = match opener {
        Some('[') => ']',
        Some('{') => '}',
        _ => return from..end,
    };
    let rest = &text[end..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n', ',']).len();
    if rest[skipped..].starts_with(closer) {
        from..end + skipped + 1
    } else {
        from..end.max(from + 1)
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<RawValue>::deserialize(deserializer)?;
        Ok(Raw {
            value: spanned.value,
            referenced: spanned.referenced,
            defined: spanned.defined,
        })
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyVisitor)
    }
}

/// Takes whatever the YAML holds.
struct AnyVisitor;

impl<'de> serde::de::Visitor<'de> for AnyVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<RawValue, E> {
        Ok(RawValue::Text(value.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<RawValue, E> {
        Ok(RawValue::Text(value))
    }

    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<RawValue, E> {
        Ok(RawValue::Text(String::from_utf8_lossy(value).into_owned()))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<RawValue, E> {
        Ok(RawValue::Typed(value.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<RawValue, E> {
        Ok(RawValue::Typed(value.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<RawValue, E> {
        Ok(RawValue::Typed(value.to_string()))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<RawValue, E> {
        Ok(RawValue::Typed(value.to_string()))
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<RawValue, E> {
        Ok(RawValue::Typed(value.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<RawValue, E> {
        Ok(RawValue::Typed(value.to_string()))
    }

    fn visit_char<E: serde::de::Error>(self, value: char) -> Result<RawValue, E> {
        Ok(RawValue::Text(value.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(AnyVisitor)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(AnyVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Raw>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Raw>()? {
            let value = map.next_value::<Raw>()?;
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }

    /// A value under an application tag (`!secret x`): the tag means
    /// nothing to the config, the value is read as if untagged.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<RawValue, A::Error> {
        let (_tag, variant) = data.variant::<serde::de::IgnoredAny>()?;
        variant.newtype_variant::<RawValue>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> Option<&str> {
        match &node.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    fn entries(node: &Node) -> &[(Node, Node)] {
        match &node.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    #[test]
    fn scalars_keep_what_was_written_and_where() {
        let text = "n: yes\nhex: 0x1F\nlength: 14\nwhen: 2026-01-05\nq: \"a b\"\nnone:\n";
        let tree = parse(text).expect("parses");
        let got: Vec<(Option<&str>, &str)> = entries(&tree)
            .iter()
            .map(|(k, v)| (scalar(v), &text[k.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (Some("yes"), "n"),
                (Some("0x1F"), "hex"),
                (Some("14"), "length"),
                (Some("2026-01-05"), "when"),
                (Some("a b"), "q"),
                (None, "none"),
            ]
        );
        assert_eq!(&text[entries(&tree)[4].1.span.clone()], "\"a b\"");
    }

    #[test]
    fn containers_span_their_entries_and_brackets() {
        let text = "a: [x, [y]]\nb:\n  c: 1\n  d: 2\n# end\n";
        let tree = parse(text).expect("parses");
        let spans: Vec<&str> = entries(&tree)
            .iter()
            .map(|(_, v)| &text[v.span.clone()])
            .collect();
        assert_eq!(spans, ["[x, [y]]", "c: 1\n  d: 2"]);
    }

    #[test]
    fn duplicate_keys_are_all_kept_and_aliases_point_at_their_use() {
        let text = "a: &x 1\na: *x\n";
        let tree = parse(text).expect("parses");
        let got: Vec<(&str, Option<&str>)> = entries(&tree)
            .iter()
            .map(|(_, v)| (&text[v.span.clone()], scalar(v)))
            .collect();
        assert_eq!(got, [("1", Some("1")), ("*x", Some("1"))]);
    }

    #[test]
    fn only_broken_yaml_fails() {
        // A config whose every line is commented out is an empty one.
        for empty in ["", "# ruleset: rules.yaml\n", "---\n", "~\n"] {
            assert_eq!(parse(empty).map(|node| node.value), Ok(Value::Null));
        }
        assert!(parse("!tag {a: !other b}\n").is_ok());
        let error = parse("teams:\n  search: [unclosed\n").err();
        assert!(error.is_some());
    }
}
