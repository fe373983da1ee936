//! The forecast engine through its public API, one binary: behaviour on named cases (`engine`)
//! and properties over generated series (`properties`).
mod engine;
mod properties;
