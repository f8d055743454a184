#![allow(unsafe_code)]
//! placeholder
/// placeholder
pub fn fuzz_exports(_bytes: &[u8]) {}
