//! A Gopher (RFC 1436) server with a Gopher+ item, for the Gopher client's tests.
//!
//! Each connection reads one selector line (up to 4 KiB, 10 s), answers and closes.
//! Selectors:
//! - `` (empty) or `/`: the root menu ([`ROOT_ITEMS`] items: a text file, a submenu, a binary
//!   file, a Gopher+ text file, an error item and an info line), terminated by `.`;
//! - `/about.txt`: [`ABOUT_TEXT`] sent dot-stuffed (its `.`-leading line doubled) and
//!   terminated by `.`;
//! - `/sub`: a one-item menu; `/bin`: [`BINARY_LEN`] bytes `i % 251`, ended by closing;
//! - `/plus.txt`: [`PLUS_TEXT`]; `/plus.txt<TAB>!`: its Gopher+ attributes (`+INFO`,
//!   `+ADMIN`, `+ABSTRACT`), `/plus.txt<TAB>$` the same; any other `<TAB>!` request: the
//!   Gopher+ error `--1` "item is not available";
//! - `/bad-menu`: a menu mixing good items with malformed lines;
//! - `/no-terminator`: a two-item menu closed without the final `.`;
//! - `/silent`: never answers (until the server stops);
//! - anything else: a one-line menu holding an error item (`3`).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::{spawn_server, ServerHandle};

/// The text of `/about.txt` as the client should deliver it (after dot-unstuffing).
pub const ABOUT_TEXT: &[u8] =
    b"About this server\r\n.a line that starts with a dot\r\nlast line\r\n";
/// The text of `/plus.txt` as delivered.
pub const PLUS_TEXT: &[u8] = b"a gopher+ item\r\n";
/// Length of `/bin`.
pub const BINARY_LEN: usize = 100_000;
/// Items in the root menu (the info line included).
pub const ROOT_ITEMS: usize = 6;

/// Starts the server.
pub fn start() -> ServerHandle {
    let port_cell = Arc::new(std::sync::OnceLock::<u16>::new());
    let port_for_handler = port_cell.clone();
    let handle = spawn_server(
        "gopher",
        Arc::new(move |stream, _index, mut shutdown| {
            let port = port_for_handler.get().copied().unwrap_or(0);
            Box::pin(async move {
                tokio::select! {
                    _ = shutdown.changed() => {}
                    _ = serve(stream, port) => {}
                }
            })
        }),
    );
    let _ = port_cell.set(handle.port());
    handle
}

fn item(kind: char, display: &str, selector: &str, port: u16, plus: bool) -> String {
    let plus = if plus { "\t+" } else { "" };
    format!("{kind}{display}\t{selector}\t127.0.0.1\t{port}{plus}\r\n")
}

async fn serve(stream: TcpStream, port: u16) {
    let mut stream = BufReader::new(stream);
    let mut line = Vec::new();
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        (&mut stream).take(4096).read_until(b'\n', &mut line),
    )
    .await;
    if !matches!(read, Ok(Ok(n)) if n > 0) {
        return;
    }
    let request = String::from_utf8_lossy(&line)
        .trim_end_matches(['\r', '\n'])
        .to_owned();
    let (selector, plus_request) = match request.split_once('\t') {
        Some((s, extra)) => (s.to_owned(), Some(extra.to_owned())),
        None => (request.clone(), None),
    };
    let body: Vec<u8> = match (selector.as_str(), plus_request.as_deref()) {
        ("/silent", _) => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            return;
        }
        ("/plus.txt", Some("!" | "$")) => format!(
            "+-1\r\n+INFO: {}+ADMIN:\r\n Admin: Test Admin <admin@127.0.0.1>\r\n Mod-Date: Tue Jan 02 03:04:05 2024 <20240102030405>\r\n+ABSTRACT:\r\n A small Gopher+ text item.\r\n.\r\n",
            item('0', "Plus item", "/plus.txt", port, true)
        )
        .into_bytes(),
        (_, Some(extra)) if extra.starts_with('!') || extra.starts_with('$') => {
            b"--1\r\n1 item is not available\r\n.\r\n".to_vec()
        }
        ("" | "/", _) => {
            let mut menu = String::new();
            menu.push_str(&item('0', "About this server", "/about.txt", port, false));
            menu.push_str(&item('1', "A submenu", "/sub", port, false));
            menu.push_str(&item('9', "Binary data", "/bin", port, false));
            menu.push_str(&item('0', "Plus item", "/plus.txt", port, true));
            menu.push_str("3An error item\t\terror.host\t1\r\n");
            menu.push_str("iJust information\tfake\t(NULL)\t0\r\n");
            menu.push_str(".\r\n");
            menu.into_bytes()
        }
        ("/about.txt", _) => {
            let mut text = Vec::new();
            for line in ABOUT_TEXT.split_inclusive(|&b| b == b'\n') {
                if line.starts_with(b".") {
                    text.push(b'.');
                }
                text.extend_from_slice(line);
            }
            text.extend_from_slice(b".\r\n");
            text
        }
        ("/plus.txt", _) => [PLUS_TEXT, b".\r\n"].concat(),
        ("/sub", _) => {
            let mut menu = item('0', "Inner file", "/about.txt", port, false);
            menu.push_str(".\r\n");
            menu.into_bytes()
        }
        ("/bin", _) => (0..BINARY_LEN).map(|i| (i % 251) as u8).collect(),
        ("/bad-menu", _) => {
            let mut menu = String::new();
            menu.push_str(&item('0', "Good one", "/about.txt", port, false));
            menu.push_str("no tabs on this line at all\r\n");
            menu.push_str("0Missing fields\t/x\r\n");
            menu.push_str("0Bad port\t/x\t127.0.0.1\tseventy\r\n");
            menu.push_str("0Port too large\t/x\t127.0.0.1\t70000\r\n");
            menu.push_str("\r\n");
            menu.push_str(&item('1', "Good two", "/sub", port, false));
            menu.push_str(".\r\n");
            menu.into_bytes()
        }
        ("/no-terminator", _) => {
            let mut menu = item('0', "First", "/about.txt", port, false);
            menu.push_str(&item('9', "Second", "/bin", port, false));
            menu.into_bytes()
        }
        _ => b"3'selector' does not exist\t\terror.host\t1\r\n.\r\n".to_vec(),
    };
    let _ = stream.get_mut().write_all(&body).await;
    let _ = stream.get_mut().shutdown().await;
}
