//! The web crate's front-door tests, one binary: HTTP against the spawned app, a fresh database
//! per test, on SQLite and (when `TEST_POSTGRES_URL` is set) PostgreSQL; figures are checked
//! against the engines and independent SQL. The test city is generated once per run
//! (`harness`). One module per URL area; the month's walks (`cycle`) and the one-sheet's PDCA
//! walk (`sheets`) call named steps that live in the areas they exercise.
#[macro_use]
mod harness;

mod account;
mod auth;
mod authz;
mod benchmarks;
mod cultivation;
mod cycle;
mod exam;
mod feedback;
mod forecasts;
mod fuzz;
mod hardening;
mod headers;
mod home;
mod inbox;
mod inventory;
mod kpi;
mod meeting;
mod method135;
mod new_sku;
mod people;
mod platform;
mod pos;
mod products;
mod profit;
mod races;
mod reports;
mod retailers;
mod rollup;
mod satisfaction;
mod sheets;
mod staff;
mod supply_balance;
mod visits;
mod warnings;
