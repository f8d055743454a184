//! TLS against loopback servers with certificates generated at test time: success with the
//! test CA, each certificate failure with and without its ignore flag, and handshakes that
//! stop halfway.

mod support;

use std::time::Duration;

use hinternet_net::http::conn::{connect_tcp, resolve, start_tls};
use hinternet_net::http::tls::{client_config, TlsSettings};
use hinternet_testservers::http::FIXED_BODY;
use hinternet_testservers::script::{self, Step};
use hinternet_testservers::tls::{self, CertKind};
use support::wire::*;
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_SECURE_CHANNEL_ERROR, ERROR_WINHTTP_SECURE_FAILURE, ERROR_WINHTTP_TIMEOUT,
    SECURITY_FLAG_IGNORE_CERT_CN_INVALID, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID,
    SECURITY_FLAG_IGNORE_UNKNOWN_CA, WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID,
    WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
    WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR,
};

fn trusting(server: &tls::TlsServer) -> TlsSettings {
    TlsSettings {
        webpki_roots: false,
        extra_roots: vec![server.ca_der()],
    }
}

async fn get_fixed(
    server: &tls::TlsServer,
    settings: &TlsSettings,
    flags: u32,
) -> Result<Vec<u8>, (u32, u32)> {
    let addr = server.handle.addr();
    let conn = open_tls(addr, settings, flags)
        .await
        .map_err(|e| (e.code(), e.secure_failure_flags()))?;
    assert!(conn.is_secure());
    let mut exchange = send(conn, "GET", "/fixed", addr)
        .await
        .map_err(|e| (e.code(), 0))?;
    assert_eq!(
        exchange
            .read_head()
            .await
            .map_err(|e| (e.code(), 0))?
            .status,
        200
    );
    read_all(&mut exchange, 64).await.map_err(|e| (e.code(), 0))
}

#[tokio::test]
async fn valid_certificate_with_the_test_ca() {
    let server = tls::start(CertKind::Valid);
    let addr = server.handle.addr();
    let conn = open_tls(addr, &trusting(&server), 0)
        .await
        .expect("handshake");
    assert_eq!(conn.peer_certificates().len(), 2, "leaf and CA");
    assert_eq!(conn.peer_certificates()[0], server.certificates.leaf);
    assert_eq!(conn.peer_certificates()[1], server.certificates.ca);
    let mut exchange = send(conn, "GET", "/fixed", addr).await.expect("send");
    assert_eq!(exchange.read_head().await.expect("head").status, 200);
    assert_eq!(read_all(&mut exchange, 5).await.expect("body"), FIXED_BODY);
    assert!(exchange.is_reusable());
}

#[tokio::test]
async fn unknown_ca_fails_unless_ignored() {
    let server = tls::start(CertKind::Valid);
    let public = TlsSettings::public_roots();
    let err = get_fixed(&server, &public, 0).await.expect_err("untrusted");
    assert_eq!(
        err,
        (
            ERROR_WINHTTP_SECURE_FAILURE,
            WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA
        )
    );
    let err = get_fixed(&server, &public, SECURITY_FLAG_IGNORE_CERT_CN_INVALID)
        .await
        .expect_err("wrong flag");
    assert_eq!(
        err,
        (
            ERROR_WINHTTP_SECURE_FAILURE,
            WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA
        )
    );
    let body = get_fixed(&server, &public, SECURITY_FLAG_IGNORE_UNKNOWN_CA)
        .await
        .expect("ignored");
    assert_eq!(body, FIXED_BODY);
}

#[tokio::test]
async fn expired_certificate_fails_unless_ignored() {
    let server = tls::start(CertKind::Expired);
    let trusted = trusting(&server);
    let err = get_fixed(&server, &trusted, 0).await.expect_err("expired");
    assert_eq!(
        err,
        (
            ERROR_WINHTTP_SECURE_FAILURE,
            WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID
        )
    );
    let err = get_fixed(&server, &trusted, SECURITY_FLAG_IGNORE_UNKNOWN_CA)
        .await
        .expect_err("wrong flag");
    assert_eq!(err.1, WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID);
    let body = get_fixed(&server, &trusted, SECURITY_FLAG_IGNORE_CERT_DATE_INVALID)
        .await
        .expect("ignored");
    assert_eq!(body, FIXED_BODY);
}

#[tokio::test]
async fn wrong_name_fails_unless_ignored() {
    let server = tls::start(CertKind::WrongName);
    let trusted = trusting(&server);
    let err = get_fixed(&server, &trusted, 0)
        .await
        .expect_err("wrong name");
    assert_eq!(
        err,
        (
            ERROR_WINHTTP_SECURE_FAILURE,
            WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID
        )
    );
    let body = get_fixed(&server, &trusted, SECURITY_FLAG_IGNORE_CERT_CN_INVALID)
        .await
        .expect("ignored");
    assert_eq!(body, FIXED_BODY);
}

#[tokio::test]
async fn several_failures_are_reported_together() {
    let server = tls::start(CertKind::Expired);
    let public = TlsSettings::public_roots();
    let both =
        WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA | WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
    let err = get_fixed(&server, &public, 0)
        .await
        .expect_err("untrusted and expired");
    assert_eq!(err, (ERROR_WINHTTP_SECURE_FAILURE, both));
    let err = get_fixed(&server, &public, SECURITY_FLAG_IGNORE_UNKNOWN_CA)
        .await
        .expect_err("date left");
    assert_eq!(
        err,
        (ERROR_WINHTTP_SECURE_FAILURE, both),
        "the flags list every failure"
    );
    let flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID;
    assert_eq!(
        get_fixed(&server, &public, flags)
            .await
            .expect("both ignored"),
        FIXED_BODY
    );

    let wrong = tls::start(CertKind::WrongName);
    let err = get_fixed(&wrong, &public, SECURITY_FLAG_IGNORE_UNKNOWN_CA)
        .await
        .expect_err("name left");
    assert_eq!(
        err.1,
        WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA | WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID
    );
}

async fn handshake_error(steps: Vec<Step>, limit: Option<Duration>) -> (u32, u32) {
    let server = script::start(vec![steps]);
    let addrs = resolve("127.0.0.1", server.handle.port(), LIMIT)
        .await
        .expect("resolve");
    let conn = connect_tcp(&addrs, LIMIT).await.expect("tcp");
    let config = client_config(&TlsSettings::public_roots(), 0);
    match start_tls(conn, "127.0.0.1", config, limit).await {
        Ok(_) => panic!("handshake must fail"),
        Err(err) => (err.code(), err.secure_failure_flags()),
    }
}

#[tokio::test]
async fn handshake_that_stops_halfway() {
    // A record header announcing a ServerHello, then nothing more.
    let partial = vec![0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00];
    let closed = handshake_error(
        vec![Step::ReadSome, Step::Write(partial.clone()), Step::Close],
        LIMIT,
    )
    .await;
    assert_eq!(closed, (ERROR_WINHTTP_SECURE_CHANNEL_ERROR, 0));
    let reset = handshake_error(
        vec![
            Step::ReadSome,
            Step::Write(partial.clone()),
            Step::Sleep(Duration::from_millis(50)),
            Step::Reset,
        ],
        LIMIT,
    )
    .await;
    assert_eq!(reset, (ERROR_WINHTTP_SECURE_CHANNEL_ERROR, 0));
    let stalled = handshake_error(
        vec![Step::ReadSome, Step::Write(partial), Step::Hang],
        Some(Duration::from_millis(300)),
    )
    .await;
    assert_eq!(stalled, (ERROR_WINHTTP_TIMEOUT, 0));
}

#[tokio::test]
async fn plain_http_answer_to_a_client_hello_is_a_channel_failure() {
    let err = handshake_error(
        vec![
            Step::ReadSome,
            Step::Write(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec()),
            Step::Hang,
        ],
        LIMIT,
    )
    .await;
    assert_eq!(
        err,
        (
            ERROR_WINHTTP_SECURE_FAILURE,
            WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR
        )
    );
}
