//! The names of the headers qod itself sets and reads, shared by the
//! request builder, the response reader and the authenticators.

/// `x-correlator`: the id CAMARA APIs echo to tie a request to its logs.
pub(crate) const X_CORRELATOR: http::HeaderName = http::HeaderName::from_static("x-correlator");
