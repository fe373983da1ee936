use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path};
use axum::body::Bytes;
use domain::Month;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplyLineIn {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplyPut {
    pub lines: Vec<SupplyLineIn>,
}

/// The marketing center enters next month's supply per SKU (all lines or none).
#[utoipa::path(put, path = "/api/v1/supply/{month}", request_body = SupplyPut, params(("month" = String, Path)),
    responses((status = 200, description = "{changed}"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn supply_put(
    Api(app, u): Api, Path(month): Path<Month>, Json(b): Json<SupplyPut>,
) -> ApiResult<Value> {
    let lines: Vec<app::balancing::SupplyInput> = b
        .lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| app::balancing::SupplyInput {
            row: format!("lines[{i}]"),
            sku: l.sku,
            quantity: l.quantity,
        })
        .collect();
    let changed = app::balancing::set_supply(&app, &u, month, &lines).await?;
    Ok(axum::Json(json!({"changed": changed})))
}

/// Upload supply as an Excel file (body = the .xlsx bytes; header 卷烟规格代码, 货源量).
/// A bad row is named and nothing is written.
#[utoipa::path(post, path = "/api/v1/supply/{month}/upload", params(("month" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, description = "{changed, rows}"), (status = 400, body = Problem)))]
pub async fn supply_upload(
    Api(app, u): Api, Path(month): Path<Month>, body: Bytes,
) -> ApiResult<Value> {
    let (changed, rows) = app::balancing::upload_supply(&app, &u, month, &body).await?;
    Ok(axum::Json(json!({"changed": changed, "rows": rows})))
}

/// Next month's supply (the marketing center's).
#[utoipa::path(get, path = "/api/v1/supply/{month}", params(("month" = String, Path)), responses((status = 200, description = "货源"), (status = 403, body = Problem)))]
pub async fn supply_list(
    Api(app, u): Api, Path(month): Path<Month>,
) -> ApiResult<Vec<app::views::supply::SupplyLine>> {
    Ok(axum::Json(app::views::supply::list(&app, &u, month).await?))
}
