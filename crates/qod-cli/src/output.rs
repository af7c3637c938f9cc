//! How results reach stdout: JSON as the API sends it, or a table with one
//! row per item; JSON unless stdout is a terminal or a table is asked for.

use std::io::IsTerminal;

use qod::models::redact_secrets;
use serde::Serialize;

use crate::failure::Failure;
use crate::global_options::{OutputFormat, OutputOptions};
use crate::stdio;
use crate::table::{TableRow, moves_or_hides_text, render};

/// Where and how results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    format: OutputFormat,
    show_secrets: bool,
    terminal: bool,
}

impl Output {
    /// As the options say; without `--output`, a table on a terminal and
    /// JSON otherwise, so that scripts keep getting JSON.
    pub fn new(options: &OutputOptions) -> Self {
        let terminal = std::io::stdout().is_terminal();
        let default = if terminal {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        };
        Output {
            format: options.output.unwrap_or(default),
            show_secrets: options.show_secrets,
            terminal,
        }
    }

    /// Prints one item: a JSON object, or a table of one row.
    pub fn one<T: Serialize + TableRow>(&self, item: &T) -> Result<(), Failure> {
        match self.format {
            OutputFormat::Json => self.json(item),
            OutputFormat::Table => write_stdout(&render(std::slice::from_ref(item))),
        }
    }

    /// Prints a list: a JSON array, or a table with a row per item.
    pub fn all<T: Serialize + TableRow>(&self, items: &[T]) -> Result<(), Failure> {
        match self.format {
            OutputFormat::Json => self.json(&items),
            OutputFormat::Table => write_stdout(&render(items)),
        }
    }

    /// Writes `value` as JSON: pretty on a terminal, one line otherwise,
    /// with the secrets a server echoed redacted unless asked.
    fn json<T: Serialize>(&self, value: &T) -> Result<(), Failure> {
        let encode_failed =
            |e: serde_json::Error| Failure::Other(format!("cannot encode the output: {e}"));
        let mut value = serde_json::to_value(value).map_err(encode_failed)?;
        if !self.show_secrets {
            redact_secrets(&mut value);
        }
        let text = if self.terminal {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .map_err(encode_failed)?;
        write_stdout(&(escape_invisible_marks(text) + "\n"))
    }
}

/// Writes `text` to stdout; see [`crate::stdio`] for what a failure means.
pub fn write_stdout(text: &str) -> Result<(), Failure> {
    stdio::to_stdout(text.as_bytes()).map_err(Failure::output)
}

/// `json` with the characters that can move or hide text (see
/// [`moves_or_hides_text`]) a server may put in its strings written as
/// `\uXXXX` escapes, so that they cannot reorder what a terminal shows
/// (serde_json escapes only C0 controls). Outside strings JSON is ASCII,
/// so the text stays valid JSON.
fn escape_invisible_marks(json: String) -> String {
    let invisible = moves_or_hides_text;
    if !json.contains(invisible) {
        return json;
    }
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if invisible(c) {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_marks_in_json_are_escaped_and_it_stays_json() {
        let value = serde_json::json!({"status": "A\u{202e}B\u{1b}"});
        let text = escape_invisible_marks(serde_json::to_string(&value).unwrap());
        assert_eq!(text, r#"{"status":"A\u202eB\u001b"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        // serde_json leaves C1 controls, line separators and zero-width marks raw.
        let value = serde_json::json!({"s": "a\u{9b}b\u{2028}c\u{61c}d\u{2060}e\u{7f}"});
        let text = escape_invisible_marks(serde_json::to_string(&value).unwrap());
        assert_eq!(text, r#"{"s":"a\u009bb\u2028c\u061cd\u2060e\u007f"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
