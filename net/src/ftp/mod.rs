//! FTP for WinINet's `Ftp*` functions: a session on suppaftp's tokio client, passive data
//! connections, listing parsers and the server's last reply for `InternetGetLastResponseInfo`.
//!
//! - [`session`]: [`FtpSession`] (connect + login, every `Ftp*` operation), [`FtpTransfer`]
//!   (an `FtpOpenFile` handle's data connection) and [`FtpFind`] (an `FtpFindFirstFile`
//!   handle's entries), with the busy rule and the error mapping;
//! - [`listing`]: `MLSD` and `LIST` lines into [`FindData`] (`WIN32_FIND_DATA`'s fields);
//! - [`reply`]: the pure parsers for reply codes, `PASV`/`EPSV` addresses, `PWD` and `SIZE`;
//! - [`fuzz`]: fuzz bodies over the reply path and the listing parser.
//!
//! Errors are [`crate::InetError`] values carrying WinINet's codes. Only passive mode is
//! implemented (`INTERNET_FLAG_PASSIVE`); active mode (`PORT`) is not.

pub mod fuzz;
pub mod listing;
pub mod reply;
pub mod session;

pub use listing::FindData;
pub use reply::FtpReply;
pub use session::{
    Direction, FtpConfig, FtpConnectError, FtpFind, FtpSession, FtpTransfer, TransferType,
};
