//! 周报汇总 and 月度总结 (domain.md §8.4): the market manager's roll-up of a week's one-sheets,
//! its Excel workbook and the month close — pages `/rollup…`, API `/api/v1/rollup/{week}`,
//! `/api/v1/month-close/{month}`.

pub(crate) mod api;
pub(crate) mod pages;
