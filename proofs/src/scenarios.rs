//! Law scenarios: one short, deterministic script per law (1–13) that drives the machine
//! through the situation the law is about, through a checking [`Driver`]. On a correct
//! machine every scenario passes under every preset; on a broken one (a mutant) the
//! scenario of the broken law fails. `tests/laws.rs` runs both directions.

use hinternet_core::{
    handle_closing, Api, CallArg, CallbackId, CallbackMode, Completion, CreateApi, DriveError,
    Driver, Family, HandleValue, Input, Lane, Machine, ObjectId, Outcome, Output, ParentClose,
    ProtocolEvent, Ret, Service, ValueRelease, Violation,
};

/// A scenario: its name (starting with the law number) and its script.
pub type Scenario = (&'static str, fn(&mut Driver) -> Result<(), DriveError>);

/// Every scenario, in law order.
pub const SCENARIOS: &[Scenario] = &[
    ("law_01_handle_closing_exactly_once_per_object", law_01),
    ("law_02_nothing_after_handle_closing", law_02),
    (
        "law_03_every_operation_completes_once_before_closing",
        law_03,
    ),
    ("law_04_closed_value_is_invalid_unless_reissued", law_04),
    ("law_05_cascade_or_keep_children_per_policy", law_05),
    ("law_06_child_closing_precedes_parent", law_06),
    ("law_07_reserved_value_not_reissued", law_07),
    (
        "law_08_rejections_change_nothing_and_use_the_family_code",
        law_08,
    ),
    ("law_09_close_inside_callback_defers_closing", law_09),
    ("law_10_callbacks_in_emission_order", law_10),
    ("law_11_all_closed_and_done_means_empty", law_11),
    ("law_12_progress_in_protocol_order", law_12),
    (
        "law_13_late_completion_changes_nothing_and_completes_nothing_else",
        law_13,
    ),
];

fn fail(law: u8, message: String) -> Result<(), DriveError> {
    Err(Violation { law, message }.into())
}

fn handle(driver: &mut Driver, input: Input) -> Result<(HandleValue, ObjectId), DriveError> {
    let reply = driver.step(input)?;
    match (reply.ret, reply.object()) {
        (Ret::Handle(h), Some(o)) if !h.is_null() => Ok((h, o)),
        _ => Err(Violation {
            law: 0,
            message: format!("scenario setup failed: {input:?} gave {reply:?}"),
        }
        .into()),
    }
}

/// A root, a connect (HTTP) and a request of the driver's family, with a callback on
/// each (set before the children are created, so they inherit it) and context 1.
fn tree(driver: &mut Driver, async_mode: bool) -> Result<[(HandleValue, ObjectId); 3], DriveError> {
    let family = driver.machine.family();
    let (root_api, connect_api, request_api, ctx) = match family {
        Family::WinHttp => (
            CreateApi::WinHttpOpen,
            CreateApi::WinHttpConnect,
            CreateApi::WinHttpOpenRequest,
            None,
        ),
        Family::WinInet => (
            CreateApi::InternetOpen,
            CreateApi::InternetConnect(Service::Http),
            CreateApi::HttpOpenRequest,
            Some(1),
        ),
    };
    let root = handle(
        driver,
        Input::Open {
            api: root_api,
            async_mode,
        },
    )?;
    driver.step(Input::SetStatusCallback {
        handle: root.0,
        callback: Some(CallbackId(1)),
        mask: u32::MAX,
    })?;
    driver.step(Input::SetContext {
        handle: root.0,
        context: 1,
    })?;
    let connect = handle(
        driver,
        Input::Create {
            api: connect_api,
            source: root.0,
            context: ctx,
        },
    )?;
    let request = handle(
        driver,
        Input::Create {
            api: request_api,
            source: connect.0,
            context: ctx,
        },
    )?;
    Ok([root, connect, request])
}

fn send_api(family: Family) -> Api {
    match family {
        Family::WinHttp => Api::WinHttpSendRequest,
        Family::WinInet => Api::HttpSendRequest,
    }
}

fn closings(driver: &Driver, object: ObjectId) -> usize {
    let closing = handle_closing(driver.machine.family());
    driver
        .notifications()
        .filter(|n| n.object == object && n.status == closing)
        .count()
}

fn complete(driver: &mut Driver, object: ObjectId) -> Result<(), DriveError> {
    let done = crate::sequences::finish_head(&driver.machine, object, Lane::Main, Some(0));
    driver.step(done)?;
    Ok(())
}

fn law_01(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, ro), (_, co), (req, qo)] = tree(d, true)?;
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(d.machine.family()),
        handle: req,
    })?;
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: root })?;
    complete(d, qo)?;
    // Close whatever is still open (WinHTTP keeps the connect).
    let open: Vec<HandleValue> = d.monitor.open_values().map(|(v, _)| v).collect();
    for v in open {
        d.step(Input::Close { handle: v })?;
    }
    for o in [qo, co, ro] {
        let n = closings(d, o);
        if n != 1 {
            return fail(1, format!("object {o} got {n} HANDLE_CLOSING"));
        }
    }
    Ok(())
}

fn law_02(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), _, (req, qo)] = tree(d, true)?;
    let family = d.machine.family();
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(family),
        handle: req,
    })?;
    d.step(Input::Close { handle: req })?;
    complete(d, qo)?;
    d.step(Input::Close { handle: root })?;
    Ok(())
}

fn law_03(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    let family = d.machine.family();
    for _ in 0..2 {
        d.step(Input::Call {
            arg: CallArg::None,
            api: send_api(family),
            handle: req,
        })?;
    }
    if family == Family::WinHttp {
        // Websocket operations are cancelled by the close (WH-R40).
        let (ws, _) = handle(
            d,
            Input::Create {
                api: CreateApi::WinHttpWebSocketCompleteUpgrade,
                source: req,
                context: Some(5),
            },
        )?;
        d.step(Input::Call {
            arg: CallArg::None,
            api: Api::WinHttpWebSocketReceive,
            handle: ws,
        })?;
        d.step(Input::Call {
            arg: CallArg::None,
            api: Api::WinHttpWebSocketSend,
            handle: ws,
        })?;
        d.step(Input::Close { handle: ws })?;
    }
    d.step(Input::Close { handle: req })?;
    complete(d, qo)?;
    complete(d, qo)?;
    d.step(Input::Close { handle: connect }).ok();
    d.step(Input::Close { handle: root })?;
    Ok(())
}

fn law_04(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    let family = d.machine.family();
    // Closed while an operation keeps the object alive: the value must still be dead.
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(family),
        handle: req,
    })?;
    d.step(Input::Close { handle: req })?;
    for api in Api::ALL.iter().filter(|a| a.family() == family) {
        d.step(Input::Call {
            arg: CallArg::None,
            api: *api,
            handle: req,
        })?;
    }
    d.step(Input::Close { handle: req })?;
    complete(d, qo)?;
    // A new request may take the value again: then it addresses the new object.
    let request_api = match family {
        Family::WinHttp => CreateApi::WinHttpOpenRequest,
        Family::WinInet => CreateApi::HttpOpenRequest,
    };
    let (again, _) = handle(
        d,
        Input::Create {
            api: request_api,
            source: connect,
            context: Some(2).filter(|_| family == Family::WinInet),
        },
    )?;
    d.step(Input::QueryContext { handle: again })?;
    d.step(Input::Close { handle: again })?;
    d.step(Input::QueryContext { handle: again })?;
    d.step(Input::Close { handle: root })?;
    d.step(Input::Close { handle: connect }).ok();
    Ok(())
}

fn law_05(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, _)] = tree(d, false)?;
    d.step(Input::Close { handle: root })?;
    let q = d.step(Input::QueryContext { handle: req })?;
    let cascade = d.machine.policy().parent_close == ParentClose::Cascade;
    let valid = !q.is_rejected();
    if valid == cascade {
        return fail(
            5,
            format!("after the root closed, the request is valid={valid} under cascade={cascade}"),
        );
    }
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: connect })?;
    Ok(())
}

fn law_06(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, ro), (connect, co), (req, qo)] = tree(d, true)?;
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(d.machine.family()),
        handle: req,
    })?;
    d.step(Input::Close { handle: root })?;
    d.step(Input::Close { handle: connect }).ok();
    d.step(Input::Close { handle: req }).ok();
    complete(d, qo)?;
    let closing = handle_closing(d.machine.family());
    let order: Vec<ObjectId> = d
        .notifications()
        .filter(|n| n.status == closing)
        .map(|n| n.object)
        .collect();
    if order != [qo, co, ro] {
        return fail(
            6,
            format!("HANDLE_CLOSING order {order:?}, want request, connect, root"),
        );
    }
    Ok(())
}

fn law_07(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    let family = d.machine.family();
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(family),
        handle: req,
    })?;
    d.step(Input::Close { handle: req })?;
    // Creating more handles while the old request lives: its value must stay reserved
    // where the policy says so (the monitor checks every issued value).
    let request_api = match family {
        Family::WinHttp => CreateApi::WinHttpOpenRequest,
        Family::WinInet => CreateApi::HttpOpenRequest,
    };
    let mut made = Vec::new();
    for _ in 0..2 {
        let (h, _) = handle(
            d,
            Input::Create {
                api: request_api,
                source: connect,
                context: Some(3).filter(|_| family == Family::WinInet),
            },
        )?;
        made.push(h);
    }
    let reserved = d.machine.policy().value_release == ValueRelease::AtDestroy;
    if reserved && made.contains(&req) {
        return fail(7, format!("reserved value {req} reissued"));
    }
    complete(d, qo)?;
    d.step(Input::Close { handle: root })?;
    for h in made {
        d.step(Input::Close { handle: h }).ok();
    }
    d.step(Input::Close { handle: connect }).ok();
    Ok(())
}

fn law_08(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, _)] = tree(d, false)?;
    let family = d.machine.family();
    // Every function on every kind it does not accept, plus NULL and garbage.
    for api in Api::ALL.iter().filter(|a| a.family() == family) {
        for h in [root, connect, req, HandleValue::NULL, HandleValue(0xbeef)] {
            d.step(Input::Call {
                arg: CallArg::None,
                api: *api,
                handle: h,
            })?;
        }
    }
    let before: Machine = d.machine.clone();
    let reply = d.step(Input::Close {
        handle: HandleValue(0xbeef),
    })?;
    if !reply.is_rejected() || d.machine != before {
        return fail(
            8,
            "a close of a garbage value was accepted or changed state".into(),
        );
    }
    d.step(Input::Close { handle: root })?;
    d.step(Input::Close { handle: connect }).ok();
    d.step(Input::Close { handle: req }).ok();
    Ok(())
}

fn law_09(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(d.machine.family()),
        handle: req,
    })?;
    // The completion's callbacks start and keep running; the application closes the
    // handle from inside them; only then do they return.
    d.set_callback_mode(CallbackMode::LeaveRunning);
    let first = d.outputs.len();
    complete(d, qo)?;
    let running = d.outputs[first..]
        .iter()
        .filter(|o| matches!(o, Output::Notify(n) if n.object == qo && n.needs_return))
        .count();
    if running == 0 {
        return fail(9, "no callback was delivered to close from".into());
    }
    d.step(Input::Close { handle: req })?;
    if closings(d, qo) != 0 {
        return fail(
            9,
            "HANDLE_CLOSING delivered while the closing callback still runs".into(),
        );
    }
    for _ in 0..running {
        d.step(Input::CallbackReturned { object: qo })?;
    }
    d.set_callback_mode(CallbackMode::ReturnAtOnce);
    if closings(d, qo) != 1 {
        return fail(9, "no HANDLE_CLOSING after the callbacks returned".into());
    }
    d.step(Input::Close { handle: connect })?;
    d.step(Input::Close { handle: root })?;
    Ok(())
}

fn law_10(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    let family = d.machine.family();
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(family),
        handle: req,
    })?;
    d.take_outputs();
    complete(d, qo)?;
    // The delivered order is exactly the spec's progress list then the completion.
    let spec = send_api(family)
        .op_spec()
        .map(|s| s.progress)
        .unwrap_or(&[]);
    let got: Vec<u32> = d.notifications().map(|n| n.status).collect();
    if got.len() != spec.len() + 1 || got[..spec.len()] != *spec {
        return fail(
            10,
            format!("delivered {got:?}, emitted order {spec:?} then the completion"),
        );
    }
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: connect })?;
    d.step(Input::Close { handle: root })?;
    Ok(())
}

fn law_11(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(d.machine.family()),
        handle: req,
    })?;
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: connect })?;
    d.step(Input::Close { handle: root })?;
    complete(d, qo)?;
    if !d.machine.is_empty() {
        return fail(11, "all closed, all I/O done, table not empty".into());
    }
    Ok(())
}

fn law_12(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, false)?;
    // Sync mode: progress notifications, then the call returns.
    let reply = d.step(Input::Call {
        arg: CallArg::None,
        api: send_api(d.machine.family()),
        handle: req,
    })?;
    if !matches!(reply.outcome, Outcome::InFlight { .. }) {
        return fail(12, format!("sync send did not block: {reply:?}"));
    }
    // The first wire step is reported as it happens; the completion emits the rest,
    // repeating none.
    d.step(Input::Protocol {
        object: qo,
        event: ProtocolEvent::Progress { bytes: 0 },
    })?;
    complete(d, qo)?;
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: connect })?;
    d.step(Input::Close { handle: root })?;
    if d.machine.family() == Family::WinHttp {
        law_12_resend_connect(d)?;
    }
    Ok(())
}

/// Law 12 with a WinHTTP receive's authentication re-send on a new connection (WH-R30,
/// WH-R42): no connect progress after the response's own progress, the re-send's connect
/// before its `SENDING_REQUEST`.
fn law_12_resend_connect(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    // The body follows the send, so the receive runs on its own.
    for (api, arg) in [
        (Api::WinHttpSendRequest, CallArg::BodyToWrite),
        (Api::WinHttpReceiveResponse, CallArg::None),
    ] {
        d.step(Input::Call {
            arg,
            api,
            handle: req,
        })?;
        if api == Api::WinHttpSendRequest {
            complete(d, qo)?;
        }
    }
    let event = |event| Input::Protocol { object: qo, event };
    d.step(event(ProtocolEvent::Progress { bytes: 0 }))?;
    // Outside a re-send a receive opens no connection: the machine refuses.
    match d.step(event(ProtocolEvent::Connecting { resolve: false })) {
        Err(DriveError::Input(_)) => {}
        Err(e) => return Err(e),
        Ok(reply) => return fail(12, format!("a receive connected: {reply:?}")),
    }
    d.step(event(ProtocolEvent::Resend))?;
    d.step(event(ProtocolEvent::Connecting { resolve: true }))?;
    d.step(event(ProtocolEvent::Progress { bytes: 0 }))?;
    complete(d, qo)?;
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: connect })?;
    d.step(Input::Close { handle: root })?;
    Ok(())
}

fn law_13(d: &mut Driver) -> Result<(), DriveError> {
    let [(root, _), (connect, _), (req, qo)] = tree(d, true)?;
    let family = d.machine.family();
    // WinHTTP: the body follows, so the reply is not read inside the send.
    let arg = match family {
        Family::WinHttp => CallArg::BodyToWrite,
        Family::WinInet => CallArg::None,
    };
    let sent = d.step(Input::Call {
        arg,
        api: send_api(family),
        handle: req,
    })?;
    let Some(send_op) = sent.op() else {
        return fail(
            13,
            format!("the send was not accepted as an operation: {sent:?}"),
        );
    };
    complete(d, qo)?;
    // Another operation now waits in the same lane: the reply, or the body.
    let next = match family {
        Family::WinHttp => Api::WinHttpReceiveResponse,
        Family::WinInet => Api::InternetReadFile,
    };
    let waiting = d.step(Input::Call {
        arg: CallArg::None,
        api: next,
        handle: req,
    })?;
    if !matches!(waiting.outcome, Outcome::Pending { .. }) {
        return fail(13, format!("{next} did not pend: {waiting:?}"));
    }
    // The executor reports the finished send again (a late, duplicate completion): the
    // driver checks it changes nothing, the monitor that it completes nothing else.
    let late = d.step(Input::Complete {
        object: qo,
        op: send_op,
        completion: Completion::Error(12030),
    })?;
    if !matches!(late.outcome, Outcome::Stale { op, .. } if op == send_op) {
        return fail(
            13,
            format!("a late completion of {send_op} was not stale: {late:?}"),
        );
    }
    if d.machine.object(qo).map(|o| o.pending_ops()) != Some(1) {
        return fail(
            13,
            format!("the waiting {next} did not survive a late completion"),
        );
    }
    complete(d, qo)?;
    d.step(Input::Close { handle: req })?;
    d.step(Input::Close { handle: connect })?;
    d.step(Input::Close { handle: root })?;
    Ok(())
}

/// Run every scenario on fresh machines made by `make`; return the failures as
/// `(scenario, error, trace)`. With `laws_only`, the structural invariant checks are off
/// and only the law monitor can report.
pub fn run_all(
    make: &dyn Fn() -> Machine,
    laws_only: bool,
) -> Vec<(&'static str, DriveError, String)> {
    let mut failures = Vec::new();
    for &(name, scenario) in SCENARIOS {
        let mut driver = Driver::with_machine(make(), hinternet_core::CallbackMode::ReturnAtOnce);
        if laws_only {
            driver = driver.laws_only();
        }
        let result = scenario(&mut driver).and_then(|()| crate::sequences::wind_down(&mut driver));
        if let Err(e) = result {
            failures.push((name, e, driver.trace.to_string()));
        }
    }
    failures
}
