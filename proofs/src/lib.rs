//! # hinternet-proofs
//!
//! Shared proof material for the workspace's tests: the law scenarios run on the real
//! machine and on every mutant ([`scenarios`]), and the byte-decodable operation
//! sequences that the proptests and the fuzz targets drive the machine with
//! ([`sequences`]). The tests themselves live in `tests/`.

pub mod fuzz_bodies;
pub mod scenarios;
pub mod sequences;
