//! What each page shows, assembled in one call that owns its permission check: the web layer
//! extracts, calls one function here (or the use case its API twin calls) and renders.
pub mod cultivation;
pub mod cycle;
pub mod forecasts;
pub mod meeting;
pub mod method135;
pub mod rollup;
pub mod sheets;
pub mod supply;
