//! 品牌培育 (domain.md §9.2): the brand manager's cultivation tasks — JSON API and the page
//! `/cultivation`. The tasks land on the reps' one-sheet drafts as proposed priorities
//! (see `app::cultivation`).
use crate::AppState;
use crate::error::{ApiError, PageError, Problem};
use crate::extract::legacy_check_csrf as check_csrf;
use crate::extract::{ApiUser, PageCtx};
use crate::page::Chrome;
use app::AppError;
use app::cultivation::{FormOptions, TaskInput, TaskView};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use std::collections::HashMap;
use tower_sessions::Session;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(api_create, api_list, api_close),
    tags((name = "cultivation", description = "品牌培育任务（落到客户经理一张纸）"))
)]
pub struct CultivationApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cultivation-tasks", get(api_list).post(api_create))
        .route("/api/v1/cultivation-tasks/{id}/close", post(api_close))
        .route("/cultivation", get(page).post(page_create))
        .route("/cultivation/{id}/close", post(page_close))
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        let msg = match &e {
            JsonRejection::MissingJsonContentType(_) => {
                "请求头 Content-Type 必须为 application/json".to_string()
            }
            JsonRejection::JsonSyntaxError(_) => "请求体不是有效的 JSON".to_string(),
            JsonRejection::JsonDataError(d) => format!("请求体字段错误: {}", d.body_text()),
            _ => "无法读取请求体".to_string(),
        };
        ApiError(AppError::invalid("body", msg))
    })
}

// ---------------------------------------------------------------- API

/// Create a cultivation task (brand manager for an assigned brand; marketing centre and admin for
/// any brand). It lands on the drafts of the reps in its scope for its weeks.
#[utoipa::path(post, path = "/api/v1/cultivation-tasks", tag = "cultivation",
    request_body(description = "{brand, sku_code?, title, method (具体做法), category? (§8.3 code, default INDUSTRY_COLLAB_INFO), scope?: COMPANY|COUNTY|AREA, org_unit_code?, min_tier? (1–30), business_format?, from_week (YYYY-Www), to_week?}", content_type = "application/json"),
    responses((status = 201, description = "已创建的培育任务"), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn api_create(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    body: Result<Json<TaskInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = json_body(body)?;
    let v = app::cultivation::create(&s.app, &u, &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// Cultivation tasks: a brand manager's own, all of them for everyone else.
#[utoipa::path(get, path = "/api/v1/cultivation-tasks", tag = "cultivation",
    responses((status = 200, description = "培育任务列表"), (status = 401, body = Problem)))]
async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Vec<TaskView>>, ApiError> {
    Ok(Json(app::cultivation::list(&s.app, &u).await?))
}

/// Close a task (its author, the marketing centre or admin): it no longer lands on drafts.
#[utoipa::path(post, path = "/api/v1/cultivation-tasks/{id}/close", tag = "cultivation",
    params(("id" = i64, Path, description = "任务编号")),
    responses((status = 200, description = "已关闭"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn api_close(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(app::cultivation::close(&s.app, &u, id).await?))
}

// ---------------------------------------------------------------- page

#[derive(Template, WebTemplate)]
#[template(path = "cultivation.html")]
struct CultivationPage {
    chrome: Option<Chrome>,
    csrf: String,
    tasks: Vec<TaskView>,
    o: FormOptions,
    can_create: bool,
    message: Option<String>,
    /// A brand manager's own time in market this month (§2.3, ≥ 1/3).
    field: Option<app::sheets::FieldTime>,
    field_period: String,
}

async fn render(
    s: &AppState,
    ctx: &PageCtx,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tasks = app::cultivation::list(&s.app, &ctx.user).await?;
    let o = app::cultivation::form_options(&s.app, &ctx.user).await?;
    let month = domain::Month::of(s.app.clock.today());
    let field = if ctx.user.role == domain::org::Role::BrandManager {
        Some(
            app::sheets::own_field_time(&s.app, &ctx.user, month.first_day(), month.last_day())
                .await?,
        )
    } else {
        None
    };
    let page = CultivationPage {
        chrome: ctx.chrome("cultivation"),
        csrf: ctx.csrf.clone(),
        can_create: matches!(
            ctx.user.role,
            domain::org::Role::BrandManager
                | domain::org::Role::MarketingCenter
                | domain::org::Role::Admin
        ),
        tasks,
        o,
        message,
        field,
        field_period: format!("{month} 月初至今"),
    };
    Ok((status, page).into_response())
}

async fn page(State(s): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    render(&s, &ctx, None, StatusCode::OK).await
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn page_create(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    check_csrf(&session, f.get("csrf").map(String::as_str).unwrap_or("")).await?;
    let get1 = |k: &str| f.get(k).cloned().unwrap_or_default();
    let some = |k: &str| f.get(k).cloned().filter(|v| !v.trim().is_empty());
    let parsed = match some("min_tier") {
        Some(t) => t
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid("min_tier", format!("最低档位「{t}」不是整数"))),
        None => Ok(None),
    };
    let result = match parsed {
        Ok(min_tier) => {
            let input = TaskInput {
                brand: get1("brand"),
                sku_code: some("sku_code"),
                title: get1("title"),
                method: get1("method"),
                category: some("category"),
                scope: some("scope"),
                org_unit_code: some("org_unit_code"),
                min_tier,
                business_format: some("business_format"),
                from_week: get1("from_week"),
                to_week: some("to_week"),
            };
            app::cultivation::create(&s.app, &ctx.user, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/cultivation").into_response()),
        Err(e) if !matches!(e, AppError::Store(_) | AppError::Unauthorized) => {
            render(&s, &ctx, Some(e.to_string()), status_of(&e)).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn page_close(
    State(s): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    check_csrf(&session, f.get("csrf").map(String::as_str).unwrap_or("")).await?;
    match app::cultivation::close(&s.app, &ctx.user, id).await {
        Ok(_) => Ok(Redirect::to("/cultivation").into_response()),
        Err(e) if !matches!(e, AppError::Store(_) | AppError::Unauthorized) => {
            render(&s, &ctx, Some(e.to_string()), status_of(&e)).await
        }
        Err(e) => Err(PageError(e)),
    }
}
