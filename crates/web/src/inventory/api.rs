//! The social inventory's JSON API.
use super::InventoryParams;
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::inventory::{DesignInput, ImportInput, InventoryPage, LineInput, PointPage, ReportInput};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

/// The design, the month's points of the person's scope and the restored figures (everyone but
/// 专卖人员).
#[utoipa::path(get, path = "/api/v1/inventory", params(InventoryParams),
    responses((status = 200, description = "社会库存"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn page(Api(app, u): Api, Query(p): Query<InventoryParams>) -> ApiResult<InventoryPage> {
    Ok(axum::Json(
        app::inventory::page(&app, &u, &p.query()).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DesignIn {
    /// 设计名称.
    title: String,
    /// NEYMAN 奈曼最优分配 | PROPORTIONAL 比例分配 (the policy's when absent).
    allocation: Option<String>,
    /// 目标相对误差 of the company total at 95 %, % (0.5–50).
    target_rel_error_pct: Option<f64>,
    /// 每月轮换比例, % (0–100).
    rotation_pct: Option<f64>,
    /// 随机种子 (recorded; drawn from the clock when absent).
    seed: Option<i64>,
    /// 首期月份 YYYY-MM (this month when absent).
    month: Option<String>,
}

/// A new sample design (marketing centre, admin): strata, sizes and the first month's points;
/// the active design is retired.
#[utoipa::path(post, path = "/api/v1/sample-designs", request_body = DesignIn,
    responses((status = 201, description = "已制定"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn design(Api(app, u): Api, Json(b): Json<DesignIn>) -> Result<Response, ApiError> {
    let input = DesignInput {
        title: b.title,
        allocation: b.allocation,
        target_rel_error_pct: b.target_rel_error_pct,
        rotation_pct: b.rotation_pct,
        seed: b.seed,
        month: b.month,
    };
    let v = app::inventory::create_design(&app, &u, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DrawIn {
    /// 月份 YYYY-MM.
    month: String,
}

/// Draw a month's points from the previous month's with the design's rotation (marketing
/// centre, admin); a month drawn already → 409.
#[utoipa::path(post, path = "/api/v1/sample-draws", request_body = DrawIn,
    responses((status = 201, description = "已抽取"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn draw(Api(app, u): Api, Json(b): Json<DrawIn>) -> Result<Response, ApiError> {
    let (month, points) = app::inventory::draw(&app, &u, &b.month).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "month": month, "points": points })),
    )
        .into_response())
}

/// A sample point with its collection form pre-filled (the person's scope).
#[utoipa::path(get, path = "/api/v1/sample-points/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "采集点"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn point(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<PointPage> {
    Ok(axum::Json(app::inventory::point_page(&app, &u, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionIn {
    /// CONFIRM 确认 | REPLACE 替换.
    action: String,
    /// 替换原因 (required for REPLACE).
    reason: String,
}

/// The rep confirms a drawn point, or replaces it with a reason (a retailer of the same stratum
/// is drawn); a point decided already → 409.
#[utoipa::path(post, path = "/api/v1/sample-points/{id}/decision", request_body = DecisionIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已处理"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<DecisionIn>,
) -> ApiResult<PointPage> {
    Ok(axum::Json(
        app::inventory::decide(&app, &u, id, &b.action, &b.reason).await?,
    ))
}

#[derive(Debug, Default, Deserialize, serde::Serialize, ToSchema)]
#[serde(default)]
pub struct LineIn {
    /// 卷烟代码.
    sku_code: String,
    /// 库存, 条.
    stock: i64,
    /// 上次采集以来销量, 条.
    sales: i64,
    /// 实际零售价, 元/条 ("23.50").
    retail_price: String,
    /// 断货天数.
    stockout_days: i64,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportIn {
    lines: Vec<LineIn>,
    /// 已核实: the flagged lines (stock above the policy's multiple of the month's purchases,
    /// price off the guide) are confirmed.
    confirm: bool,
}

fn lines(v: Vec<LineIn>) -> Vec<LineInput> {
    v.into_iter()
        .map(|l| LineInput {
            sku_code: l.sku_code,
            stock: l.stock,
            sales: l.sales,
            retail_price: l.retail_price,
            stockout_days: l.stockout_days,
        })
        .collect()
}

/// A point's report of its month (replaces the earlier one; a flagged line needs `confirm`).
#[utoipa::path(put, path = "/api/v1/sample-points/{id}/counts", request_body = ReportIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已采集"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn report(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<ReportIn>,
) -> ApiResult<PointPage> {
    let input = ReportInput {
        lines: lines(b.lines),
        confirm: b.confirm,
    };
    Ok(axum::Json(
        app::inventory::report(&app, &u, id, &input).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ImportIn {
    /// 月份 YYYY-MM.
    month: String,
    /// CSV lines 客户编码,卷烟代码,库存,销量,零售价(元/条),断货天数 (a header line is skipped).
    text: String,
    confirm: bool,
}

/// Desk entry / the `samples` import of many points at once: all lines or none.
#[utoipa::path(post, path = "/api/v1/sample-imports", request_body = ImportIn,
    responses((status = 200, description = "已导入"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn import(Api(app, u): Api, Json(b): Json<ImportIn>) -> ApiResult<serde_json::Value> {
    let input = ImportInput {
        month: b.month,
        text: b.text,
        confirm: b.confirm,
    };
    let (points, lines) = app::inventory::import(&app, &u, &input).await?;
    Ok(axum::Json(
        serde_json::json!({ "points": points, "lines": lines }),
    ))
}
