//! Text from a server, made safe to print.

use std::borrow::Cow;

/// Whether `c` could move a terminal's cursor, clear its screen, forge a
/// line of output or reorder what a reader sees: controls, the line and
/// paragraph separators (U+2028, U+2029, which some terminals and every
/// JSON-aware viewer take for line breaks), direction marks and overrides,
/// and zero-width characters.
fn is_unsafe_to_print(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061c}'
                | '\u{feff}'
        )
}

/// `text` with control characters (ESC, CR, LF, BEL, ...) and invisible
/// direction marks written as escapes (`\u{1b}`, `\r`, `\n`), so that text a
/// server chose cannot clear the screen or forge lines when printed. Text
/// without them comes back as it is, unallocated.
///
/// Every message of qod's errors that quotes a server passes through it.
///
/// ```
/// use qod_core::printable;
/// assert_eq!(printable("plain text"), "plain text");
/// assert_eq!(printable("\u{1b}[2J\rerror: forged\n"), "\\u{1b}[2J\\rerror: forged\\n");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_to_print) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_debug());
        } else if is_unsafe_to_print(c) {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_moves_the_cursor_and_nothing_else() {
        assert!(matches!(printable("héllo, 世界"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{7}b\tc"), "a\\u{7}b\\tc");
        assert_eq!(printable("x\u{202e}y\u{9b}z"), "x\\u{202e}y\\u{9b}z");
        let escaped = printable("\u{1b}]0;title\u{7}\r\n");
        assert!(!escaped.chars().any(is_unsafe_to_print), "{escaped}");
    }

    #[test]
    fn escapes_line_separators_and_invisible_marks() {
        assert_eq!(printable("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
        assert_eq!(
            printable("\u{61c}\u{2060}\u{200d}"),
            "\\u{61c}\\u{2060}\\u{200d}"
        );
    }
}
