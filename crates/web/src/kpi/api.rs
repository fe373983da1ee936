//! The KPIs' JSON API.
use super::KpiParams;
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Query};
use app::kpi::KpiView;

/// The KPIs of a scope and month against their targets, with the 13-month trend and the places
/// one level down: a rep their own (and their retailers), a market manager their area and its
/// reps, a director their county, the center everything.
#[utoipa::path(get, path = "/api/v1/kpi", params(KpiParams),
    responses((status = 200, description = "指标、趋势与下级"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn kpi(Api(app, u): Api, Query(p): Query<KpiParams>) -> ApiResult<KpiView> {
    Ok(axum::Json(p.view(&app, &u).await?))
}
