//! Products (卷烟规格): the filtered list and its API twin.
pub(crate) mod api;
pub(crate) mod pages;

use crate::extract::{filled, filter_field};
use app::AppError;
use app::products::ProductQuery;
use domain::product::{PriceClass, SkuStatus, SupplyStatus};
use serde::Deserialize;

/// The product list's query string, parsed at the edge with field-named errors.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    /// Search code, brand or specification.
    pub q: Option<String>,
    pub brand: Option<String>,
    /// CLASS_1 … CLASS_5.
    pub price_class: Option<String>,
    /// TIGHT, BALANCED, AMPLE, SLOW.
    pub supply_status: Option<String>,
    /// ACTIVE, EXITING, DELISTED.
    pub status: Option<String>,
    /// `true` for key brands only.
    pub key_brand: Option<String>,
}

impl ProductParams {
    pub fn parse(&self) -> Result<ProductQuery, AppError> {
        Ok(ProductQuery {
            q: filled(&self.q).map(str::to_string),
            brand: filled(&self.brand).map(str::to_string),
            price_class: filter_field("price_class", &self.price_class, PriceClass::parse)?,
            supply_status: filter_field("supply_status", &self.supply_status, SupplyStatus::parse)?,
            status: filter_field("status", &self.status, SkuStatus::parse)?,
            key_brand_only: matches!(filled(&self.key_brand), Some("true" | "1" | "on")),
        })
    }
}
