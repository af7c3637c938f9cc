//! cargo-fuzz target: see `qod_fuzz::notification`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| qod_fuzz::notification(data));
