use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiUser, Path, Query};
use app::accuracy::{AccuracyBy, AccuracyOut};
use axum::Json;
use axum::extract::State;
use domain::Month;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AccuracyParams {
    /// rep | area | sku | method | retailer | total
    #[param(value_type = Option<String>)]
    pub by: Option<AccuracyBy>,
}

/// Forecast accuracy (§5.2, definitions in the answer) and order fill of a target month.
#[utoipa::path(get, path = "/api/v1/accuracy/{month}", params(("month" = String, Path), AccuracyParams),
    responses((status = 200, description = "准确率"), (status = 409, body = Problem)))]
pub(super) async fn accuracy(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(month): Path<Month>,
    Query(q): Query<AccuracyParams>,
) -> Result<Json<AccuracyOut>, ApiError> {
    let by = q.by.unwrap_or(AccuracyBy::Rep);
    Ok(Json(app::accuracy::accuracy(&s.app, &u, month, by).await?))
}
