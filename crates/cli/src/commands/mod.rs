//! One module per command family.

pub mod forecast;
