//! Conversions between component values (`Val`) and the Rust types the
//! `WasiImpl` methods take and return. Labels follow the WIT declarations;
//! enums and flags are listed in WIT order, so one table per type serves
//! both directions.

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::Error;

use crate::clocks::Datetime;
use crate::error::{ErrorCode, FsError, HostError};
use crate::fs::{
    Advice, DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry, MetadataHashValue,
    NewTimestamp, OpenFlags, PathFlags,
};
use crate::host::StreamError;
use crate::table::{Resource, TableError};

/// A trap raised by the host: the guest broke a WASI rule (a stale handle,
/// an over-long write, ...).
pub(crate) fn trap(message: impl std::fmt::Display) -> Error {
    Error::Abi(myrt_canonical_abi::Error::Trap(message.to_string()))
}

fn mismatch(expected: &str, found: &Val) -> Error {
    trap(format!("expected {expected}, found {found:?}"))
}

/// A Rust value read from a component argument.
pub(crate) trait FromVal: Sized {
    fn from_val(val: &Val) -> Result<Self, Error>;
}

/// A Rust value returned as a component value; `None` for `()` (no value,
/// or the empty payload of `result<_, E>`).
pub(crate) trait IntoVal {
    fn into_val(self) -> Option<Val>;
}

/// Arguments of one WIT function, as a tuple of `FromVal` values.
pub(crate) trait FromVals: Sized {
    fn from_vals(vals: &[Val]) -> Result<Self, Error>;
}

macro_rules! tuple_from_vals {
    ($($name:ident $index:tt),*) => {
        impl<$($name: FromVal),*> FromVals for ($($name,)*) {
            #[allow(unused_variables)]
            fn from_vals(vals: &[Val]) -> Result<Self, Error> {
                const COUNT: usize = 0 $(+ ($index - $index + 1))*;
                if vals.len() != COUNT {
                    return Err(trap(format!("expected {COUNT} arguments, found {}", vals.len())));
                }
                Ok(($($name::from_val(&vals[$index])?,)*))
            }
        }
    };
}
tuple_from_vals!();
tuple_from_vals!(A 0);
tuple_from_vals!(A 0, B 1);
tuple_from_vals!(A 0, B 1, C 2);
tuple_from_vals!(A 0, B 1, C 2, D 3);
tuple_from_vals!(A 0, B 1, C 2, D 3, E 4);

macro_rules! scalar {
    ($($ty:ty => $case:ident),*) => {$(
        impl FromVal for $ty {
            fn from_val(val: &Val) -> Result<Self, Error> {
                match val {
                    Val::$case(v) => Ok(v.clone()),
                    other => Err(mismatch(stringify!($case), other)),
                }
            }
        }
        impl IntoVal for $ty {
            fn into_val(self) -> Option<Val> {
                Some(Val::$case(self))
            }
        }
    )*};
}
scalar!(bool => Bool, u8 => U8, u16 => U16, u32 => U32, u64 => U64, String => String);

impl IntoVal for () {
    fn into_val(self) -> Option<Val> {
        None
    }
}

/// An `own` or `borrow` handle: the host sees the rep, which is the
/// `ResourceTable` key.
impl<T> FromVal for Resource<T> {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Own(rep) | Val::Borrow(rep) => Ok(Resource::new(*rep)),
            other => Err(mismatch("a resource handle", other)),
        }
    }
}

/// Resources the host returns are always owned by the receiver.
impl<T> IntoVal for Resource<T> {
    fn into_val(self) -> Option<Val> {
        Some(Val::Own(self.rep()))
    }
}

impl<T: FromVal> FromVal for Vec<T> {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::List(items) => items.iter().map(T::from_val).collect(),
            other => Err(mismatch("a list", other)),
        }
    }
}

impl<T: IntoVal> IntoVal for Vec<T> {
    fn into_val(self) -> Option<Val> {
        Some(Val::List(
            self.into_iter().filter_map(IntoVal::into_val).collect(),
        ))
    }
}

impl<T: FromVal> FromVal for Option<T> {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Option(None) => Ok(None),
            Val::Option(Some(inner)) => T::from_val(inner).map(Some),
            other => Err(mismatch("an option", other)),
        }
    }
}

impl<A: FromVal, B: FromVal> FromVal for (A, B) {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Tuple(items) if items.len() == 2 => {
                Ok((A::from_val(&items[0])?, B::from_val(&items[1])?))
            }
            other => Err(mismatch("a pair", other)),
        }
    }
}

/// `result<V, E>` as a function returns it; `()` on either side is a case
/// without payload.
impl<V: IntoVal, E: IntoVal> IntoVal for Result<V, E> {
    fn into_val(self) -> Option<Val> {
        Some(match self {
            Ok(v) => ok_result(v.into_val()),
            Err(e) => err_result(e.into_val()),
        })
    }
}

/// The `ok` case of a result the host never succeeds with.
impl IntoVal for std::convert::Infallible {
    fn into_val(self) -> Option<Val> {
        match self {}
    }
}

impl<T: IntoVal> IntoVal for Option<T> {
    fn into_val(self) -> Option<Val> {
        Some(Val::Option(self.and_then(IntoVal::into_val).map(Box::new)))
    }
}

impl<A: IntoVal, B: IntoVal> IntoVal for (A, B) {
    fn into_val(self) -> Option<Val> {
        let items = [self.0.into_val(), self.1.into_val()];
        Some(Val::Tuple(items.into_iter().flatten().collect()))
    }
}

/// `result<_, ()>` as `wasi:cli/exit.exit` takes it.
impl FromVal for Result<(), ()> {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Result(Ok(_)) => Ok(Ok(())),
            Val::Result(Err(_)) => Ok(Err(())),
            other => Err(mismatch("a result", other)),
        }
    }
}

fn record(fields: Vec<(&str, Option<Val>)>) -> Option<Val> {
    Some(Val::Record(
        fields
            .into_iter()
            .filter_map(|(name, val)| Some((name.to_string(), val?)))
            .collect(),
    ))
}

fn field<'v>(val: &'v Val, name: &str) -> Result<&'v Val, Error> {
    let Val::Record(fields) = val else {
        return Err(mismatch("a record", val));
    };
    fields
        .iter()
        .find_map(|(n, v)| (n == name).then_some(v))
        .ok_or_else(|| trap(format!("record has no field `{name}`")))
}

/// Records: each field with its WIT label, in declaration order.
macro_rules! wit_record {
    ($ty:ty { $($field:ident = $label:literal),* $(,)? }) => {
        impl IntoVal for $ty {
            fn into_val(self) -> Option<Val> {
                record(vec![$(($label, self.$field.into_val())),*])
            }
        }
    };
}

wit_record!(Datetime {
    seconds = "seconds",
    nanoseconds = "nanoseconds",
});

impl FromVal for Datetime {
    fn from_val(val: &Val) -> Result<Self, Error> {
        Ok(Datetime {
            seconds: u64::from_val(field(val, "seconds")?)?,
            nanoseconds: u32::from_val(field(val, "nanoseconds")?)?,
        })
    }
}

/// Enums: the WIT labels in declaration order, indexed by discriminant.
macro_rules! wit_enum {
    ($ty:ty, [$($variant:ident = $label:literal),* $(,)?]) => {
        impl IntoVal for $ty {
            fn into_val(self) -> Option<Val> {
                let label = match self { $(<$ty>::$variant => $label),* };
                Some(Val::Enum(label.to_string()))
            }
        }
        impl FromVal for $ty {
            fn from_val(val: &Val) -> Result<Self, Error> {
                match val {
                    $(Val::Enum(label) if label == $label => Ok(<$ty>::$variant),)*
                    other => Err(mismatch(stringify!($ty), other)),
                }
            }
        }
    };
}

wit_enum!(
    DescriptorType,
    [
        Unknown = "unknown",
        BlockDevice = "block-device",
        CharacterDevice = "character-device",
        Directory = "directory",
        Fifo = "fifo",
        SymbolicLink = "symbolic-link",
        RegularFile = "regular-file",
        Socket = "socket",
    ]
);
wit_enum!(
    Advice,
    [
        Normal = "normal",
        Sequential = "sequential",
        Random = "random",
        WillNeed = "will-need",
        DontNeed = "dont-need",
        NoReuse = "no-reuse",
    ]
);

impl IntoVal for ErrorCode {
    fn into_val(self) -> Option<Val> {
        Some(Val::Enum(self.wit_name().to_string()))
    }
}

/// Flags: the WIT labels with their bits.
macro_rules! wit_flags {
    ($ty:ty, [$($flag:ident = $label:literal),* $(,)?]) => {
        impl IntoVal for $ty {
            fn into_val(self) -> Option<Val> {
                let mut set = Vec::new();
                $(if self.contains(<$ty>::$flag) { set.push($label.to_string()); })*
                Some(Val::Flags(set))
            }
        }
        impl FromVal for $ty {
            fn from_val(val: &Val) -> Result<Self, Error> {
                let Val::Flags(set) = val else {
                    return Err(mismatch(stringify!($ty), val));
                };
                let mut flags = <$ty>::empty();
                for label in set {
                    flags |= match label.as_str() {
                        $($label => <$ty>::$flag,)*
                        other => return Err(trap(format!("unknown flag `{other}`"))),
                    };
                }
                Ok(flags)
            }
        }
    };
}

wit_flags!(
    DescriptorFlags,
    [
        READ = "read",
        WRITE = "write",
        FILE_INTEGRITY_SYNC = "file-integrity-sync",
        DATA_INTEGRITY_SYNC = "data-integrity-sync",
        REQUESTED_WRITE_SYNC = "requested-write-sync",
        MUTATE_DIRECTORY = "mutate-directory",
    ]
);
wit_flags!(PathFlags, [SYMLINK_FOLLOW = "symlink-follow"]);
wit_flags!(
    OpenFlags,
    [
        CREATE = "create",
        DIRECTORY = "directory",
        EXCLUSIVE = "exclusive",
        TRUNCATE = "truncate",
    ]
);

wit_record!(DescriptorStat {
    type_ = "type",
    link_count = "link-count",
    size = "size",
    data_access_timestamp = "data-access-timestamp",
    data_modification_timestamp = "data-modification-timestamp",
    status_change_timestamp = "status-change-timestamp",
});
wit_record!(DirectoryEntry {
    type_ = "type",
    name = "name",
});
wit_record!(MetadataHashValue {
    lower = "lower",
    upper = "upper",
});

impl FromVal for NewTimestamp {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Variant(case, _) if case == "no-change" => Ok(NewTimestamp::NoChange),
            Val::Variant(case, _) if case == "now" => Ok(NewTimestamp::Now),
            Val::Variant(case, Some(time)) if case == "timestamp" => {
                Datetime::from_val(time).map(NewTimestamp::Timestamp)
            }
            other => Err(mismatch("new-timestamp", other)),
        }
    }
}

/// What a host method returns, as the function's result value or a trap.
pub(crate) trait HostReturn {
    fn into_return(self) -> Result<Option<Val>, Error>;
}

fn ok_result(payload: Option<Val>) -> Val {
    Val::Result(Ok(payload.map(Box::new)))
}

fn err_result(payload: Option<Val>) -> Val {
    Val::Result(Err(payload.map(Box::new)))
}

/// Infallible methods: wrapped as `Plain(value)` by the tables.
pub(crate) struct Plain<V>(pub V);

impl<V: IntoVal> HostReturn for Plain<V> {
    fn into_return(self) -> Result<Option<Val>, Error> {
        Ok(self.0.into_val())
    }
}

/// Table errors are always traps (a stale or mistyped handle).
impl<V: IntoVal> HostReturn for Result<V, TableError> {
    fn into_return(self) -> Result<Option<Val>, Error> {
        self.map(IntoVal::into_val).map_err(trap)
    }
}

/// Host errors are traps, except `Exit`, which ends the guest: the status
/// is in `WasiCtx::exit_code` for the embedder to pick up.
impl<V: IntoVal> HostReturn for Result<V, HostError> {
    fn into_return(self) -> Result<Option<Val>, Error> {
        self.map(IntoVal::into_val).map_err(host_error)
    }
}

pub(crate) fn host_error(err: HostError) -> Error {
    match err {
        HostError::Exit(code) => Error::Other(format!("{}{code}", super::EXIT_MESSAGE)),
        other => trap(other),
    }
}

/// `result<V, error-code>` of `wasi:filesystem`.
impl<V: IntoVal> HostReturn for Result<V, FsError> {
    fn into_return(self) -> Result<Option<Val>, Error> {
        match self {
            Ok(v) => Ok(Some(ok_result(v.into_val()))),
            Err(FsError::Code(code)) => Ok(Some(err_result(code.into_val()))),
            Err(FsError::Trap(err)) => Err(host_error(err)),
        }
    }
}

/// `result<V, stream-error>` of `wasi:io/streams`.
impl<V: IntoVal> HostReturn for Result<V, StreamError> {
    fn into_return(self) -> Result<Option<Val>, Error> {
        let stream_error = |case: &str, payload: Option<Val>| {
            Ok(Some(err_result(Some(Val::Variant(
                case.to_string(),
                payload.map(Box::new),
            )))))
        };
        match self {
            Ok(v) => Ok(Some(ok_result(v.into_val()))),
            Err(StreamError::LastOperationFailed(error)) => {
                stream_error("last-operation-failed", error.into_val())
            }
            Err(StreamError::Closed) => stream_error("closed", None),
            Err(StreamError::Trap(err)) => Err(host_error(err)),
        }
    }
}
