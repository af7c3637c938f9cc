//! Tables for people: a header line, then one line per item, columns
//! aligned. Any kind of item that says its columns can be printed.

use std::borrow::Cow;

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

/// The widest a cell is printed; longer text is cut with an ellipsis.
const MAX_CELL: usize = 48;

/// A cell as printed: control characters and invisible marks escaped (so a
/// server's text can neither move the cursor nor break the columns), empty
/// as [`NONE`], cut at [`MAX_CELL`] characters.
fn printed(cell: &str) -> Cow<'_, str> {
    if cell.is_empty() {
        return Cow::Borrowed(NONE);
    }
    let escaped = qod::core::printable(cell);
    if escaped.chars().count() <= MAX_CELL {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(MAX_CELL - 1).collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// `rows` under their headers, each column as wide as its widest cell and
/// two spaces apart, every line ending in a newline.
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
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for line in &lines {
        let mut cells = line.iter().zip(&widths).peekable();
        while let Some((cell, width)) = cells.next() {
            text.push_str(cell);
            if cells.peek().is_some() {
                let padding = width - cell.chars().count() + 2;
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
}
