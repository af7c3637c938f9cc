//! A response body collected chunk by chunk, never past its limit.

/// The body was larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverLimit;

/// Collects a body of at most `limit` bytes.
#[derive(Debug)]
pub(crate) struct LimitedBody {
    limit: usize,
    bytes: Vec<u8>,
}

impl LimitedBody {
    /// An empty body for a response that announced `content_length`: refused
    /// at once when that is over the limit, and the buffer sized by the
    /// announcement only up to the limit (the announcement is the server's
    /// word, not a fact).
    pub(crate) fn new(limit: usize, content_length: Option<u64>) -> Result<Self, OverLimit> {
        let announced = content_length.map(|length| usize::try_from(length).unwrap_or(usize::MAX));
        if announced.is_some_and(|length| length > limit) {
            return Err(OverLimit);
        }
        Ok(LimitedBody {
            limit,
            bytes: Vec::with_capacity(announced.unwrap_or(0)),
        })
    }

    /// Appends `chunk`, or refuses it without copying when it would take the
    /// body past the limit.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), OverLimit> {
        if chunk.len() > self.limit - self.bytes.len() {
            return Err(OverLimit);
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The body.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_body_of_exactly_the_limit_is_accepted() {
        let mut body = LimitedBody::new(10, None).unwrap();
        body.push(b"12345").unwrap();
        body.push(b"").unwrap();
        body.push(b"67890").unwrap();
        assert_eq!(body.into_bytes(), b"1234567890");
    }

    #[test]
    fn one_byte_over_is_refused_without_growing_the_buffer() {
        let mut body = LimitedBody::new(10, None).unwrap();
        body.push(b"123456").unwrap();
        assert_eq!(body.push(b"78901"), Err(OverLimit));
        assert_eq!(body.bytes.len(), 6, "the refused chunk was not copied");
        assert!(body.bytes.capacity() < 16);
    }

    #[test]
    fn an_announced_length_over_the_limit_is_refused_before_reading() {
        assert_eq!(LimitedBody::new(10, Some(11)).unwrap_err(), OverLimit);
        assert_eq!(
            LimitedBody::new(1024 * 1024, Some(100 * 1024 * 1024)).unwrap_err(),
            OverLimit
        );
        assert_eq!(LimitedBody::new(10, Some(u64::MAX)).unwrap_err(), OverLimit);
    }

    #[test]
    fn the_announced_length_sizes_the_buffer_only_within_the_limit() {
        let body = LimitedBody::new(1024, Some(100)).unwrap();
        assert!(body.bytes.capacity() >= 100 && body.bytes.capacity() <= 1024);
        let body = LimitedBody::new(1024, None).unwrap();
        assert_eq!(body.bytes.capacity(), 0);
    }

    #[test]
    fn a_body_that_outgrows_its_announced_length_is_still_held_to_the_limit() {
        let mut body = LimitedBody::new(8, Some(2)).unwrap();
        body.push(b"12345678").unwrap();
        assert_eq!(body.push(b"9"), Err(OverLimit));
    }

    #[test]
    fn a_zero_limit_accepts_only_an_empty_body() {
        let mut body = LimitedBody::new(0, Some(0)).unwrap();
        body.push(b"").unwrap();
        assert_eq!(body.push(b"x"), Err(OverLimit));
    }
}
