//! 市场分析报告 (domain.md §7 ⑥): the list `/reports`, one report `/reports/{id}` (its six
//! sections with charts, the author's narrative and measures, submit, return or accept), its A4
//! print view and its tables in Excel; the API twins. The rules live in `app::report`.

pub(crate) mod api;
pub(crate) mod pages;
