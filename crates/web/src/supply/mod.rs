//! 货源录入 (domain.md §7 ④): the marketing center enters next month's supply per SKU, on the page
//! or from Excel; the API the same.
pub(crate) mod api;
pub(crate) mod pages;
