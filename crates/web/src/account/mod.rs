//! The person's own account: changing the password (everyone; first of all after signing in with
//! an issued one, which every other page and API call waits for).
pub(crate) mod api;
pub(crate) mod pages;
