//! The one-sheet's JSON API.
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::sheets::{GreenInput, SheetView};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::IsoWeek;
use domain::Username;
use domain::one_sheet::SheetContent;
use serde::Deserialize;

/// The sheet of a rep's week (six blocks), generated as a draft when none is stored.
#[utoipa::path(get, path = "/api/v1/sheets/{username}/{week}",
    params(("username" = String, Path, description = "客户经理用户名"), ("week" = String, Path, description = "ISO 周 YYYY-Www")),
    responses((status = 200, description = "一张纸（营销目标、工作任务、执行跟踪、改进措施、沟通绿色通道、信息系统链接区）"),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_sheet(
    Api(app, u): Api, Path((username, week)): Path<(Username, IsoWeek)>,
) -> Result<Response, ApiError> {
    let v = app::sheets::get(&app, &u, &username, week).await?;
    Ok(([(header::ETAG, etag(v.version))], axum::Json(v)).into_response())
}

/// The sheet's version as an entity tag.
fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version an `If-Match` names (`"3"`, `W/"3"` or `3`); `None` without the header. A
/// malformed one is refused rather than ignored, so a client never overwrites by mistake.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v.to_str().unwrap_or("").trim();
    let v = v.trim_start_matches("W/").trim_matches('"');
    v.parse::<i64>().map(Some).map_err(|_| {
        ApiError(app::AppError::invalid(
            "If-Match",
            "If-Match 应为 GET 答复中的 ETag（一张纸的版本号）",
        ))
    })
}

/// Save the rep's own sheet (targets, tasks, tracking, improvement). A sixth ticked priority, or
/// a tick without its concrete method, answers 422 with the reason. With `If-Match` (the ETag of
/// the GET, the sheet's version), a save over a version saved elsewhere since answers 409 and
/// writes nothing; the answer's ETag is the new version.
#[utoipa::path(put, path = "/api/v1/sheets/{username}/{week}",
    params(("username" = String, Path), ("week" = String, Path)),
    request_body(description = "SheetContent: targets[{code,indicator,unit,target}], carried_over[], top_priority, checklist[{category,item,method}] (≤5), visit_plan[{day,focus,visits[{customer_code,service_focus}]}], tracking[{day,main_indicators,adhoc,problem,improvement}], improvement{summary,problems,measures}", content_type = "application/json"),
    responses((status = 200, description = "保存后的一张纸"), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_sheet(
    Api(app, u): Api, Path((username, week)): Path<(Username, IsoWeek)>, headers: HeaderMap,
    Json(content): Json<SheetContent>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let v = app::sheets::save(&app, &u, &username, week, content, expected).await?;
    Ok(([(header::ETAG, etag(v.version))], axum::Json(v)).into_response())
}

/// Submit the week's sheet (each working day needs its tracking entry).
#[utoipa::path(post, path = "/api/v1/sheets/{username}/{week}/submit",
    params(("username" = String, Path), ("week" = String, Path)),
    responses((status = 200, description = "已提交"), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn submit(
    Api(app, u): Api, Path((username, week)): Path<(Username, IsoWeek)>,
) -> ApiResult<SheetView> {
    Ok(axum::Json(
        app::sheets::submit(&app, &u, &username, week).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// 审阅意见.
    pub comment: String,
}

/// The market manager reviews a submitted sheet with a comment.
#[utoipa::path(post, path = "/api/v1/sheets/{username}/{week}/review",
    params(("username" = String, Path), ("week" = String, Path)), request_body = ReviewRequest,
    responses((status = 200, description = "已审阅"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn review(
    Api(app, u): Api, Path((username, week)): Path<(Username, IsoWeek)>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<SheetView> {
    Ok(axum::Json(
        app::sheets::review(&app, &u, &username, week, &r.comment).await?,
    ))
}

/// Send a green-channel item (to the marketing director, the monopoly officer or a retailer).
#[utoipa::path(post, path = "/api/v1/sheets/{username}/{week}/green",
    params(("username" = String, Path), ("week" = String, Path)),
    request_body(description = "{counterpart: MARKETING_DIRECTOR|MONOPOLY_OFFICER|RETAILER, kind: MARKET_STATUS|SUGGESTION|ANOMALY|NOTICE, content, channel?: PLATFORM|PHONE|WECHAT|IN_PERSON, retailer_code?}", content_type = "application/json"),
    responses((status = 201, description = "已送达接收人待办"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn green(
    Api(app, u): Api, Path((username, week)): Path<(Username, IsoWeek)>, Json(g): Json<GreenInput>,
) -> Result<Response, ApiError> {
    let v = app::sheets::add_green(&app, &u, &username, week, &g).await?;
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetsQuery {
    /// A rep's username (default: every rep the caller may see).
    #[param(value_type = Option<String>)]
    pub username: Option<Username>,
    /// First week (YYYY-Www), default 8 weeks before the last.
    #[param(value_type = Option<String>)]
    pub from: Option<IsoWeek>,
    /// Last week (YYYY-Www), default this week.
    #[param(value_type = Option<String>)]
    pub to: Option<IsoWeek>,
}

/// Stored sheets across reps and weeks.
#[utoipa::path(get, path = "/api/v1/sheets", params(SheetsQuery),
    responses((status = 200, description = "一张纸列表"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(Api(app, u): Api, Query(q): Query<SheetsQuery>) -> Result<Response, ApiError> {
    let to = q.to.unwrap_or_else(|| IsoWeek::of(app.clock.today()));
    let from = q.from.unwrap_or_else(|| (0..8).fold(to, |w, _| w.prev()));
    Ok(
        axum::Json(app::sheets::list(&app, &u, q.username.as_ref(), from, to).await?)
            .into_response(),
    )
}
