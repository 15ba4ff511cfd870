//! `flags!`: a Rust type for a component `flags` type, a set of up to 32
//! labels kept as the bits the Canonical ABI packs them into.

/// Defines a flags type: a `Copy` struct with one associated constant per
/// label and the usual bit operations, implementing
/// [`ComponentValue`](crate::ComponentValue). Labels default to the
/// kebab-case of the constant's name (`READ_ALL` is `read-all`);
/// `#[component(name = "...")]` overrides it. Order matters: it is the
/// order of the WIT labels.
///
/// ```
/// myrt_canonical_abi::flags! {
///     /// File permissions.
///     pub Permissions {
///         const READ;
///         #[component(name = "write")]
///         const WRITE_ANY;
///         const EXEC;
///     }
/// }
/// let rw = Permissions::READ | Permissions::WRITE_ANY;
/// assert!(rw.contains(Permissions::READ) && !rw.contains(Permissions::EXEC));
/// assert_eq!(Permissions::LABELS, ["read", "write", "exec"]);
/// assert_eq!((!rw).bits(), 0b100);
/// assert_eq!(format!("{rw:?}"), "Permissions(READ | WRITE_ANY)");
/// ```
#[macro_export]
macro_rules! flags {
    (
        $(#[$attr:meta])*
        $vis:vis $name:ident {
            $(
                $(#[doc = $doc:expr])*
                $(#[component(name = $label:literal)])?
                const $flag:ident;
            )+
        }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        $vis struct $name {
            bits: u32,
        }

        #[allow(non_upper_case_globals)]
        impl $name {
            $(
                $(#[doc = $doc])*
                pub const $flag: Self = Self {
                    bits: 1 << $crate::__derive::flag_index(Self::IDENTS, stringify!($flag)),
                };
            )+
            const IDENTS: &'static [&'static str] = &[$(stringify!($flag)),+];

            /// The WIT labels, in the order of their bits.
            pub const LABELS: &'static [&'static str] =
                &[$($crate::__flag_label!($($label)? ; $flag)),+];

            pub const fn empty() -> Self {
                Self { bits: 0 }
            }

            pub const fn all() -> Self {
                Self { bits: (((1u64 << Self::IDENTS.len()) - 1) as u32) }
            }

            pub const fn bits(self) -> u32 {
                self.bits
            }

            /// The flags of `bits`, ignoring bits beyond the labels (as
            /// lifting does).
            pub const fn from_bits_truncate(bits: u32) -> Self {
                Self { bits: bits & Self::all().bits }
            }

            pub const fn contains(self, other: Self) -> bool {
                self.bits & other.bits == other.bits
            }

            pub const fn is_empty(self) -> bool {
                self.bits == 0
            }
        }

        const _: () = assert!(
            $name::IDENTS.len() <= $crate::__derive::MAX_FLAGS,
            "flags have at most 32 labels"
        );

        $crate::__flags_op!($name, BitOr, bitor, BitOrAssign, bitor_assign, |);
        $crate::__flags_op!($name, BitAnd, bitand, BitAndAssign, bitand_assign, &);
        $crate::__flags_op!($name, BitXor, bitxor, BitXorAssign, bitxor_assign, ^);

        /// The flags in `self` that are not in `other`.
        impl ::core::ops::Sub for $name {
            type Output = Self;
            fn sub(self, other: Self) -> Self {
                Self { bits: self.bits & !other.bits }
            }
        }

        impl ::core::ops::Not for $name {
            type Output = Self;
            fn not(self) -> Self {
                Self::from_bits_truncate(!self.bits)
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let set: ::std::vec::Vec<&str> = Self::IDENTS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| self.bits & (1 << i) != 0)
                    .map(|(_, name)| *name)
                    .collect();
                write!(f, "{}({})", stringify!($name), set.join(" | "))
            }
        }

        impl $crate::__derive::ComponentValue for $name {
            fn typecheck(
                ty: &$crate::__derive::Type,
            ) -> ::core::result::Result<(), $crate::__derive::TypeMismatch> {
                $crate::__derive::flags(ty, stringify!($name), Self::LABELS)
            }
            fn into_val(
                self,
                ty: &$crate::__derive::Type,
            ) -> ::core::result::Result<$crate::__derive::Val, $crate::__derive::Error> {
                $crate::__derive::flags(ty, stringify!($name), Self::LABELS)?;
                Ok($crate::__derive::flags_val(self.bits, Self::LABELS))
            }
            fn from_val(
                value: $crate::__derive::Val,
                ty: &$crate::__derive::Type,
            ) -> ::core::result::Result<Self, $crate::__derive::Error> {
                $crate::__derive::flags(ty, stringify!($name), Self::LABELS)?;
                let bits = $crate::__derive::flags_bits(value, Self::LABELS, ty)?;
                Ok(Self { bits })
            }
        }
    };
}

/// A flag's label: the given name, or the kebab-case of its constant.
#[doc(hidden)]
#[macro_export]
macro_rules! __flag_label {
    ($label:literal ; $flag:ident) => {
        $label
    };
    (; $flag:ident) => {
        $crate::__derive::flag_name!($flag)
    };
}

/// A binary bit operation and its assigning form for a `flags!` type.
#[doc(hidden)]
#[macro_export]
macro_rules! __flags_op {
    ($name:ident, $op:ident, $method:ident, $assign:ident, $assign_method:ident, $token:tt) => {
        impl ::core::ops::$op for $name {
            type Output = Self;
            fn $method(self, other: Self) -> Self {
                Self { bits: self.bits $token other.bits }
            }
        }

        impl ::core::ops::$assign for $name {
            fn $assign_method(&mut self, other: Self) {
                *self = ::core::ops::$op::$method(*self, other);
            }
        }
    };
}
