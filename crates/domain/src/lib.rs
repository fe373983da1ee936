//! Pure domain types and rules of m135 (`../shared/domain.md`). No IO.
//!
//! Input is converted at the edge into the newtypes here (`CustomerCode`, `SkuCode`, `Month`,
//! `IsoWeek`, `Tier`, `Cartons`, `Fen`); everything inside takes valid types.
#![forbid(unsafe_code)]

pub mod benchmark;
pub mod calendar;
mod code_enum;
pub mod config;
pub mod cycle;
pub mod exam;
pub mod ids;
pub mod inventory;
pub mod kpi;
pub mod money;
pub mod new_sku;
pub mod one_sheet;
pub mod org;
pub mod people;
pub mod period;
pub mod product;
pub mod profit;
pub mod report;
pub mod retailer;
pub mod satisfaction;
pub mod tier;
pub mod visit;
pub mod warning;

pub use ids::{CustomerCode, SkuCode, Username};
pub use money::{Cartons, Fen};
pub use period::{IsoWeek, Month};
pub use tier::Tier;

/// A value that failed to parse at the edge; the message is user-facing (Chinese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ParseError {
    pub field: &'static str,
    pub message: String,
}

impl ParseError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
