//! Tables of references.

use myrt_parser::{TableType, ValType};

use crate::store::{Handle, TableEntity};
use crate::{AsContext, AsContextMut, Error, Val};

/// A table in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table(pub(crate) Handle);

impl TableEntity {
    /// A table of `ty.min` slots holding `init`; `None` if the limits are
    /// inconsistent or the host cannot allocate it.
    pub(crate) fn new(ty: TableType, init: u64) -> Option<TableEntity> {
        if ty.min > elem_limit(&ty) || ty.max.is_some_and(|max| max < ty.min) {
            return None;
        }
        let len = usize::try_from(ty.min).ok()?;
        let mut elems = Vec::new();
        elems.try_reserve_exact(len).ok()?;
        elems.resize(len, init);
        Some(TableEntity { ty, elems })
    }

    pub(crate) fn size(&self) -> u64 {
        self.elems.len() as u64
    }

    /// The table's type with its current size as minimum, as import matching sees it.
    pub(crate) fn current_type(&self) -> TableType {
        TableType {
            min: self.size(),
            ..self.ty
        }
    }
}

/// The most slots `ty` may ever have: its maximum, or what its index type can address.
fn elem_limit(ty: &TableType) -> u64 {
    let addressable = if ty.table64 {
        u64::MAX
    } else {
        u32::MAX as u64
    };
    ty.max.map_or(addressable, |max| max.min(addressable))
}

/// `table.grow`: appends `delta` slots holding `init` and returns the old
/// size, or `None` (wasm's -1) when the limits or the host do not allow it.
pub(crate) fn grow_table(table: &mut TableEntity, delta: u64, init: u64) -> Option<u64> {
    let old = table.size();
    let new = old.checked_add(delta)?;
    if new > elem_limit(&table.ty) {
        return None;
    }
    let new_len = usize::try_from(new).ok()?;
    table
        .elems
        .try_reserve_exact(new_len - table.elems.len())
        .ok()?;
    table.elems.resize(new_len, init);
    Some(old)
}

impl Table {
    pub fn new(mut ctx: impl AsContextMut, ty: TableType, init: Val) -> Result<Table, Error> {
        check_elem_type(&ty, init)?;
        let store = ctx.as_context_mut();
        let entity = TableEntity::new(ty, init.to_cell(store.id())?).ok_or_else(|| {
            Error::Other(format!(
                "cannot allocate a table of {} elements (maximum {:?})",
                ty.min, ty.max
            ))
        })?;
        store.inner.tables.push(entity);
        Ok(Table(store.handle(store.inner.tables.len() - 1)))
    }

    fn entity<'a>(&self, ctx: &'a (impl AsContext + ?Sized)) -> &'a TableEntity {
        let store = ctx.as_context();
        &store.inner.tables[store.index(self.0)]
    }

    fn entity_mut<'a>(&self, ctx: &'a mut (impl AsContextMut + ?Sized)) -> &'a mut TableEntity {
        let store = ctx.as_context_mut();
        let index = store.index(self.0);
        &mut store.inner.tables[index]
    }

    pub fn ty(&self, ctx: impl AsContext) -> TableType {
        self.entity(&ctx).current_type()
    }

    pub fn size(&self, ctx: impl AsContext) -> u64 {
        self.entity(&ctx).size()
    }

    /// The element at `index`, `None` when out of bounds.
    pub fn get(&self, ctx: impl AsContext, index: u64) -> Option<Val> {
        let table = self.entity(&ctx);
        let cell = *table.elems.get(usize::try_from(index).ok()?)?;
        Some(Val::from_cell(
            ValType::Ref(table.ty.element),
            cell,
            ctx.as_context().id(),
        ))
    }

    pub fn set(&self, mut ctx: impl AsContextMut, index: u64, value: Val) -> Result<(), Error> {
        let cell = value.to_cell(ctx.as_context().id())?;
        let table = self.entity_mut(&mut ctx);
        check_elem_type(&table.ty, value)?;
        let size = table.size();
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| table.elems.get_mut(i))
            .ok_or_else(|| {
                Error::Other(format!(
                    "table index {index} is out of bounds (table size {size})"
                ))
            })?;
        *slot = cell;
        Ok(())
    }

    /// Appends `delta` slots holding `init` and returns the previous size.
    pub fn grow(&self, mut ctx: impl AsContextMut, delta: u64, init: Val) -> Result<u64, Error> {
        let cell = init.to_cell(ctx.as_context().id())?;
        let table = self.entity_mut(&mut ctx);
        check_elem_type(&table.ty, init)?;
        grow_table(table, delta, cell).ok_or_else(|| {
            Error::Other(format!(
                "cannot grow a table of {} elements by {delta} (maximum {:?})",
                table.size(),
                table.ty.max
            ))
        })
    }
}

fn check_elem_type(ty: &TableType, value: Val) -> Result<(), Error> {
    let expected = ValType::Ref(ty.element);
    if value.ty() == expected {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "a {expected} table cannot hold a {} value",
            value.ty()
        )))
    }
}
