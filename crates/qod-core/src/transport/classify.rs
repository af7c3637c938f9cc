//! Which failure is which [`Delivery`]: the table every transport applies.
//!
//! A transport reads its library's error into [`Symptoms`] and asks
//! [`Symptoms::delivery`]; it never decides the [`Delivery`] itself. What
//! the TLS libraries call a refused certificate is listed here too, by name,
//! so that the core needs no TLS library and the transports cannot disagree.

use std::error::Error as StdError;

use super::Delivery;

/// What a failure says about itself, read by a transport from its library's
/// error and that error's causes.
///
/// [`delivery`](Self::delivery) turns it into a [`Delivery`] by the rules
/// documented on [`Delivery`], checked in this order:
///
/// | symptom | delivery | why |
/// |---|---|---|
/// | [`body_over_limit`](Self::body_over_limit) | `Fatal` | the same request gets the same body |
/// | [`unusable_request`](Self::unusable_request) | `Fatal` | it cannot be sent as it is |
/// | [`certificate_refused`](Self::certificate_refused) | `Fatal` | retrying cannot fix trust, and should not hide an attack; nothing was sent |
/// | [`connecting`](Self::connecting) | `NotSent` | no request byte left: even a create may be replayed |
/// | anything else, [`timed_out`](Self::timed_out) included | `MaybeSent` | the server may have acted |
///
/// ```
/// use qod_core::Delivery;
/// use qod_core::transport::Symptoms;
/// let mut symptoms = Symptoms::default();
/// symptoms.timed_out = true;
/// assert_eq!(symptoms.delivery(), Delivery::MaybeSent);
/// symptoms.connecting = true;
/// assert_eq!(symptoms.delivery(), Delivery::NotSent, "a connect timeout");
/// symptoms.certificate_refused = true;
/// assert_eq!(symptoms.delivery(), Delivery::Fatal);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Symptoms {
    /// The request cannot be sent as it is or with this configuration: a bad
    /// URL, scheme or header, an unusable proxy URL, `https` without TLS, a
    /// TLS set-up that cannot work.
    pub unusable_request: bool,
    /// The server's certificate was refused (see
    /// [`is_rustls_certificate_refusal`] and
    /// [`is_native_tls_certificate_refusal`]).
    pub certificate_refused: bool,
    /// It happened while connecting: name resolution, TCP, a proxy tunnel,
    /// the TLS handshake; before any byte of the request was written.
    pub connecting: bool,
    /// A timeout fired.
    pub timed_out: bool,
    /// The response body was larger than the body limit.
    pub body_over_limit: bool,
}

impl Symptoms {
    /// How far the request got: the table above, the one implementation of
    /// the rules of [`Delivery`].
    pub fn delivery(self) -> Delivery {
        if self.body_over_limit || self.unusable_request || self.certificate_refused {
            Delivery::Fatal
        } else if self.connecting {
            Delivery::NotSent
        } else {
            Delivery::MaybeSent
        }
    }
}

/// How deep [`causes`] follows a chain of errors.
const MAX_CAUSES: usize = 32;

/// `error` and every cause under it, including the error an
/// [`io::Error`](std::io::Error) wraps (whose `source()` skips straight to
/// that error's own source). TLS libraries hand their errors over inside
/// `io::Error`s; this finds them.
///
/// ```
/// use std::io;
/// let inner = io::Error::from(io::ErrorKind::ConnectionRefused);
/// let outer = io::Error::new(io::ErrorKind::Other, inner);
/// assert_eq!(qod_core::transport::causes(&outer).count(), 2);
/// ```
pub fn causes<'a>(
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

/// The variants of `rustls::Error` that mean the server's certificate was
/// refused: an untrusted, expired, revoked or misnamed certificate
/// (`InvalidCertificate`), a revocation list that cannot be used
/// (`InvalidCertRevocationList`), no certificate at all
/// (`NoCertificatesPresented`), a server name rustls cannot check a
/// certificate against (`UnsupportedNameType`). None heals by trying again.
///
/// Other handshake failures (an alert, a corrupt message, no common
/// protocol) are not in it: they happened while connecting, so not sent.
pub const RUSTLS_CERTIFICATE_REFUSALS: &[&str] = &[
    "InvalidCertificate",
    "InvalidCertRevocationList",
    "NoCertificatesPresented",
    "UnsupportedNameType",
];

/// Whether a `rustls::Error`, given as its `Debug` text
/// (`format!("{error:?}")`), is one of [`RUSTLS_CERTIFICATE_REFUSALS`].
///
/// ```
/// use qod_core::transport::is_rustls_certificate_refusal;
/// assert!(is_rustls_certificate_refusal("InvalidCertificate(UnknownIssuer)"));
/// assert!(is_rustls_certificate_refusal("NoCertificatesPresented"));
/// assert!(!is_rustls_certificate_refusal("AlertReceived(HandshakeFailure)"));
/// assert!(!is_rustls_certificate_refusal("InvalidCertificateX"));
/// ```
pub fn is_rustls_certificate_refusal(debug: &str) -> bool {
    let variant = debug
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    RUSTLS_CERTIFICATE_REFUSALS.contains(&variant)
}

/// Whether a native TLS library's error, given as its message, refused the
/// server's certificate. The platforms say it only in words (OpenSSL's
/// "certificate verify failed", Security.framework's "certificate was not
/// trusted"), so a message that mentions a certificate counts as refused.
///
/// ```
/// use qod_core::transport::is_native_tls_certificate_refusal;
/// assert!(is_native_tls_certificate_refusal("error:0A000086:SSL routines::Certificate verify failed"));
/// assert!(!is_native_tls_certificate_refusal("unexpected EOF"));
/// ```
pub fn is_native_tls_certificate_refusal(message: &str) -> bool {
    message.to_lowercase().contains("certificate")
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
        assert_eq!(symptoms(true, false).delivery(), Delivery::NotSent);
        assert_eq!(
            symptoms(true, true).delivery(),
            Delivery::NotSent,
            "connect timeout"
        );
    }

    #[test]
    fn failures_after_connecting_may_have_been_sent() {
        assert_eq!(
            symptoms(false, true).delivery(),
            Delivery::MaybeSent,
            "timeout"
        );
        assert_eq!(
            symptoms(false, false).delivery(),
            Delivery::MaybeSent,
            "reset"
        );
    }

    #[test]
    fn refused_certificates_unusable_requests_and_big_bodies_are_fatal_in_any_phase() {
        for connecting in [false, true] {
            for timed_out in [false, true] {
                let base = symptoms(connecting, timed_out);
                for fatal in [
                    Symptoms {
                        certificate_refused: true,
                        ..base
                    },
                    Symptoms {
                        unusable_request: true,
                        ..base
                    },
                    Symptoms {
                        body_over_limit: true,
                        ..base
                    },
                ] {
                    assert_eq!(fatal.delivery(), Delivery::Fatal, "{fatal:?}");
                }
            }
        }
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
    }

    #[test]
    fn rustls_refusals_are_told_by_the_variant_name_alone() {
        for name in RUSTLS_CERTIFICATE_REFUSALS {
            assert!(is_rustls_certificate_refusal(name), "{name}");
            assert!(is_rustls_certificate_refusal(&format!("{name}(Other)")));
            assert!(is_rustls_certificate_refusal(&format!("{name} {{ x: 1 }}")));
        }
        for other in [
            "",
            "General(\"InvalidCertificate\")",
            "InvalidMessage(InvalidContentType)",
            "PeerIncompatible(NoCertificateRequestExtension)",
        ] {
            assert!(!is_rustls_certificate_refusal(other), "{other}");
        }
    }
}
