//! What a reqwest failure says about itself, read from reqwest's error and
//! its causes into [`Symptoms`]; which [`qod_core::Delivery`] that makes is
//! [`Symptoms::delivery`]'s decision, the table of the crate documentation.

use std::error::Error as StdError;

use qod_core::TransportError;
use qod_core::transport::{Symptoms, causes};

/// The symptoms of `error`.
fn symptoms(error: &reqwest::Error) -> Symptoms {
    let mut symptoms = Symptoms::default();
    symptoms.unusable_request = error.is_builder();
    symptoms.certificate_refused = certificate_refused(error);
    symptoms.connecting = error.is_connect();
    symptoms.timed_out = error.is_timeout();
    symptoms
}

/// A [`TransportError`] for a reqwest failure. The URL is left out of the
/// message: a caller's URL may carry credentials in its user info.
pub(crate) fn transport_error(error: reqwest::Error) -> TransportError {
    let symptoms = symptoms(&error);
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
    TransportError::with_source(symptoms.delivery(), message, error)
}

/// The error for a body over `limit` bytes.
pub(crate) fn body_over_limit(limit: usize) -> TransportError {
    let mut symptoms = Symptoms::default();
    symptoms.body_over_limit = true;
    TransportError::new(
        symptoms.delivery(),
        format!("the response body is larger than the {limit}-byte limit"),
    )
}

/// The error for a request that cannot be sent as it is.
pub(crate) fn unusable_request(
    message: &str,
    source: Option<Box<dyn StdError + Send + Sync>>,
) -> TransportError {
    let mut symptoms = Symptoms::default();
    symptoms.unusable_request = true;
    match source {
        Some(source) => TransportError::with_source(symptoms.delivery(), message, source),
        None => TransportError::new(symptoms.delivery(), message),
    }
}

/// Whether a TLS library refused the server's certificate somewhere in
/// `error`'s causes, by the core's lists.
fn certificate_refused(error: &(dyn StdError + 'static)) -> bool {
    causes(error).any(is_certificate_refusal)
}

#[allow(unused_variables)] // without a TLS feature nothing can refuse a certificate
fn is_certificate_refusal(cause: &(dyn StdError + 'static)) -> bool {
    #[cfg(feature = "rustls")]
    if let Some(error) = cause.downcast_ref::<rustls::Error>() {
        return qod_core::transport::is_rustls_certificate_refusal(&format!("{error:?}"));
    }
    #[cfg(feature = "native-tls")]
    if let Some(error) = cause.downcast_ref::<native_tls::Error>() {
        return qod_core::transport::is_native_tls_certificate_refusal(&error.to_string());
    }
    false
}

#[cfg(test)]
mod tests {
    use std::io;

    use qod_core::Delivery;

    use super::*;

    #[test]
    fn the_body_limit_error_is_fatal_and_names_the_limit() {
        let error = body_over_limit(1024);
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("1024-byte limit"), "{error}");
    }

    #[test]
    fn an_unusable_request_is_fatal() {
        let error = unusable_request("unusable request URL", None);
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert_eq!(error.to_string(), "unusable request URL");
    }

    #[test]
    fn causes_look_inside_io_errors() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let chain = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, refused));
        assert_eq!(causes(&chain).count(), 3);
        assert!(!certificate_refused(&chain));
    }

    /// The same rustls errors, with the same verdicts, as qod-ureq's
    /// `error_mapping` tests: both transports read core's one list.
    #[cfg(feature = "rustls")]
    #[test]
    fn rustls_refusals_are_the_core_list_as_in_qod_ureq() {
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
        // A handshake failure as tokio-rustls hands it over, an io::Error
        // around the rustls::Error, while connecting.
        let verdict = |error: &TlsError| {
            let io = io::Error::new(io::ErrorKind::InvalidData, error.clone());
            let mut symptoms = Symptoms::default();
            symptoms.connecting = true;
            symptoms.certificate_refused = certificate_refused(&io::Error::other(io));
            assert_eq!(certificate_refused(error), symptoms.certificate_refused);
            symptoms.delivery()
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
