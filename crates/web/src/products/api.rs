//! Products as JSON.
use super::ProductParams;
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Query};
use app::products::ProductView;
use axum::Json;

/// Products (卷烟规格), filtered.
#[utoipa::path(get, path = "/api/v1/products", params(ProductParams),
    responses((status = 200, description = "卷烟规格列表"), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn products(
    Api(app, _user): Api, Query(p): Query<ProductParams>,
) -> ApiResult<Vec<ProductView>> {
    Ok(Json(app::products::list(&app, &p.parse()?).await?))
}
