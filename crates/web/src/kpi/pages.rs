//! The KPI page and its Excel export.
use super::KpiParams;
use crate::export;
use crate::extract::{PageCtx, PageResult, Query};
use crate::page::Chrome;
use app::kpi::{KpiLine, KpiView};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;

#[derive(Template, WebTemplate)]
#[template(path = "kpi/kpi.html")]
struct KpiPage {
    chrome: Option<Chrome>,
    v: KpiView,
}

impl KpiPage {
    fn chart(&self, k: &KpiLine) -> String {
        crate::chart::trend(k.name, &k.trend, k.target)
    }

    /// A value with its unit's precision.
    fn fmt(&self, unit: &str, v: &Option<f64>) -> String {
        match (v, unit) {
            (None, _) => "—".into(),
            (Some(x), "条") => crate::filters::qty(x.round() as i64),
            (Some(x), "%") => format!("{x:.1}%"),
            (Some(x), _) => format!("{x:.2}"),
        }
    }

    /// The brand or SKU cut as a query-string tail (`&brand=…`, `&sku=…`), empty without one.
    fn cut_q(&self) -> String {
        let brand = self
            .v
            .brand
            .as_deref()
            .map(|b| format!("&brand={}", crate::filters::urlencode(b)));
        let sku = self
            .v
            .sku
            .as_ref()
            .map(|(c, _)| format!("&sku={}", crate::filters::urlencode(c)));
        brand.or(sku).unwrap_or_default()
    }

    fn unit_of(&self, i: &usize) -> &'static str {
        self.v.kpis.get(*i).map_or("", |k| k.unit)
    }
}

pub async fn page(ctx: PageCtx, Query(p): Query<KpiParams>) -> PageResult {
    let v = p.view(&ctx.app, &ctx.user).await?;
    Ok(KpiPage {
        chrome: ctx.chrome("kpi"),
        v,
    }
    .into_response())
}

pub async fn xlsx(ctx: PageCtx, Query(p): Query<KpiParams>) -> PageResult {
    let v = p.view(&ctx.app, &ctx.user).await?;
    let bytes = export::kpi_workbook(&v)?;
    Ok(export::xlsx_response(
        bytes,
        &format!("kpi-{}-{}.xlsx", v.scope.replace(':', "-"), v.month),
    ))
}
