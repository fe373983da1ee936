//! Retailers (零售客户): the searchable list and one retailer's page, with their API twins.
pub(crate) mod api;
pub(crate) mod pages;

use crate::extract::{filled, filter_field, int_field};
use app::AppError;
use app::retailers::{MAX_PER_PAGE, RetailerQuery};
use domain::retailer::{BusinessFormat, MarketType};
use serde::Deserialize;

/// The retailer list's query string, parsed at the edge with field-named errors.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetailerParams {
    /// Search code, licence, name, owner or address.
    pub q: Option<String>,
    /// Lowest tier (1–30).
    pub tier_min: Option<String>,
    /// Highest tier (1–30).
    pub tier_max: Option<String>,
    /// Business format code (GROCERY, CONVENIENCE, …).
    pub format: Option<String>,
    /// URBAN or RURAL.
    pub market_type: Option<String>,
    pub county_id: Option<String>,
    pub area_id: Option<String>,
    /// A rep's username.
    pub rep: Option<String>,
    /// `true` for sample points only.
    pub sample_point: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Rows per page (1–200, default 50).
    pub per_page: Option<String>,
}

impl RetailerParams {
    pub fn parse(&self) -> Result<RetailerQuery, AppError> {
        let sample_point = match filled(&self.sample_point) {
            None => None,
            Some("true" | "1" | "on") => Some(true),
            Some("false" | "0") => Some(false),
            Some(s) => {
                return Err(AppError::invalid(
                    "sample_point",
                    format!("\"{s}\" 应为 true 或 false"),
                ));
            }
        };
        let page: Option<u32> = int_field("page", &self.page)?;
        let per_page: Option<u32> = int_field("per_page", &self.per_page)?;
        if page == Some(0) {
            return Err(AppError::invalid("page", "页码从 1 开始"));
        }
        if let Some(pp) = per_page
            && !(1..=MAX_PER_PAGE).contains(&pp)
        {
            return Err(AppError::invalid(
                "per_page",
                format!("每页条数应在 1–{MAX_PER_PAGE} 之间"),
            ));
        }
        Ok(RetailerQuery {
            q: filled(&self.q).map(str::to_string),
            tier_min: filter_field("tier_min", &self.tier_min, domain::Tier::parse)?,
            tier_max: filter_field("tier_max", &self.tier_max, domain::Tier::parse)?,
            business_format: filter_field("format", &self.format, BusinessFormat::parse)?,
            market_type: filter_field("market_type", &self.market_type, MarketType::parse)?,
            county_id: int_field("county_id", &self.county_id)?,
            area_id: int_field("area_id", &self.area_id)?,
            rep: filled(&self.rep).map(str::to_string),
            sample_point,
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(50),
        })
    }

    /// The query string without the page, for pagination links.
    fn without_page(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("tier_min", &self.tier_min),
            ("tier_max", &self.tier_max),
            ("format", &self.format),
            ("market_type", &self.market_type),
            ("county_id", &self.county_id),
            ("area_id", &self.area_id),
            ("rep", &self.rep),
            ("sample_point", &self.sample_point),
            ("per_page", &self.per_page),
        ] {
            if let Some(v) = filled(v) {
                parts.push(format!("{k}={}", crate::filters::urlencode(v)));
            }
        }
        parts.join("&")
    }
}
