//! Policies: the knobs on which WinHTTP, WinINet, their documentation and observed
//! Windows differ, as data.
//!
//! Owns: [`Policy`] and its presets. Presets follow observed Windows (Wine's conformance
//! tests, run on Windows); where the documentation (the seeds) says otherwise, the
//! documented behaviour is a knob with its own preset. Invariant: the machine reads its
//! family-specific behaviour only from a `Policy` (and the tables in `kind` and `api`).

use super::kind::Family;

/// What closing a parent does to its children (law 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParentClose {
    /// Every descendant is invalidated (WinINet, WI-R5 \[T\]; WinHTTP documentation,
    /// seed `001`).
    Cascade,
    /// Children stay valid and keep the parent object alive; the parent's
    /// `HANDLE_CLOSING` follows its last child's (observed WinHTTP, WH-R6 \[T\]).
    KeepChildren,
}

/// When a closed handle's value may be issued again (law 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueRelease {
    /// At close, even while the object lives on (WinHTTP, WH-R2).
    AtClose,
    /// Only when the object is destroyed, after its `HANDLE_CLOSING` (WinINet, WI-R2).
    AtDestroy,
}

/// Which free value a new handle receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueReuse {
    /// The lowest free value (WH-R1, WI-R1): Windows-derived traces expect it.
    LowestFree,
    /// The most recently freed value first.
    Lifo,
    /// The least recently freed value first.
    Fifo,
    /// Never reuse: every handle gets a value higher than all before it.
    Monotonic,
    /// Lowest free slot, with a generation in the value's high bits, so that a stale
    /// value never addresses a new object (law 4, strict clause).
    Strict,
}

/// Every knob of the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    /// The API family.
    pub family: Family,
    /// Parent close: cascade or keep children.
    pub parent_close: ParentClose,
    /// When values are released.
    pub value_release: ValueRelease,
    /// Which value a new handle takes.
    pub value_reuse: ValueReuse,
    /// Creators without a context argument copy the source's context (WinHTTP WH-R12/R13);
    /// otherwise they start at 0.
    pub inherit_context: bool,
    /// Drop every notification whose context is 0 (WinINet WI-R12).
    pub drop_zero_context: bool,
    /// A close that leaves operations outstanding on the handle or its descendants sets
    /// the last error to `ERROR_IO_PENDING` (seed `000`); otherwise WinINet leaves the last
    /// error untouched (Wine, WI-R4). WinHTTP always sets `ERROR_SUCCESS` (WH-R4).
    pub close_reports_io_pending: bool,
    /// How many handle values may be live (or reserved) at once; the next creation fails
    /// with `ERROR_*_OUT_OF_HANDLES`.
    pub max_handles: u32,
}

/// Largest number of handles a strict-mode table can address (16 bits of slot).
pub const STRICT_MAX_SLOTS: u32 = 0xFFFF;

impl Policy {
    /// Observed WinHTTP: children survive their parent, values are released at close,
    /// lowest free value first, context inherited, no context-0 filter.
    pub const fn winhttp() -> Policy {
        Policy {
            family: Family::WinHttp,
            parent_close: ParentClose::KeepChildren,
            value_release: ValueRelease::AtClose,
            value_reuse: ValueReuse::LowestFree,
            inherit_context: true,
            drop_zero_context: false,
            close_reports_io_pending: false,
            max_handles: 1 << 16,
        }
    }

    /// WinHTTP as documented (seed `001`): closing a parent invalidates its children.
    pub const fn winhttp_documented() -> Policy {
        Policy {
            parent_close: ParentClose::Cascade,
            ..Policy::winhttp()
        }
    }

    /// WinINet: subtree invalidation, values reserved until destruction, no context
    /// inheritance, notifications with context 0 dropped, and a close that leaves
    /// operations outstanding reports `ERROR_IO_PENDING` (seed `000`).
    pub const fn wininet() -> Policy {
        Policy {
            family: Family::WinInet,
            parent_close: ParentClose::Cascade,
            value_release: ValueRelease::AtDestroy,
            value_reuse: ValueReuse::LowestFree,
            inherit_context: false,
            drop_zero_context: true,
            close_reports_io_pending: true,
            max_handles: 1 << 16,
        }
    }

    /// WinINet as Wine implements the close: the last error is never touched (WI-R4).
    pub const fn wininet_wine_close() -> Policy {
        Policy {
            close_reports_io_pending: false,
            ..Policy::wininet()
        }
    }

    /// The preset of a family.
    pub const fn for_family(family: Family) -> Policy {
        match family {
            Family::WinHttp => Policy::winhttp(),
            Family::WinInet => Policy::wininet(),
        }
    }

    /// This policy with another value-reuse order.
    pub const fn with_reuse(self, value_reuse: ValueReuse) -> Policy {
        Policy {
            value_reuse,
            ..self
        }
    }

    /// This policy with another handle limit.
    pub const fn with_max_handles(self, max_handles: u32) -> Policy {
        Policy {
            max_handles,
            ..self
        }
    }

    /// Every named preset, for tests and the model: `(name, policy)`.
    pub const PRESETS: [(&'static str, Policy); 4] = [
        ("winhttp", Policy::winhttp()),
        ("winhttp-documented", Policy::winhttp_documented()),
        ("wininet", Policy::wininet()),
        ("wininet-wine-close", Policy::wininet_wine_close()),
    ];
}

#[cfg(feature = "pack")]
mod packing {
    use super::{ParentClose, Policy, ValueRelease, ValueReuse};
    use crate::pack::{pack_fieldless, pack_struct};

    pack_fieldless!(ParentClose {
        Cascade,
        KeepChildren
    });
    pack_fieldless!(ValueRelease { AtClose, AtDestroy });
    pack_fieldless!(ValueReuse {
        LowestFree,
        Lifo,
        Fifo,
        Monotonic,
        Strict,
    });
    pack_struct!(Policy {
        family,
        parent_close,
        value_release,
        value_reuse,
        inherit_context,
        drop_zero_context,
        close_reports_io_pending,
        max_handles,
    });
}
