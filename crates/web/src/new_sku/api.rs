//! The listing programmes' JSON API.
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path};
use app::new_sku::{ListPage, ProgrammeDetail, ProgrammeInput, ReviewInput};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

/// The programmes with the listing of the person's scope (everyone but 专卖人员).
#[utoipa::path(get, path = "/api/v1/new-sku-programmes",
    responses((status = 200, description = "新品上柜计划"), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(Api(app, u): Api) -> ApiResult<ListPage> {
    Ok(axum::Json(app::new_sku::page(&app, &u).await?))
}

/// One programme: the listing by week and by area or rep, the unlisted targets of the person's
/// scope, the effect so far with the policy's proposal, the reviews.
#[utoipa::path(get, path = "/api/v1/new-sku-programmes/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "新品上柜计划"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn detail(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<ProgrammeDetail> {
    Ok(axum::Json(app::new_sku::detail(&app, &u, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgrammeIn {
    /// 卷烟代码 of the new SKU (one of the brand manager's brands).
    sku_code: String,
    /// 计划名称 (the SKU's name when empty).
    title: String,
    /// Target retailers: 档位 from … to (1–30).
    min_tier: Option<i64>,
    max_tier: Option<i64>,
    /// 业态 codes (any when empty).
    business_formats: Vec<String>,
    /// 市场类型 codes URBAN / RURAL (any when empty).
    market_types: Vec<String>,
    /// Codes of counties and market areas (the company when empty).
    org_unit_codes: Vec<String>,
    /// First and last ISO week (YYYY-Www); the launch week and the 培育期 end when absent.
    from_week: Option<String>,
    to_week: Option<String>,
    /// 计划销量 over the period, 条.
    plan_qty: i64,
}

/// Create a programme (brand manager for their brands; marketing centre and admin for any):
/// the targets are picked by the rule and frozen; one active programme per SKU (409).
#[utoipa::path(post, path = "/api/v1/new-sku-programmes", request_body = ProgrammeIn,
    responses((status = 201, description = "已制定"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    Api(app, u): Api, Json(b): Json<ProgrammeIn>,
) -> Result<Response, crate::error::ApiError> {
    let input = ProgrammeInput {
        sku_code: b.sku_code,
        title: b.title,
        min_tier: b.min_tier,
        max_tier: b.max_tier,
        business_formats: b.business_formats,
        market_types: b.market_types,
        org_unit_codes: b.org_unit_codes,
        from_week: b.from_week,
        to_week: b.to_week,
        plan_qty: b.plan_qty,
    };
    let v = app::new_sku::create(&app, &u, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReviewIn {
    /// CONTINUE 继续培育 | ADJUST 调整培育 | EXIT 退出.
    decision: String,
    /// 评估意见 (required when the decision differs from the proposal).
    note: String,
    /// For ADJUST: the new last week (YYYY-Www).
    new_to_week: Option<String>,
    /// The programme's version as read.
    version: i64,
}

/// The effect review once the period is over (its author, the centre, the admin): EXIT makes the
/// SKU 拟退; ADJUST sets a new last week; a stale version gets 409.
#[utoipa::path(post, path = "/api/v1/new-sku-programmes/{id}/reviews", request_body = ReviewIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已评估"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn review(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<ReviewIn>,
) -> ApiResult<ProgrammeDetail> {
    let input = ReviewInput {
        decision: b.decision,
        note: b.note,
        new_to_week: b.new_to_week,
        version: b.version,
    };
    Ok(axum::Json(
        app::new_sku::review(&app, &u, id, &input).await?,
    ))
}
