//! The text trace format: one line per input, reply and output. Tests, model-checker
//! counterexamples and bug reports all use it, and input lines parse back into
//! [`Input`]s so a reported trace can be replayed.
//!
//! ```text
//! > Open WinHttpOpen async
//! = ret=handle:1 err=0 created #0 session h=1
//! > SetStatusCallback h=1 cb=7 mask=0xffffffff
//! = ret=callback:null err=0 done #0
//! > Create WinHttpConnect source=1
//! = ret=handle:2 err=0 created #1 connect h=2 parent=#0
//! < Notify #0 h=1 ctx=0x0 HANDLE_CREATED(0x400) info=handle:2 cb=7
//! > CallbackReturned #0
//! ```
//!
//! Operations carry their id: a call that starts one replies `pending #2 main op0` and
//! outputs `StartIo #2 main op0 WinHttpReadData arg=buffer:4096` (with `blocking` for a
//! synchronous caller); the executor answers `Complete #2 op0 bytes=5`. Completions are
//! written `http`, `http=200`, `bytes=N`, `frame=close bytes=N`, `done` or `err=CODE`; a
//! late one replies `stale #2 op0`, a close `closed #0 invalidated=#0,#2,#1`.
//!
//! Owns: [`Trace`] and the line format. Invariant: `format_input` and `parse_input` are
//! inverse on every input (tested).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use core::fmt::{self, Write as _};

use crate::machine::{
    status_name, Api, CallArg, CallbackId, CallbackRet, Completion, CreateApi, Family, HandleValue,
    Info, Input, ObjectId, OpId, Outcome, Output, ProtocolEvent, Reply, Ret, WsBufferType,
};

/// An ordered text trace of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    lines: Vec<String>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Trace {
        Trace::default()
    }
    /// Record an input.
    pub fn input(&mut self, input: &Input) {
        self.lines.push(format!("> {}", format_input(input)));
    }
    /// Record a reply.
    pub fn reply(&mut self, reply: &Reply) {
        self.lines.push(format!("= {}", format_reply(reply)));
    }
    /// Record an output.
    pub fn output(&mut self, family: Family, output: &Output) {
        self.lines
            .push(format!("< {}", format_output(family, output)));
    }
    /// Record a free-form comment line (`# …`).
    pub fn comment(&mut self, text: &str) {
        self.lines.push(format!("# {text}"));
    }
    /// The lines so far.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
    /// The inputs of a trace text, parsed back (lines other than `> …` are skipped).
    pub fn parse_inputs(text: &str) -> Result<Vec<Input>, ParseError> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("> "))
            .map(parse_input)
            .collect()
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// A trace line that is not a valid input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse trace input line {line:?}: {reason}")]
pub struct ParseError {
    /// The line.
    pub line: String,
    /// What was wrong.
    pub reason: &'static str,
}

fn fmt_cb(cb: Option<CallbackId>) -> String {
    cb.map_or_else(|| "null".to_string(), |c| c.0.to_string())
}

/// One input as a trace line (without the `> ` prefix).
pub fn format_input(input: &Input) -> String {
    match *input {
        Input::Open { api, async_mode } => {
            format!("Open {api}{}", if async_mode { " async" } else { "" })
        }
        Input::Create {
            api,
            source,
            context,
        } => match context {
            Some(c) => format!("Create {api} source={source} ctx={c:#x}"),
            None => format!("Create {api} source={source}"),
        },
        Input::Call {
            api,
            handle,
            arg: CallArg::None,
        } => format!("Call {api} h={handle}"),
        Input::Close { handle } => format!("Close h={handle}"),
        Input::SetStatusCallback {
            handle,
            callback,
            mask,
        } => format!(
            "SetStatusCallback h={handle} cb={} mask={mask:#x}",
            fmt_cb(callback)
        ),
        Input::SetContext { handle, context } => format!("SetContext h={handle} ctx={context:#x}"),
        Input::QueryContext { handle } => format!("QueryContext h={handle}"),
        Input::Complete {
            object,
            op,
            completion,
        } => format!("Complete {object} {op} {}", fmt_completion(completion)),
        Input::CallbackReturned { object } => format!("CallbackReturned {object}"),
        Input::Call { api, handle, arg } => format!("Call {api} h={handle} {}", fmt_arg(arg)),
        Input::Protocol { object, event } => format!("Event {object} {}", fmt_event(event)),
    }
}

fn fmt_arg(arg: CallArg) -> String {
    match arg {
        CallArg::None => "arg=none".into(),
        CallArg::BodyToWrite => "arg=body-to-write".into(),
        CallArg::RequestHeaders => "arg=request-headers".into(),
        CallArg::WsBuffer(t) => format!("arg=ws:{}", t.name()),
        CallArg::Option(o) => format!("arg=option:{o}"),
        CallArg::QueryLevel(l) => format!("arg=level:{l:#x}"),
        CallArg::Context(c) => format!("arg=ctx:{c:#x}"),
        CallArg::Buffer(n) => format!("arg=buffer:{n}"),
    }
}

fn parse_arg(line: &str, text: &str) -> Result<CallArg, ParseError> {
    let bad = || err(line, "bad arg");
    Ok(match text {
        "none" => CallArg::None,
        "body-to-write" => CallArg::BodyToWrite,
        "request-headers" => CallArg::RequestHeaders,
        _ => match text.split_once(':') {
            Some(("ws", t)) => CallArg::WsBuffer(WsBufferType::from_name(t).ok_or_else(bad)?),
            Some(("option", o)) => CallArg::Option(o.parse().map_err(|_| bad())?),
            Some(("level", l)) => {
                CallArg::QueryLevel(num(l).and_then(|n| u32::try_from(n).ok()).ok_or_else(bad)?)
            }
            Some(("ctx", c)) => CallArg::Context(num(c).ok_or_else(bad)?),
            Some(("buffer", n)) => CallArg::Buffer(n.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        },
    })
}

fn fmt_event(event: ProtocolEvent) -> String {
    match event {
        ProtocolEvent::DataBuffered(n) => format!("data={n}"),
        ProtocolEvent::EndOfData => "eof".into(),
        ProtocolEvent::Redirect => "redirect".into(),
        ProtocolEvent::Resend => "resend".into(),
        ProtocolEvent::Connecting { resolve: true } => "connecting resolve".into(),
        ProtocolEvent::Connecting { resolve: false } => "connecting".into(),
        ProtocolEvent::ConnectionClosed => "connection-closed".into(),
        ProtocolEvent::Progress { bytes } => format!("progress={bytes}"),
        ProtocolEvent::Resolving => "resolving".into(),
    }
}

fn parse_event(line: &str, words: &[&str]) -> Result<ProtocolEvent, ParseError> {
    let bad = || err(line, "bad protocol event");
    match words.get(2).copied() {
        Some("eof") => Ok(ProtocolEvent::EndOfData),
        Some("redirect") => Ok(ProtocolEvent::Redirect),
        Some("resend") => Ok(ProtocolEvent::Resend),
        Some("connecting") => Ok(ProtocolEvent::Connecting {
            resolve: words.get(3) == Some(&"resolve"),
        }),
        Some("connection-closed") => Ok(ProtocolEvent::ConnectionClosed),
        Some("resolving") => Ok(ProtocolEvent::Resolving),
        Some(w) if w.starts_with("progress=") => field(words, "progress")
            .and_then(|n| n.parse().ok())
            .map(|bytes| ProtocolEvent::Progress { bytes })
            .ok_or_else(bad),
        _ => field(words, "data")
            .and_then(|n| n.parse().ok())
            .map(ProtocolEvent::DataBuffered)
            .ok_or_else(bad),
    }
}

/// A completion as trace words: `http`, `http=200`, `bytes=5`, `frame=close bytes=2`,
/// `done`, `err=12030`.
fn fmt_completion(completion: Completion) -> String {
    match completion {
        Completion::Http { status: None } => "http".into(),
        Completion::Http { status: Some(code) } => format!("http={code}"),
        Completion::Bytes(n) => format!("bytes={n}"),
        Completion::WebSocket { buffer_type, bytes } => {
            format!("frame={} bytes={bytes}", buffer_type.name())
        }
        Completion::Done => "done".into(),
        Completion::Error(e) => format!("err={e}"),
    }
}

fn parse_completion(line: &str, words: &[&str]) -> Result<Completion, ParseError> {
    let bad = || {
        err(
            line,
            "need http[=N], bytes=N, frame=T bytes=N, done or err=N",
        )
    };
    let number = |key: &str| field(words, key).map(|n| n.parse::<u32>().map_err(|_| bad()));
    if words.contains(&"done") {
        return Ok(Completion::Done);
    }
    if words.contains(&"http") {
        return Ok(Completion::Http { status: None });
    }
    if let Some(code) = field(words, "http") {
        let status = code.parse().map_err(|_| bad())?;
        return Ok(Completion::Http {
            status: Some(status),
        });
    }
    if let Some(e) = number("err") {
        return Ok(Completion::Error(e?));
    }
    if let Some(t) = field(words, "frame") {
        let buffer_type = WsBufferType::from_name(t).ok_or_else(bad)?;
        let bytes = number("bytes").ok_or_else(bad)??;
        return Ok(Completion::WebSocket { buffer_type, bytes });
    }
    match number("bytes") {
        Some(n) => Ok(Completion::Bytes(n?)),
        None => Err(bad()),
    }
}

fn fmt_objects(objects: &[ObjectId]) -> String {
    let names: Vec<String> = objects.iter().map(ToString::to_string).collect();
    names.join(",")
}

/// One reply as a trace line (without the `= ` prefix).
pub fn format_reply(reply: &Reply) -> String {
    let mut s = String::from("ret=");
    match reply.ret {
        Ret::Bool(b) => s.push_str(if b { "TRUE" } else { "FALSE" }),
        Ret::Handle(h) => {
            let _ = write!(s, "handle:{h}");
        }
        Ret::Dword(d) => {
            let _ = write!(s, "dword:{d}");
        }
        Ret::Callback(CallbackRet::Previous(cb)) => {
            let _ = write!(s, "callback:{}", fmt_cb(cb));
        }
        Ret::Callback(CallbackRet::Invalid) => s.push_str("callback:INVALID"),
        Ret::Blocked => s.push_str("blocked"),
        Ret::None => s.push_str("none"),
    }
    match reply.last_error {
        Some(e) => {
            let _ = write!(s, " err={e}");
        }
        None => s.push_str(" err=untouched"),
    }
    let _ = match reply.outcome {
        Outcome::Rejected(e) => write!(s, " rejected: {e}"),
        Outcome::Created {
            object,
            kind,
            parent,
            value,
        } => match parent {
            Some(p) => write!(s, " created {object} {kind} h={value} parent={p}"),
            None => write!(s, " created {object} {kind} h={value}"),
        },
        Outcome::Done { object } => write!(s, " done {object}"),
        Outcome::Pending { object, lane, op } => {
            write!(s, " pending {object} {} {op}", lane.name())
        }
        Outcome::InFlight { object, lane, op } => {
            write!(s, " in-flight {object} {} {op}", lane.name())
        }
        Outcome::Closed {
            object,
            ref invalidated,
        } => write!(
            s,
            " closed {object} invalidated={}",
            fmt_objects(invalidated)
        ),
        Outcome::Context { object, context } => write!(s, " context {object} {context:#x}"),
        Outcome::CompletedInline { object, op } => write!(s, " completed-inline {object} {op}"),
        Outcome::Stale { object, op } => write!(s, " stale {object} {op}"),
        Outcome::Returned { object, op, result } => {
            write!(s, " returned {object} {op} {}", fmt_completion(result))
        }
        Outcome::Event => Ok(()),
    };
    s
}

fn fmt_info(info: Info) -> String {
    match info {
        Info::None => "none".into(),
        Info::Handle(h) => format!("handle:{h}"),
        Info::Bytes(n) => format!("bytes:{n}"),
        Info::AsyncResult { api, error } => format!("async-result:api={api},error={error}"),
        Info::WebSocketResult {
            result,
            error,
            operation,
        } => format!("ws-result:result={result},error={error},op={operation}"),
        Info::WebSocketStatus { bytes, buffer_type } => {
            format!("ws-status:bytes={bytes},type={}", buffer_type.value())
        }
        Info::InternetResult { result, error } => {
            format!("internet-result:result={result},error={error}")
        }
    }
}

/// One output as a trace line (without the `< ` prefix).
pub fn format_output(family: Family, output: &Output) -> String {
    match *output {
        Output::Notify(n) => {
            let name = status_name(family, n.status).unwrap_or("?");
            let mut s = format!(
                "Notify {} h={} ctx={:#x} {name}({:#x}) info={}",
                n.object,
                n.handle,
                n.context,
                n.status,
                fmt_info(n.info)
            );
            match n.callback {
                Some(cb) => {
                    let _ = write!(s, " cb={}", cb.0);
                }
                None => s.push_str(" filtered"),
            }
            s
        }
        Output::StartIo {
            object,
            lane,
            op,
            api,
            blocking,
            arg,
        } => {
            let mut s = format!("StartIo {object} {} {op} {api}", lane.name());
            if blocking {
                s.push_str(" blocking");
            }
            if arg != CallArg::None {
                let _ = write!(s, " {}", fmt_arg(arg));
            }
            s
        }
        Output::CancelIo {
            object,
            lane,
            op,
            api,
        } => format!("CancelIo {object} {} {op} {api}", lane.name()),
        Output::CallReturned {
            object,
            op,
            api,
            result,
        } => format!(
            "CallReturned {object} {op} {api} {}",
            fmt_completion(result)
        ),
    }
}

fn err(line: &str, reason: &'static str) -> ParseError {
    ParseError {
        line: line.to_string(),
        reason,
    }
}

fn num(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn field<'a>(words: &[&'a str], key: &str) -> Option<&'a str> {
    words
        .iter()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

fn handle_field(line: &str, words: &[&str], key: &str) -> Result<HandleValue, ParseError> {
    field(words, key)
        .and_then(num)
        .and_then(|n| u32::try_from(n).ok())
        .map(HandleValue)
        .ok_or_else(|| err(line, "missing or bad handle value"))
}

fn object_word(line: &str, word: Option<&&str>) -> Result<ObjectId, ParseError> {
    word.and_then(|w| w.strip_prefix('#'))
        .and_then(|n| n.parse().ok())
        .map(ObjectId)
        .ok_or_else(|| err(line, "missing or bad object id (#N)"))
}

/// Parse one input line (without the `> ` prefix).
pub fn parse_input(line: &str) -> Result<Input, ParseError> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let verb = *words.first().ok_or_else(|| err(line, "empty line"))?;
    let create_api = |w: Option<&&str>| {
        w.and_then(|n| CreateApi::from_name(n))
            .ok_or_else(|| err(line, "unknown creating function"))
    };
    Ok(match verb {
        "Open" => Input::Open {
            api: create_api(words.get(1))?,
            async_mode: words.get(2) == Some(&"async"),
        },
        "Create" => Input::Create {
            api: create_api(words.get(1))?,
            source: handle_field(line, &words, "source")?,
            context: match field(&words, "ctx") {
                Some(c) => Some(num(c).ok_or_else(|| err(line, "bad ctx"))?),
                None => None,
            },
        },
        "Call" => {
            let api = words
                .get(1)
                .and_then(|n| Api::from_name(n))
                .ok_or_else(|| err(line, "unknown function"))?;
            let handle = handle_field(line, &words, "h")?;
            let arg = match field(&words, "arg") {
                Some(a) => parse_arg(line, a)?,
                None => CallArg::None,
            };
            Input::Call { api, handle, arg }
        }
        "Event" => Input::Protocol {
            object: object_word(line, words.get(1))?,
            event: parse_event(line, &words)?,
        },
        "Close" => Input::Close {
            handle: handle_field(line, &words, "h")?,
        },
        "SetStatusCallback" => Input::SetStatusCallback {
            handle: handle_field(line, &words, "h")?,
            callback: match field(&words, "cb") {
                Some("null") | None => None,
                Some(c) => Some(CallbackId(
                    c.parse().map_err(|_| err(line, "bad callback id"))?,
                )),
            },
            mask: field(&words, "mask")
                .and_then(num)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| err(line, "missing or bad mask"))?,
        },
        "SetContext" => Input::SetContext {
            handle: handle_field(line, &words, "h")?,
            context: field(&words, "ctx")
                .and_then(num)
                .ok_or_else(|| err(line, "missing or bad ctx"))?,
        },
        "QueryContext" => Input::QueryContext {
            handle: handle_field(line, &words, "h")?,
        },
        "Complete" => Input::Complete {
            object: object_word(line, words.get(1))?,
            op: words
                .get(2)
                .and_then(|w| w.strip_prefix("op"))
                .and_then(|n| n.parse().ok())
                .map(OpId)
                .ok_or_else(|| err(line, "missing or bad operation id (opN)"))?,
            completion: parse_completion(line, &words[3.min(words.len())..])?,
        },
        "CallbackReturned" => Input::CallbackReturned {
            object: object_word(line, words.get(1))?,
        },
        _ => return Err(err(line, "unknown verb")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Service;

    #[test]
    fn inputs_round_trip() {
        let inputs = [
            Input::Open {
                api: CreateApi::WinHttpOpen,
                async_mode: true,
            },
            Input::Open {
                api: CreateApi::InternetOpen,
                async_mode: false,
            },
            Input::Create {
                api: CreateApi::InternetConnect(Service::Ftp),
                source: HandleValue(1),
                context: Some(0x10),
            },
            Input::Create {
                api: CreateApi::WinHttpConnect,
                source: HandleValue(1),
                context: None,
            },
            Input::Call {
                api: Api::WinHttpSendRequest,
                handle: HandleValue(3),
                arg: CallArg::None,
            },
            Input::Close {
                handle: HandleValue(0),
            },
            Input::SetStatusCallback {
                handle: HandleValue(1),
                callback: Some(CallbackId(7)),
                mask: 0xffff_ffff,
            },
            Input::SetStatusCallback {
                handle: HandleValue(1),
                callback: None,
                mask: 0,
            },
            Input::SetContext {
                handle: HandleValue(2),
                context: 0xdead_bef0,
            },
            Input::QueryContext {
                handle: HandleValue(2),
            },
            Input::Complete {
                object: ObjectId(4),
                op: OpId(7),
                completion: Completion::Error(12017),
            },
            Input::Complete {
                object: ObjectId(4),
                op: OpId(0),
                completion: Completion::Bytes(10),
            },
            Input::Complete {
                object: ObjectId(4),
                op: OpId(3),
                completion: Completion::Http { status: None },
            },
            Input::Complete {
                object: ObjectId(4),
                op: OpId(3),
                completion: Completion::Http { status: Some(401) },
            },
            Input::Complete {
                object: ObjectId(4),
                op: OpId(12),
                completion: Completion::Done,
            },
            Input::Call {
                api: Api::WinHttpReadData,
                handle: HandleValue(3),
                arg: CallArg::Buffer(4096),
            },
            Input::CallbackReturned {
                object: ObjectId(9),
            },
            Input::Call {
                api: Api::WinHttpSendRequest,
                handle: HandleValue(3),
                arg: CallArg::BodyToWrite,
            },
            Input::Call {
                api: Api::WinHttpQueryHeaders,
                handle: HandleValue(3),
                arg: CallArg::RequestHeaders,
            },
            Input::Call {
                api: Api::WinHttpQueryOption,
                handle: HandleValue(3),
                arg: CallArg::Option(93),
            },
            Input::Call {
                api: Api::WinHttpQueryOption,
                handle: HandleValue(3),
                arg: CallArg::Context(0x55),
            },
            Input::Call {
                api: Api::WinHttpQueryHeaders,
                handle: HandleValue(3),
                arg: CallArg::QueryLevel(0x8000_002d),
            },
            Input::Call {
                api: Api::WinHttpQueryOption,
                handle: HandleValue(3),
                arg: CallArg::None,
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::DataBuffered(12),
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::EndOfData,
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::Redirect,
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::Resend,
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::Connecting { resolve: true },
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::Connecting { resolve: false },
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::ConnectionClosed,
            },
            Input::Protocol {
                object: ObjectId(3),
                event: ProtocolEvent::Progress { bytes: 7 },
            },
            Input::Protocol {
                object: ObjectId(2),
                event: ProtocolEvent::Resolving,
            },
        ]
        .into_iter()
        .chain(WsBufferType::ALL.into_iter().flat_map(|t| {
            [
                Input::Call {
                    api: Api::WinHttpWebSocketSend,
                    handle: HandleValue(5),
                    arg: CallArg::WsBuffer(t),
                },
                Input::Complete {
                    object: ObjectId(6),
                    op: OpId(2),
                    completion: Completion::WebSocket {
                        buffer_type: t,
                        bytes: 7,
                    },
                },
            ]
        }));
        for input in inputs {
            let line = format_input(&input);
            assert_eq!(parse_input(&line), Ok(input), "{line}");
        }
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        for line in [
            "",
            "Open",
            "Call Nope h=1",
            "Close",
            "Complete #x op1 bytes=1",
            "Complete #1 main ok=1",
            "Complete #1 op1",
            "Complete #1 op1 frame=nope bytes=1",
            "Complete #1 op1 frame=close",
            "Complete #1 op1 http=99999",
            "Close h=-1",
            "Call WinHttpSendRequest h=1 arg=bogus",
            "Event #1",
            "Event #1 frame=nope bytes=1",
            "Event #x eof",
        ] {
            assert!(parse_input(line).is_err(), "{line}");
        }
    }
}
