//! Text the tool did not write itself — page text, file names, commit
//! messages, the config's team and people names — comes from whoever opened
//! the pull request. A newline in a file name would forge a line of
//! `--format short` or a GitHub workflow command; an escape sequence in a
//! page would recolour or retitle the reader's terminal, `NO_COLOR` or not.
//!
//! So the text formats show such characters escaped ([`visible`]).

use std::borrow::Cow;
use std::fmt::{self, Write as _};

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
}
