//! 月度日历 (domain.md §7): the month of a county department, page and API.
//! `/cycle/{county}/{YYYY-MM}` takes the *working* month.
pub(crate) mod api;
pub(crate) mod pages;
