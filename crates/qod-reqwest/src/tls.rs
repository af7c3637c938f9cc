//! rustls as the client speaks it, and whom it trusts.

use qod_core::{Delivery, TransportError};
use rustls::pki_types::CertificateDer;

/// Sets up rustls: ring (the provider qod already builds for TAAP and
/// qod-ureq), HTTP/1.1 by ALPN, and either only `roots` or, when there are
/// none, the Mozilla roots.
///
/// The config is handed to reqwest whole, so that reqwest never falls back
/// to a process-wide crypto provider or to the platform's verifier.
pub(crate) fn rustls_config(roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, TransportError> {
    use std::sync::Arc;

    let mut store = rustls::RootCertStore::empty();
    if roots.is_empty() {
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    } else {
        for root in roots {
            store
                .add(CertificateDer::from(root.as_slice()))
                .map_err(|error| {
                    TransportError::with_source(Delivery::Fatal, "unusable root certificate", error)
                })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| {
            TransportError::with_source(Delivery::Fatal, "cannot set up rustls", error)
        })?
        .with_root_certificates(store)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const CA: &[u8] = include_bytes!("../tests/fixtures/test-ca.pem");
    const KEY: &[u8] = include_bytes!("../tests/fixtures/localhost-key.pem");

    /// The DER roots the builder (core's one PEM reader) reads from `pem`.
    fn roots_from_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, TransportError> {
        let builder = crate::ReqwestTransport::builder().root_certificates_pem(pem)?;
        Ok(builder.settings().root_certificates_der.clone())
    }

    #[test]
    fn certificates_are_read_and_other_blocks_skipped() {
        let mut pem = KEY.to_vec();
        pem.extend_from_slice(CA);
        assert_eq!(roots_from_pem(&pem).unwrap().len(), 1);
    }

    #[test]
    fn a_pem_without_certificates_is_refused() {
        let error = roots_from_pem(KEY).unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("no CERTIFICATE"), "{error}");
        assert!(roots_from_pem(b"").is_err());
    }

    #[test]
    fn a_damaged_certificate_is_refused() {
        let text = String::from_utf8(CA.to_vec()).unwrap();
        let damaged = text.replacen("MII", "M!I", 1);
        let error = roots_from_pem(damaged.as_bytes()).unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
    }

    #[test]
    fn rustls_trusts_mozilla_roots_or_only_the_given_ones() {
        let config = rustls_config(&[]).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        let roots = roots_from_pem(CA).unwrap();
        rustls_config(&roots[..1]).unwrap();
        let not_a_certificate = vec![0x30, 0x03, 0x02, 0x01, 0x00];
        let error = rustls_config(&[not_a_certificate]).unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
    }
}
