//! cargo-fuzz target: see `qod_fuzz::operation_responses`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qod_fuzz::operation_responses(data));
