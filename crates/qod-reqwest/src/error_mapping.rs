//! How far a request got when reqwest failed: the rules are in the crate
//! documentation, and `delivery` is their one implementation.

use std::error::Error as StdError;

use qod_core::{Delivery, TransportError};

/// How deep a chain of causes is followed.
const MAX_CAUSES: usize = 32;

/// What a failure says about itself, read from reqwest's error and its causes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Symptoms {
    /// The request could not be built or sent as it is (bad URL, scheme, header).
    pub(crate) unusable_request: bool,
    /// The server's certificate was refused.
    pub(crate) certificate_refused: bool,
    /// It happened while connecting (DNS, TCP, proxy tunnel, TLS handshake).
    pub(crate) connecting: bool,
    /// A timeout fired.
    pub(crate) timed_out: bool,
}

impl Symptoms {
    /// The symptoms of `error`.
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        Symptoms {
            unusable_request: error.is_builder(),
            certificate_refused: certificate_refused(error),
            connecting: error.is_connect(),
            timed_out: error.is_timeout(),
        }
    }
}

/// How far the request got: the classification table of the crate docs.
pub(crate) fn delivery(symptoms: Symptoms) -> Delivery {
    if symptoms.unusable_request || symptoms.certificate_refused {
        Delivery::Fatal
    } else if symptoms.connecting {
        Delivery::NotSent
    } else {
        Delivery::MaybeSent
    }
}

/// A [`TransportError`] for a reqwest failure. The URL is left out of the
/// message: a caller's URL may carry credentials in its user info.
pub(crate) fn transport_error(error: reqwest::Error) -> TransportError {
    let symptoms = Symptoms::of(&error);
    let what = match symptoms {
        Symptoms {
            certificate_refused: true,
            ..
        } => "the server's TLS certificate was refused",
        Symptoms {
            unusable_request: true,
            ..
        } => "the request cannot be sent",
        Symptoms {
            connecting: true,
            timed_out: true,
            ..
        } => "timed out connecting",
        Symptoms {
            connecting: true, ..
        } => "cannot connect",
        Symptoms {
            timed_out: true, ..
        } => "timed out",
        _ => "HTTP transport failed",
    };
    let error = error.without_url();
    let message = match causes(&error).last() {
        Some(root) if !std::ptr::addr_eq(root, &error) => format!("{what}: {root}"),
        _ => what.to_owned(),
    };
    TransportError::with_source(delivery(symptoms), message, error)
}

/// The error for a body over `limit` bytes.
pub(crate) fn body_over_limit(limit: usize) -> TransportError {
    TransportError::new(
        Delivery::Fatal,
        format!("the response body is larger than the {limit}-byte limit"),
    )
}

/// `error` and every cause under it, including the error an `io::Error`
/// wraps (whose `source()` skips straight to that error's own source).
fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&cause| {
        match cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
            None => cause.source(),
        }
    })
    .take(MAX_CAUSES)
}

/// Whether a TLS library refused the server's certificate somewhere in
/// `error`'s causes.
fn certificate_refused(error: &(dyn StdError + 'static)) -> bool {
    causes(error).any(is_certificate_refusal)
}

#[allow(unused_variables)] // without a TLS feature nothing can refuse a certificate
fn is_certificate_refusal(cause: &(dyn StdError + 'static)) -> bool {
    #[cfg(feature = "rustls")]
    if let Some(error) = cause.downcast_ref::<rustls::Error>() {
        return matches!(
            error,
            rustls::Error::InvalidCertificate(_) | rustls::Error::InvalidCertRevocationList(_)
        );
    }
    // Native TLS libraries say it only in words.
    #[cfg(feature = "native-tls")]
    if let Some(error) = cause.downcast_ref::<native_tls::Error>() {
        return error.to_string().to_lowercase().contains("certificate");
    }
    false
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    fn symptoms(connecting: bool, timed_out: bool) -> Symptoms {
        Symptoms {
            connecting,
            timed_out,
            ..Symptoms::default()
        }
    }

    #[test]
    fn connect_phase_failures_are_not_sent() {
        assert_eq!(delivery(symptoms(true, false)), Delivery::NotSent);
        assert_eq!(
            delivery(symptoms(true, true)),
            Delivery::NotSent,
            "connect timeout"
        );
    }

    #[test]
    fn failures_after_connecting_may_have_been_sent() {
        assert_eq!(
            delivery(symptoms(false, true)),
            Delivery::MaybeSent,
            "timeout"
        );
        assert_eq!(
            delivery(symptoms(false, false)),
            Delivery::MaybeSent,
            "reset"
        );
    }

    #[test]
    fn refused_certificates_and_unusable_requests_are_fatal_even_while_connecting() {
        for connecting in [false, true] {
            let refused = Symptoms {
                certificate_refused: true,
                ..symptoms(connecting, false)
            };
            assert_eq!(delivery(refused), Delivery::Fatal);
            let unusable = Symptoms {
                unusable_request: true,
                ..symptoms(connecting, false)
            };
            assert_eq!(delivery(unusable), Delivery::Fatal);
        }
    }

    #[test]
    fn the_body_limit_error_is_fatal_and_names_the_limit() {
        let error = body_over_limit(1024);
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("1024-byte limit"), "{error}");
    }

    /// An error that names its cause, as hyper and reqwest errors do.
    #[derive(Debug)]
    struct Layer(Box<dyn StdError + Send + Sync>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("layer")
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&*self.0)
        }
    }

    #[test]
    fn causes_look_inside_io_errors() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let chain = Layer(Box::new(io::Error::new(
            io::ErrorKind::InvalidData,
            Layer(Box::new(refused)),
        )));
        let texts: Vec<String> = causes(&chain).map(ToString::to_string).collect();
        assert_eq!(
            texts,
            ["layer", "layer", "layer", "connection refused"],
            "the io::Error (shown as what it wraps), the layer it wraps, and that layer's cause"
        );
        assert!(!certificate_refused(&chain));
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn rustls_certificate_errors_are_recognised_inside_io_errors() {
        use rustls::{CertificateError, Error as TlsError};

        // How tokio-rustls reports a handshake failure: an io::Error around the rustls::Error.
        let wrapped =
            |error: TlsError| Layer(Box::new(io::Error::new(io::ErrorKind::InvalidData, error)));
        for refused in [
            TlsError::InvalidCertificate(CertificateError::UnknownIssuer),
            TlsError::InvalidCertificate(CertificateError::Expired),
            TlsError::InvalidCertificate(CertificateError::NotValidForName),
            TlsError::InvalidCertRevocationList(rustls::CertRevocationListError::BadSignature),
        ] {
            assert!(certificate_refused(&wrapped(refused)));
        }
        for handshake in [
            TlsError::AlertReceived(rustls::AlertDescription::HandshakeFailure),
            TlsError::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            TlsError::NoApplicationProtocol,
        ] {
            assert!(!certificate_refused(&wrapped(handshake)));
        }
    }
}
