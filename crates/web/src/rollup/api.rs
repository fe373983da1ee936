//! The roll-up's JSON API.
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiUser, Path};
use app::sheets::{MonthClose, Rollup};
use axum::extract::State;
use domain::{IsoWeek, Month};

/// The market manager's roll-up of a week's sheets, with the trend of the 8 weeks before.
#[utoipa::path(get, path = "/api/v1/rollup/{week}", tag = "rollup", params(("week" = String, Path)),
    responses((status = 200, description = "周报汇总"), (status = 403, body = Problem)))]
pub(super) async fn rollup(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(week): Path<IsoWeek>,
) -> Result<axum::Json<Rollup>, ApiError> {
    Ok(axum::Json(app::sheets::rollup(&s.app, &u, week).await?))
}

/// Month close (§8.4): weekly sheets against the monthly goal.
#[utoipa::path(get, path = "/api/v1/month-close/{month}", tag = "rollup", params(("month" = String, Path)),
    responses((status = 200, description = "月度总结"), (status = 403, body = Problem)))]
pub(super) async fn month_close(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(month): Path<Month>,
) -> Result<axum::Json<MonthClose>, ApiError> {
    Ok(axum::Json(
        app::sheets::month_close(&s.app, &u, month).await?,
    ))
}
