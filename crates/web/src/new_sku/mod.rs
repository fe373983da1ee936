//! 新品上柜 (domain.md §6, §9.2): the brand managers' new-SKU listing programmes — the pages
//! `/new-sku`, `/new-sku/{id}` and the API `/api/v1/new-sku-programmes…` (see `app::new_sku`).
pub mod api;
pub mod pages;
