//! People (人员): whom the signed-in person may see, as a page and as JSON.
pub(crate) mod api;
pub(crate) mod pages;
