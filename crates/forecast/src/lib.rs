//! Time-series forecasting engine of m135 (design.md §2): methods, classification and routing,
//! automatic selection, combination, prediction quantiles and accuracy metrics.
//!
//! Pure: no file or network IO. [`forecast_batch`] spreads series over rayon's thread pool.
//!
//! ```
//! use forecast::{Config, Method, SeriesInput, forecast_series};
//! let y: Vec<f64> = (0..48).map(|t| 100.0 + (t % 12) as f64).collect();
//! let cfg = Config::new(6);
//! let f = forecast_series(&SeriesInput::new(&y), &cfg).unwrap();
//! assert_eq!(f.mean.len(), 6);
//! ```
#![forbid(unsafe_code)]

pub mod arima;
pub mod ces;
pub mod engine;
pub mod ets;
pub mod festival;
pub mod intermittent;
pub mod metrics;
mod optim;
pub mod season;
pub mod synth;
pub mod theta;

pub use engine::{
    Config, Forecast, ForecastError, Method, SeriesInput, forecast_batch, forecast_series,
};
pub use intermittent::DemandClass;
