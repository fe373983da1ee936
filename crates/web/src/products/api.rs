//! Products as JSON.
use super::ProductParams;
use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiUser, Query};
use app::products::ProductView;
use axum::Json;
use axum::extract::State;

/// Products (卷烟规格), filtered.
#[utoipa::path(get, path = "/api/v1/products", params(ProductParams),
    responses((status = 200, description = "卷烟规格列表"), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn products(
    State(s): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(p): Query<ProductParams>,
) -> Result<Json<Vec<ProductView>>, ApiError> {
    Ok(Json(app::products::list(&s.app, &p.parse()?).await?))
}
