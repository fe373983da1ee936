//! Rows as stored. Enumerations are kept as their stable codes (`domain` parses them);
//! quantities are 条 and money fen, both `i64`.
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OrgUnit {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `domain::org::OrgKind` code.
    pub kind: String,
    pub parent_id: Option<i64>,
    pub market_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub name: String,
    /// `domain::org::Role` code.
    pub role: String,
    pub org_unit_id: Option<i64>,
    pub supervisor_id: Option<i64>,
    pub employment_type: String,
    pub hired_on: Option<NaiveDate>,
    pub phone: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// An issued password not yet changed by its owner.
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Territory {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub area_id: i64,
    pub market_type: String,
    pub rep_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct SalesRoute {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub territory_id: i64,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct BrandAssignment {
    pub brand: String,
    pub brand_manager_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Manufacturer {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub province: String,
}

/// 零售客户 — every field of domain.md §3.1.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Retailer {
    pub id: i64,
    pub customer_code: String,
    pub license_no: String,
    pub name: String,
    pub owner_name: String,
    pub address: String,
    pub phone: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub business_format: String,
    pub market_type: String,
    pub urban_rural_code: String,
    pub business_scale: String,
    pub business_district: String,
    pub tier: i64,
    pub tier_locked_until: Option<NaiveDate>,
    pub order_cycle: String,
    pub order_weekday: i64,
    pub credit_grade: String,
    pub compliance_grade: String,
    pub terminal_level: String,
    pub is_info_reporter: bool,
    pub is_sample_point: bool,
    pub is_integrity_group_member: bool,
    pub integrity_group_name: Option<String>,
    pub is_online_orderer: bool,
    pub has_pos: bool,
    pub business_status: String,
    pub store_area_m2: Option<i64>,
    pub tobacco_area_m2: Option<i64>,
    pub has_display_fixture: bool,
    pub has_aggregated_payment: bool,
    pub is_vulnerable_group: bool,
    pub is_large_account: bool,
    pub licensed_on: NaiveDate,
    pub county_id: i64,
    pub area_id: i64,
    pub territory_id: i64,
    pub route_id: Option<i64>,
    pub account_manager_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct TierHistory {
    pub id: i64,
    pub retailer_id: i64,
    /// `YYYY-MM` the tier takes effect.
    pub period: String,
    pub score: Option<f64>,
    pub tier: i64,
    pub previous_tier: Option<i64>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ClassHistory {
    pub id: i64,
    pub retailer_id: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub approved_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// 卷烟规格 — every field of domain.md §3.3.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Product {
    pub id: i64,
    pub sku_code: String,
    pub barcode_pack: Option<String>,
    pub barcode_carton: Option<String>,
    pub brand: String,
    pub spec_name: String,
    pub manufacturer_id: i64,
    pub price_class: String,
    pub transfer_price_ex_tax_fen: i64,
    pub transfer_price_incl_tax_fen: i64,
    pub wholesale_price_fen: i64,
    pub suggested_retail_price_fen: i64,
    pub tar_mg_x10: i64,
    pub stick_type: String,
    pub is_in_province: bool,
    pub is_key_brand: bool,
    pub key_brand_list: Option<String>,
    pub is_new: bool,
    pub launch_date: Option<NaiveDate>,
    pub cultivation_end_date: Option<NaiveDate>,
    pub brand_position: String,
    pub supply_status: String,
    pub allocation_mode: String,
    pub status: String,
    pub delisted_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PriceHistory {
    pub id: i64,
    pub product_id: i64,
    pub effective_from: NaiveDate,
    pub transfer_price_ex_tax_fen: i64,
    pub transfer_price_incl_tax_fen: i64,
    pub wholesale_price_fen: i64,
    pub suggested_retail_price_fen: i64,
}

/// A sample-point collection row (信息采集, `sample_collection`).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct SampleCollection {
    /// `YYYY-MM`.
    pub month: String,
    pub retailer_id: i64,
    pub product_id: i64,
    pub stock_qty: i64,
    pub sales_qty: i64,
    pub retail_price_fen: i64,
    pub stockout_days: i64,
    pub collected_by: Option<i64>,
    pub collected_at: DateTime<Utc>,
}

/// One order line: demand, quota, ordered and supplied kept apart (domain.md §0.2 rule 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OrderLine {
    pub retailer_id: i64,
    pub order_date: NaiveDate,
    pub product_id: i64,
    pub demanded_qty: i64,
    /// `None` when the SKU had no quota that week.
    pub quota_qty: Option<i64>,
    pub ordered_qty: i64,
    pub supplied_qty: i64,
    pub amount_fen: i64,
}

/// Monthly roll-up of order lines per retailer × SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SalesMonth {
    pub retailer_id: i64,
    /// `YYYY-MM`.
    pub month: String,
    pub product_id: i64,
    pub demanded_qty: i64,
    pub ordered_qty: i64,
    pub supplied_qty: i64,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}
