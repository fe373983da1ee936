//! The `m135` command line through the front door, one binary: the engines on files
//! (`allocate`, `forecast`) and the platform commands (`platform`).
mod harness;

mod allocate;
mod forecast;
mod platform;
