//! What a page needs in one call: the data of a page (or an export) gathered from several use
//! cases, with the permission checks of the use cases it calls.
pub mod cultivation;
pub mod rollup;
pub mod sheets;
