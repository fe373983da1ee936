//! Allocation engine of m135 (domain.md §3.2, §4, §6): pure functions, no IO.
//!
//! - [`tiering`] — 客户分档: score and rank retailers, cut into 30 tiers (§3.2).
//! - [`tier_quota`] — 按档位投放: exact per-tier quota tables (§4.2, §4.3), with the published
//!   greedy heuristic kept as a baseline ([`tier_quota::greedy`]).
//! - [`balance`] — 修正平衡: forecast–supply balancing by largest remainder (§4.5).
//! - [`kpi`] — 订单满足率 / 订足率 from order lines (§6).
//! - [`io`] — the JSON file formats of the CLI (parse `&str`, field-named errors in Chinese).
//! - [`bench`] — deterministic synthetic province-sized inputs for the benchmark.
#![forbid(unsafe_code)]
// Tier tables are fixed 30-element arrays indexed by `tier − 1`; index loops read clearest.
#![allow(clippy::needless_range_loop)]

pub mod balance;
pub mod bench;
mod bits;
pub mod io;
pub mod kpi;
pub mod tier_quota;
pub mod tiering;

pub use domain::Tier;

/// Number of tiers (30 档).
pub const TIERS: usize = 30;

/// Errors of the allocation engine. Messages are Chinese, fit to show an operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    /// Input rejected; `field` names the offending field (JSON path style).
    #[error("字段 {field}: {message}")]
    Invalid { field: String, message: String },
    /// The exact solver would need more work than the configured budget.
    #[error("问题规模过大: {0}")]
    TooLarge(String),
}

impl AllocError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AllocError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
