//! Deliberately broken variants of the machine, one or more per law. The model checker,
//! the proptests and the tests must catch every one: a checker that cannot fail proves
//! nothing.
//!
//! Owns: [`Mutant`] (always defined, so the planted checks read as plain code) and the
//! machine's `Planted` field. Invariant: without the `mutants` feature `Planted` is
//! zero-sized and `Planted::is` is a constant `false`, so every planted branch is dead
//! code in a shipped build, and [`Machine::with_mutant`](crate::Machine) does not exist.

use alloc::format;
use alloc::string::String;

/// A planted bug, named for what it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mutant {
    /// Law 1: `HANDLE_CLOSING` emitted twice for one object.
    ClosingTwice,
    /// Laws 1 and 11: a destroyed child never drops its hold on the parent, so the
    /// parent is never destroyed.
    ParentHoldLeaked,
    /// Laws 2 and 3: a close forgets pending operations and running callbacks, so
    /// `HANDLE_CLOSING` comes at close and later completions follow it.
    ClosingDespitePending,
    /// Law 3: a completion delivered twice.
    CompletionTwice,
    /// Law 3: a close cancels websocket operations without reporting them.
    CancelWithoutCompletion,
    /// Law 4: a close leaves the value addressing the closed object.
    CloseKeepsValue,
    /// Law 5: under the cascade policy, closing a parent leaves its children valid.
    NoCascade,
    /// Law 6: a parent is destroyed without waiting for its children.
    ParentClosingFirst,
    /// Law 7: a value reserved until destruction is released at close.
    ReleaseReservedAtClose,
    /// Law 8: a rejected call changes the state.
    RejectMutatesState,
    /// Law 8: a wrong-kind handle gives `ERROR_INVALID_HANDLE` instead of the API's code.
    WrongKindGivesInvalidHandle,
    /// Law 9: a delivered notification does not hold its object, so a close inside the
    /// callback emits `HANDLE_CLOSING` while the callback still runs.
    CallbackHoldIgnored,
    /// Law 10: outputs come out newest first. The monitor sees the reordering as a break
    /// of protocol order (law 12) or a completion after `HANDLE_CLOSING` (laws 2, 3).
    OutputsLifo,
    /// Law 12: progress notifications in reverse protocol order.
    ProgressOutOfOrder,
    /// Law 12: progress reported live ([`ProtocolEvent::Progress`](crate::ProtocolEvent))
    /// is emitted again at the completion.
    ProgressRepeated,
    /// Law 13: a completion ignores the operation it names and completes the head of a
    /// busy lane of the object instead (completion by lane head, the machine before
    /// operation ids), so a late completion of a cancelled receive finishes the close
    /// started after it.
    CompleteByLaneHead,
    /// Law 12: a pending receive (any head but a send) accepts connect progress outside
    /// the window a redirect
    /// or an authentication re-send opens (before the re-send's `SENDING_REQUEST`), so a
    /// `CONNECTING_TO_SERVER` can follow the response's progress.
    ConnectOutsideResend,
}

impl Mutant {
    /// Every mutant.
    pub const ALL: [Mutant; 17] = [
        Mutant::ClosingTwice,
        Mutant::ParentHoldLeaked,
        Mutant::ClosingDespitePending,
        Mutant::CompletionTwice,
        Mutant::CancelWithoutCompletion,
        Mutant::CloseKeepsValue,
        Mutant::NoCascade,
        Mutant::ParentClosingFirst,
        Mutant::ReleaseReservedAtClose,
        Mutant::RejectMutatesState,
        Mutant::WrongKindGivesInvalidHandle,
        Mutant::CallbackHoldIgnored,
        Mutant::OutputsLifo,
        Mutant::ProgressOutOfOrder,
        Mutant::ProgressRepeated,
        Mutant::CompleteByLaneHead,
        Mutant::ConnectOutsideResend,
    ];

    /// The kebab-case name used on command lines.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('-');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Parse a name produced by [`Mutant::name`].
    pub fn from_name(name: &str) -> Option<Mutant> {
        Mutant::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The law numbers this mutant breaks.
    pub fn laws(self) -> &'static [u8] {
        match self {
            Mutant::ClosingTwice => &[1],
            Mutant::ParentHoldLeaked => &[1, 11],
            Mutant::ClosingDespitePending => &[2, 3],
            Mutant::CompletionTwice | Mutant::CancelWithoutCompletion => &[3],
            Mutant::CloseKeepsValue => &[4],
            Mutant::NoCascade => &[5],
            Mutant::ParentClosingFirst => &[6],
            Mutant::ReleaseReservedAtClose => &[7],
            Mutant::RejectMutatesState | Mutant::WrongKindGivesInvalidHandle => &[8],
            Mutant::CallbackHoldIgnored => &[9],
            Mutant::OutputsLifo => &[10, 12, 3, 2],
            Mutant::ProgressOutOfOrder
            | Mutant::ProgressRepeated
            | Mutant::ConnectOutsideResend => &[12],
            Mutant::CompleteByLaneHead => &[13],
        }
    }
}

/// Which bug a machine carries. Zero-sized without the `mutants` feature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Planted(#[cfg(feature = "mutants")] Option<Mutant>);

impl Planted {
    /// A machine carrying `mutant`.
    #[cfg(feature = "mutants")]
    pub(crate) fn new(mutant: Mutant) -> Planted {
        Planted(Some(mutant))
    }

    /// True when `mutant` is the planted bug; a constant `false` in shipped builds.
    #[inline(always)]
    pub(crate) fn is(self, mutant: Mutant) -> bool {
        #[cfg(feature = "mutants")]
        {
            self.0 == Some(mutant)
        }
        #[cfg(not(feature = "mutants"))]
        {
            let _ = mutant;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped configuration (CI: `cargo test -p hinternet-core -p hinternet-engine`
    /// with `HINTERNET_EXPECT_SHIPPED=1`) must build no planted bug path.
    #[test]
    fn shipped_builds_carry_no_planted_bug() {
        #[cfg(feature = "mutants")]
        assert!(
            std::env::var_os("HINTERNET_EXPECT_SHIPPED").is_none(),
            "the shipped configuration was built with the `mutants` feature"
        );
        #[cfg(not(feature = "mutants"))]
        {
            assert_eq!(core::mem::size_of::<Planted>(), 0);
            for m in Mutant::ALL {
                assert!(
                    !Planted::default().is(m),
                    "{m:?} planted in a shipped build"
                );
            }
        }
        #[cfg(feature = "mutants")]
        for m in Mutant::ALL {
            assert!(!Planted::default().is(m));
            assert!(Planted::new(m).is(m));
            let others = Mutant::ALL
                .iter()
                .filter(|&&o| Planted::new(m).is(o))
                .count();
            assert_eq!(others, 1, "{m:?} plants exactly one bug");
        }
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{Mutant, Planted};
    use crate::pack::{pack_fieldless, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    pack_fieldless!(Mutant {
        ClosingTwice,
        ParentHoldLeaked,
        ClosingDespitePending,
        CompletionTwice,
        CancelWithoutCompletion,
        CloseKeepsValue,
        NoCascade,
        ParentClosingFirst,
        ReleaseReservedAtClose,
        RejectMutatesState,
        WrongKindGivesInvalidHandle,
        CallbackHoldIgnored,
        OutputsLifo,
        ProgressOutOfOrder,
        ProgressRepeated,
        CompleteByLaneHead,
        ConnectOutsideResend,
    });

    /// The planted mutant (nothing without the `mutants` feature).
    impl Pack for Planted {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            #[cfg(feature = "mutants")]
            self.0.pack(out);
            #[cfg(not(feature = "mutants"))]
            let _ = out;
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            #[cfg(feature = "mutants")]
            return Ok(Planted(Option::<Mutant>::unpack(r)?));
            #[cfg(not(feature = "mutants"))]
            {
                let _ = r;
                Ok(Planted())
            }
        }
    }
}
