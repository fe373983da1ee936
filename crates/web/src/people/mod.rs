//! People (domain.md §11): one's own record, grades and pay (`/people`); the account managers'
//! HR records (`/people/hr`) and the monthly payroll (`/people/payroll`) for the marketing
//! centre; grading rounds from opening to approval with reviews, publicity and appeals
//! (`/grading`); the API twins. The rules live in `app::people` and `app::grading`.

pub(crate) mod api;
pub(crate) mod pages;

use serde::Deserialize;

/// The month asked for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PayrollParams {
    /// 月份 YYYY-MM (default: the latest computed).
    pub month: Option<String>,
}
