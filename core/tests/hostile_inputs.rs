//! The hostile-input catalogue: for every function of both families, what a Windows
//! program may pass instead of a good handle — NULL (0), all-ones, a value never issued, a
//! value just closed, a reissued value (default and strict value modes), a live handle of
//! every wrong kind, a handle invalidated by its parent's cascade close — gets the exact
//! return value and last error of `docs/behaviour.md` (WH-R8/R9, WI-R10), and leaves the
//! machine unchanged (the `Driver` compares the state before and after every rejection,
//! law 8). Running out of handle values is a clean `ERROR_*_OUT_OF_HANDLES`.

mod support;

use hinternet_core::{
    out_of_handles, Api, ApiError, CallbackRet, CreateApi, Driver, Family, HandleKind, HandleValue,
    Input, Lane, Outcome, Policy, Reply, Ret, ReturnStyle, Service, ValueReuse, API_TABLE,
    ERROR_INVALID_HANDLE, HIERARCHY,
};
use support::*;

/// One live handle of every kind of the driver's family (async roots, so operations pend).
fn one_of_each(d: &mut Driver) -> Vec<(HandleKind, HandleValue)> {
    match d.machine.family() {
        Family::WinHttp => {
            let (s, _) = open(d, CreateApi::WinHttpOpen, true);
            let (c, _) = create(d, CreateApi::WinHttpConnect, s, None);
            let (r, _) = create(d, CreateApi::WinHttpOpenRequest, c, None);
            let (w, _) = create(d, CreateApi::WinHttpWebSocketCompleteUpgrade, r, Some(1));
            vec![
                (HandleKind::WinHttpSession, s),
                (HandleKind::WinHttpConnect, c),
                (HandleKind::WinHttpRequest, r),
                (HandleKind::WinHttpWebSocket, w),
            ]
        }
        Family::WinInet => {
            let (root, _) = open(d, CreateApi::InternetOpen, true);
            let mut out = vec![(HandleKind::InternetRoot, root)];
            let connect =
                |d: &mut Driver, s| create(d, CreateApi::InternetConnect(s), root, Some(1)).0;
            let (http, ftp, gopher) = (
                connect(d, Service::Http),
                connect(d, Service::Ftp),
                connect(d, Service::Gopher),
            );
            // WI-R11: a session with an open find is busy; the file needs its own session.
            let ftp2 = connect(d, Service::Ftp);
            out.extend([
                (HandleKind::InternetConnect(Service::Http), http),
                (HandleKind::InternetConnect(Service::Ftp), ftp),
                (HandleKind::InternetConnect(Service::Gopher), gopher),
                (HandleKind::UrlResource, open_url_async(d, root)),
                (
                    HandleKind::HttpRequest,
                    create(d, CreateApi::HttpOpenRequest, http, Some(1)).0,
                ),
                (
                    HandleKind::FtpFind,
                    create(d, CreateApi::FtpFindFirstFile, ftp, Some(1)).0,
                ),
                (
                    HandleKind::FtpFile,
                    create(d, CreateApi::FtpOpenFile, ftp2, Some(1)).0,
                ),
                (
                    HandleKind::GopherFind,
                    create(d, CreateApi::GopherFindFirstFile, gopher, Some(1)).0,
                ),
                (
                    HandleKind::GopherFile,
                    create(d, CreateApi::GopherOpenFile, gopher, Some(1)).0,
                ),
            ]);
            out
        }
    }
}

/// `InternetOpenUrl` on an asynchronous root pends (WI-R18): the handle is created when
/// the operation completes.
fn open_url_async(d: &mut Driver, root: HandleValue) -> HandleValue {
    let r = d
        .step(Input::Create {
            api: CreateApi::InternetOpenUrl,
            source: root,
            context: Some(1),
        })
        .expect("open url");
    let done = d
        .step(success_of(&d.machine, object_of(&r), Lane::Main, 0))
        .expect("open url completes");
    match done.outcome {
        Outcome::Created { value, .. } => value,
        other => panic!("InternetOpenUrl completion created nothing: {other:?}"),
    }
}

fn family_apis(family: Family) -> impl Iterator<Item = Api> {
    API_TABLE
        .iter()
        .map(|r| r.api)
        .filter(move |a| a.family() == family)
}

fn family_creators(family: Family) -> impl Iterator<Item = CreateApi> {
    HIERARCHY
        .iter()
        .filter(move |r| r.child.family() == family && !r.source.is_empty())
        .map(|r| r.api)
}

/// The exact shape of a rejection: FALSE/NULL/DWORD and the code.
fn assert_rejected(reply: &Reply, what: &str, code: u32, style: ReturnStyle) {
    assert!(reply.is_rejected(), "{what}: accepted: {reply:?}");
    match style {
        ReturnStyle::Bool => {
            assert!(
                matches!(reply.ret, Ret::Bool(false) | Ret::Handle(HandleValue::NULL)),
                "{what}: {reply:?}"
            );
            assert_eq!(reply.last_error, Some(code), "{what}: {reply:?}");
        }
        ReturnStyle::Dword => assert_eq!(reply.ret, Ret::Dword(code), "{what}: {reply:?}"),
    }
}

/// Every function with a bad value `value`; `null` says whether it is the NULL handle.
fn every_api_rejects(d: &mut Driver, value: HandleValue, null: bool, what: &str) -> usize {
    let family = d.machine.family();
    let mut n = 0;
    for api in family_apis(family) {
        let reply = call(d, api, value);
        let rule = api.rule();
        assert_rejected(
            &reply,
            &format!("{api} on {what}"),
            api.bad_handle_error(null),
            rule.returns,
        );
        n += 1;
    }
    for api in family_creators(family) {
        let reply = d
            .step(Input::Create {
                api,
                source: value,
                context: Some(1),
            })
            .expect("create");
        assert_rejected(
            &reply,
            &format!("{api} on {what}"),
            api.rule().invalid_handle,
            ReturnStyle::Bool,
        );
        n += 1;
    }
    let reply = close(d, value);
    assert_rejected(
        &reply,
        &format!("close of {what}"),
        ERROR_INVALID_HANDLE,
        ReturnStyle::Bool,
    );
    let reply = d
        .step(Input::SetStatusCallback {
            handle: value,
            callback: Some(CB),
            mask: u32::MAX,
        })
        .expect("cb");
    assert_eq!(reply.ret, Ret::Callback(CallbackRet::Invalid), "{what}");
    let want = match family {
        Family::WinHttp => Some(ERROR_INVALID_HANDLE),
        Family::WinInet => None,
    };
    assert_eq!(reply.last_error, want, "SetStatusCallback on {what}");
    n + 2
}

fn families() -> [Policy; 2] {
    [Policy::winhttp(), Policy::wininet()]
}

#[test]
fn null_all_ones_and_never_issued_values_are_rejected_by_every_function() {
    for policy in families() {
        let mut d = driver(policy);
        one_of_each(&mut d);
        let mut checked = every_api_rejects(&mut d, HandleValue::NULL, true, "NULL");
        for v in [
            HandleValue(u32::MAX),
            HandleValue(0x7fff_ffff),
            HandleValue(999),
        ] {
            checked += every_api_rejects(&mut d, v, false, &format!("never-issued {v}"));
        }
        assert!(checked > 80, "{checked}");
    }
}

#[test]
fn a_value_just_closed_is_rejected_by_every_function() {
    for policy in families() {
        let mut d = driver(policy);
        let handles = one_of_each(&mut d);
        let (_, last) = *handles.last().expect("handles");
        close(&mut d, last);
        every_api_rejects(&mut d, last, false, "just closed");
    }
}

#[test]
fn a_live_handle_of_every_wrong_kind_gives_the_functions_wrong_kind_code() {
    for policy in families() {
        let mut d = driver(policy);
        let handles = one_of_each(&mut d);
        let mut checked = 0;
        for api in family_apis(policy.family) {
            for &(kind, h) in handles.iter().filter(|(k, _)| !api.accepts(*k)) {
                let reply = call(&mut d, api, h);
                assert_rejected(
                    &reply,
                    &format!("{api} on {kind}"),
                    api.rule().bad_handle.wrong_kind,
                    api.rule().returns,
                );
                assert!(matches!(
                    reply.outcome,
                    Outcome::Rejected(ApiError::WrongKind { .. })
                ));
                checked += 1;
            }
        }
        for api in family_creators(policy.family) {
            for &(kind, h) in handles
                .iter()
                .filter(|(k, _)| !api.rule().source.contains(k))
            {
                let reply = d
                    .step(Input::Create {
                        api,
                        source: h,
                        context: Some(1),
                    })
                    .expect("create");
                assert_rejected(
                    &reply,
                    &format!("{api} on {kind}"),
                    api.rule().wrong_kind,
                    ReturnStyle::Bool,
                );
                checked += 1;
            }
        }
        assert!(checked > 30, "{checked}");
    }
}

#[test]
fn handles_invalidated_by_a_cascade_are_rejected_by_every_function() {
    for policy in [Policy::winhttp_documented(), Policy::wininet()] {
        let mut d = driver(policy);
        let handles = one_of_each(&mut d);
        close(&mut d, handles[0].1);
        for &(kind, h) in &handles {
            every_api_rejects(
                &mut d,
                h,
                false,
                &format!("{kind} after its root's cascade close"),
            );
        }
    }
}

#[test]
fn a_reissued_value_addresses_the_new_object_and_in_strict_mode_stays_dead() {
    for family_policy in families() {
        for reuse in [ValueReuse::LowestFree, ValueReuse::Strict] {
            let mut d = driver(family_policy.with_reuse(reuse));
            let handles = one_of_each(&mut d);
            let (old_kind, old) = *handles.last().expect("handles");
            close(&mut d, old);
            // The next creation reissues the lowest free value (default) or a fresh one
            // (strict).
            let (root_kind, root) = handles[0];
            let creator = family_creators(family_policy.family)
                .find(|a| a.rule().source.contains(&root_kind))
                .expect("a root has children");
            let (new, new_obj) = create(&mut d, creator, root, Some(1));
            match reuse {
                ValueReuse::Strict => {
                    assert_ne!(new, old, "strict mode reissued {old}");
                    every_api_rejects(&mut d, old, false, "stale value in strict mode");
                }
                _ => {
                    assert_eq!(new, old, "{old_kind}'s value not reissued");
                    let q = d.step(Input::QueryContext { handle: old }).expect("query");
                    assert_eq!(
                        q.object(),
                        Some(new_obj),
                        "reissued value must reach the new object"
                    );
                }
            }
        }
    }
}

#[test]
fn running_out_of_handle_values_is_a_clean_error_for_both_families() {
    for policy in families() {
        let mut d = driver(policy.with_max_handles(2));
        let root_api = match policy.family {
            Family::WinHttp => CreateApi::WinHttpOpen,
            Family::WinInet => CreateApi::InternetOpen,
        };
        open(&mut d, root_api, false);
        let (root2, _) = open(&mut d, root_api, false);
        let full = d
            .step(Input::Open {
                api: root_api,
                async_mode: false,
            })
            .expect("open");
        assert!(matches!(
            full.outcome,
            Outcome::Rejected(ApiError::OutOfHandles)
        ));
        assert_eq!(full.ret, Ret::Handle(HandleValue::NULL));
        assert_eq!(full.last_error, Some(out_of_handles(policy.family)));
        let creator = family_creators(policy.family).next().expect("creator");
        let child = d
            .step(Input::Create {
                api: creator,
                source: root2,
                context: Some(1),
            })
            .expect("create");
        assert_eq!(child.last_error, Some(out_of_handles(policy.family)));
        // Freeing a value makes room again.
        close(&mut d, root2);
        let (again, _) = open(&mut d, root_api, false);
        assert_eq!(again, root2);
    }
}

#[test]
fn monotonic_values_never_repeat() {
    let mut d = driver(Policy::winhttp().with_reuse(ValueReuse::Monotonic));
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..50 {
        let (s, _) = open(&mut d, CreateApi::WinHttpOpen, false);
        assert!(seen.insert(s), "value {s} issued twice");
        close(&mut d, s);
    }
}
