//! Retailers as JSON.
use super::RetailerParams;
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Path, Query};
use app::retailers::{Page, RetailerDetail, RetailerListItem};
use axum::Json;
use domain::CustomerCode;

/// Retailers in the person's scope, paged and filtered.
#[utoipa::path(get, path = "/api/v1/retailers", params(RetailerParams),
    responses((status = 200, description = "{items, total, page, per_page, pages}"), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn retailers(
    Api(app, u): Api, Query(p): Query<RetailerParams>,
) -> ApiResult<Page<RetailerListItem>> {
    Ok(Json(app::retailers::search(&app, &u, &p.parse()?).await?))
}

/// One retailer: master data, tier history, 12 months of purchases.
#[utoipa::path(get, path = "/api/v1/retailers/{code}", params(("code" = String, Path, description = "客户编码")),
    responses((status = 200, description = "零售客户详情"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn retailer(
    Api(app, u): Api, Path(code): Path<CustomerCode>,
) -> ApiResult<RetailerDetail> {
    Ok(Json(app::retailers::detail(&app, &u, &code).await?))
}
