//! A canonical byte encoding of the machine and the law monitor, for model checkers that
//! store states as bytes (feature `pack`, off by default: the engine and net never
//! compile it).
//!
//! Owns: the [`Pack`] trait, its [`Reader`] and [`UnpackError`], the impls for the
//! primitive and container types the machine uses, and the `pack_struct!` /
//! `pack_fieldless!` macros the machine's modules implement it with.
//!
//! The format: values in field order, nothing else. Unsigned integers are LEB128 (seven
//! bits a byte, least significant first, always the shortest form; a value below 128 is
//! one byte, written by a single push); `bool` one byte (0 or 1); an enum its variant tag
//! (one byte) then its fields; `Option` a tag byte then the value; a sequence (vector,
//! small vector, deque, map) its length then its items in order.
//!
//! Invariants:
//! - Canonical: the bytes are a function of the value alone (never of a capacity, of a
//!   small vector's inline or spilled storage, or of a deque's ring position), and every
//!   value is written self-delimiting, so [`Pack::unpack`] recovers it from its bytes:
//!   equal values give equal bytes and distinct values distinct bytes.
//! - [`Pack::unpack`] never panics: bytes that no value packs to (truncated, a tag out of
//!   range, a length past the end, a non-shortest integer) are an [`UnpackError`].

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;

use smallvec::{Array, SmallVec};

/// Bytes that no value packs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnpackError;

impl core::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("bytes that no packed value has")
    }
}

/// The bytes still to read.
#[derive(Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    /// True when every byte was read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next byte.
    #[inline]
    pub fn byte(&mut self) -> Result<u8, UnpackError> {
        let (&first, rest) = self.rest.split_first().ok_or(UnpackError)?;
        self.rest = rest;
        Ok(first)
    }

    /// A LEB128 integer of at most `bits` bits, in its shortest form.
    #[inline]
    fn varint(&mut self, bits: u32) -> Result<u64, UnpackError> {
        let first = self.byte()?;
        if first < 0x80 {
            return Ok(u64::from(first));
        }
        let mut value = u64::from(first & 0x7f);
        let mut shift = 7;
        loop {
            let byte = self.byte()?;
            let part = u64::from(byte & 0x7f);
            // The value must fit in `bits`: no group past them, no bit past them.
            if shift >= bits || (bits - shift < 7 && part >> (bits - shift) != 0) {
                return Err(UnpackError);
            }
            value |= part << shift;
            if byte < 0x80 {
                // The shortest form never ends in a zero byte.
                if byte == 0 {
                    return Err(UnpackError);
                }
                return Ok(value);
            }
            shift += 7;
        }
    }

    /// A sequence length: at most the bytes left (every item takes a byte at least), so
    /// a hostile length cannot make a decoder reserve a huge buffer.
    fn len(&mut self) -> Result<usize, UnpackError> {
        let n = usize::try_from(self.varint(64)?).map_err(|_| UnpackError)?;
        if n > self.rest.len() {
            return Err(UnpackError);
        }
        Ok(n)
    }
}

/// A value with a canonical byte encoding (see the module docs).
pub trait Pack: Sized {
    /// Append this value's bytes to `out`.
    fn pack(&self, out: &mut Vec<u8>);
    /// Read one value from `r` (the inverse of [`Pack::pack`]).
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError>;
}

/// `value` packed into a new vector.
pub fn to_bytes<T: Pack>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.pack(&mut out);
    out
}

/// The value `bytes` packs, which must be all of them.
pub fn from_bytes<T: Pack>(bytes: &[u8]) -> Result<T, UnpackError> {
    let mut r = Reader::new(bytes);
    let value = T::unpack(&mut r)?;
    if r.is_empty() {
        Ok(value)
    } else {
        Err(UnpackError)
    }
}

/// Append `value` as LEB128 (one push below 128).
#[inline(always)]
fn put_varint(mut value: u64, out: &mut Vec<u8>) {
    if value < 0x80 {
        out.push(value as u8); // < 0x80: fits
        return;
    }
    while value >= 0x80 {
        out.push((value as u8) | 0x80); // the low seven bits, marked "more"
        value >>= 7;
    }
    out.push(value as u8); // < 0x80 after the loop
}

macro_rules! pack_uint {
    ($($t:ty),*) => {$(
        impl Pack for $t {
            #[inline(always)]
            fn pack(&self, out: &mut Vec<u8>) {
                put_varint(u64::from(*self), out);
            }
            #[inline]
            fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
                // `varint` checked that the value fits in the type's bits.
                <$t>::try_from(r.varint(<$t>::BITS)?).map_err(|_| UnpackError)
            }
        }
    )*};
}

pack_uint!(u16, u32, u64);

impl Pack for u8 {
    #[inline(always)]
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    #[inline]
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        r.byte()
    }
}

impl Pack for bool {
    #[inline(always)]
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    #[inline]
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(UnpackError),
        }
    }
}

impl<T: Pack> Pack for Option<T> {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.pack(out);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        match r.byte()? {
            0 => Ok(None),
            1 => Ok(Some(T::unpack(r)?)),
            _ => Err(UnpackError),
        }
    }
}

impl<A: Pack, B: Pack> Pack for (A, B) {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        self.0.pack(out);
        self.1.pack(out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let a = A::unpack(r)?;
        Ok((a, B::unpack(r)?))
    }
}

impl<T: Pack> Pack for Box<T> {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        (**self).pack(out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        Ok(Box::new(T::unpack(r)?))
    }
}

impl<T: Pack> Pack for [T; 2] {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        self[0].pack(out);
        self[1].pack(out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let a = T::unpack(r)?;
        Ok([a, T::unpack(r)?])
    }
}

/// Length, then the items.
#[inline]
fn pack_seq<'a, T: Pack + 'a>(len: usize, items: impl Iterator<Item = &'a T>, out: &mut Vec<u8>) {
    put_varint(len as u64, out); // usize is at most 64 bits
    for item in items {
        item.pack(out);
    }
}

impl<T: Pack> Pack for Vec<T> {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        pack_seq(self.len(), self.iter(), out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let n = r.len()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::unpack(r)?);
        }
        Ok(v)
    }
}

impl<T: Pack> Pack for VecDeque<T> {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        pack_seq(self.len(), self.iter(), out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let n = r.len()?;
        let mut v = VecDeque::with_capacity(n);
        for _ in 0..n {
            v.push_back(T::unpack(r)?);
        }
        Ok(v)
    }
}

impl<A: Array> Pack for SmallVec<A>
where
    A::Item: Pack,
{
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        pack_seq(self.len(), self.iter(), out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        let n = r.len()?;
        let mut v = SmallVec::with_capacity(n);
        for _ in 0..n {
            v.push(A::Item::unpack(r)?);
        }
        Ok(v)
    }
}

/// [`Pack`] for a struct with named fields, field by field in the order listed. The
/// pack side destructures without `..` and the unpack side builds a struct literal, so
/// a field missing from the list is a compile error.
macro_rules! pack_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $crate::pack::Pack for $ty {
            #[inline]
            fn pack(&self, out: &mut alloc::vec::Vec<u8>) {
                let $ty { $($field),* } = self;
                $( $crate::pack::Pack::pack($field, out); )*
            }
            fn unpack(
                r: &mut $crate::pack::Reader<'_>,
            ) -> Result<Self, $crate::pack::UnpackError> {
                Ok($ty { $($field: $crate::pack::Pack::unpack(r)?),* })
            }
        }
    };
}

/// [`Pack`] for a `Copy` enum without fields: its discriminant as one byte. The list
/// must name every variant (an exhaustive match checks it at compile time).
macro_rules! pack_fieldless {
    ($ty:ident { $($variant:ident),* $(,)? }) => {
        impl $crate::pack::Pack for $ty {
            #[inline]
            fn pack(&self, out: &mut alloc::vec::Vec<u8>) {
                // Exhaustive: a new variant must be listed.
                match self { $($ty::$variant)|* => {} }
                out.push(*self as u8); // fieldless, fewer than 256 variants
            }
            fn unpack(
                r: &mut $crate::pack::Reader<'_>,
            ) -> Result<Self, $crate::pack::UnpackError> {
                let tag = r.byte()?;
                $( if tag == $ty::$variant as u8 { return Ok($ty::$variant); } )*
                Err($crate::pack::UnpackError)
            }
        }
    };
}

pub(crate) use {pack_fieldless, pack_struct};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_in_their_shortest_form() {
        for v in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let bytes = to_bytes(&v);
            assert_eq!(from_bytes::<u64>(&bytes), Ok(v));
            let expected = (64 - v.leading_zeros()).div_ceil(7).max(1);
            assert_eq!(bytes.len(), expected as usize, "{v}");
        }
        assert_eq!(
            from_bytes::<u32>(&to_bytes(&u64::from(u32::MAX))),
            Ok(u32::MAX)
        );
        assert_eq!(
            from_bytes::<u32>(&to_bytes(&(1u64 << 32))),
            Err(UnpackError)
        );
        assert_eq!(from_bytes::<u16>(&to_bytes(&65_536u32)), Err(UnpackError));
        // Ten bytes whose last group has bits past 64.
        let mut past = [0xffu8; 10];
        past[9] = 0x7f;
        assert_eq!(from_bytes::<u64>(&past), Err(UnpackError));
        // Not the shortest form of 1; truncated.
        assert_eq!(from_bytes::<u32>(&[0x81, 0x00]), Err(UnpackError));
        assert_eq!(from_bytes::<u32>(&[0x81]), Err(UnpackError));
    }

    #[test]
    fn sequences_are_length_prefixed_and_capacity_free() {
        let mut roomy: Vec<u32> = Vec::with_capacity(64);
        roomy.extend([1, 200, 3]);
        let tight = alloc::vec![1u32, 200, 3];
        assert_eq!(to_bytes(&roomy), to_bytes(&tight));
        let mut deque: VecDeque<u32> = VecDeque::with_capacity(4);
        deque.extend([9, 9, 1]);
        deque.pop_front();
        deque.pop_front();
        deque.extend([200, 3]); // wraps around the ring
        assert_eq!(to_bytes(&deque), to_bytes(&tight));
        let spilled: SmallVec<[u32; 1]> = tight.iter().copied().collect();
        assert_eq!(to_bytes(&spilled), to_bytes(&tight));
        assert_eq!(from_bytes::<Vec<u32>>(&to_bytes(&tight)), Ok(tight));
        // A length past the end is refused before anything is reserved.
        assert_eq!(from_bytes::<Vec<u32>>(&[0xff, 0x7f]), Err(UnpackError));
        assert_eq!(from_bytes::<Vec<u32>>(&[1, 5, 0]), Err(UnpackError));
        assert_eq!(from_bytes::<Option<bool>>(&[1, 2]), Err(UnpackError));
    }

    #[test]
    fn every_function_round_trips() {
        // `Api` packs its discriminant and unpacks by position in `Api::ALL`.
        for api in crate::Api::ALL {
            assert_eq!(from_bytes::<crate::Api>(&to_bytes(api)), Ok(*api));
        }
    }
}
