//! One module per command family.

pub mod allocate;
pub mod forecast;
pub mod month;
pub mod platform;
pub mod tier;
