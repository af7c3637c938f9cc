//! The integration tests of qod-models, one binary with a module per topic.

mod roundtrip;
