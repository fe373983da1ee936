//! 预测会 (domain.md §5.2, §7 ④): the forecast meeting page, and accuracy in the API.
pub(crate) mod api;
pub(crate) mod pages;
