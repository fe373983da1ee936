use crate::error::Problem;
use crate::extract::{Api, ApiResult, Path};
use axum::Json;
use domain::Month;

/// The month of a county department: phase, dates, owners, gates, who is late, what is due today.
#[utoipa::path(get, path = "/api/v1/cycle/{county}/{month}",
    params(("county" = String, Path, description = "县级营销部机构代码（如 CTY01）"), ("month" = String, Path, description = "工作月 YYYY-MM")),
    responses((status = 200, description = "阶段、日期、负责人、逾期"), (status = 404, body = Problem)))]
pub async fn cycle(
    Api(app, u): Api, Path((county, month)): Path<(String, Month)>,
) -> ApiResult<app::cycle::CycleOut> {
    Ok(Json(app::cycle::status(&app, &u, &county, month).await?))
}
