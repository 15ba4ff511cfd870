//! The component layer: canonical ABI lifting and lowering, component
//! instantiation and the component linker. Empty until the component-model
//! issue lands.
