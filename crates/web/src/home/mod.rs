//! The home page of each role and its API twin: both show `app::dashboard::home`.
pub(crate) mod api;
pub(crate) mod pages;
