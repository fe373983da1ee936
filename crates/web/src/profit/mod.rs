//! 零售户盈利调查 (domain.md §6 零售户毛利率, §7 ⑥): the page `/profit` (the month's list of the
//! person's scope, the gross margin by rep, area or county against the target, the inversions
//! and the SKUs that pull the margin down, the 13-month trend) and each survey's phone page;
//! the API twins. The rules live in `app::profit`.

pub(crate) mod api;
pub(crate) mod pages;

use serde::Deserialize;

/// The month asked for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ProfitParams {
    /// 月份 YYYY-MM (default: the latest month with entries).
    pub month: Option<String>,
}
