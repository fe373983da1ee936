//! Monthly tests as JSON.
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path};
use app::exam::{BankPage, Paper, QuestionInput, ResultsPage, TestInput, TestsPage};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// The monthly papers with one's own attempt.
#[utoipa::path(get, path = "/api/v1/tests", responses((status = 200, description = "月度测试"), (status = 401, body = Problem)))]
pub async fn tests(Api(app, u): Api) -> ApiResult<TestsPage> {
    Ok(axum::Json(app::exam::tests(&app, &u).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct TestIn {
    /// 月份 YYYY-MM.
    month: String,
    /// 标题 (default 「YYYY-MM 客户经理应知应会测试」).
    title: String,
    /// 开考日 YYYY-MM-DD (default today).
    opens_on: String,
}

/// Set a month's paper, drawn from the active bank (marketing centre, admin); a month with one → 409.
#[utoipa::path(post, path = "/api/v1/tests", request_body = TestIn,
    responses((status = 201, description = "已设置"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(Api(app, u): Api, Json(b): Json<TestIn>) -> Result<Response, ApiError> {
    let input = TestInput {
        month: b.month,
        title: b.title,
        opens_on: b.opens_on,
    };
    let id = app::exam::create(&app, &u, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response())
}

/// The question bank (marketing centre, admin).
#[utoipa::path(get, path = "/api/v1/test-questions", responses((status = 200, description = "题库"), (status = 403, body = Problem)))]
pub async fn bank(Api(app, u): Api) -> ApiResult<BankPage> {
    Ok(axum::Json(app::exam::bank(&app, &u).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct QuestionIn {
    /// LAW | MONOPOLY | MARKETING | SERVICE | COMPUTER.
    category: String,
    /// SINGLE | MULTIPLE | TRUE_FALSE.
    kind: String,
    stem: String,
    /// Options (a true/false question may leave them out: 正确, 错误).
    options: Vec<String>,
    /// 0-based indices of the right options.
    answer: Vec<usize>,
    explanation: String,
}

/// Add a question (marketing centre, admin).
#[utoipa::path(post, path = "/api/v1/test-questions", request_body = QuestionIn,
    responses((status = 201, description = "已添加"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn add_question(
    Api(app, u): Api, Json(b): Json<QuestionIn>,
) -> Result<Response, ApiError> {
    let q = QuestionInput {
        category: b.category,
        kind: b.kind,
        stem: b.stem,
        options: b.options,
        answer: b.answer,
        explanation: b.explanation,
    };
    let id = app::exam::add_question(&app, &u, &q).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response())
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ActiveIn {
    active: bool,
}

/// Retire or restore a question (marketing centre, admin).
#[utoipa::path(put, path = "/api/v1/test-questions/{id}/active", request_body = ActiveIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已更新"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_active(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<ActiveIn>,
) -> ApiResult<serde_json::Value> {
    app::exam::set_active(&app, &u, id, b.active).await?;
    Ok(axum::Json(json!({ "id": id, "active": b.active })))
}

/// Start (or resume) one's attempt: the paper without its answers (account and market managers).
#[utoipa::path(post, path = "/api/v1/tests/{id}/attempt", params(("id" = i64, Path)),
    responses((status = 200, description = "试卷"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn start(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<Paper> {
    Ok(axum::Json(app::exam::start(&app, &u, id).await?))
}

/// One's paper as answered (404 before starting).
#[utoipa::path(get, path = "/api/v1/tests/{id}/attempt", params(("id" = i64, Path)),
    responses((status = 200, description = "我的答卷"), (status = 404, body = Problem)))]
pub async fn paper(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<Paper> {
    match app::exam::paper(&app, &u, id).await? {
        Some(p) => Ok(axum::Json(p)),
        None => Err(app::AppError::NotFound("尚未开始答题".into()).into()),
    }
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AnswersIn {
    /// Per question in the paper's order, the chosen option indices.
    answers: Vec<Vec<usize>>,
}

/// Submit one's answers, once, within the time.
#[utoipa::path(put, path = "/api/v1/tests/{id}/attempt", request_body = AnswersIn, params(("id" = i64, Path)),
    responses((status = 200, description = "得分"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn submit(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<AnswersIn>,
) -> ApiResult<serde_json::Value> {
    let score = app::exam::submit(&app, &u, id, &b.answers).await?;
    Ok(axum::Json(json!({ "score": score })))
}

/// Results per person (the viewer's scope) and per question, most missed first.
#[utoipa::path(get, path = "/api/v1/tests/{id}/results", params(("id" = i64, Path)),
    responses((status = 200, description = "测试结果"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn results(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<ResultsPage> {
    Ok(axum::Json(app::exam::results(&app, &u, id).await?))
}
