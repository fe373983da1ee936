//! The warnings' JSON API.
use crate::error::Problem;
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::warnings::{ListQuery, StepInput, WarningDetail, WarningList};
use domain::Month;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// 月份 YYYY-MM (default: the latest month detected).
    month: Option<String>,
    /// CUSTOMER | LARGE_ACCOUNT | BRAND | MARKET.
    kind: Option<String>,
    /// OPEN | ACKNOWLEDGED | MEASURED | CLOSED.
    status: Option<String>,
    /// Page from 1, 100 rows each.
    page: Option<i64>,
}

impl ListParams {
    pub(crate) fn query(self) -> ListQuery {
        ListQuery {
            month: self.month,
            kind: self.kind,
            status: self.status,
            page: self.page,
        }
    }
}

/// The person's warnings of a month: a rep's customer and 千条户 warnings of their retailers, a
/// market manager's area, a director's county, a brand manager's brand warnings, everything for
/// the center and admin; counts per kind, 100 rows a page.
#[utoipa::path(get, path = "/api/v1/warnings", params(ListParams),
    responses((status = 200, description = "预警清单"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(Api(app, u): Api, Query(p): Query<ListParams>) -> ApiResult<WarningList> {
    Ok(axum::Json(app::warnings::list(&app, &u, &p.query()).await?))
}

/// One warning with its handling history and the steps the person may take now.
#[utoipa::path(get, path = "/api/v1/warnings/{id}", params(("id" = i64, Path, description = "预警编号")),
    responses((status = 200, description = "预警及处理记录"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn detail(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<WarningDetail> {
    Ok(axum::Json(app::warnings::detail(&app, &u, id).await?))
}

/// A handling step as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepIn {
    /// ACKNOWLEDGE (确认) | MEASURE (制定措施) | CLOSE (关闭).
    action: String,
    /// 整改措施: required by MEASURE.
    measure: Option<String>,
    /// 关闭说明: required by CLOSE.
    result: Option<String>,
    /// 备注.
    note: Option<String>,
    /// The version read; a step on a warning changed since is refused with 409.
    version: Option<i64>,
}

/// Take a handling step: acknowledge, write (or revise) the measure, close with the result.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/steps", request_body = StepIn,
    params(("id" = i64, Path, description = "预警编号")),
    responses((status = 200, description = "处理后的预警"), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn step(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<StepIn>,
) -> ApiResult<WarningDetail> {
    let input = StepInput {
        action: b.action,
        measure: b.measure,
        result: b.result,
        note: b.note,
        version: b.version,
    };
    Ok(axum::Json(app::warnings::act(&app, &u, id, &input).await?))
}

/// Detect a complete month's warnings again (marketing center, admin): new ones added, figures
/// refreshed, handling kept.
#[utoipa::path(post, path = "/api/v1/warning-runs/{month}", params(("month" = String, Path)),
    responses((status = 200, description = "{new, updated, removed}"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn detect(
    Api(app, u): Api, Path(month): Path<Month>,
) -> ApiResult<app::warnings::Replaced> {
    Ok(axum::Json(app::warnings::redetect(&app, &u, month).await?))
}
