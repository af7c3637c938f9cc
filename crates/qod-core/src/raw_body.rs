//! A response body kept whole in an error, that never prints whole.

use std::fmt;
use std::ops::Deref;

use crate::error::snippet;

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
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({} bytes: {:?})", self.0.len(), snippet(&self.0))
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
