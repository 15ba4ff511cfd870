//! The component model's value layer for WASI 0.2: component value types,
//! host values, and the Canonical ABI that moves them in and out of a
//! component's linear memory and core values, plus per-instance resource
//! handle tables.
//!
//! Follows CanonicalABI.md and its executable reference definitions.py in
//! WebAssembly/component-model; function comments name the spec function
//! they implement. Out of scope: async, streams, futures, error-context,
//! fixed-length lists and 64-bit memories.
//!
//! It is independent of how components are instantiated: guest memory is a
//! [`abi::GuestMemory`] trait object and resources cross through an
//! [`abi::ResourceBridge`].
//!
//! ```
//! use myrt_canonical_abi::abi::{self, CanonOptions, Context, PassThroughHandles, StringEncoding, VecMemory};
//! use myrt_canonical_abi::{Type, Val};
//!
//! let t = Type::record([("name", Type::String), ("tags", Type::list(Type::U8))]);
//! let v = Val::Record(vec![
//!     ("name".into(), Val::String("Grüße 😀".into())),
//!     ("tags".into(), Val::List(vec![Val::U8(1), Val::U8(2)])),
//! ]);
//! let options = CanonOptions { string_encoding: StringEncoding::Utf16, ..CanonOptions::default() };
//! let mut memory = VecMemory::new(8);
//! let mut handles = PassThroughHandles;
//! let mut cx = Context::new(options, Some(&mut memory), &mut handles);
//! let flat = abi::lower_flat(&mut cx, &v, &t)?; // [ptr, utf16 units, ptr, len]
//! assert_eq!(flat.len(), 4);
//! assert_eq!(abi::lift_flat(&mut cx, &flat, &t)?, v);
//! # Ok::<(), myrt_canonical_abi::Error>(())
//! ```

pub mod abi;
pub mod component;
mod error;
pub mod handles;
pub mod types;
pub mod values;

#[doc(hidden)]
pub use component::derive_support as __derive;

pub use component::{ComponentValue, Resource, ResourceAny, TypeMismatch};
pub use error::Error;
pub use types::{Case, CoreType, Field, FuncType, ResourceId, Type};
pub use values::{FlatVal, Val};
