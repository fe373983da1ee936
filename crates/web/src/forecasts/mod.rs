//! 需求预测 (domain.md §5.1, §7 ①–②): the three methods per retailer × SKU, submission by the
//! 8th, supervisors' comments and returns, and the center's MODEL forecast as a background job.
//! Paths take the *target* month (the month forecast: working month + 1).
pub(crate) mod api;
pub(crate) mod pages;
