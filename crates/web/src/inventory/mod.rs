//! 社会库存 (domain.md §6, §7 ⑥): the page `/inventory` (the sample design, the month's points,
//! the restored stock with its precision, 存销比 and the stock-out rates, the 13-month trend),
//! each point's phone page for collection, desk entry and the import; the API twins. The rules
//! live in `app::inventory`.

pub(crate) mod api;
pub(crate) mod pages;

use serde::Deserialize;

/// The month and the trend's subject asked for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct InventoryParams {
    /// 月份 YYYY-MM (default: the latest month with reports).
    pub month: Option<String>,
    /// 卷烟代码: the trend of this SKU.
    pub sku: Option<String>,
    /// 品牌: the trend of this brand (when no SKU is given).
    pub brand: Option<String>,
}

impl InventoryParams {
    pub fn query(&self) -> app::inventory::PageQuery {
        app::inventory::PageQuery {
            month: self.month.clone(),
            sku: self.sku.clone(),
            brand: self.brand.clone(),
        }
    }
}
