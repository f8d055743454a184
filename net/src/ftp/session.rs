//! The FTP session: one control connection (suppaftp's tokio client) plus the passive data
//! connections this module opens itself.
//!
//! suppaftp frames the commands (refusing CR/LF inside one) and parses every reply,
//! multi-line ones included. The session sends each command with
//! `custom_command(.., &[])` so that *every* reply comes back (as `Ok` or
//! `UnexpectedResponse`) with its full text, which is kept as the last response for
//! `InternetGetLastResponseInfo`; the session then judges the code itself, as WinINet does.
//! Data connections (`PASV`, connect, the transfer command, the completion reply) are driven
//! here rather than by suppaftp's transfer streams, so the `227` and `226` texts are kept
//! too and a malformed `PASV` reply is reported as `ERROR_INTERNET_EXTENDED_ERROR`.
//!
//! Invariants:
//! - while an [`FtpTransfer`] or [`FtpFind`] of the session is alive, every other operation
//!   fails with `ERROR_FTP_TRANSFER_IN_PROGRESS` (the busy rule, WI-R11);
//! - a transfer dropped without [`FtpSession::finish`] frees the session and leaves its
//!   completion reply to be read (and kept) before the next command;
//! - every control exchange and data read or write runs under the configured timeouts; a
//!   timeout or a lost control connection marks the session broken, and later operations
//!   fail with `ERROR_INTERNET_CONNECTION_ABORTED` instead of reading a stale reply.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use suppaftp::tokio::AsyncFtpStream;
use suppaftp::FtpError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use windows_sys::Win32::Networking::WinInet::{FTP_TRANSFER_TYPE_ASCII, FTP_TRANSFER_TYPE_BINARY};

use crate::error::inet::{connect, with_timeout, InetError, InetResult};
use crate::ftp::listing::{parse_listing, FindData, ListingFormat};
use crate::ftp::reply::{parse_pasv, parse_pwd, parse_size, FtpReply};

/// The most bytes a directory listing may have.
pub const MAX_LISTING_BYTES: usize = 16 << 20;
/// The password WinINet sends for an anonymous login when none is given.
pub const ANONYMOUS_PASSWORD: &str = "IEUser@";

/// Timeouts of a session; `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FtpConfig {
    /// TCP connect (control and data connections) and the server's greeting.
    pub connect_timeout: Option<Duration>,
    /// Waiting for a reply or for data.
    pub receive_timeout: Option<Duration>,
    /// Writing upload data.
    pub send_timeout: Option<Duration>,
}

impl Default for FtpConfig {
    /// 60 s each, WinINet's defaults.
    fn default() -> Self {
        let minute = Some(Duration::from_secs(60));
        FtpConfig {
            connect_timeout: minute,
            receive_timeout: minute,
            send_timeout: minute,
        }
    }
}

/// `TYPE A` or `TYPE I`, from the `FTP_TRANSFER_TYPE_*` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferType {
    /// `FTP_TRANSFER_TYPE_ASCII`: `TYPE A`. Bytes are passed through unchanged, as in Wine.
    Ascii,
    /// `FTP_TRANSFER_TYPE_BINARY` (or `_UNKNOWN`): `TYPE I`.
    Binary,
}

impl TransferType {
    /// Reads the low three bits of `dwFlags` as Wine does: `ASCII` → `TYPE A`, `BINARY` or
    /// `UNKNOWN` → `TYPE I`, anything above `BINARY` → `ERROR_INVALID_PARAMETER`.
    pub fn from_flags(flags: u32) -> InetResult<TransferType> {
        match flags & 0x7 {
            FTP_TRANSFER_TYPE_ASCII => Ok(TransferType::Ascii),
            0 | FTP_TRANSFER_TYPE_BINARY => Ok(TransferType::Binary),
            _ => Err(InetError::InvalidParameter("transfer type flags")),
        }
    }

    fn command(self) -> &'static str {
        match self {
            TransferType::Ascii => "TYPE A",
            TransferType::Binary => "TYPE I",
        }
    }
}

/// Which way a transfer's data flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `RETR` or a raw command with data: read with [`FtpTransfer::read`].
    Download,
    /// `STOR`: write with [`FtpTransfer::write`].
    Upload,
}

/// A failed connect or login, with the server's last reply (for
/// `InternetGetLastResponseInfo` after `InternetConnect` fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtpConnectError {
    /// The failure.
    pub error: InetError,
    /// The last reply text, empty if the server sent none.
    pub last_response: String,
}

/// Busy flags shared between a session and its open transfer or find.
#[derive(Debug, Default)]
struct Shared {
    /// A transfer or find is open.
    busy: AtomicBool,
    /// A transfer was dropped without `finish`; its completion reply is unread.
    pending_reply: AtomicBool,
}

/// A logged-in FTP session (the `InternetConnect` FTP handle's connection).
pub struct FtpSession {
    control: AsyncFtpStream,
    config: FtpConfig,
    last_response: String,
    shared: Arc<Shared>,
    broken: bool,
    peer: SocketAddr,
}

impl std::fmt::Debug for FtpSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FtpSession")
            .field("peer", &self.peer)
            .field("broken", &self.broken)
            .field("last_response", &self.last_response)
            .finish()
    }
}

/// Maps a suppaftp failure that is not a reply.
fn map_ftp_error(err: &FtpError) -> InetError {
    match err {
        FtpError::ConnectionError(io) if io.kind() == std::io::ErrorKind::InvalidInput => {
            InetError::InvalidParameter("a command or argument contains CR or LF")
        }
        FtpError::ConnectionError(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            // suppaftp's reply size limit.
            InetError::ExtendedError { reply_code: 0 }
        }
        FtpError::ConnectionError(io) => InetError::from_io(io),
        FtpError::BadResponse => InetError::ExtendedError { reply_code: 0 },
        FtpError::DataConnectionAlreadyOpen => InetError::TransferInProgress,
        FtpError::InvalidAddress(_) => InetError::ExtendedError { reply_code: 0 },
        FtpError::UnexpectedResponse(response) => {
            InetError::from_ftp_reply(crate::ftp::reply::reply_code(&response.body))
        }
    }
}

/// Rejects arguments that cannot be put on one command line.
fn check_argument(arg: &str) -> InetResult<()> {
    if arg.contains(['\r', '\n', '\0']) {
        Err(InetError::InvalidParameter(
            "an argument contains CR, LF or NUL",
        ))
    } else {
        Ok(())
    }
}

impl FtpSession {
    /// Connects to `host:port`, reads the greeting and logs in, as `InternetConnect` with
    /// `INTERNET_SERVICE_FTP` does. No user (or an empty one) logs in as `anonymous` with
    /// `password` or [`ANONYMOUS_PASSWORD`]; an empty user with a password is
    /// `ERROR_INVALID_PARAMETER` (checked before connecting). A 530 reply is
    /// `ERROR_INTERNET_LOGIN_FAILURE`.
    pub async fn connect(
        host: &str,
        port: u16,
        user: Option<&str>,
        password: Option<&str>,
        config: FtpConfig,
    ) -> Result<FtpSession, FtpConnectError> {
        let fail = |error: InetError, last_response: String| FtpConnectError {
            error,
            last_response,
        };
        let user_empty = user.is_none_or(str::is_empty);
        if user_empty && password.is_some_and(|p| !p.is_empty()) {
            return Err(fail(
                InetError::InvalidParameter("a password without a user name"),
                String::new(),
            ));
        }
        let (user, password) = if user_empty {
            ("anonymous", password.unwrap_or(ANONYMOUS_PASSWORD))
        } else {
            (user.unwrap_or("anonymous"), password.unwrap_or(""))
        };
        for arg in [user, password] {
            check_argument(arg).map_err(|e| fail(e, String::new()))?;
        }
        let tcp = connect(host, port, config.connect_timeout)
            .await
            .map_err(|e| fail(e, String::new()))?;
        let peer = tcp
            .peer_addr()
            .map_err(|e| fail(InetError::from_io(&e), String::new()))?;
        let greeting = with_timeout(config.connect_timeout, async {
            Ok(AsyncFtpStream::connect_with_stream(tcp).await)
        })
        .await
        .map_err(|e| fail(e, String::new()))?;
        let control = match greeting {
            Ok(control) => control,
            Err(FtpError::UnexpectedResponse(response)) => {
                let reply = FtpReply::from_bytes(&response.body);
                return Err(fail(InetError::from_ftp_reply(reply.code), reply.text));
            }
            Err(err) => return Err(fail(map_ftp_error(&err), String::new())),
        };
        let welcome = control.get_welcome_msg().unwrap_or_default().to_owned();
        let mut session = FtpSession {
            control,
            config,
            last_response: welcome,
            shared: Arc::default(),
            broken: false,
            peer,
        };
        match session.login(user, password).await {
            Ok(()) => Ok(session),
            Err(error) => Err(fail(error, session.last_response.clone())),
        }
    }

    /// USER, then PASS on 331 and ACCT on 332, as Wine's `FTP_ConnectToHost` does.
    async fn login(&mut self, user: &str, password: &str) -> InetResult<()> {
        let reply = self.exchange(&format!("USER {user}")).await?;
        let reply = match reply.code {
            230 => return Ok(()),
            331 => self.exchange(&format!("PASS {password}")).await?,
            332 => reply,
            code => return Err(InetError::from_ftp_reply(code)),
        };
        match reply.code {
            230 => Ok(()),
            332 => {
                let account = self.exchange("ACCT noaccount").await?;
                if account.is_completion() {
                    Ok(())
                } else {
                    Err(InetError::from_ftp_reply(account.code))
                }
            }
            code => Err(InetError::from_ftp_reply(code)),
        }
    }

    /// The text of the server's last reply (all its lines, with line ends), for
    /// `InternetGetLastResponseInfo`.
    pub fn last_response(&self) -> &str {
        &self.last_response
    }

    /// The server's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Whether a transfer or find is open (the busy rule).
    pub fn is_busy(&self) -> bool {
        self.shared.busy.load(Ordering::SeqCst)
    }

    fn check_usable(&self) -> InetResult<()> {
        if self.is_busy() {
            return Err(InetError::TransferInProgress);
        }
        if self.broken {
            return Err(InetError::ConnectionAborted(
                "the control connection was lost".into(),
            ));
        }
        Ok(())
    }

    /// Records a reply as the last response and returns it.
    fn record(&mut self, body: &[u8]) -> FtpReply {
        let reply = FtpReply::from_bytes(body);
        self.last_response.clone_from(&reply.text);
        reply
    }

    /// Handles the outcome of a suppaftp control call: any reply is recorded and returned;
    /// other failures mark the session broken (except a refused argument).
    fn take_reply(
        &mut self,
        outcome: InetResult<Result<suppaftp::types::Response, FtpError>>,
    ) -> InetResult<FtpReply> {
        match outcome {
            Ok(Ok(response)) | Ok(Err(FtpError::UnexpectedResponse(response))) => {
                Ok(self.record(&response.body))
            }
            Ok(Err(err)) => {
                let mapped = map_ftp_error(&err);
                if !matches!(mapped, InetError::InvalidParameter(_)) {
                    self.broken = true;
                }
                Err(mapped)
            }
            Err(timeout) => {
                self.broken = true;
                Err(timeout)
            }
        }
    }

    /// Reads the completion reply of a transfer dropped without `finish`.
    async fn drain_pending(&mut self) -> InetResult<()> {
        if !self.shared.pending_reply.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let limit = self.config.receive_timeout;
        let outcome = with_timeout(limit, async {
            Ok(self.control.read_response_in(&[]).await)
        })
        .await;
        self.take_reply(outcome).map(|_| ())
    }

    /// Sends one command line and returns the server's reply, whatever its code.
    async fn exchange(&mut self, line: &str) -> InetResult<FtpReply> {
        if self.broken {
            return Err(InetError::ConnectionAborted(
                "the control connection was lost".into(),
            ));
        }
        self.drain_pending().await?;
        let limit = self.config.receive_timeout;
        let outcome = with_timeout(limit, async {
            Ok(self.control.custom_command(line, &[]).await)
        })
        .await;
        self.take_reply(outcome)
    }

    /// Sends a command on an idle session and requires a reply accepted by `ok`.
    async fn simple(&mut self, line: &str, ok: fn(u16) -> bool) -> InetResult<FtpReply> {
        self.check_usable()?;
        let reply = self.exchange(line).await?;
        if ok(reply.code) {
            Ok(reply)
        } else {
            Err(InetError::from_ftp_reply(reply.code))
        }
    }

    /// `FtpGetCurrentDirectory`: `PWD`, the path of the 257 reply.
    pub async fn current_directory(&mut self) -> InetResult<String> {
        let reply = self.simple("PWD", |c| c == 257).await?;
        parse_pwd(&reply.text).ok_or(InetError::ExtendedError {
            reply_code: reply.code,
        })
    }

    /// `FtpSetCurrentDirectory`: `CWD` (200 or 250).
    pub async fn set_current_directory(&mut self, dir: &str) -> InetResult<()> {
        check_argument(dir)?;
        self.simple(&format!("CWD {dir}"), |c| c == 250 || c == 200)
            .await
            .map(|_| ())
    }

    /// `FtpCreateDirectory`: `MKD` (257, or 250/200 from lax servers).
    pub async fn create_directory(&mut self, dir: &str) -> InetResult<()> {
        check_argument(dir)?;
        self.simple(&format!("MKD {dir}"), |c| matches!(c, 200 | 250 | 257))
            .await
            .map(|_| ())
    }

    /// `FtpRemoveDirectory`: `RMD` (250 or 200).
    pub async fn remove_directory(&mut self, dir: &str) -> InetResult<()> {
        check_argument(dir)?;
        self.simple(&format!("RMD {dir}"), |c| c == 250 || c == 200)
            .await
            .map(|_| ())
    }

    /// `FtpDeleteFile`: `DELE` (250 or 200).
    pub async fn delete_file(&mut self, path: &str) -> InetResult<()> {
        check_argument(path)?;
        self.simple(&format!("DELE {path}"), |c| c == 250 || c == 200)
            .await
            .map(|_| ())
    }

    /// `FtpRenameFile`: `RNFR` (350), then `RNTO` (250 or 200).
    pub async fn rename(&mut self, from: &str, to: &str) -> InetResult<()> {
        check_argument(from)?;
        check_argument(to)?;
        self.simple(&format!("RNFR {from}"), |c| c == 350).await?;
        self.simple(&format!("RNTO {to}"), |c| c == 250 || c == 200)
            .await
            .map(|_| ())
    }

    /// The size of a remote file: `SIZE` (213). (`FtpGetFileSize` reports the size of an
    /// open transfer: [`FtpTransfer::size`].)
    pub async fn file_size(&mut self, path: &str) -> InetResult<u64> {
        check_argument(path)?;
        let reply = self.simple(&format!("SIZE {path}"), |c| c == 213).await?;
        parse_size(&reply.text).ok_or(InetError::ExtendedError {
            reply_code: reply.code,
        })
    }

    /// `FtpCommand` without a data connection: sends `command` as is; any reply below 400
    /// succeeds (as in Wine) and is returned.
    pub async fn command(&mut self, command: &str) -> InetResult<FtpReply> {
        check_argument(command)?;
        self.simple(command, |c| (100..400).contains(&c)).await
    }

    /// `FtpCommand` with `fExpectResponse`: opens a passive data connection, sends `command`
    /// and returns the transfer to read its data from; [`FtpSession::finish`] reads the
    /// completion reply.
    pub async fn command_with_data(
        &mut self,
        command: &str,
        transfer_type: TransferType,
    ) -> InetResult<FtpTransfer> {
        check_argument(command)?;
        self.check_usable()?;
        let data = self.open_data(command, Some(transfer_type)).await?;
        Ok(self.transfer(data, Direction::Download, None))
    }

    /// `FtpOpenFile`: `TYPE`, `SIZE` (for reads; a refusal is ignored), `PASV`, then `RETR`
    /// or `STOR`. The session is busy until the transfer is finished or dropped.
    pub async fn open_file(
        &mut self,
        path: &str,
        direction: Direction,
        transfer_type: TransferType,
    ) -> InetResult<FtpTransfer> {
        check_argument(path)?;
        self.check_usable()?;
        let reply = self.exchange(transfer_type.command()).await?;
        if !reply.is_completion() {
            return Err(InetError::from_ftp_reply(reply.code));
        }
        let size = if direction == Direction::Download {
            let reply = self.exchange(&format!("SIZE {path}")).await?;
            if reply.code == 213 {
                parse_size(&reply.text)
            } else {
                None
            }
        } else {
            None
        };
        let verb = match direction {
            Direction::Download => "RETR",
            Direction::Upload => "STOR",
        };
        let data = self.open_data(&format!("{verb} {path}"), None).await?;
        Ok(self.transfer(data, direction, size))
    }

    fn transfer(&self, data: TcpStream, direction: Direction, size: Option<u64>) -> FtpTransfer {
        self.shared.busy.store(true, Ordering::SeqCst);
        FtpTransfer {
            data: Some(data),
            shared: self.shared.clone(),
            direction,
            size,
            receive_timeout: self.config.receive_timeout,
            send_timeout: self.config.send_timeout,
            finished: false,
        }
    }

    /// `PASV`, connect to the address it names, send `command` and require a 1xx reply.
    async fn open_data(
        &mut self,
        command: &str,
        transfer_type: Option<TransferType>,
    ) -> InetResult<TcpStream> {
        if let Some(transfer_type) = transfer_type {
            let reply = self.exchange(transfer_type.command()).await?;
            if !reply.is_completion() {
                return Err(InetError::from_ftp_reply(reply.code));
            }
        }
        let reply = self.exchange("PASV").await?;
        if reply.code != 227 {
            return Err(InetError::from_ftp_reply(reply.code));
        }
        let announced = parse_pasv(&reply.text).ok_or(InetError::ExtendedError {
            reply_code: reply.code,
        })?;
        // A server behind NAT may announce 0.0.0.0; use the control connection's peer then.
        let ip = if announced.ip().is_unspecified() {
            self.peer.ip()
        } else {
            IpAddr::V4(*announced.ip())
        };
        let data = connect(
            &ip.to_string(),
            announced.port(),
            self.config.connect_timeout,
        )
        .await?;
        let reply = self.exchange(command).await?;
        if reply.is_preliminary() {
            Ok(data)
        } else {
            Err(InetError::from_ftp_reply(reply.code))
        }
    }

    /// Ends a transfer: closes the data connection (after a FIN for uploads) and reads the
    /// completion reply (226 or 250 succeed; 426 is `ERROR_INTERNET_CONNECTION_ABORTED`, other
    /// codes as in [`InetError::from_ftp_reply`]). The session is idle again afterwards.
    pub async fn finish(&mut self, mut transfer: FtpTransfer) -> InetResult<()> {
        if !Arc::ptr_eq(&transfer.shared, &self.shared) {
            return Err(InetError::InvalidParameter(
                "the transfer belongs to another session",
            ));
        }
        if let Some(mut data) = transfer.data.take() {
            if transfer.direction == Direction::Upload {
                let _ = with_timeout(self.config.send_timeout, async {
                    data.shutdown().await.map_err(|e| InetError::from_io(&e))
                })
                .await;
            }
        }
        transfer.finished = true;
        self.shared.busy.store(false, Ordering::SeqCst);
        drop(transfer);
        if self.broken {
            return Err(InetError::ConnectionAborted(
                "the control connection was lost".into(),
            ));
        }
        let limit = self.config.receive_timeout;
        let outcome = with_timeout(limit, async {
            Ok(self.control.read_response_in(&[]).await)
        })
        .await;
        let reply = self.take_reply(outcome)?;
        if matches!(reply.code, 226 | 250) {
            Ok(())
        } else {
            Err(InetError::from_ftp_reply(reply.code))
        }
    }

    /// `FtpFindFirstFile`: lists `search` (a directory or file, or a `*`/`?` pattern on the
    /// last path component, or the current directory when `None`) with `MLSD`, falling back
    /// to `LIST` when the server refuses `MLSD` (any 5xx), reads the whole listing and returns
    /// the find with its entries. Lines no parser recognises are skipped. An empty result is
    /// `ERROR_NO_MORE_FILES` and leaves the session idle; otherwise the session is busy until
    /// the find is dropped.
    pub async fn find_first(&mut self, search: Option<&str>) -> InetResult<FtpFind> {
        if let Some(search) = search {
            check_argument(search)?;
        }
        self.check_usable()?;
        let (argument, pattern) = split_search(search);
        let with_argument = |verb: &str| match &argument {
            Some(arg) => format!("{verb} {arg}"),
            None => verb.to_owned(),
        };
        let mut format = ListingFormat::Mlsd;
        let data = match self
            .open_data(&with_argument("MLSD"), Some(TransferType::Ascii))
            .await
        {
            Ok(data) => data,
            Err(InetError::ExtendedError { reply_code }) if (500..600).contains(&reply_code) => {
                format = ListingFormat::List;
                self.open_data(&with_argument("LIST"), None).await?
            }
            Err(err) => return Err(err),
        };
        self.shared.busy.store(true, Ordering::SeqCst);
        let mut transfer = FtpTransfer {
            data: Some(data),
            shared: self.shared.clone(),
            direction: Direction::Download,
            size: None,
            receive_timeout: self.config.receive_timeout,
            send_timeout: self.config.send_timeout,
            finished: false,
        };
        let mut listing = Vec::new();
        let mut buf = vec![0u8; 16 * 1024];
        let read_outcome: InetResult<()> = async {
            // Each read adds at least one byte; the size limit bounds the loop.
            loop {
                let n = transfer.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                if listing.len() + n > MAX_LISTING_BYTES {
                    return Err(InetError::ExtendedError { reply_code: 0 });
                }
                listing.extend_from_slice(&buf[..n]);
            }
        }
        .await;
        let finished = self.finish(transfer).await;
        read_outcome?;
        finished?;
        let entries = parse_listing(&listing, format, pattern.as_deref());
        if entries.is_empty() {
            return Err(InetError::NoMoreFiles);
        }
        self.shared.busy.store(true, Ordering::SeqCst);
        Ok(FtpFind {
            entries: entries.into_iter(),
            shared: self.shared.clone(),
        })
    }

    /// `FtpGetFile`: downloads `remote` into the local file `local` and returns the byte
    /// count. With `fail_if_exists` an existing local file is `ERROR_FILE_EXISTS` before
    /// anything is sent.
    pub async fn get_file(
        &mut self,
        remote: &str,
        local: &Path,
        fail_if_exists: bool,
        transfer_type: TransferType,
    ) -> InetResult<u64> {
        self.check_usable()?;
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true);
        if fail_if_exists {
            options.create_new(true);
        } else {
            options.create(true).truncate(true);
        }
        let mut file = options
            .open(local)
            .await
            .map_err(|e| InetError::from_local_io(&e))?;
        let mut transfer = self
            .open_file(remote, Direction::Download, transfer_type)
            .await?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        let copied: InetResult<()> = async {
            // Each read adds at least one byte or ends the loop; the data bounds it.
            loop {
                let n = transfer.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                file.write_all(&buf[..n])
                    .await
                    .map_err(|e| InetError::from_local_io(&e))?;
                total += n as u64;
            }
        }
        .await;
        let finished = self.finish(transfer).await;
        copied?;
        finished?;
        file.flush()
            .await
            .map_err(|e| InetError::from_local_io(&e))?;
        Ok(total)
    }

    /// `FtpPutFile`: uploads the local file `local` as `remote` and returns the byte count. A
    /// missing local file is `ERROR_FILE_NOT_FOUND` before anything is sent.
    pub async fn put_file(
        &mut self,
        local: &Path,
        remote: &str,
        transfer_type: TransferType,
    ) -> InetResult<u64> {
        self.check_usable()?;
        let mut file = tokio::fs::File::open(local)
            .await
            .map_err(|e| InetError::from_local_io(&e))?;
        let mut transfer = self
            .open_file(remote, Direction::Upload, transfer_type)
            .await?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        let copied: InetResult<()> = async {
            // Each round consumes at least one byte of the file or ends the loop.
            loop {
                let n = file
                    .read(&mut buf)
                    .await
                    .map_err(|e| InetError::from_local_io(&e))?;
                if n == 0 {
                    return Ok(());
                }
                transfer.write(&buf[..n]).await?;
                total += n as u64;
            }
        }
        .await;
        let finished = self.finish(transfer).await;
        copied?;
        finished?;
        Ok(total)
    }

    /// Sends `QUIT` (best effort) and closes the control connection.
    pub async fn quit(mut self) {
        if !self.broken && !self.is_busy() {
            let _ = self.exchange("QUIT").await;
        }
    }
}

/// Splits a find argument into what is sent to the server and a local name pattern.
fn split_search(search: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(search) = search.filter(|s| !s.is_empty()) else {
        return (None, None);
    };
    let (dir, last) = match search.rfind('/') {
        Some(i) => (&search[..i], &search[i + 1..]),
        None => ("", search),
    };
    if last.contains(['*', '?']) {
        let dir = if dir.is_empty() && search.starts_with('/') {
            Some("/".to_owned())
        } else if dir.is_empty() {
            None
        } else {
            Some(dir.to_owned())
        };
        (dir, Some(last.to_owned()))
    } else {
        (Some(search.to_owned()), None)
    }
}

/// An open data transfer (`FtpOpenFile` handle, or `FtpCommand` with data). Read or write
/// it, then pass it to [`FtpSession::finish`].
#[derive(Debug)]
pub struct FtpTransfer {
    data: Option<TcpStream>,
    shared: Arc<Shared>,
    direction: Direction,
    size: Option<u64>,
    receive_timeout: Option<Duration>,
    send_timeout: Option<Duration>,
    finished: bool,
}

impl FtpTransfer {
    /// The direction of the transfer.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The file size the server reported with `SIZE` before `RETR` (`FtpGetFileSize`), if
    /// it did.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// `InternetReadFile`: reads up to `buf.len()` bytes of a download; 0 at the end. A reset
    /// or an early close is `ERROR_INTERNET_CONNECTION_ABORTED`, no data within the receive
    /// timeout `ERROR_INTERNET_TIMEOUT`.
    pub async fn read(&mut self, buf: &mut [u8]) -> InetResult<usize> {
        if self.direction != Direction::Download {
            return Err(InetError::InvalidParameter("read on an upload"));
        }
        let Some(data) = self.data.as_mut() else {
            return Ok(0);
        };
        if buf.is_empty() {
            return Ok(0);
        }
        with_timeout(self.receive_timeout, async {
            data.read(buf).await.map_err(|e| InetError::from_io(&e))
        })
        .await
    }

    /// `InternetWriteFile`: writes all of `buf` to an upload and returns its length.
    pub async fn write(&mut self, buf: &[u8]) -> InetResult<usize> {
        if self.direction != Direction::Upload {
            return Err(InetError::InvalidParameter("write on a download"));
        }
        let Some(data) = self.data.as_mut() else {
            return Err(InetError::ConnectionAborted(
                "the transfer is closed".into(),
            ));
        };
        with_timeout(self.send_timeout, async {
            data.write_all(buf)
                .await
                .map_err(|e| InetError::from_io(&e))
        })
        .await?;
        Ok(buf.len())
    }
}

impl Drop for FtpTransfer {
    fn drop(&mut self) {
        if !self.finished {
            // Closing the data socket (dropping it) makes the server send its reply; the
            // session reads it before its next command.
            self.shared.pending_reply.store(true, Ordering::SeqCst);
            self.shared.busy.store(false, Ordering::SeqCst);
        }
    }
}

/// An open find (`FtpFindFirstFile` handle): the listing read at open, handed out entry by
/// entry. The session stays busy until the find is dropped.
#[derive(Debug)]
pub struct FtpFind {
    entries: std::vec::IntoIter<FindData>,
    shared: Arc<Shared>,
}

impl FtpFind {
    /// `InternetFindNextFile`: the next entry, or `ERROR_NO_MORE_FILES`.
    pub fn next_entry(&mut self) -> InetResult<FindData> {
        self.entries.next().ok_or(InetError::NoMoreFiles)
    }
}

impl Drop for FtpFind {
    fn drop(&mut self) {
        self.shared.busy.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_type_flags() {
        assert_eq!(TransferType::from_flags(1), Ok(TransferType::Ascii));
        assert_eq!(TransferType::from_flags(2), Ok(TransferType::Binary));
        assert_eq!(TransferType::from_flags(0), Ok(TransferType::Binary));
        assert_eq!(TransferType::from_flags(3).map_err(|e| e.code()), Err(87));
    }

    #[test]
    fn search_splitting() {
        assert_eq!(split_search(None), (None, None));
        assert_eq!(split_search(Some("")), (None, None));
        assert_eq!(split_search(Some("pub")), (Some("pub".into()), None));
        assert_eq!(split_search(Some("*.txt")), (None, Some("*.txt".into())));
        assert_eq!(
            split_search(Some("/pub/*.bin")),
            (Some("/pub".into()), Some("*.bin".into()))
        );
        assert_eq!(
            split_search(Some("/a?")),
            (Some("/".into()), Some("a?".into()))
        );
    }
}
