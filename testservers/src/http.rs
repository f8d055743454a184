//! A hyper 1.x HTTP/1.1 server with fixed routes for the executor's tests.
//!
//! Routes (query parameters in `?a=b&c=d` form):
//! - `/fixed`: `hello, world` with `Content-Length`;
//! - `/chunked`: `hello`, `, `, `world` as three chunks (a `StreamBody`);
//! - `/large`: 1 MiB (`LARGE_BODY_LEN`) of the byte pattern `i % 251`;
//! - `/bytes?n=1024`: `n` bytes (at most `MAX_BYTES_LEN`) of the same pattern;
//! - `/echo`: the request body back, with `X-Echo-Method`, `X-Echo-Content-Length` and
//!   `X-Echo-Transfer-Encoding` telling how the request was framed;
//! - `/headers`: the request headers as `name: value` lines;
//! - `/redirect?code=301&to=/fixed`: that status with `Location: <to>` (relative, absolute or
//!   another port's URL as given);
//! - `/set-cookie?name=a&value=1`: `200` with `Set-Cookie: a=1; Path=/`;
//! - `/loop`: `302` to itself, forever;
//! - `/close`: a body with `Connection: close` (the server then closes);
//! - `/http10`: an `HTTP/1.0` response with `Content-Length` (the server then closes);
//! - `/status?code=204`: an empty response with that status;
//! - `/slow?ms=300`: waits, then `slow`; `/slow-body?ms=300`: the head at once, the body
//!   after the wait;
//! - `/silent`: never answers (until the server stops);
//! - `/auth`: `401` with `WWW-Authenticate: Basic realm="hinternet"` unless the request has
//!   Basic credentials `user:secret` (then `200 welcome`);
//! - `/upgrade`: a websocket upgrade (`101`), then an echo of every message;
//! - anything else: `404`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CONNECTION, LOCATION, UPGRADE, WWW_AUTHENTICATE};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::{spawn_server, ServerHandle};

/// The most bytes `/bytes?n=` answers.
pub const MAX_BYTES_LEN: usize = 16 << 20;
/// Length of the `/large` body.
pub const LARGE_BODY_LEN: usize = 1 << 20;
/// The body of `/fixed`.
pub const FIXED_BODY: &[u8] = b"hello, world";
/// Credentials `/auth` accepts.
pub const AUTH_USER: &str = "user";
/// Password `/auth` accepts.
pub const AUTH_PASSWORD: &str = "secret";

type Body = BoxBody<Bytes, Infallible>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

fn respond(status: StatusCode, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

fn query<'a>(req: &'a Request<Incoming>, key: &str) -> Option<&'a str> {
    req.uri()
        .query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn query_ms(req: &Request<Incoming>) -> Duration {
    Duration::from_millis(
        query(req, "ms")
            .and_then(|v| v.parse().ok())
            .unwrap_or(300)
            .min(60_000),
    )
}

/// The byte at offset `i` of the `/large` body.
pub fn large_body_byte(i: usize) -> u8 {
    (i % 251) as u8
}

/// Standard base64 (for the Basic credentials check).
pub fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn route(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_owned();
    let response = match path.as_str() {
        "/fixed" => respond(StatusCode::OK, full(FIXED_BODY)),
        "/chunked" => {
            let frames = ["hello", ", ", "world"]
                .into_iter()
                .map(|s| Ok::<_, Infallible>(Frame::data(Bytes::from_static(s.as_bytes()))));
            respond(
                StatusCode::OK,
                StreamBody::new(futures_util::stream::iter(frames)).boxed(),
            )
        }
        "/large" => {
            let body: Vec<u8> = (0..LARGE_BODY_LEN).map(large_body_byte).collect();
            respond(StatusCode::OK, full(body))
        }
        "/bytes" => {
            let n = query(&req, "n")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
                .min(MAX_BYTES_LEN);
            let body: Vec<u8> = (0..n).map(large_body_byte).collect();
            respond(StatusCode::OK, full(body))
        }
        "/echo" => {
            let method = req.method().to_string();
            let length = req.headers().get("content-length").cloned();
            let coding = req.headers().get("transfer-encoding").cloned();
            let body = match req.into_body().collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(_) => Bytes::new(),
            };
            let mut response = respond(StatusCode::OK, full(body));
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&method) {
                headers.insert("x-echo-method", v);
            }
            headers.insert(
                "x-echo-content-length",
                length.unwrap_or(HeaderValue::from_static("none")),
            );
            headers.insert(
                "x-echo-transfer-encoding",
                coding.unwrap_or(HeaderValue::from_static("none")),
            );
            response
        }
        "/headers" => {
            let mut text = String::new();
            for (name, value) in req.headers() {
                text.push_str(&format!(
                    "{}: {}\n",
                    name,
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
            respond(StatusCode::OK, full(text))
        }
        "/redirect" => {
            let code = query(&req, "code")
                .and_then(|c| c.parse::<u16>().ok())
                .unwrap_or(302);
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND);
            let mut response = respond(status, full("redirecting"));
            if let Some(Ok(to)) = query(&req, "to").map(HeaderValue::from_str) {
                response.headers_mut().insert(LOCATION, to);
            }
            response
        }
        "/loop" => {
            let mut response = respond(StatusCode::FOUND, full("again"));
            response
                .headers_mut()
                .insert(LOCATION, HeaderValue::from_static("/loop"));
            response
        }
        "/set-cookie" => {
            let name = query(&req, "name").unwrap_or("cookie");
            let value = query(&req, "value").unwrap_or("1");
            let mut response = respond(StatusCode::OK, full("cookie set"));
            if let Ok(v) = HeaderValue::from_str(&format!("{name}={value}; Path=/")) {
                response.headers_mut().insert(hyper::header::SET_COOKIE, v);
            }
            response
        }
        "/close" => {
            let mut response = respond(StatusCode::OK, full("closing"));
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
            response
        }
        "/http10" => {
            let mut response = respond(StatusCode::OK, full("old school"));
            *response.version_mut() = hyper::Version::HTTP_10;
            response
        }
        "/status" => {
            let code = query(&req, "code")
                .and_then(|c| c.parse::<u16>().ok())
                .unwrap_or(204);
            respond(
                StatusCode::from_u16(code).unwrap_or(StatusCode::NO_CONTENT),
                full(""),
            )
        }
        "/slow" => {
            tokio::time::sleep(query_ms(&req)).await;
            respond(StatusCode::OK, full("slow"))
        }
        "/slow-body" => {
            let wait = query_ms(&req);
            let stream = futures_util::stream::once(async move {
                tokio::time::sleep(wait).await;
                Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"late body")))
            });
            respond(StatusCode::OK, StreamBody::new(stream).boxed())
        }
        "/silent" => std::future::pending().await,
        "/auth" => {
            let expected = format!(
                "Basic {}",
                base64(format!("{AUTH_USER}:{AUTH_PASSWORD}").as_bytes())
            );
            let given = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok());
            if given == Some(expected.as_str()) {
                respond(StatusCode::OK, full("welcome"))
            } else {
                let mut response = respond(StatusCode::UNAUTHORIZED, full("who are you?"));
                response.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"hinternet\""),
                );
                response
            }
        }
        "/upgrade" => upgrade(req),
        _ => respond(StatusCode::NOT_FOUND, full("not found")),
    };
    Ok(response)
}

fn upgrade(req: Request<Incoming>) -> Response<Body> {
    let key = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| k.as_bytes().to_vec());
    let wants = req
        .headers()
        .get(UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(key) = key.filter(|_| wants) else {
        return respond(StatusCode::BAD_REQUEST, full("websocket upgrade expected"));
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(&key);
    tokio::spawn(async move {
        if let Ok(upgraded) = hyper::upgrade::on(req).await {
            let ws = tokio_tungstenite::WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                tokio_tungstenite::tungstenite::protocol::Role::Server,
                None,
            )
            .await;
            crate::ws::echo(ws).await;
        }
    });
    let mut response = respond(StatusCode::SWITCHING_PROTOCOLS, full(""));
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        headers.insert("sec-websocket-accept", v);
    }
    response
}

/// Serves HTTP/1.1 with the routes above on one connection (plain or TLS).
pub(crate) async fn serve<S>(io: S)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let _ = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service_fn(route))
        .with_upgrades()
        .await;
}

/// Starts the HTTP server on 127.0.0.1:0.
pub fn start() -> ServerHandle {
    spawn_server("http", Arc::new(|stream, _, _| Box::pin(serve(stream))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:secret", "dXNlcjpzZWNyZXQ="),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
