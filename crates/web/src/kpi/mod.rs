//! 精益营销 KPIs (domain.md §6, §10): the page `/kpi` (each KPI against its target with its
//! 13-month trend, the drill-down, the formulas, the Excel export) and the API `/api/v1/kpi`;
//! the figures and who sees which scope live in `app::kpi`.

pub(crate) mod api;
pub(crate) mod pages;

use serde::Deserialize;

/// The scope and month asked for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct KpiParams {
    /// `company`, `county:ID`, `area:ID`, `rep:ID` or `retailer:ID` (default: the person's own).
    pub scope: Option<String>,
    /// 月份 YYYY-MM (default: the last complete month).
    #[param(value_type = Option<String>)]
    pub month: Option<domain::Month>,
    /// 品牌: the figures of this brand's SKUs only (the brand cut).
    pub brand: Option<String>,
    /// 卷烟代码: the figures of this SKU only (the SKU cut; not with a brand).
    pub sku: Option<String>,
}

impl KpiParams {
    /// The KPI view these parameters ask for (the page, its export and the API).
    pub async fn view(
        &self, app: &app::App, user: &app::CurrentUser,
    ) -> Result<app::kpi::KpiView, app::AppError> {
        app::kpi::page(
            app,
            user,
            self.scope.as_deref(),
            self.month,
            self.brand.as_deref(),
            self.sku.as_deref(),
        )
        .await
    }
}
