//! WASI 0.2 host interfaces. Empty until the WASI issue lands.
