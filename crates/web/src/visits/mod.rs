//! 今日拜访 (domain.md §2.3, §8.2): visits with their traces — the phone page `/today` with
//! one-tap check-in and check-out, and the API `/api/v1/visits…`, `/api/v1/today`.

pub(crate) mod api;
pub(crate) mod pages;
