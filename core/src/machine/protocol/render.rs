//! Rendering the tables as Markdown: `docs/protocol-table.md`.
//!
//! Owns: [`render_markdown`] and its text helpers. Invariant: the rendered document is
//! a pure function of the tables (a test regenerates and compares it).

use super::*;

fn code_name(code: u32) -> &'static str {
    match code {
        ERROR_INVALID_PARAMETER => "ERROR_INVALID_PARAMETER",
        ERROR_INVALID_OPERATION => "ERROR_INVALID_OPERATION",
        WH_STATE => "ERROR_*_INCORRECT_HANDLE_STATE",
        ERROR_INTERNET_INTERNAL_ERROR => "ERROR_INTERNET_INTERNAL_ERROR",
        ERROR_INTERNET_OPERATION_CANCELLED => "ERROR_*_OPERATION_CANCELLED",
        ERROR_HTTP_HEADER_NOT_FOUND => "ERROR_HTTP_HEADER_NOT_FOUND",
        ERROR_FTP_TRANSFER_IN_PROGRESS => "ERROR_FTP_TRANSFER_IN_PROGRESS",
        WI_TYPE => "ERROR_*_INCORRECT_HANDLE_TYPE",
        ERROR_INTERNET_INVALID_OPERATION => "ERROR_INTERNET_INVALID_OPERATION",
        ERROR_INTERNET_OPTION_NOT_SETTABLE => "ERROR_INTERNET_OPTION_NOT_SETTABLE",
        _ => "?",
    }
}

fn flags_text(flags: u8) -> String {
    flag::NAMES
        .iter()
        .filter(|(f, _)| flags & f != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join("+")
}

fn phases_text(phases: &[Phase]) -> String {
    phases
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn kinds_text(kinds: &[HandleKind]) -> String {
    if kinds.is_empty() {
        "any".into()
    } else {
        kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn fit_text(fit: crate::machine::CompletionFit) -> &'static str {
    use crate::machine::CompletionFit as F;
    match fit {
        F::HttpMaybeHead => "`Http { status }`, status optional",
        F::HttpHead => "`Http { status: Some(code) }`",
        F::Bytes => "`Bytes(n)`",
        F::WebSocket => "`WebSocket { buffer_type, bytes }`",
        F::DoneOrPeerClose => "`Done`, or `WebSocket` of type `Close` (the peer's close frame)",
        F::HttpHeadOrDone => "`Http { status: Some(code) }` (HTTP URL) or `Done`",
        F::Done => "`Done`",
    }
}

fn arg_text(arg: CallArg) -> String {
    match arg {
        CallArg::None => "none".into(),
        CallArg::BodyToWrite => "body to write".into(),
        CallArg::RequestHeaders => "request headers".into(),
        CallArg::WsBuffer(t) => format!("buffer type {}", t.name()),
        CallArg::Option(o) => format!("option {o}"),
        CallArg::QueryLevel(l) => format!("level {l:#x}"),
        CallArg::Context(c) => format!("context {c:#x}"),
        CallArg::Buffer(n) => format!("buffer of {n} bytes"),
    }
}

fn when_text(w: &When) -> String {
    let mut parts = Vec::new();
    if !w.phases.is_empty() {
        parts.push(format!("phase in {{{}}}", phases_text(w.phases)));
    }
    match w.mode {
        Mode::Any => {}
        Mode::Sync => parts.push("sync".into()),
        Mode::Async => parts.push("async".into()),
    }
    if w.set != 0 {
        parts.push(format!("{} set", flags_text(w.set)));
    }
    if let Some(l) = w.lane_busy {
        parts.push(format!("{} lane busy", l.name()));
    }
    if w.ftp_busy {
        parts.push("FTP session has an open file/find".into());
    }
    match w.arg {
        ArgIs::Any => {}
        ArgIs::Exactly(a) => parts.push(format!("arg = {}", arg_text(a))),
        ArgIs::WsUtf8 => parts.push("UTF8 buffer type".into()),
        ArgIs::WsBinary => parts.push("BINARY buffer type".into()),
        ArgIs::WsClose => parts.push("CLOSE buffer type".into()),
        ArgIs::LevelFlag(f) => parts.push(format!("level has flag {f:#x}")),
        ArgIs::Level(l) => parts.push(format!("level {l}")),
        ArgIs::LevelAbove(l) => parts.push(format!("level above {l} (not CUSTOM)")),
    }
    if parts.is_empty() {
        "always".into()
    } else {
        parts.join("; ")
    }
}

fn verdict_text(v: Verdict) -> String {
    match v {
        Proceed => "legal".into(),
        Fail(c) => format!("fail {c} ({})", code_name(c)),
        FailInline(c) => format!(
            "fail {c} ({}); async: accepted, error completion inline",
            code_name(c)
        ),
        PendCreate => "async: NULL + 997, handle via REQUEST_COMPLETE".into(),
    }
}

fn next_text(n: &Next) -> String {
    let phase = n.phase.map(|p| format!("-> {}", p.name()));
    let effect = match n.effect {
        Effect::None => None,
        Effect::ResetResponse => Some("reset response"),
        Effect::TrackFragment => Some("track fragment"),
        Effect::CancelReceive => Some("cancel pending receive"),
    };
    match (phase, effect) {
        (None, None) => "=".into(),
        (Some(p), None) => p,
        (None, Some(e)) => e.into(),
        (Some(p), Some(e)) => format!("{p}; {e}"),
    }
}

fn status_list(family_winhttp: bool, statuses: &[u32]) -> String {
    use crate::machine::Family;
    let family = if family_winhttp {
        Family::WinHttp
    } else {
        Family::WinInet
    };
    if statuses.is_empty() {
        return "-".into();
    }
    statuses
        .iter()
        .map(|&s| crate::machine::codes::status_name(family, s).unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The generated `docs/protocol-table.md`: every table of this module as markdown.
pub fn render_markdown() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Protocol table (generated)");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Generated from `hinternet_core::machine::protocol` by `render_markdown()`; do not edit.\n\
         Regenerate with `UPDATE_DOCS=1 cargo test -p hinternet-core --test protocol_table`."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "For each call the rows are scanned in order; the first row whose kind and condition \
         match decides. A call no row matches is legal in every state and leaves the \
         protocol state unchanged (handle-kind checks come first, from the API table). \
         `fail` verdicts are synchronous rejections that change nothing."
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "## Phases\n");
    let _ = writeln!(s, "| phase | meaning |\n|---|---|");
    for p in Phase::ALL {
        let _ = writeln!(s, "| {} | {} |", p.name(), p.meaning());
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Initial phase per kind:\n");
    let _ = writeln!(s, "| kind | initial phase |\n|---|---|");
    for k in HandleKind::ALL {
        let _ = writeln!(s, "| {} | {} |", k.name(), Phase::initial(k).name());
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "## Legality (call x kind x state -> result, next state)\n"
    );
    let _ = writeln!(
        s,
        "| # | call | kinds | when | result | next | evidence |\n|---|---|---|---|---|---|---|"
    );
    for (i, r) in PROTOCOL_TABLE.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            r.call.name(),
            kinds_text(r.kinds),
            when_text(&r.when),
            verdict_text(r.verdict),
            next_text(&r.next),
            r.evidence
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "## Completion (phase after an operation ends)\n");
    let _ = writeln!(
        s,
        "Success moves the phase only when the phase is one of `from` and no operation was \
         queued after it; failure always sets `err`, and operations queued behind it are \
         decided again when they reach the head of their lane.\n"
    );
    let _ = writeln!(
        s,
        "| operation | from | ok | err | evidence |\n|---|---|---|---|---|"
    );
    for r in COMPLETION_TABLE {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.api,
            phases_text(r.from),
            r.ok.name(),
            r.err.map_or("=", |p| p.name()),
            r.evidence
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "## Progress notifications that differ from the API table\n"
    );
    let _ = writeln!(
        s,
        "| call | kinds | at accept | at completion | evidence |\n|---|---|---|---|---|"
    );
    for r in PROGRESS_TABLE {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.api,
            kinds_text(r.kinds),
            status_list(false, r.at_accept),
            status_list(false, r.at_completion),
            r.evidence
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Operations of the API table (progress at completion, and the completions the \
         executor may report: `COMPLETION_FIT`; `Error(code)` fits every operation, and a \
         read never reports more than its `CallArg::Buffer`):\n"
    );
    let _ = writeln!(
        s,
        "| call | progress | completion | executor reports |\n|---|---|---|---|"
    );
    for rule in crate::machine::API_TABLE {
        if let Shape::Operation(spec) = rule.shape {
            let winhttp = rule.api.name().starts_with("WinHttp");
            let done = if winhttp {
                status_list(true, &[spec.success])
            } else {
                "REQUEST_COMPLETE".into()
            };
            let reports = rule.api.completion_fit().map_or("-", fit_text);
            let bounded = if rule.api.is_bounded_read() {
                " (bounded by the buffer)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {reports}{bounded} |",
                rule.api,
                status_list(winhttp, spec.progress),
                done
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "## Inline completion\n");
    let _ = writeln!(
        s,
        "Completes inside the call when its lane is empty and, for asynchronous WinHTTP, \
         fewer than {INLINE_NESTING_LIMIT} notifications of the object are being delivered \
         (WH-R20); otherwise queued (async WinHTTP ReadData/QueryDataAvailable then return \
         TRUE with last error 997).\n"
    );
    let _ = writeln!(s, "| operation | when | evidence |\n|---|---|---|");
    for r in INLINE_TABLE {
        let when = match r.when {
            InlineWhen::DataReady => "data buffered or end of body",
            InlineWhen::ReplyReady => "phase ReplyReady",
            InlineWhen::CloseReceived => "CLOSE_RECEIVED set",
        };
        let _ = writeln!(s, "| {} | {} | {} |", r.api, when, r.evidence);
    }
    s
}
