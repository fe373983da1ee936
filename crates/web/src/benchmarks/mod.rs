//! 标杆终端 (domain.md §10): the page `/benchmarks` (a rep's terminals with their scores, in-store
//! days and cluster comparison, the forms to designate, score and record; a manager's view of
//! their scope with each rep's count against the target) and the API `/api/v1/benchmarks…`.

pub(crate) mod api;
pub(crate) mod pages;
