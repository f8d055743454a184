//! A scripted FTP server: an in-memory file tree served over the RFC 959 commands WinINet
//! uses, passive data connections on 127.0.0.1, and fault injection.
//!
//! Commands: USER PASS SYST FEAT PWD CWD CDUP TYPE PASV EPSV LIST NLST MLSD RETR STOR SIZE
//! DELE MKD RMD RNFR RNTO NOOP QUIT (anything else is `500`). Logins: `anonymous` with any
//! password, or [`FTP_USER`] / [`FTP_PASSWORD`]; any other pair gets `530`. The tree starts
//! with [`README_PATH`] ([`README_BODY`]), the directory `/pub` holding `/pub/data.bin`
//! (1 KiB, byte `i % 256`) and `/pub/notes.txt`; tests add files with
//! [`FtpServer::insert_file`] and read uploads back with [`FtpServer::file`]. Every file has
//! the modification time 2024-01-02 03:04:05 UTC ([`FILE_MTIME`]).
//!
//! Bounds: command lines up to 4 KiB, 10 000 commands per connection, 10 s to accept a data
//! connection or receive upload bytes, 64 MiB per upload; a connection idle for 60 s is
//! closed. Faults ([`FtpFault`]) apply to every connection of the server.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::{spawn_server, ServerHandle};

/// The user name (besides `anonymous`) the server accepts.
pub const FTP_USER: &str = "user";
/// The password of [`FTP_USER`].
pub const FTP_PASSWORD: &str = "secret";
/// A text file at the root.
pub const README_PATH: &str = "/readme.txt";
/// The contents of [`README_PATH`].
pub const README_BODY: &[u8] = b"hello from the hinternet ftp test server\r\n";
/// Modification time of every file, as an `MLSD` `modify` fact.
pub const FILE_MTIME: &str = "20240102030405";

const MAX_LINE: u64 = 4096;
const MAX_COMMANDS: usize = 10_000;
const DATA_TIMEOUT: Duration = Duration::from_secs(10);
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_UPLOAD: usize = 64 << 20;

/// A misbehaviour the server shows on every connection.
#[derive(Debug, Clone)]
pub enum FtpFault {
    /// Answer `command` (an upper-case verb, or `GREETING` for the banner) with exactly
    /// `reply` instead of the normal reply; the command has no effect.
    Reply {
        /// The verb this applies to.
        command: &'static str,
        /// The bytes sent instead (include the CRLF).
        reply: &'static [u8],
    },
    /// Send `partial` (a reply cut short, e.g. the first line of a multi-line reply) for
    /// `command`, then close the control connection.
    CutShort {
        /// The verb this applies to (or `GREETING`).
        command: &'static str,
        /// The bytes sent before closing.
        partial: &'static [u8],
    },
    /// `PASV` answers `227` with only four numbers (no port).
    BadPasvAddress,
    /// `PASV` names a port on which nothing listens (the data connection never opens).
    PasvClosedPort,
    /// Transfers send `150`, accept the data connection and then stay silent (no data, no
    /// completion reply).
    SilentData,
    /// `RETR` sends half of the file, resets the data connection and answers `426`.
    DropMidFile,
    /// `LIST` output carries two lines in no known format (EPLF and free text).
    UnknownListLine,
    /// `MLSD` is answered `500` (and `FEAT` does not list it), so clients fall back to `LIST`.
    NoMlsd,
}

#[derive(Debug, Clone)]
enum Node {
    Dir,
    File(Vec<u8>),
}

type Tree = BTreeMap<String, Node>;

/// A running FTP server.
#[derive(Debug)]
pub struct FtpServer {
    /// The server handle (address, accepted count; drop to stop).
    pub handle: ServerHandle,
    tree: Arc<Mutex<Tree>>,
    commands: Arc<Mutex<Vec<String>>>,
}

impl FtpServer {
    /// Adds (or replaces) a file; its parent directories are created.
    pub fn insert_file(&self, path: &str, bytes: Vec<u8>) {
        let mut tree = lock(&self.tree);
        let path = normalize("/", path);
        let mut parent = parent_of(&path);
        let mut missing = Vec::new();
        // Each step shortens `parent` by one component; the path's depth bounds the loop.
        while parent != "/" && !tree.contains_key(&parent) {
            missing.push(parent.clone());
            parent = parent_of(&parent);
        }
        for dir in missing {
            tree.insert(dir, Node::Dir);
        }
        tree.insert(path, Node::File(bytes));
    }

    /// The contents of a file, if it exists.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        match lock(&self.tree).get(&normalize("/", path)) {
            Some(Node::File(bytes)) => Some(bytes.clone()),
            _ => None,
        }
    }

    /// Whether a directory exists.
    pub fn is_dir(&self, path: &str) -> bool {
        let path = normalize("/", path);
        path == "/" || matches!(lock(&self.tree).get(&path), Some(Node::Dir))
    }

    /// Every command line received so far, on all connections, in order.
    pub fn commands(&self) -> Vec<String> {
        lock(&self.commands).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Resolves `arg` against `cwd` into an absolute path without `.`/`..` components.
fn normalize(cwd: &str, arg: &str) -> String {
    let mut parts: Vec<&str> = if arg.starts_with('/') {
        Vec::new()
    } else {
        cwd.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in arg.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent_of(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_dir(tree: &Tree, path: &str) -> bool {
    path == "/" || matches!(tree.get(path), Some(Node::Dir))
}

fn children(tree: &Tree, dir: &str) -> Vec<(String, Node)> {
    let prefix = if dir == "/" {
        "/".to_owned()
    } else {
        format!("{dir}/")
    };
    tree.iter()
        .filter(|(path, _)| {
            path.starts_with(&prefix)
                && path.len() > prefix.len()
                && !path[prefix.len()..].contains('/')
        })
        .map(|(path, node)| (name_of(path).to_owned(), node.clone()))
        .collect()
}

/// Starts a server with the default tree and `faults`.
pub fn start(faults: Vec<FtpFault>) -> FtpServer {
    let mut tree = Tree::new();
    tree.insert(README_PATH.to_owned(), Node::File(README_BODY.to_vec()));
    tree.insert("/pub".to_owned(), Node::Dir);
    tree.insert(
        "/pub/data.bin".to_owned(),
        Node::File((0..1024u32).map(|i| (i % 256) as u8).collect()),
    );
    tree.insert(
        "/pub/notes.txt".to_owned(),
        Node::File(b"line one\r\nline two\r\n".to_vec()),
    );
    let tree = Arc::new(Mutex::new(tree));
    let commands: Arc<Mutex<Vec<String>>> = Arc::default();
    let faults = Arc::new(faults);
    let (shared_tree, log) = (tree.clone(), commands.clone());
    let handle = spawn_server(
        "ftp",
        Arc::new(move |stream, _index, _shutdown| {
            let session = Session {
                tree: shared_tree.clone(),
                log: log.clone(),
                faults: faults.clone(),
                cwd: "/".to_owned(),
                user: None,
                logged_in: false,
                passive: None,
                rename_from: None,
            };
            Box::pin(session.run(stream))
        }),
    );
    FtpServer {
        handle,
        tree,
        commands,
    }
}

struct Session {
    tree: Arc<Mutex<Tree>>,
    log: Arc<Mutex<Vec<String>>>,
    faults: Arc<Vec<FtpFault>>,
    cwd: String,
    user: Option<String>,
    logged_in: bool,
    passive: Option<TcpListener>,
    rename_from: Option<String>,
}

/// What the control loop does after a command.
enum Next {
    Continue,
    Close,
}

type Control = BufReader<TcpStream>;

async fn reply(control: &mut Control, text: &str) -> bool {
    control
        .get_mut()
        .write_all(format!("{text}\r\n").as_bytes())
        .await
        .is_ok()
}

impl Session {
    fn has(&self, wanted: fn(&FtpFault) -> bool) -> bool {
        self.faults.iter().any(wanted)
    }

    /// The scripted replacement for `verb`, if any: `(bytes, close_after)`.
    fn scripted(&self, verb: &str) -> Option<(&'static [u8], bool)> {
        self.faults.iter().find_map(|fault| match fault {
            FtpFault::Reply { command, reply } if *command == verb => Some((*reply, false)),
            FtpFault::CutShort { command, partial } if *command == verb => Some((*partial, true)),
            _ => None,
        })
    }

    async fn run(mut self, stream: TcpStream) {
        let mut control = BufReader::new(stream);
        if let Some((bytes, close)) = self.scripted("GREETING") {
            if control.get_mut().write_all(bytes).await.is_err() || close {
                return;
            }
        } else if !reply(&mut control, "220 hinternet test FTP server ready").await {
            return;
        }
        for _ in 0..MAX_COMMANDS {
            let mut line = Vec::new();
            let read = tokio::time::timeout(
                IDLE_TIMEOUT,
                (&mut control).take(MAX_LINE).read_until(b'\n', &mut line),
            )
            .await;
            match read {
                Ok(Ok(n)) if n > 0 && line.ends_with(b"\n") => {}
                Ok(Ok(n)) if n > 0 => {
                    let _ = reply(&mut control, "500 Line too long.").await;
                    return;
                }
                _ => return,
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']).to_owned();
            lock(&self.log).push(text.clone());
            let (verb, arg) = match text.split_once(' ') {
                Some((v, a)) => (v.to_ascii_uppercase(), a.to_owned()),
                None => (text.to_ascii_uppercase(), String::new()),
            };
            if let Some((bytes, close)) = self.scripted(&verb) {
                if control.get_mut().write_all(bytes).await.is_err() || close {
                    return;
                }
                continue;
            }
            match self.dispatch(&mut control, &verb, &arg).await {
                Some(Next::Continue) => {}
                Some(Next::Close) | None => return,
            }
        }
    }

    /// Runs one command; `None` when the control connection failed.
    async fn dispatch(&mut self, control: &mut Control, verb: &str, arg: &str) -> Option<Next> {
        let open = matches!(verb, "USER" | "PASS" | "QUIT" | "SYST" | "FEAT" | "NOOP");
        if !open && !self.logged_in {
            return ok(reply(control, "530 Please login with USER and PASS.").await);
        }
        let path = normalize(&self.cwd, arg);
        let text = match verb {
            "USER" => {
                self.user = Some(arg.to_owned());
                self.logged_in = false;
                if arg == "anonymous" {
                    "331 Anonymous login ok, send your e-mail address as password.".to_owned()
                } else {
                    format!("331 Password required for {arg}.")
                }
            }
            "PASS" => match self.user.as_deref() {
                Some("anonymous") => {
                    self.logged_in = true;
                    "230 Anonymous access granted.".to_owned()
                }
                Some(FTP_USER) if arg == FTP_PASSWORD => {
                    self.logged_in = true;
                    format!("230 User {FTP_USER} logged in.")
                }
                Some(_) => "530 Login incorrect.".to_owned(),
                None => "503 Login with USER first.".to_owned(),
            },
            "SYST" => "215 UNIX Type: L8".to_owned(),
            "FEAT" => {
                let mlsd = if self.has(|f| matches!(f, FtpFault::NoMlsd)) {
                    ""
                } else {
                    " MLSD\r\n"
                };
                format!("211-Features:\r\n{mlsd} SIZE\r\n EPSV\r\n PASV\r\n211 End")
            }
            "NOOP" => "200 NOOP ok.".to_owned(),
            "QUIT" => {
                let _ = reply(control, "221 Goodbye.").await;
                return Some(Next::Close);
            }
            "PWD" => format!(
                "257 \"{}\" is the current directory",
                self.cwd.replace('"', "\"\"")
            ),
            "CWD" | "CDUP" => {
                let target = if verb == "CDUP" {
                    parent_of(&self.cwd)
                } else {
                    path
                };
                if is_dir(&lock(&self.tree), &target) {
                    self.cwd = target;
                    format!("250 Directory changed to {}", self.cwd)
                } else {
                    format!("550 {arg}: No such directory.")
                }
            }
            "TYPE" => match arg.to_ascii_uppercase().as_str() {
                "A" | "A N" | "I" | "L 8" => format!("200 Type set to {arg}."),
                _ => format!("504 Type {arg} not implemented."),
            },
            "PASV" | "EPSV" => return self.passive(control, verb).await,
            "LIST" | "NLST" | "MLSD" => return self.listing(control, verb, arg).await,
            "RETR" => return self.retrieve(control, &path, arg).await,
            "STOR" => return self.store(control, path, arg).await,
            "SIZE" => match lock(&self.tree).get(&path) {
                Some(Node::File(bytes)) => format!("213 {}", bytes.len()),
                _ => format!("550 {arg}: No such file."),
            },
            "DELE" => {
                let mut tree = lock(&self.tree);
                if matches!(tree.get(&path), Some(Node::File(_))) {
                    tree.remove(&path);
                    "250 File deleted.".to_owned()
                } else {
                    format!("550 {arg}: No such file.")
                }
            }
            "MKD" => {
                let mut tree = lock(&self.tree);
                if path != "/" && is_dir(&tree, &parent_of(&path)) && !tree.contains_key(&path) {
                    tree.insert(path.clone(), Node::Dir);
                    format!("257 \"{path}\" created.")
                } else {
                    format!("550 {arg}: Cannot create directory.")
                }
            }
            "RMD" => {
                let mut tree = lock(&self.tree);
                if path != "/" && is_dir(&tree, &path) && children(&tree, &path).is_empty() {
                    tree.remove(&path);
                    "250 Directory removed.".to_owned()
                } else {
                    format!("550 {arg}: Cannot remove directory.")
                }
            }
            "RNFR" => {
                if path == "/" || !lock(&self.tree).contains_key(&path) {
                    format!("550 {arg}: No such file or directory.")
                } else {
                    self.rename_from = Some(path);
                    "350 Ready for RNTO.".to_owned()
                }
            }
            "RNTO" => match self.rename_from.take() {
                None => "503 Bad sequence of commands.".to_owned(),
                Some(from) => {
                    let mut tree = lock(&self.tree);
                    if tree.contains_key(&path) || !is_dir(&tree, &parent_of(&path)) {
                        format!("553 {arg}: Cannot rename.")
                    } else {
                        let prefix = format!("{from}/");
                        let moved: Vec<String> = tree
                            .keys()
                            .filter(|k| **k == from || k.starts_with(&prefix))
                            .cloned()
                            .collect();
                        for old in moved {
                            if let Some(node) = tree.remove(&old) {
                                tree.insert(format!("{path}{}", &old[from.len()..]), node);
                            }
                        }
                        "250 Rename successful.".to_owned()
                    }
                }
            },
            _ => "500 Unknown command.".to_owned(),
        };
        ok(reply(control, &text).await)
    }

    async fn passive(&mut self, control: &mut Control, verb: &str) -> Option<Next> {
        if verb == "PASV" && self.has(|f| matches!(f, FtpFault::BadPasvAddress)) {
            return ok(reply(control, "227 Entering Passive Mode (127,0,0,1).").await);
        }
        let Ok(listener) = TcpListener::bind("127.0.0.1:0").await else {
            return ok(reply(control, "425 Cannot open a passive port.").await);
        };
        let Ok(addr) = listener.local_addr() else {
            return ok(reply(control, "425 Cannot open a passive port.").await);
        };
        if self.has(|f| matches!(f, FtpFault::PasvClosedPort)) {
            drop(listener);
        } else {
            self.passive = Some(listener);
        }
        let port = addr.port();
        let text = if verb == "PASV" {
            format!(
                "227 Entering Passive Mode (127,0,0,1,{},{}).",
                port >> 8,
                port & 0xff
            )
        } else {
            format!("229 Entering Extended Passive Mode (|||{port}|)")
        };
        ok(reply(control, &text).await)
    }

    /// Sends the preliminary reply and accepts the data connection of the pending `PASV`.
    async fn open_data(
        &mut self,
        control: &mut Control,
        preliminary: &str,
    ) -> Option<Option<TcpStream>> {
        let Some(listener) = self.passive.take() else {
            return ok(reply(control, "425 Use PASV or EPSV first.").await).map(|_| None);
        };
        if !reply(control, preliminary).await {
            return None;
        }
        match tokio::time::timeout(DATA_TIMEOUT, listener.accept()).await {
            Ok(Ok((stream, _))) => {
                if self.has(|f| matches!(f, FtpFault::SilentData)) {
                    // Hold the data connection open and never answer; the server's shutdown
                    // (runtime drop) or the idle bound ends this.
                    tokio::time::sleep(IDLE_TIMEOUT).await;
                    return None;
                }
                Some(Some(stream))
            }
            _ => ok(reply(control, "425 Cannot open data connection.").await).map(|_| None),
        }
    }

    async fn listing(&mut self, control: &mut Control, verb: &str, arg: &str) -> Option<Next> {
        if verb == "MLSD" && self.has(|f| matches!(f, FtpFault::NoMlsd)) {
            self.passive = None;
            return ok(reply(control, "500 MLSD not understood.").await);
        }
        let arg = if arg.starts_with('-') { "" } else { arg };
        let target = normalize(&self.cwd, arg);
        let entries: Vec<(String, Node)> = {
            let tree = lock(&self.tree);
            if is_dir(&tree, &target) {
                children(&tree, &target)
            } else if let Some(node) = tree.get(&target) {
                vec![(name_of(&target).to_owned(), node.clone())]
            } else {
                Vec::new()
            }
        };
        if entries.is_empty() && !is_dir(&lock(&self.tree), &target) {
            self.passive = None;
            return ok(reply(control, &format!("550 {arg}: No such file or directory.")).await);
        }
        let mut body = String::new();
        for (name, node) in &entries {
            let (is_dir, size) = match node {
                Node::Dir => (true, 0),
                Node::File(bytes) => (false, bytes.len()),
            };
            match verb {
                "MLSD" => body.push_str(&format!(
                    "type={};size={size};modify={FILE_MTIME}; {name}\r\n",
                    if is_dir { "dir" } else { "file" }
                )),
                "NLST" => body.push_str(&format!("{name}\r\n")),
                _ => body.push_str(&format!(
                    "{}   1 ftp      ftp      {size:>8} Jan 02  2024 {name}\r\n",
                    if is_dir { "drwxr-xr-x" } else { "-rw-r--r--" }
                )),
            }
        }
        if verb == "LIST" && self.has(|f| matches!(f, FtpFault::UnknownListLine)) {
            body.push_str("+i8388621.48594,m825718503,r,s280,\tdjb.html\r\n");
            body.push_str("this line is in no listing format at all\r\n");
        }
        let Some(Some(mut data)) = self
            .open_data(
                control,
                "150 Opening ASCII mode data connection for file list.",
            )
            .await
        else {
            return Some(Next::Continue);
        };
        let _ = data.write_all(body.as_bytes()).await;
        let _ = data.shutdown().await;
        drop(data);
        ok(reply(control, "226 Transfer complete.").await)
    }

    async fn retrieve(&mut self, control: &mut Control, path: &str, arg: &str) -> Option<Next> {
        let bytes = match lock(&self.tree).get(path) {
            Some(Node::File(bytes)) => bytes.clone(),
            _ => Vec::new(),
        };
        if !matches!(lock(&self.tree).get(path), Some(Node::File(_))) {
            self.passive = None;
            return ok(reply(control, &format!("550 {arg}: No such file.")).await);
        }
        let preliminary = format!(
            "150 Opening BINARY mode data connection for {arg} ({} bytes).",
            bytes.len()
        );
        let Some(Some(mut data)) = self.open_data(control, &preliminary).await else {
            return Some(Next::Continue);
        };
        if self.has(|f| matches!(f, FtpFault::DropMidFile)) {
            let _ = data.write_all(&bytes[..bytes.len() / 2]).await;
            let _ = data.set_zero_linger();
            drop(data);
            return ok(reply(control, "426 Connection closed; transfer aborted.").await);
        }
        let sent = data.write_all(&bytes).await;
        let _ = data.shutdown().await;
        drop(data);
        let text = if sent.is_ok() {
            "226 Transfer complete."
        } else {
            "426 Connection closed; transfer aborted."
        };
        ok(reply(control, text).await)
    }

    async fn store(&mut self, control: &mut Control, path: String, arg: &str) -> Option<Next> {
        let allowed = {
            let tree = lock(&self.tree);
            is_dir(&tree, &parent_of(&path)) && !is_dir(&tree, &path)
        };
        if !allowed {
            self.passive = None;
            return ok(reply(control, &format!("553 {arg}: Cannot store here.")).await);
        }
        let Some(Some(mut data)) = self.open_data(control, "150 Ok to send data.").await else {
            return Some(Next::Continue);
        };
        let mut received = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut complete = false;
        while received.len() <= MAX_UPLOAD {
            match tokio::time::timeout(DATA_TIMEOUT, data.read(&mut buf)).await {
                Ok(Ok(0)) => {
                    complete = true;
                    break;
                }
                Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
        drop(data);
        if !complete {
            return ok(reply(control, "426 Connection closed; transfer aborted.").await);
        }
        lock(&self.tree).insert(path, Node::File(received));
        ok(reply(control, "226 Transfer complete.").await)
    }
}

fn ok(sent: bool) -> Option<Next> {
    sent.then_some(Next::Continue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("/", "a/b/../c"), "/a/c");
        assert_eq!(normalize("/pub", ".."), "/");
        assert_eq!(normalize("/pub", "/x/./y"), "/x/y");
        assert_eq!(normalize("/pub", ""), "/pub");
        assert_eq!(parent_of("/a/b"), "/a");
        assert_eq!(parent_of("/a"), "/");
    }
}
