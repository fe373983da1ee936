//! Repositories by domain word. Each function is one query (or one transaction) on either backend.
//!
//! Row-level access: functions over retailers take a [`ScopeIds`] and put its three binds first
//! (`$1` rep, `$2` area, `$3` county); `None` means "not restricted on that level".
pub mod config;
pub mod forecasts;
pub mod product;
pub mod retailer;
pub mod sales;
pub mod sheets;
pub mod staff;
pub mod supply;
pub mod visits;

/// The retailers a query may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeIds {
    pub rep_id: Option<i64>,
    pub area_id: Option<i64>,
    pub county_id: Option<i64>,
}

/// The SQL condition of a [`ScopeIds`] on the retailer alias `r`, binds `$1..$3`.
pub const SCOPE_SQL: &str = "($1 IS NULL OR r.account_manager_id = $1) AND ($2 IS NULL OR r.area_id = $2) AND ($3 IS NULL OR r.county_id = $3)";
