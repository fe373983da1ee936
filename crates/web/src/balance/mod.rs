//! 修正平衡 (domain.md §4.5, §7 ④): run the balancing of forecasts against supply, review, publish.
pub(crate) mod api;
pub(crate) mod pages;
