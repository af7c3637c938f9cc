//! A response body kept whole in an error, that never prints whole.

use std::fmt;
use std::ops::Deref;

use qod_models::redact_secrets_in_text;

use crate::printable;

/// How much of a body a message quotes.
const SNIPPET_LEN: usize = 200;

/// The raw bytes of a response body, kept in errors so that nothing the
/// server said is lost.
///
/// Its `Debug` shows the length and the start as text with secrets redacted,
/// never the bytes themselves: a body can echo a token the caller sent
/// (a webhook's `notificationAuthToken`, a sink's access token), and a list
/// of byte values would print it in another form. Read the bytes with
/// [`RawBody::as_bytes`] or through `Deref<Target = [u8]>`.
///
/// ```
/// use qod_core::RawBody;
/// let body = RawBody::from(br#"{"webhook":{"notificationAuthToken":"c8974e592c2fa383d4a3"}}"#.to_vec());
/// assert!(body.starts_with(b"{"));
/// assert!(!format!("{body:?}").contains("c8974e592c2fa383d4a3"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct RawBody(Vec<u8>);

impl RawBody {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, consuming `self`.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }

    /// The start of the body as text, for messages: secrets redacted and
    /// what could drive a terminal escaped. An empty body or one that is not
    /// UTF-8 text says so, so that a message is never cut short.
    ///
    /// ```
    /// use qod_core::RawBody;
    /// assert_eq!(RawBody::from(Vec::new()).snippet(), "empty body");
    /// assert_eq!(RawBody::from(vec![0xff, 0xfe]).snippet(), "2 bytes, not UTF-8 text");
    /// assert_eq!(RawBody::from(b"<h1>down\x1b[2J</h1>".to_vec()).snippet(), "<h1>down\\u{1b}[2J</h1>");
    /// ```
    pub fn snippet(&self) -> String {
        let Some(head) = self.head_text() else {
            return format!("{} bytes, not UTF-8 text", self.0.len());
        };
        if self.0.is_empty() {
            return "empty body".to_owned();
        }
        let mut text = printable(&redact_secrets_in_text(head)).into_owned();
        if self.0.len() > head.len() {
            text.push('…');
        }
        text
    }

    /// The body for a message in parentheses or after a colon: `empty body`,
    /// `N bytes, not UTF-8 text`, or `body: ` and [`RawBody::snippet`].
    pub fn describe(&self) -> String {
        match self.head_text() {
            Some(_) if self.0.is_empty() => "empty body".to_owned(),
            Some(_) => format!("body: {}", self.snippet()),
            None => self.snippet(),
        }
    }

    /// The first bytes of the body as text (shorter when the cut split a
    /// character), or `None` when they are not UTF-8.
    fn head_text(&self) -> Option<&str> {
        let head = &self.0[..self.0.len().min(SNIPPET_LEN)];
        match std::str::from_utf8(head) {
            Ok(text) => Some(text),
            // Only a character cut by the end of the head: the text before it.
            Err(error) if error.error_len().is_none() => {
                std::str::from_utf8(&head[..error.valid_up_to()]).ok()
            }
            Err(_) => None,
        }
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({} bytes: {:?})", self.0.len(), self.snippet())
    }
}

impl Deref for RawBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for RawBody {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for RawBody {
    fn from(bytes: Vec<u8>) -> Self {
        RawBody(bytes)
    }
}

impl From<RawBody> for Vec<u8> {
    fn from(body: RawBody) -> Self {
        body.0
    }
}

impl PartialEq<[u8]> for RawBody {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl PartialEq<&[u8]> for RawBody {
    fn eq(&self, other: &&[u8]) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Vec<u8>> for RawBody {
    fn eq(&self, other: &Vec<u8>) -> bool {
        &self.0 == other
    }
}
