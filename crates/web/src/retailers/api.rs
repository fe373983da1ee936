//! Retailers as JSON.
use super::RetailerParams;
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiUser, Path, Query};
use app::retailers::{Page, RetailerDetail, RetailerListItem};
use axum::Json;
use axum::extract::State;
use domain::CustomerCode;

/// Retailers in the person's scope, paged and filtered.
#[utoipa::path(get, path = "/api/v1/retailers", params(RetailerParams),
    responses((status = 200, description = "{items, total, page, per_page, pages}"), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn retailers(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(p): Query<RetailerParams>,
) -> Result<Json<Page<RetailerListItem>>, ApiError> {
    Ok(Json(app::retailers::search(&s.app, &u, &p.parse()?).await?))
}

/// One retailer: master data, tier history, 12 months of purchases.
#[utoipa::path(get, path = "/api/v1/retailers/{code}", params(("code" = String, Path, description = "客户编码")),
    responses((status = 200, description = "零售客户详情"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn retailer(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(code): Path<CustomerCode>,
) -> Result<Json<RetailerDetail>, ApiError> {
    Ok(Json(app::retailers::detail(&s.app, &u, &code).await?))
}
