//! Gopher for WinINet's `Gopher*` functions, written by hand (RFC 1436 plus Gopher+ item
//! attributes); no maintained crate exists.
//!
//! - [`locator`]: [`GopherLocator`] (`GopherCreateLocator`, `GopherGetLocatorType`) and the
//!   type-character ↔ `GOPHER_TYPE_*` mapping;
//! - [`menu`]: pure parsers: menus into [`GopherFindData`], dot-terminated text
//!   ([`menu::DotDecoder`]), Gopher+ attribute replies;
//! - [`client`]: [`GopherSession`] with `find_first` / `open_file` / `get_attribute`, one
//!   connection per request, every step under a timeout;
//! - [`fuzz`]: the fuzz body over the menu parser and the text decoder.
//!
//! Errors are [`crate::InetError`] values with WinINet's `ERROR_GOPHER_*` and network codes.
//! Not implemented: Gopher+ alternative views (`GopherOpenFile`'s `lpszView`) and ASK forms.

pub mod client;
pub mod fuzz;
pub mod locator;
pub mod menu;

pub use client::{GopherConfig, GopherFile, GopherFind, GopherSession};
pub use locator::{locator_type, GopherLocator};
pub use menu::{GopherAttribute, GopherFindData};
