//! HTTP/1.1 on the wire: request serialization, response parsing, body framing, connections,
//! TLS, the keep-alive pool, and the step-by-step [`Exchange`] the executor drives.
//!
//! The parsing and decoding pieces ([`response::parse_head`], [`body::BodyDecoder`]) are pure
//! (no I/O) so the fuzz entry point [`fuzz::fuzz_response`] and the socket path run the same
//! code; [`conn::Connection`] adds the socket, its read-ahead buffer and the timeouts.

pub mod body;
pub mod conn;
pub mod exchange;
pub mod fuzz;
pub mod pool;
pub mod proxy;
pub mod request;
pub mod response;
pub mod tls;

pub use exchange::Exchange;
