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
    /// An empty body for a response that announced `content_length`, its
    /// buffer sized by the announcement only up to the limit (the
    /// announcement is the server's word, not a fact).
    ///
    /// A body announced over the limit is still read up to the limit before
    /// it is refused: after a create, its start may name the session made.
    pub(crate) fn new(limit: usize, content_length: Option<u64>) -> Self {
        let announced = content_length.map(|length| usize::try_from(length).unwrap_or(usize::MAX));
        LimitedBody {
            limit,
            bytes: Vec::with_capacity(announced.unwrap_or(0).min(limit)),
        }
    }

    /// Appends `chunk`; when it would take the body past the limit, appends
    /// only what fits and refuses the rest.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), OverLimit> {
        let room = self.limit - self.bytes.len();
        if chunk.len() > room {
            self.bytes.extend_from_slice(&chunk[..room]);
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
        let mut body = LimitedBody::new(10, None);
        body.push(b"12345").unwrap();
        body.push(b"").unwrap();
        body.push(b"67890").unwrap();
        assert_eq!(body.into_bytes(), b"1234567890");
    }

    #[test]
    fn one_byte_over_is_refused_and_the_buffer_stops_at_the_limit() {
        let mut body = LimitedBody::new(10, None);
        body.push(b"123456").unwrap();
        assert_eq!(body.push(b"78901"), Err(OverLimit));
        assert_eq!(body.bytes, b"1234567890", "what fits is kept");
        assert!(body.bytes.capacity() < 32);
    }

    #[test]
    fn an_announced_length_over_the_limit_never_sizes_the_buffer_past_it() {
        for announced in [11, 100 * 1024 * 1024, u64::MAX] {
            let mut body = LimitedBody::new(10, Some(announced));
            assert!(body.bytes.capacity() <= 10);
            assert_eq!(body.push(&[b'x'; 64]), Err(OverLimit));
            assert_eq!(body.bytes.len(), 10);
        }
    }

    #[test]
    fn the_announced_length_sizes_the_buffer_only_within_the_limit() {
        let body = LimitedBody::new(1024, Some(100));
        assert!(body.bytes.capacity() >= 100 && body.bytes.capacity() <= 1024);
        let body = LimitedBody::new(1024, None);
        assert_eq!(body.bytes.capacity(), 0);
    }

    #[test]
    fn a_body_that_outgrows_its_announced_length_is_still_held_to_the_limit() {
        let mut body = LimitedBody::new(8, Some(2));
        body.push(b"12345678").unwrap();
        assert_eq!(body.push(b"9"), Err(OverLimit));
    }

    #[test]
    fn a_zero_limit_accepts_only_an_empty_body() {
        let mut body = LimitedBody::new(0, Some(0));
        body.push(b"").unwrap();
        assert_eq!(body.push(b"x"), Err(OverLimit));
    }
}
