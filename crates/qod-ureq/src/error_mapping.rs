//! How far a request got when ureq failed.

use std::io::ErrorKind;

use qod_core::{Delivery, TransportError};
use ureq::{Error, Timeout};

/// Whether an I/O error happened before any request byte could leave.
fn io_not_sent(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::AddrNotAvailable
    ) || error.to_string().contains("failed to lookup address")
}

/// Maps a ureq error to how far the request got.
pub(crate) fn delivery(error: &Error) -> Delivery {
    match error {
        Error::HostNotFound | Error::ConnectionFailed | Error::ConnectProxyFailed(_) => {
            Delivery::NotSent
        }
        Error::Timeout(Timeout::Resolve | Timeout::Connect) => Delivery::NotSent,
        Error::Io(io) if io_not_sent(io) => Delivery::NotSent,
        Error::Rustls(_) => Delivery::NotSent,
        Error::BadUri(_)
        | Error::Http(_)
        | Error::InvalidProxyUrl
        | Error::RequireHttpsOnly(_)
        | Error::BodyExceedsLimit(_)
        | Error::Pem(_)
        | Error::Tls(_) => Delivery::Fatal,
        _ => Delivery::MaybeSent,
    }
}

/// A [`TransportError`] for a ureq failure.
pub(crate) fn transport_error(error: Error, body_limit: u64) -> TransportError {
    let delivery = delivery(&error);
    let message = match &error {
        Error::BodyExceedsLimit(_) => {
            format!("the response body is larger than the {body_limit}-byte limit")
        }
        Error::Timeout(which) => format!("timed out ({which:?})"),
        _ => "HTTP transport failed".to_owned(),
    };
    TransportError::with_source(delivery, message, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let refused = Error::Io(std::io::Error::from(ErrorKind::ConnectionRefused));
        assert_eq!(delivery(&refused), Delivery::NotSent);
        assert_eq!(
            delivery(&Error::Timeout(Timeout::Connect)),
            Delivery::NotSent
        );
        assert_eq!(
            delivery(&Error::Timeout(Timeout::Global)),
            Delivery::MaybeSent
        );
        assert_eq!(
            delivery(&Error::Timeout(Timeout::RecvResponse)),
            Delivery::MaybeSent
        );
        let reset = Error::Io(std::io::Error::from(ErrorKind::ConnectionReset));
        assert_eq!(delivery(&reset), Delivery::MaybeSent);
        assert_eq!(delivery(&Error::BodyExceedsLimit(10)), Delivery::Fatal);
        assert_eq!(delivery(&Error::BadUri("x".into())), Delivery::Fatal);
        let message = transport_error(Error::BodyExceedsLimit(11), 10).to_string();
        assert!(message.contains("10-byte limit"), "{message}");
    }
}
