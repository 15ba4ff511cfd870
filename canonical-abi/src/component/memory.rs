//! A component instance's linear memory and `realloc` as the Canonical ABI
//! sees them ([`GuestMemory`]), over the interpreter's store, plus the
//! conversions between the ABI's flat values and core values.

use myrt_interp::{Func as CoreFunc, Memory, Store, Val as CoreVal};

use super::error::Error;
use crate::abi::GuestMemory;
use crate::types::CoreType;
use crate::values::FlatVal;

/// The memory and realloc named by one set of canonical options.
pub(crate) struct StoreMemory<'a, T> {
    store: &'a mut Store<T>,
    memory: Memory,
    realloc: Option<CoreFunc>,
    /// The core error of a failed `realloc`: the ABI only carries a message,
    /// so the trap (with its backtrace) waits here to be reported instead.
    pub realloc_error: Option<myrt_interp::Error>,
}

impl<'a, T> StoreMemory<'a, T> {
    pub fn new(store: &'a mut Store<T>, memory: Memory, realloc: Option<CoreFunc>) -> Self {
        StoreMemory {
            store,
            memory,
            realloc,
            realloc_error: None,
        }
    }

    /// The error to report for an ABI failure: a realloc trap if one
    /// happened, the ABI's own error otherwise.
    pub fn error(&mut self, abi: crate::Error) -> Error {
        match self.realloc_error.take() {
            Some(core) => core.into(),
            None => abi.into(),
        }
    }
}

impl<T> GuestMemory for StoreMemory<'_, T> {
    fn data(&self) -> &[u8] {
        self.memory.data(&*self.store)
    }

    fn data_mut(&mut self) -> &mut [u8] {
        self.memory.data_mut(&mut *self.store)
    }

    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, crate::Error> {
        let Some(realloc) = self.realloc else {
            return Err(crate::Error::Trap(
                "this value needs `realloc` but the canonical options name none".into(),
            ));
        };
        let args = [old_ptr, old_size, align, new_size].map(|v| CoreVal::I32(v as i32));
        let mut result = [CoreVal::I32(0)];
        match realloc.call(&mut *self.store, &args, &mut result) {
            Ok(()) => match result[0] {
                CoreVal::I32(ptr) => Ok(ptr as u32),
                _ => Err(crate::Error::Trap("realloc returned a non-i32".into())),
            },
            Err(err) => {
                self.realloc_error = Some(err);
                Err(crate::Error::Trap("realloc failed".into()))
            }
        }
    }
}

pub(crate) fn to_core(value: FlatVal) -> CoreVal {
    match value {
        FlatVal::I32(v) => CoreVal::I32(v),
        FlatVal::I64(v) => CoreVal::I64(v),
        FlatVal::F32(bits) => CoreVal::F32(bits),
        FlatVal::F64(bits) => CoreVal::F64(bits),
    }
}

pub(crate) fn from_core(value: &CoreVal) -> Result<FlatVal, Error> {
    Ok(match *value {
        CoreVal::I32(v) => FlatVal::I32(v),
        CoreVal::I64(v) => FlatVal::I64(v),
        CoreVal::F32(bits) => FlatVal::F32(bits),
        CoreVal::F64(bits) => FlatVal::F64(bits),
        other => {
            return Err(Error::Other(format!(
                "a {:?} cannot cross the component boundary",
                other.ty()
            )));
        }
    })
}

pub(crate) fn core_valtype(t: CoreType) -> myrt_interp::ValType {
    match t {
        CoreType::I32 => myrt_interp::ValType::I32,
        CoreType::I64 => myrt_interp::ValType::I64,
        CoreType::F32 => myrt_interp::ValType::F32,
        CoreType::F64 => myrt_interp::ValType::F64,
    }
}
