//! The roll-up's JSON API.
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Path};
use app::sheets::{MonthClose, Rollup};
use domain::{IsoWeek, Month};

/// The market manager's roll-up of a week's sheets, with the trend of the 8 weeks before.
#[utoipa::path(get, path = "/api/v1/rollup/{week}", params(("week" = String, Path)),
    responses((status = 200, description = "周报汇总"), (status = 403, body = Problem)))]
pub async fn rollup(Api(app, u): Api, Path(week): Path<IsoWeek>) -> ApiResult<Rollup> {
    Ok(axum::Json(app::sheets::rollup(&app, &u, week).await?))
}

/// Month close (§8.4): weekly sheets against the monthly goal.
#[utoipa::path(get, path = "/api/v1/month-close/{month}", params(("month" = String, Path)),
    responses((status = 200, description = "月度总结"), (status = 403, body = Problem)))]
pub async fn month_close(Api(app, u): Api, Path(month): Path<Month>) -> ApiResult<MonthClose> {
    Ok(axum::Json(app::sheets::month_close(&app, &u, month).await?))
}
