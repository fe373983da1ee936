use crate::AppState;
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path};
use app::AppError;
use app::forecasting::SelfReportLine;
use axum::extract::State;
use axum::http::HeaderMap;
use domain::{CustomerCode, Month};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// Issue a retailer's POS credential (shown once).
#[utoipa::path(post, path = "/api/v1/retailers/{code}/pos-token", params(("code" = String, Path)), responses((status = 200, description = "{retailer, token}"), (status = 403, body = Problem)))]
pub async fn pos_token(Api(app, u): Api, Path(code): Path<CustomerCode>) -> ApiResult<Value> {
    let token = app::forecasting::issue_pos_token(&app, &u, &code).await?;
    Ok(axum::Json(
        json!({"retailer": code.as_str(), "token": token}),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PosLine {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SelfReport {
    pub lines: Vec<PosLine>,
}

/// The retailer's POS credential of a request: `X-Retailer` and `Authorization: Bearer` (401
/// when either is missing).
pub(crate) fn credential(headers: &HeaderMap) -> Result<(&str, &str), AppError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let retailer = header("x-retailer");
    let token = header("authorization")
        .strip_prefix("Bearer ")
        .unwrap_or_default();
    if retailer.is_empty() || token.is_empty() {
        return Err(AppError::Unauthorized);
    }
    Ok((retailer, token))
}

/// A POS submits the retailer's own forecast (客户提报). Headers: `X-Retailer`, `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/pos/forecasts/{month}", request_body = SelfReport, params(("month" = String, Path)),
    responses((status = 200, description = "写入的预测记录"), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn pos_forecast(
    State(s): State<AppState>, headers: HeaderMap, Path(month): Path<Month>,
    Json(b): Json<SelfReport>,
) -> ApiResult<Vec<app::forecasting::ForecastOut>> {
    let (retailer, token) = credential(&headers)?;
    let lines: Vec<SelfReportLine> = b
        .lines
        .into_iter()
        .map(|l| SelfReportLine {
            sku: l.sku,
            quantity: l.quantity,
        })
        .collect();
    Ok(axum::Json(
        app::forecasting::self_report(&s.app, retailer, token, month, &lines).await?,
    ))
}
