//! What a ureq failure says about itself, read into [`Symptoms`]; which
//! [`qod_core::Delivery`] that makes is [`Symptoms::delivery`]'s decision.

use std::io::ErrorKind;

#[cfg(test)]
use qod_core::Delivery;
use qod_core::TransportError;
use qod_core::transport::Symptoms;
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
        Error::Io(io) => qod_core::transport::causes(io).find_map(|c| c.downcast_ref()),
        _ => None,
    }
}

/// Whether the server's certificate was refused, by the core's lists.
fn is_certificate_refused(error: &Error) -> bool {
    #[cfg(feature = "rustls")]
    if let Some(tls) = rustls_error(error) {
        return qod_core::transport::is_rustls_certificate_refusal(&format!("{tls:?}"));
    }
    #[cfg(feature = "native-tls")]
    if let Error::NativeTls(tls) = error {
        return qod_core::transport::is_native_tls_certificate_refusal(&tls.to_string());
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

/// Whether `error` itself shows it came before any request byte could
/// leave, wherever it happened.
fn before_sending(error: &Error) -> bool {
    match error {
        Error::HostNotFound
        | Error::ConnectionFailed
        | Error::ConnectProxyFailed(_)
        | Error::Timeout(Timeout::Resolve | Timeout::Connect) => true,
        Error::Io(io) => io_not_sent(io),
        #[cfg(feature = "rustls")]
        Error::Rustls(_) => true,
        #[cfg(feature = "native-tls")]
        Error::NativeTls(_) => true,
        _ => false,
    }
}

/// Whether `error` says the request cannot go as it is, or not with this
/// TLS configuration.
fn unusable(error: &Error) -> bool {
    match error {
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        Error::Pem(_) => true,
        #[cfg(feature = "native-tls")]
        Error::Der(_) => true,
        Error::BadUri(_)
        | Error::Http(_)
        | Error::InvalidProxyUrl
        | Error::RequireHttpsOnly(_)
        | Error::Tls(_)
        | Error::TlsRequired => true,
        _ => false,
    }
}

/// The symptoms of `error`; `connecting` when it happened while a
/// connection was being made.
fn symptoms(error: &Error, connecting: bool) -> Symptoms {
    let mut symptoms = Symptoms::default();
    symptoms.unusable_request = unusable(error);
    symptoms.certificate_refused = is_certificate_refused(error);
    symptoms.connecting = connecting || before_sending(error);
    symptoms.timed_out = matches!(error, Error::Timeout(_));
    symptoms.body_over_limit = matches!(error, Error::BodyExceedsLimit(_));
    symptoms
}

/// How far the request got, for a failure outside the connect phase.
#[cfg(test)]
fn delivery(error: &Error) -> Delivery {
    symptoms(error, false).delivery()
}

/// A [`TransportError`] for a ureq failure: what failed in the message, the
/// ureq error as the source when it adds anything.
pub(crate) fn transport_error(error: Error, body_limit: u64) -> TransportError {
    let (error, connecting) = match error {
        Error::Other(other) => match other.downcast::<ConnectFailed>() {
            Ok(connect) => (connect.0, true),
            Err(other) => (Error::Other(other), false),
        },
        error => (error, false),
    };
    let symptoms = symptoms(&error, connecting);
    let delivery = symptoms.delivery();
    if symptoms.certificate_refused {
        return TransportError::with_source(
            delivery,
            "the server's TLS certificate was refused; the request was not sent",
            error,
        );
    }
    match error {
        // ureq's own message names the limit plus the one byte asked for.
        Error::BodyExceedsLimit(_) => TransportError::new(
            delivery,
            format!("the response body is larger than the {body_limit}-byte limit"),
        ),
        Error::Timeout(which) if connecting => {
            TransportError::new(delivery, format!("timed out while connecting ({which})"))
        }
        Error::Timeout(which) => TransportError::new(delivery, format!("timed out ({which})")),
        Error::HostNotFound => TransportError::new(delivery, "host not found"),
        other if connecting && is_tls_failure(&other) => {
            TransportError::with_source(delivery, "TLS handshake failed", other)
        }
        other if connecting => TransportError::with_source(delivery, "cannot connect", other),
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

    /// The same rustls errors, with the same verdicts, as qod-reqwest's
    /// `error_mapping` tests: both transports read core's one list.
    #[cfg(feature = "rustls")]
    #[test]
    fn rustls_refusals_are_the_core_list_as_in_qod_reqwest() {
        use rustls::{CertRevocationListError, CertificateError, Error as TlsError};
        let refused = [
            TlsError::InvalidCertificate(CertificateError::UnknownIssuer),
            TlsError::InvalidCertificate(CertificateError::Expired),
            TlsError::InvalidCertificate(CertificateError::NotValidForName),
            TlsError::InvalidCertRevocationList(CertRevocationListError::BadSignature),
            TlsError::NoCertificatesPresented,
            TlsError::UnsupportedNameType,
        ];
        let not_refused = [
            TlsError::AlertReceived(rustls::AlertDescription::HandshakeFailure),
            TlsError::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            TlsError::NoApplicationProtocol,
        ];
        let verdict = |error: &TlsError| {
            let io = std::io::Error::new(ErrorKind::InvalidData, error.clone());
            let wrapped = connect_failure(Error::Io(io)).delivery();
            assert_eq!(
                connect_failure(Error::Rustls(error.clone())).delivery(),
                wrapped
            );
            wrapped
        };
        for error in &refused {
            assert_eq!(verdict(error), Delivery::Fatal, "{error:?}");
        }
        for error in &not_refused {
            assert_eq!(verdict(error), Delivery::NotSent, "{error:?}");
        }
        // Every name on core's list is a variant rustls still has.
        for name in qod_core::transport::RUSTLS_CERTIFICATE_REFUSALS {
            let named = |e: &TlsError| format!("{e:?}").starts_with(name);
            assert!(refused.iter().any(named), "{name}");
        }
    }
}
