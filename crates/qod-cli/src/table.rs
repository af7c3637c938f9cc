//! Tables for people: a header line, then one line per item, columns
//! aligned. Any kind of item that says its columns can be printed.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// An item printed as a table row.
pub trait TableRow {
    /// The column headers.
    const HEADERS: &'static [&'static str];

    /// The cells, one per header. A server's text is fine here: every cell
    /// is escaped before it is printed.
    fn cells(&self) -> Vec<String>;
}

/// What a table shows for a value the server did not send.
pub const NONE: &str = "-";

/// The widest a cell is printed, in terminal columns; longer text is cut
/// with an ellipsis.
const MAX_CELL: usize = 48;

/// Whether `c` can move, reorder or hide the text printed around it: C0
/// and C1 controls, line and paragraph separators, direction controls and
/// zero-width characters.
pub fn moves_or_hides_text(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}' | '\u{200f}' | '\u{061c}'
                | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
        )
}

/// `text` with [`moves_or_hides_text`] characters escaped in the notation
/// of `qod::core::printable`: `\n`, `\u{1b}` for controls, `\u{202e}` for
/// the others.
fn escaped(text: &str) -> Cow<'_, str> {
    if !text.contains(moves_or_hides_text) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_debug());
        } else if moves_or_hides_text(c) {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// How many terminal columns `text` takes (a CJK character takes two).
fn columns(text: &str) -> usize {
    text.width()
}

/// A cell as printed: what can move or hide text escaped (so a server's
/// text can neither move the cursor nor break the columns), empty as
/// [`NONE`], cut at [`MAX_CELL`] columns.
fn printed(cell: &str) -> Cow<'_, str> {
    if cell.is_empty() {
        return Cow::Borrowed(NONE);
    }
    let escaped = escaped(cell);
    if columns(&escaped) <= MAX_CELL {
        return escaped;
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in escaped.chars() {
        let taken = c.width().unwrap_or(0);
        // One column is kept for the ellipsis.
        if used + taken > MAX_CELL - 1 {
            break;
        }
        used += taken;
        cut.push(c);
    }
    cut.push('…');
    Cow::Owned(cut)
}

/// `rows` under their headers, each column as wide as its widest cell (in
/// terminal columns) and two spaces apart, every line ending in a newline.
pub fn render<R: TableRow>(rows: &[R]) -> String {
    let lines: Vec<Vec<String>> =
        std::iter::once(R::HEADERS.iter().map(|h| h.to_string()).collect())
            .chain(rows.iter().map(|row| {
                row.cells()
                    .iter()
                    .map(|cell| printed(cell).into_owned())
                    .collect()
            }))
            .collect();
    let mut widths = vec![0; R::HEADERS.len()];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(columns(cell));
        }
    }
    let mut text = String::new();
    for line in &lines {
        let mut cells = line.iter().zip(&widths).peekable();
        while let Some((cell, width)) = cells.next() {
            text.push_str(cell);
            if cells.peek().is_some() {
                let padding = width.saturating_sub(columns(cell)) + 2;
                text.extend(std::iter::repeat_n(' ', padding));
            }
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pet(&'static str, &'static str);

    impl TableRow for Pet {
        const HEADERS: &'static [&'static str] = &["NAME", "SOUND"];
        fn cells(&self) -> Vec<String> {
            vec![self.0.to_owned(), self.1.to_owned()]
        }
    }

    #[test]
    fn columns_line_up_and_missing_values_show_a_dash() {
        let text = render(&[Pet("cat", "meow"), Pet("hippopotamus", "")]);
        assert_eq!(
            text,
            "NAME          SOUND\ncat           meow\nhippopotamus  -\n"
        );
        assert_eq!(render::<Pet>(&[]), "NAME  SOUND\n");
    }

    #[test]
    fn server_text_cannot_move_the_cursor_or_stretch_the_table() {
        let text = render(&[Pet("\u{1b}[2J\u{202e}x\ny", "")]);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert_eq!(text.lines().count(), 2, "{text}");
        let long = "a".repeat(500);
        let text = render(&[Pet(Box::leak(long.into_boxed_str()), "x")]);
        assert!(text.lines().all(|line| line.chars().count() < 60), "{text}");
        assert!(text.contains('…'));
    }

    #[test]
    fn wide_text_lines_up_by_terminal_columns() {
        let text = render(&[Pet("東京都", "x"), Pet("abcdef", "y")]);
        let lines: Vec<&str> = text.lines().collect();
        // "東京都" takes six columns, as "abcdef" does.
        assert_eq!(lines[1], "東京都  x", "{text}");
        assert_eq!(lines[2], "abcdef  y", "{text}");
        let long = "東".repeat(100);
        let text = render(&[Pet(Box::leak(long.into_boxed_str()), "x")]);
        let cell = text.lines().nth(1).unwrap().split("  ").next().unwrap();
        assert!(columns(cell) <= MAX_CELL, "{cell}");
        assert!(cell.ends_with('…'), "{cell}");
    }

    #[test]
    fn text_that_moves_or_hides_other_text_is_escaped() {
        let sneaky = [
            Pet("a\u{2028}b\u{2029}c\u{200e}d\u{200f}e", ""),
            Pet("\u{61c}f\u{2067}g\u{200b}h\u{200d}i", ""),
            Pet("\u{2060}j\u{feff}k\u{85}l\u{7f}m", ""),
        ];
        let text = render(&sneaky);
        assert!(
            text.lines().all(|line| !line.contains(moves_or_hides_text)),
            "{text:?}"
        );
        let cells: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|line| line.trim_end_matches([' ', '-']))
            .collect();
        assert_eq!(
            cells,
            [
                "a\\u{2028}b\\u{2029}c\\u{200e}d\\u{200f}e",
                "\\u{61c}f\\u{2067}g\\u{200b}h\\u{200d}i",
                "\\u{2060}j\\u{feff}k\\u{85}l\\u{7f}m",
            ],
            "{text}"
        );
        // The escapes are those of qod::core::printable.
        assert_eq!(
            escaped("\u{1b}\n\u{202e}"),
            qod::core::printable("\u{1b}\n\u{202e}")
        );
        assert_eq!(escaped("plain 東京"), "plain 東京");
    }
}
