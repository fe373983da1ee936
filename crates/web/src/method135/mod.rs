//! 135工作法 (domain.md §9): the five steps per role for one working month.
pub(crate) mod pages;
