//! How far a request got when ureq failed, by the rules of
//! [`qod_core::Delivery`].

use std::io::ErrorKind;

use qod_core::{Delivery, TransportError};
use ureq::{Error, Timeout};

use crate::connect_phase::ConnectFailed;

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

/// The rustls error inside `error`, if any: ureq hands handshake failures
/// over as I/O errors that wrap it.
#[cfg(feature = "rustls")]
fn rustls_error(error: &Error) -> Option<&rustls::Error> {
    match error {
        Error::Rustls(tls) => Some(tls),
        Error::Io(io) => io.get_ref()?.downcast_ref::<rustls::Error>(),
        _ => None,
    }
}

/// Whether the server's certificate was refused: that will not heal by
/// trying again.
fn is_certificate_refused(error: &Error) -> bool {
    #[cfg(feature = "rustls")]
    if let Some(tls) = rustls_error(error) {
        return matches!(
            tls,
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::UnsupportedNameType
                | rustls::Error::InvalidCertRevocationList(_)
        );
    }
    // Native TLS libraries say it only in words, as qod-reqwest reads them.
    #[cfg(feature = "native-tls")]
    if let Error::NativeTls(tls) = error {
        return tls.to_string().to_lowercase().contains("certificate");
    }
    let _ = error;
    false
}

/// Whether TLS failed (rather than TCP).
fn is_tls_failure(error: &Error) -> bool {
    #[cfg(feature = "rustls")]
    if rustls_error(error).is_some() {
        return true;
    }
    #[cfg(feature = "native-tls")]
    if matches!(error, Error::NativeTls(_)) {
        return true;
    }
    matches!(error, Error::Tls(_))
}

/// How far the request got, for a failure outside the connect phase.
pub(crate) fn delivery(error: &Error) -> Delivery {
    match error {
        Error::HostNotFound | Error::ConnectionFailed | Error::ConnectProxyFailed(_) => {
            Delivery::NotSent
        }
        Error::Timeout(Timeout::Resolve | Timeout::Connect) => Delivery::NotSent,
        Error::Io(io) if io_not_sent(io) => Delivery::NotSent,
        #[cfg(feature = "rustls")]
        Error::Rustls(_) => Delivery::NotSent,
        #[cfg(feature = "native-tls")]
        Error::NativeTls(_) => Delivery::NotSent,
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        Error::Pem(_) => Delivery::Fatal,
        #[cfg(feature = "native-tls")]
        Error::Der(_) => Delivery::Fatal,
        Error::BadUri(_)
        | Error::Http(_)
        | Error::InvalidProxyUrl
        | Error::RequireHttpsOnly(_)
        | Error::BodyExceedsLimit(_)
        | Error::Tls(_)
        | Error::TlsRequired => Delivery::Fatal,
        _ => Delivery::MaybeSent,
    }
}

/// A failure while connecting: not sent, and fatal when retrying cannot help.
fn connect_error(error: Error) -> TransportError {
    if is_certificate_refused(&error) {
        return TransportError::with_source(
            Delivery::Fatal,
            "the server's TLS certificate was refused; the request was not sent",
            error,
        );
    }
    let delivery = match delivery(&error) {
        Delivery::Fatal => Delivery::Fatal,
        _ => Delivery::NotSent,
    };
    match error {
        Error::Timeout(which) => {
            TransportError::new(delivery, format!("timed out while connecting ({which})"))
        }
        Error::HostNotFound => TransportError::new(delivery, "host not found"),
        other if is_tls_failure(&other) => {
            TransportError::with_source(delivery, "TLS handshake failed", other)
        }
        other => TransportError::with_source(delivery, "cannot connect", other),
    }
}

/// A [`TransportError`] for a ureq failure: what failed in the message, the
/// ureq error as the source when it adds anything.
pub(crate) fn transport_error(error: Error, body_limit: u64) -> TransportError {
    let error = match error {
        Error::Other(other) => match other.downcast::<ConnectFailed>() {
            Ok(connect) => return connect_error(connect.0),
            Err(other) => Error::Other(other),
        },
        error => error,
    };
    let delivery = delivery(&error);
    match error {
        // ureq's own message names the limit plus the one byte asked for.
        Error::BodyExceedsLimit(_) => TransportError::new(
            delivery,
            format!("the response body is larger than the {body_limit}-byte limit"),
        ),
        Error::Timeout(which) => TransportError::new(delivery, format!("timed out ({which})")),
        Error::HostNotFound => TransportError::new(delivery, "host not found"),
        other => TransportError::with_source(delivery, "HTTP exchange failed", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_failure(error: Error) -> TransportError {
        transport_error(Error::Other(Box::new(ConnectFailed(error))), 10)
    }

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
        assert_eq!(
            message,
            "the response body is larger than the 10-byte limit"
        );
    }

    #[test]
    fn anything_while_connecting_was_not_sent() {
        // A reset or an end of stream during the TLS handshake: ambiguous by
        // kind, but no byte of the request was written yet.
        for kind in [
            ErrorKind::ConnectionReset,
            ErrorKind::UnexpectedEof,
            ErrorKind::InvalidData,
        ] {
            let error = connect_failure(Error::Io(std::io::Error::from(kind)));
            assert_eq!(error.delivery(), Delivery::NotSent, "{kind:?}");
        }
        let timeout = connect_failure(Error::Timeout(Timeout::Global));
        assert_eq!(timeout.delivery(), Delivery::NotSent);
        assert_eq!(timeout.to_string(), "timed out while connecting (global)");
        assert_eq!(
            connect_failure(Error::Tls("bad name")).delivery(),
            Delivery::Fatal
        );
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn a_refused_certificate_is_fatal_and_a_failed_handshake_is_not_sent() {
        let certificate =
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(ErrorKind::InvalidData, certificate);
        let error = connect_failure(Error::Io(io));
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("not sent"), "{error}");
        let corrupt = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let io = std::io::Error::new(ErrorKind::InvalidData, corrupt);
        let error = connect_failure(Error::Io(io));
        assert_eq!(error.delivery(), Delivery::NotSent);
        assert_eq!(error.to_string(), "TLS handshake failed");
        // The same rustls error after the handshake may follow a sent request.
        let corrupt = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let io = std::io::Error::new(ErrorKind::InvalidData, corrupt);
        assert_eq!(
            transport_error(Error::Io(io), 10).delivery(),
            Delivery::MaybeSent
        );
    }
}
