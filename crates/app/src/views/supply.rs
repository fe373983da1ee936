//! The month's supply as the marketing center enters it and the forecast meeting reads it
//! (domain.md §5, §7 ④).
use crate::{App, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;
use std::collections::HashMap;
use store::repo;

pub use repo::supply::SupplyLine;

/// Who enters and reads the supply plan.
pub const CENTER: &[Role] = &[Role::MarketingCenter, Role::Admin];

/// One SKU's supply line on a page: code, brand and spec, supply status, the entered quantity.
pub struct SupplyRow {
    pub sku: String,
    pub name: String,
    pub status_zh: String,
    pub supply_status: String,
    pub quantity: Option<i64>,
}

/// The supply sheet of a target month.
pub struct SupplySheet {
    pub published: bool,
    pub rows: Vec<SupplyRow>,
}

/// The supply lines of a month (the API's `GET /api/v1/supply/{m}`): the marketing center's.
pub async fn list(app: &App, user: &CurrentUser, target: Month) -> AppResult<Vec<SupplyLine>> {
    user.require(CENTER)?;
    Ok(repo::supply::list(&app.db, &target.to_string()).await?)
}

/// Every listed SKU with the month's entered supply, without a permission check (callers check).
pub(crate) async fn rows(app: &App, target: Month) -> AppResult<Vec<SupplyRow>> {
    let supply: HashMap<String, i64> = repo::supply::list(&app.db, &target.to_string())
        .await?
        .into_iter()
        .map(|x| (x.sku_code, x.quantity))
        .collect();
    Ok(crate::products::list(app, &Default::default())
        .await?
        .into_iter()
        .filter(|p| p.product.status != domain::product::SkuStatus::Delisted.code())
        .map(|p| SupplyRow {
            quantity: supply.get(&p.product.sku_code).copied(),
            name: format!("{} {}", p.product.brand, p.product.spec_name),
            sku: p.product.sku_code,
            status_zh: p.supply_status_zh,
            supply_status: p.product.supply_status,
        })
        .collect())
}

/// The supply page: every listed SKU, its status and the entered quantity; whether the month's
/// balancing is published.
pub async fn sheet(app: &App, user: &CurrentUser, target: Month) -> AppResult<SupplySheet> {
    user.require(CENTER)?;
    let published = repo::supply::run(&app.db, &target.to_string())
        .await?
        .is_some_and(|r| r.state == "PUBLISHED");
    Ok(SupplySheet {
        published,
        rows: rows(app, target).await?,
    })
}
