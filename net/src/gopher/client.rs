//! The Gopher client: one TCP connection per request (RFC 1436), a selector line out, a menu,
//! a file or a Gopher+ attribute reply back.
//!
//! Every connect, write and read runs under [`GopherConfig`]'s timeouts
//! (`ERROR_INTERNET_TIMEOUT`); a refused connection is `ERROR_INTERNET_CANNOT_CONNECT`, a reset
//! `ERROR_INTERNET_CONNECTION_ABORTED`. Menus and attribute replies are read whole, up to
//! [`MAX_MENU_BYTES`] (beyond it: `ERROR_GOPHER_PROTOCOL_ERROR`); files are streamed into the
//! caller's buffers.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::inet::{connect, with_timeout, InetError, InetResult};
use crate::gopher::locator::GopherLocator;
use crate::gopher::menu::{
    parse_attributes, parse_menu, select_attributes, DotDecoder, GopherAttribute, GopherFindData,
};

/// The most bytes a menu or attribute reply may have.
pub const MAX_MENU_BYTES: usize = 4 << 20;
/// Bytes asked from the socket per read.
const READ_CHUNK: usize = 32 * 1024;

/// Timeouts of Gopher requests; `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GopherConfig {
    /// TCP connect.
    pub connect_timeout: Option<Duration>,
    /// Each read.
    pub receive_timeout: Option<Duration>,
    /// Writing the request.
    pub send_timeout: Option<Duration>,
}

impl Default for GopherConfig {
    /// 60 s each, WinINet's defaults.
    fn default() -> Self {
        let minute = Some(Duration::from_secs(60));
        GopherConfig {
            connect_timeout: minute,
            receive_timeout: minute,
            send_timeout: minute,
        }
    }
}

/// A Gopher "session" (the `InternetConnect` Gopher handle): a default server and timeouts.
/// No connection is held; each request opens its own.
#[derive(Debug, Clone)]
pub struct GopherSession {
    host: String,
    port: u16,
    config: GopherConfig,
}

/// An open find (`GopherFindFirstFile` handle): the menu read at open, entry by entry.
#[derive(Debug)]
pub struct GopherFind {
    items: std::vec::IntoIter<GopherFindData>,
    /// Malformed menu lines that were skipped.
    pub skipped: usize,
    /// Whether the menu ended with its `.` line (a missing one is tolerated).
    pub terminated: bool,
}

impl GopherFind {
    /// `InternetFindNextFile`: the next item, or `ERROR_NO_MORE_FILES`.
    pub fn next_entry(&mut self) -> InetResult<GopherFindData> {
        self.items.next().ok_or(InetError::NoMoreFiles)
    }
}

/// An open file (`GopherOpenFile` handle), streamed with [`GopherFile::read`].
#[derive(Debug)]
pub struct GopherFile {
    stream: Option<TcpStream>,
    text: Option<DotDecoder>,
    pending: Vec<u8>,
    pending_at: usize,
    receive_timeout: Option<Duration>,
}

impl GopherSession {
    /// A session for `host:port` (port 0 means 70).
    pub fn new(host: &str, port: u16, config: GopherConfig) -> GopherSession {
        GopherSession {
            host: host.to_owned(),
            port: if port == 0 { 70 } else { port },
            config,
        }
    }

    /// The locator of the session server's root menu.
    pub fn root_locator(&self) -> InetResult<GopherLocator> {
        GopherLocator::create(&self.host, self.port, None, None, 0)
    }

    fn locator(&self, locator: Option<&str>) -> InetResult<GopherLocator> {
        match locator {
            Some(text) => GopherLocator::parse(text),
            None => self.root_locator(),
        }
    }

    /// Connects to the locator's server and sends `request` + CRLF.
    async fn request(&self, locator: &GopherLocator, request: &str) -> InetResult<TcpStream> {
        let mut stream = connect(&locator.host, locator.port, self.config.connect_timeout).await?;
        let line = format!("{request}\r\n");
        with_timeout(self.config.send_timeout, async {
            stream
                .write_all(line.as_bytes())
                .await
                .map_err(|e| InetError::from_io(&e))
        })
        .await?;
        Ok(stream)
    }

    /// Reads a whole reply up to [`MAX_MENU_BYTES`], stopping early at a `.` terminator line.
    async fn read_reply(&self, stream: &mut TcpStream) -> InetResult<Vec<u8>> {
        let mut reply = Vec::new();
        let mut buf = vec![0u8; READ_CHUNK];
        // Each round adds at least one byte or ends; the size limit bounds the loop.
        loop {
            let n = with_timeout(self.config.receive_timeout, async {
                stream
                    .read(&mut buf)
                    .await
                    .map_err(|e| InetError::from_io(&e))
            })
            .await?;
            if n == 0 {
                return Ok(reply);
            }
            if reply.len() + n > MAX_MENU_BYTES {
                return Err(InetError::GopherProtocolError("the reply is too large"));
            }
            reply.extend_from_slice(&buf[..n]);
            if reply == b".\r\n" || reply.ends_with(b"\n.\r\n") || reply.ends_with(b"\n.\n") {
                return Ok(reply);
            }
        }
    }

    /// `GopherFindFirstFile`: reads the menu of `locator` (the session server's root when
    /// `None`; an index item `7` sends `search` after a TAB) and returns the find. A locator
    /// that is not a menu or index is `ERROR_GOPHER_INCORRECT_LOCATOR_TYPE`; a menu with no
    /// item is `ERROR_NO_MORE_FILES`.
    pub async fn find_first(
        &self,
        locator: Option<&str>,
        search: Option<&str>,
    ) -> InetResult<GopherFind> {
        let locator = self.locator(locator)?;
        if !locator.is_directory() {
            return Err(InetError::GopherIncorrectLocatorType);
        }
        let request = match search {
            Some(search) if locator.type_char == b'7' => {
                if search.contains(['\t', '\r', '\n']) {
                    return Err(InetError::InvalidParameter(
                        "a search string with TAB or CR/LF",
                    ));
                }
                format!("{}\t{search}", locator.selector)
            }
            _ => locator.selector.clone(),
        };
        let mut stream = self.request(&locator, &request).await?;
        let reply = self.read_reply(&mut stream).await?;
        let menu = parse_menu(&reply);
        if menu.items.is_empty() {
            return Err(InetError::NoMoreFiles);
        }
        Ok(GopherFind {
            items: menu.items.into_iter(),
            skipped: menu.skipped,
            terminated: menu.terminated,
        })
    }

    /// `GopherOpenFile`: requests the file of `locator`; text items (`0`, `4`, `6`) are
    /// dot-unstuffed and end at their `.` line, other files at the server's close. A menu,
    /// index or other non-file locator is `ERROR_GOPHER_NOT_FILE`.
    pub async fn open_file(&self, locator: &str) -> InetResult<GopherFile> {
        let locator = GopherLocator::parse(locator)?;
        if !locator.is_file() {
            return Err(InetError::GopherNotFile);
        }
        let stream = self.request(&locator, &locator.selector).await?;
        Ok(GopherFile {
            stream: Some(stream),
            text: locator.is_text().then(DotDecoder::default),
            pending: Vec::new(),
            pending_at: 0,
            receive_timeout: self.config.receive_timeout,
        })
    }

    /// `GopherGetAttribute`: asks a Gopher+ server for the item's attributes (`selector TAB
    /// !`) and returns the blocks named in the space-separated `names` (all when `None`). A
    /// locator without the Gopher+ mark, or a server that answers without a Gopher+ header,
    /// is `ERROR_GOPHER_NOT_GOPHER_PLUS`; a refusal (`--` header) or none of the names is
    /// `ERROR_GOPHER_ATTRIBUTE_NOT_FOUND`.
    pub async fn get_attribute(
        &self,
        locator: &str,
        names: Option<&str>,
    ) -> InetResult<Vec<GopherAttribute>> {
        let locator = GopherLocator::parse(locator)?;
        if !locator.gopher_plus {
            return Err(InetError::GopherNotGopherPlus);
        }
        let mut stream = self
            .request(&locator, &format!("{}\t!", locator.selector))
            .await?;
        let reply = self.read_reply(&mut stream).await?;
        select_attributes(parse_attributes(&reply)?, names)
    }
}

impl GopherFile {
    /// `InternetReadFile`: up to `buf.len()` bytes of the file, 0 at its end.
    pub async fn read(&mut self, buf: &mut [u8]) -> InetResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let limit = self.receive_timeout;
        // Each round either hands out pending bytes, ends the file, or reads at least one
        // byte from the socket; the socket's data bounds the loop.
        loop {
            if self.pending_at < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.pending_at);
                buf[..n].copy_from_slice(&self.pending[self.pending_at..self.pending_at + n]);
                self.pending_at += n;
                return Ok(n);
            }
            let Some(stream) = self.stream.as_mut() else {
                return Ok(0);
            };
            let Some(decoder) = self.text.as_mut() else {
                // Binary: straight into the caller's buffer, until the server closes.
                let n = with_timeout(limit, async {
                    stream.read(buf).await.map_err(|e| InetError::from_io(&e))
                })
                .await?;
                if n == 0 {
                    self.stream = None;
                }
                return Ok(n);
            };
            if decoder.is_done() {
                self.stream = None;
                return Ok(0);
            }
            let mut chunk = vec![0u8; READ_CHUNK];
            let n = with_timeout(limit, async {
                stream
                    .read(&mut chunk)
                    .await
                    .map_err(|e| InetError::from_io(&e))
            })
            .await?;
            if n == 0 {
                decoder.finish();
                self.stream = None;
                return Ok(0);
            }
            self.pending.clear();
            self.pending_at = 0;
            decoder.decode(&chunk[..n], &mut self.pending);
        }
    }
}
