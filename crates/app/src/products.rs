//! Products (卷烟规格) as the pages and the API show them.
use crate::{App, AppResult};
use domain::money::Fen;
use domain::product::{PriceClass, SkuStatus, SupplyStatus};
use serde::Serialize;
use store::model::Product;

/// Every product by id (the surveys' and the restoration's lookups).
pub(crate) async fn by_id(app: &App) -> AppResult<std::collections::HashMap<i64, Product>> {
    Ok(store::repo::product::list(&app.db, &Default::default())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    #[serde(flatten)]
    pub product: Product,
    pub price_class_zh: String,
    pub supply_status_zh: String,
    pub wholesale_price_yuan: String,
    pub suggested_retail_price_yuan: String,
}

impl ProductView {
    /// 品规状态 in Chinese.
    pub fn status_zh(&self) -> &'static str {
        domain::product::SkuStatus::parse(&self.product.status)
            .map(|s| s.zh())
            .unwrap_or("—")
    }

    pub fn of(p: Product) -> ProductView {
        ProductView {
            price_class_zh: PriceClass::parse(&p.price_class)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            supply_status_zh: SupplyStatus::parse(&p.supply_status)
                .map(|c| c.zh().to_string())
                .unwrap_or_default(),
            wholesale_price_yuan: Fen(p.wholesale_price_fen).to_string(),
            suggested_retail_price_yuan: Fen(p.suggested_retail_price_fen).to_string(),
            product: p,
        }
    }
}

/// The product list's search and filters, parsed at the edge.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    /// Part of the code, brand or specification.
    pub q: Option<String>,
    pub brand: Option<String>,
    pub price_class: Option<PriceClass>,
    pub supply_status: Option<SupplyStatus>,
    pub status: Option<SkuStatus>,
    /// Key brands (重点品牌) only.
    pub key_brand_only: bool,
}

impl ProductQuery {
    fn filter(&self) -> store::repo::product::ProductFilter {
        store::repo::product::ProductFilter {
            q: self.q.clone(),
            brand: self.brand.clone(),
            price_class: self.price_class.map(|c| c.code().to_string()),
            supply_status: self.supply_status.map(|c| c.code().to_string()),
            status: self.status.map(|c| c.code().to_string()),
            key_brand_only: self.key_brand_only,
        }
    }
}

/// Products (卷烟规格) matching the query; any signed-in person may read them.
pub async fn list(app: &App, query: &ProductQuery) -> AppResult<Vec<ProductView>> {
    Ok(store::repo::product::list(&app.db, &query.filter())
        .await?
        .into_iter()
        .map(ProductView::of)
        .collect())
}
