//! The profit survey's JSON API.
use super::ProfitParams;
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::profit::{LineInput, ProfitPage, SurveyInput, SurveyPage};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The month's surveys of the person's scope with the margins against the target (everyone but
/// 专卖人员).
#[utoipa::path(get, path = "/api/v1/profit-surveys", params(ProfitParams),
    responses((status = 200, description = "零售户盈利调查"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn page(Api(app, u): Api, Query(p): Query<ProfitParams>) -> ApiResult<ProfitPage> {
    Ok(axum::Json(
        app::profit::page(&app, &u, p.month.as_deref()).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DrawIn {
    /// 月份 YYYY-MM.
    month: String,
}

/// Draw a month's list (marketing centre, admin); a month drawn already → 409.
#[utoipa::path(post, path = "/api/v1/profit-draws", request_body = DrawIn,
    responses((status = 201, description = "已生成"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn draw(Api(app, u): Api, Json(b): Json<DrawIn>) -> Result<Response, ApiError> {
    let (month, surveys) = app::profit::draw(&app, &u, &b.month).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "month": month, "surveys": surveys })),
    )
        .into_response())
}

/// One survey with its lines or the pre-filled form (the person's scope).
#[utoipa::path(get, path = "/api/v1/profit-surveys/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "盈利调查"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn survey(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<SurveyPage> {
    Ok(axum::Json(app::profit::survey(&app, &u, id).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct LineIn {
    /// 卷烟代码.
    sku_code: String,
    /// 当月销量, 条.
    qty: i64,
    /// 实际零售价, 元/条.
    retail_price: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SurveyIn {
    lines: Vec<LineIn>,
    /// The survey's version as read (a stale one → 409).
    version: i64,
}

/// Enter or correct a survey (the retailer's rep, their market manager, the centre, the admin).
#[utoipa::path(put, path = "/api/v1/profit-surveys/{id}", request_body = SurveyIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已录入"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn enter(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<SurveyIn>,
) -> ApiResult<SurveyPage> {
    let input = SurveyInput {
        lines: b
            .lines
            .into_iter()
            .map(|l| LineInput {
                sku_code: l.sku_code,
                qty: l.qty,
                retail_price: l.retail_price,
            })
            .collect(),
        version: b.version,
    };
    Ok(axum::Json(app::profit::enter(&app, &u, id, &input).await?))
}
