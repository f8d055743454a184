//! x
pub mod frame;
