//! The keep-alive pool: idle connections kept for reuse, keyed by where they lead.
//!
//! As in WinHTTP (Wine's `hostdata`): connections are keyed by (secure, host, port, proxy),
//! reused last-in first-out, dropped after [`IDLE_TIMEOUT`] idle, and checked for liveness at
//! checkout with a non-blocking peek ([`Connection::is_alive`]). There is no background
//! thread: expiry happens at checkout and checkin against the `now` the caller passes in.
//! A connection handed out by [`Pool::checkout`] reports [`Connection::was_reused`], so the
//! executor sends RESOLVING / CONNECTING notifications only for new connections.
//! Invariant: at most [`MAX_IDLE_PER_KEY`] idle connections per key.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::conn::Connection;

/// How long an idle connection is kept.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The most idle connections kept per key; further check-ins close the connection.
pub const MAX_IDLE_PER_KEY: usize = 64;

/// Where a pooled connection leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// TLS or not.
    pub secure: bool,
    /// The server host name as the application gave it (case-insensitive match).
    pub host: String,
    /// The server port.
    pub port: u16,
    /// The proxy in use (`host:port`), if any.
    pub proxy: Option<String>,
}

impl PoolKey {
    /// A key; the host is lower-cased so `Example.com` and `example.com` share connections.
    pub fn new(secure: bool, host: &str, port: u16, proxy: Option<&str>) -> Self {
        PoolKey {
            secure,
            host: host.to_ascii_lowercase(),
            port,
            proxy: proxy.map(str::to_owned),
        }
    }
}

#[derive(Debug)]
struct IdleConnection {
    connection: Connection,
    keep_until: Instant,
}

/// The idle connections of one session (or process); see the module docs.
#[derive(Debug, Default)]
pub struct Pool {
    idle: Mutex<HashMap<PoolKey, Vec<IdleConnection>>>,
}

impl Pool {
    /// An empty pool.
    pub fn new() -> Self {
        Pool::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PoolKey, Vec<IdleConnection>>> {
        // A panic while holding the lock cannot leave the map inconsistent (each operation
        // is a single push, pop or retain), so a poisoned lock is still usable.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The most recently returned live connection for `key`, marked as reused; expired and
    /// dead connections met on the way are closed.
    pub fn checkout(&self, key: &PoolKey, now: Instant) -> Option<Connection> {
        let mut idle = self.lock();
        let list = idle.get_mut(key)?;
        list.retain(|c| c.keep_until > now);
        let mut found = None;
        while let Some(candidate) = list.pop() {
            if candidate.connection.is_alive() {
                found = Some(candidate.connection);
                break;
            }
        }
        if list.is_empty() {
            idle.remove(key);
        }
        let mut connection = found?;
        connection.mark_reused();
        Some(connection)
    }

    /// Returns a connection whose exchange finished cleanly, to be kept until
    /// `now + IDLE_TIMEOUT`.
    pub fn checkin(&self, key: PoolKey, connection: Connection, now: Instant) {
        let mut idle = self.lock();
        let list = idle.entry(key).or_default();
        list.retain(|c| c.keep_until > now);
        if list.len() < MAX_IDLE_PER_KEY {
            list.push(IdleConnection {
                connection,
                keep_until: now + IDLE_TIMEOUT,
            });
        }
    }

    /// How many idle connections are kept for `key`.
    pub fn idle_count(&self, key: &PoolKey) -> usize {
        self.lock().get(key).map_or(0, Vec::len)
    }

    /// Closes every idle connection.
    pub fn clear(&self) {
        self.lock().clear();
    }
}
