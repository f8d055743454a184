//! Shared helpers for the core's integration tests: short names for driving a
//! [`Driver`] and reading what it recorded.
#![allow(dead_code)]

use hinternet_core::{
    handle_closing, handle_created, Api, CallArg, CallbackId, CreateApi, Driver, HandleValue,
    Input, IoResult, Lane, Notification, ObjectId, Outcome, Policy, Reply, Ret,
};

/// A callback id the tests register.
pub const CB: CallbackId = CallbackId(7);

pub fn driver(policy: Policy) -> Driver {
    Driver::new(policy)
}

pub fn handle_of(reply: &Reply) -> HandleValue {
    match reply.ret {
        Ret::Handle(h) => h,
        other => panic!("expected a handle, got {other:?} ({reply:?})"),
    }
}

pub fn object_of(reply: &Reply) -> ObjectId {
    reply
        .object()
        .unwrap_or_else(|| panic!("reply names no object: {reply:?}"))
}

pub fn open(d: &mut Driver, api: CreateApi, async_mode: bool) -> (HandleValue, ObjectId) {
    let r = d.step(Input::Open { api, async_mode }).expect("open");
    (handle_of(&r), object_of(&r))
}

pub fn create(
    d: &mut Driver,
    api: CreateApi,
    source: HandleValue,
    context: Option<u64>,
) -> (HandleValue, ObjectId) {
    let r = d
        .step(Input::Create {
            api,
            source,
            context,
        })
        .expect("create");
    assert!(!r.is_rejected(), "create rejected: {r:?}");
    (handle_of(&r), object_of(&r))
}

pub fn call(d: &mut Driver, api: Api, handle: HandleValue) -> Reply {
    d.step(Input::Call {
        api,
        handle,
        arg: CallArg::None,
    })
    .expect("call")
}

pub fn close(d: &mut Driver, handle: HandleValue) -> Reply {
    d.step(Input::Close { handle }).expect("close")
}

pub fn set_callback(d: &mut Driver, handle: HandleValue, mask: u32) -> Reply {
    d.step(Input::SetStatusCallback {
        handle,
        callback: Some(CB),
        mask,
    })
    .expect("set callback")
}

pub fn complete(d: &mut Driver, object: ObjectId, lane: Lane, result: IoResult) -> Reply {
    d.step(Input::Complete {
        object,
        lane,
        result,
    })
    .expect("complete")
}

/// (status, handle value, object) of every notification, delivered or not.
pub fn stream(d: &Driver) -> Vec<(u32, HandleValue, ObjectId)> {
    d.notifications()
        .map(|n| (n.status, n.handle, n.object))
        .collect()
}

/// Only the delivered notifications.
pub fn delivered(d: &Driver) -> Vec<Notification> {
    d.notifications()
        .filter(|n| n.callback.is_some())
        .copied()
        .collect()
}

pub fn closing_of(d: &Driver, object: ObjectId) -> usize {
    let closing = handle_closing(d.machine.family());
    d.notifications()
        .filter(|n| n.object == object && n.status == closing)
        .count()
}

/// The objects whose `HANDLE_CLOSING` was emitted, in emission order.
pub fn closing_order(d: &Driver) -> Vec<ObjectId> {
    let closing = closing_status(d);
    d.notifications()
        .filter(|n| n.status == closing)
        .map(|n| n.object)
        .collect()
}

pub fn created_status(d: &Driver) -> u32 {
    handle_created(d.machine.family())
}

pub fn closing_status(d: &Driver) -> u32 {
    handle_closing(d.machine.family())
}

pub fn is_rejected_with(reply: &Reply, code: u32) -> bool {
    matches!(reply.outcome, Outcome::Rejected(_))
        && match reply.ret {
            Ret::Dword(c) => c == code,
            _ => reply.last_error == Some(code),
        }
}

/// Session → connect → request (WinHTTP), returning (values, objects).
pub fn winhttp_tree(d: &mut Driver, async_mode: bool) -> ([HandleValue; 3], [ObjectId; 3]) {
    let (s, so) = open(d, CreateApi::WinHttpOpen, async_mode);
    let (c, co) = create(d, CreateApi::WinHttpConnect, s, None);
    let (r, ro) = create(d, CreateApi::WinHttpOpenRequest, c, None);
    ([s, c, r], [so, co, ro])
}

/// Root → HTTP connect → request (WinINet), with contexts 1, 2, 3 on the children.
pub fn wininet_tree(d: &mut Driver, async_mode: bool) -> ([HandleValue; 3], [ObjectId; 3]) {
    use hinternet_core::Service;
    let (root, rooto) = open(d, CreateApi::InternetOpen, async_mode);
    let (c, co) = create(d, CreateApi::InternetConnect(Service::Http), root, Some(2));
    let (r, ro) = create(d, CreateApi::HttpOpenRequest, c, Some(3));
    ([root, c, r], [rooto, co, ro])
}
