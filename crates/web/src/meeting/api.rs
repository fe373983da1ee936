use crate::error::Problem;
use crate::extract::{Api, ApiResult, Path, Query};
use app::accuracy::{AccuracyBy, AccuracyOut};
use axum::Json;
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
pub async fn accuracy(
    Api(app, u): Api, Path(month): Path<Month>, Query(q): Query<AccuracyParams>,
) -> ApiResult<AccuracyOut> {
    let by = q.by.unwrap_or(AccuracyBy::Rep);
    Ok(Json(app::accuracy::accuracy(&app, &u, month, by).await?))
}
