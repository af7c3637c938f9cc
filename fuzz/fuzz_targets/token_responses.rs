//! cargo-fuzz target: see `qod_fuzz::token_responses`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qod_fuzz::token_responses(data));
