//! No file descriptor outlives a batch of exchanges (successes, failures, TLS, pooling).
//! Its own test binary, so no other test opens descriptors meanwhile.

mod support;

use std::time::{Duration, Instant};

use hinternet_net::http::pool::{Pool, PoolKey};
use hinternet_net::http::tls::TlsSettings;
use hinternet_testservers::script::{self, Step};
use hinternet_testservers::tls::{self, CertKind};
use support::fds::open_descriptors;
use support::wire::*;

fn batch() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = hinternet_testservers::http::start();
    let secure = tls::start(CertKind::Valid);
    let hostile = script::start(vec![
        vec![
            Step::ReadHead,
            Step::Write(b"garbage\r\n\r\n".to_vec()),
            Step::Close,
        ],
        vec![
            Step::ReadHead,
            Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".to_vec()),
            Step::Reset,
        ],
        vec![Step::ReadHead, Step::Hang],
    ]);
    runtime.block_on(async {
        let pool = Pool::new();
        let key = PoolKey::new(false, "127.0.0.1", http.port(), None);
        for target in ["/fixed", "/chunked", "/large", "/close", "/status?code=204"] {
            let (status, _, exchange) = fetch(http.addr(), "GET", target).await.expect("fetch");
            assert!(status < 300);
            if let Some(conn) = exchange.into_reusable() {
                pool.checkin(key.clone(), conn, Instant::now());
            }
        }
        assert!(pool.idle_count(&key) > 0);
        pool.clear();
        for _ in 0..3 {
            let mut conn = open(hostile.handle.addr()).await.expect("connect");
            conn.set_timeouts(LIMIT, Some(Duration::from_millis(200)));
            let exchange = send(conn, "GET", "/", hostile.handle.addr())
                .await
                .expect("send");
            let mut exchange = exchange;
            let outcome = async {
                exchange.read_head().await?;
                read_all(&mut exchange, 16).await
            };
            assert!(outcome.await.is_err());
        }
        let trusted = TlsSettings {
            webpki_roots: false,
            extra_roots: vec![secure.ca_der()],
        };
        let conn = open_tls(secure.handle.addr(), &trusted, 0)
            .await
            .expect("tls");
        let mut exchange = send(conn, "GET", "/fixed", secure.handle.addr())
            .await
            .expect("send");
        read_all(&mut exchange, 64).await.expect("body");
        let untrusted = open_tls(secure.handle.addr(), &TlsSettings::default(), 0).await;
        assert!(untrusted.is_err());
    });
    drop(runtime);
}

#[test]
fn descriptors_return_to_the_baseline() {
    // Warm up once so one-time process state (e.g. lazily opened files) is in the baseline.
    batch();
    let baseline = open_descriptors();
    assert!(baseline > 0, "/proc/self/fd is readable");
    for _ in 0..3 {
        batch();
    }
    assert_eq!(open_descriptors(), baseline);
}
