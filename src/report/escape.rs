//! Text the tool did not write itself — page text, file names, commit
//! messages, the config's team and people names — comes from whoever opened
//! the pull request. A newline in a file name would forge a line of
//! `--format short` or a GitHub workflow command; an escape sequence in a
//! page would recolour or retitle the reader's terminal, `NO_COLOR` or not.
//!
//! So every text format shows such characters escaped ([`visible`]), and
//! the JSON formats keep every string exact but write those characters as
//! `\uXXXX` escapes ([`json_text`]): serde_json escapes C0 itself, not DEL
//! or C1, which some terminals still obey when the JSON is printed.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Characters no report shows raw: C0 (tab and newline too: a report's own
/// line breaks are its own), DEL, C1, and the bidirectional overrides and
/// isolates that reorder what a reviewer reads ("Trojan Source"), and the
/// Unicode line and paragraph separators some viewers break lines at.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// `text` with every [`is_hidden`] character written visibly: `\n`, `\t`,
/// `\r`, else `\u{1b}`. Borrowed when there is none, as in almost every
/// string.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c`, escaped if it is hidden.
pub(crate) fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if is_hidden(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// [`visible`] as a `Display`, for `format!` arguments.
pub(crate) struct Visible<'a>(pub &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(self.0))
    }
}

/// Pretty JSON, as `serde_json::to_string_pretty` writes it, with a
/// newline after it, except that DEL, C1 and the other [`is_hidden`]
/// characters serde_json leaves raw are written as `\uXXXX`: the same
/// strings to a JSON reader, nothing a terminal obeys.
pub(crate) fn json_text<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut bytes = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, Escaping(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    bytes.push(b'\n');
    // serde_json writes UTF-8 and the escapes are ASCII.
    String::from_utf8(bytes).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// A pretty formatter that also escapes the hidden characters serde_json
/// passes through.
struct Escaping<'a>(PrettyFormatter<'a>);

impl Formatter for Escaping<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Printable ASCII, as almost every string is: nothing hidden, and
        // a check of bytes is cheaper than decoding characters.
        if fragment.bytes().all(|byte| (b' '..0x7f).contains(&byte)) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if is_hidden(c) {
                writer.write_all(&fragment.as_bytes()[start..index])?;
                // Every hidden character is in the BMP: one `\uXXXX`.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = index + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// Text for an XML attribute or element. Every string is passed through
/// [`visible`] first; what this drops is only what XML 1.0 cannot hold at
/// all, should anything reach it raw.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters, nor these two.
            c if (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped_and_others_kept() {
        assert_eq!(visible("plain é ✓"), "plain é ✓");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(
            visible("a\nb\tc\rd\u{1b}]0;x\u{7}\u{7f}\u{9b}\u{202e}"),
            "a\\nb\\tc\\rd\\u{1b}]0;x\\u{7}\\u{7f}\\u{9b}\\u{202e}"
        );
    }

    #[test]
    fn json_keeps_strings_exact_and_escapes_what_serde_json_leaves_raw() {
        let value = serde_json::json!({ "s": "a\u{1b}[31m\u{7f}\u{9b}\u{202e}é\n" });
        let text = json_text(&value).unwrap_or_default();
        assert!(!text.chars().any(|c| is_hidden(c) && c != '\n'), "{text}");
        assert_eq!(
            text,
            "{\n  \"s\": \"a\\u001b[31m\\u007f\\u009b\\u202eé\\n\"\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
        let plain = serde_json::json!({ "a": [1, { "b": null }], "c": "d" });
        assert_eq!(
            json_text(&plain).unwrap_or_default(),
            format!(
                "{}\n",
                serde_json::to_string_pretty(&plain).unwrap_or_default()
            )
        );
    }
}
