//! The satisfaction survey's JSON API.
use super::WaveParams;
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::satisfaction::{Answers, SatisfactionPage, WaveInput, WaveRow};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

/// The waves and the scores of the person's scope (everyone but 专卖人员).
#[utoipa::path(get, path = "/api/v1/satisfaction", params(WaveParams),
    responses((status = 200, description = "客户满意度"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn page(Api(app, u): Api, Query(p): Query<WaveParams>) -> ApiResult<SatisfactionPage> {
    Ok(axum::Json(app::satisfaction::page(&app, &u, p.wave).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WaveIn {
    title: String,
    /// 调查月份 YYYY-MM (this month when empty).
    month: String,
    /// 截止日期 YYYY-MM-DD.
    closes_on: String,
    /// 抽样比例, % (at least the policy's 10 %).
    sample_pct: Option<f64>,
}

/// Open a wave (marketing centre, admin): the policy's questionnaire, a sample of each rep's
/// retailers.
#[utoipa::path(post, path = "/api/v1/satisfaction-waves", request_body = WaveIn,
    responses((status = 201, description = "已发起"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn open(Api(app, u): Api, Json(b): Json<WaveIn>) -> Result<Response, ApiError> {
    let input = WaveInput {
        title: b.title,
        month: b.month,
        closes_on: b.closes_on,
        sample_pct: b.sample_pct,
    };
    let w: WaveRow = app::satisfaction::open(&app, &u, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(w)).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PaperIn {
    /// 客户编码 of an invited retailer.
    customer_code: String,
    /// Per item, per sub-item the scale index chosen (0 = 非常满意 …), null = not answered.
    answers: Answers,
}

/// The survey panel enters a paper answer (marketing centre, admin); a second answer → 409.
#[utoipa::path(post, path = "/api/v1/satisfaction-waves/{id}/answers", request_body = PaperIn, params(("id" = i64, Path)),
    responses((status = 201, description = "已录入"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn paper(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<PaperIn>,
) -> Result<Response, ApiError> {
    let score = app::satisfaction::paper_answer(&app, &u, id, &b.customer_code, &b.answers).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "score": score })),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PosAnswerIn {
    answers: Answers,
}

/// A retailer answers its open wave through the POS credential. Headers: `X-Retailer`,
/// `Authorization: Bearer`; once per wave (409).
#[utoipa::path(post, path = "/api/v1/pos/satisfaction", request_body = PosAnswerIn,
    responses((status = 201, description = "已提交"), (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn pos_answer(
    State(s): State<AppState>, headers: HeaderMap, Json(b): Json<PosAnswerIn>,
) -> Result<Response, ApiError> {
    let (retailer, token) = crate::pos::api::credential(&headers)?;
    let score = app::satisfaction::pos_answer(&s.app, retailer, token, &b.answers).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "score": score })),
    )
        .into_response())
}
