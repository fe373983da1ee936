//! 客户提报 (domain.md §5.1): the retailer's own forecast. The rep (or the marketing center)
//! issues a POS credential with `POST /api/v1/retailers/{code}/pos-token` (the token is shown
//! once; only its argon2 hash is kept). The POS calls `POST /api/v1/pos/forecasts/{YYYY-MM}` with
//! headers `X-Retailer: <customer code>` and `Authorization: Bearer <token>`; a retailer without
//! a POS uses the page `/pos/{YYYY-MM}`.
pub(crate) mod api;
pub(crate) mod pages;
