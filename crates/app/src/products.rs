//! Products (卷烟规格) as the pages and the API show them.
use crate::{App, AppResult};
use domain::money::Fen;
use domain::product::{PriceClass, SupplyStatus};
use serde::Serialize;
use store::model::Product;

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

pub async fn list(
    app: &App,
    filter: &store::repo::product::ProductFilter,
) -> AppResult<Vec<ProductView>> {
    Ok(store::repo::product::list(&app.db, filter)
        .await?
        .into_iter()
        .map(ProductView::of)
        .collect())
}
