//! People, grading and payroll as JSON.
use super::PayrollParams;
use crate::error::{ApiError, Problem};
use crate::extract::{Api, ApiResult, Json, Path, Query};
use app::grading::{
    AppealDecision, AssignInput, ExamInput, OpenInput, Override, ReviewsPage, RoundPage, RoundsPage,
};
use app::people::{HrInput, HrView, MyPage, PayrollPage};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

fn created(v: serde_json::Value) -> Response {
    (StatusCode::CREATED, axum::Json(v)).into_response()
}

/// One's own record, grades, pay and candidacies (everyone).
#[utoipa::path(get, path = "/api/v1/people/me", responses((status = 200, description = "我的档案"), (status = 401, body = Problem)))]
pub async fn me(Api(app, u): Api) -> ApiResult<MyPage> {
    Ok(axum::Json(app::people::me(&app, &u).await?))
}

/// The account managers' HR records (marketing centre, admin).
#[utoipa::path(get, path = "/api/v1/people/hr", responses((status = 200, description = "客户经理人事档案"), (status = 403, body = Problem)))]
pub async fn hr_list(Api(app, u): Api) -> ApiResult<Vec<HrView>> {
    Ok(axum::Json(app::people::hr_list(&app, &u).await?))
}

/// One person's record (the centre, the admin, or the person).
#[utoipa::path(get, path = "/api/v1/people/hr/{username}", params(("username" = String, Path)),
    responses((status = 200, description = "人事档案"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn hr_of(Api(app, u): Api, Path(username): Path<String>) -> ApiResult<HrView> {
    Ok(axum::Json(app::people::hr_of(&app, &u, &username).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HrIn {
    /// 学历: HIGH_SCHOOL 高中 | SECONDARY 中专 | COLLEGE 大专 | BACHELOR 本科.
    education: String,
    /// 对口 (economics major).
    matched: bool,
    /// 经济类证书: JUNIOR | INTERMEDIATE | SENIOR, or empty.
    econ_cert: String,
    /// 营销员证书等级, or empty.
    marketer_cert: String,
    /// 营销员证书取得日期 YYYY-MM-DD.
    marketer_cert_on: String,
    /// 任客户经理日期 YYYY-MM-DD.
    rep_since: String,
    /// 此前客户经理/访销/批发零售从业月数.
    prior_months: i64,
    /// 用工类型: PERMANENT 正式工 | CONTRACT 聘用工.
    employment_type: String,
    /// 级别: JUNIOR | INTERMEDIATE | SENIOR, or empty.
    level: String,
    /// 档次: C | B | A, or empty.
    step: String,
    /// 服务农网客户 (paid one step up).
    rural: bool,
    /// 调整级档的原因.
    reason: String,
    /// The record's version as read (0 for a new record).
    version: i64,
}

impl From<HrIn> for HrInput {
    fn from(b: HrIn) -> Self {
        HrInput {
            education: b.education,
            matched: b.matched,
            econ_cert: b.econ_cert,
            marketer_cert: b.marketer_cert,
            marketer_cert_on: b.marketer_cert_on,
            rep_since: b.rep_since,
            prior_months: b.prior_months,
            employment_type: b.employment_type,
            level: b.level,
            step: b.step,
            rural: b.rural,
            reason: b.reason,
            version: b.version,
        }
    }
}

/// Keep a person's record (marketing centre, admin); a stale version → 409.
#[utoipa::path(put, path = "/api/v1/people/hr/{username}", request_body = HrIn, params(("username" = String, Path)),
    responses((status = 200, description = "已保存"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hr_save(
    Api(app, u): Api, Path(username): Path<String>, Json(b): Json<HrIn>,
) -> ApiResult<HrView> {
    Ok(axum::Json(
        app::people::hr_save(&app, &u, &username, &b.into()).await?,
    ))
}

/// A month's payroll (marketing centre, admin).
#[utoipa::path(get, path = "/api/v1/payroll", params(PayrollParams),
    responses((status = 200, description = "工资表"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn payroll(Api(app, u): Api, Query(p): Query<PayrollParams>) -> ApiResult<PayrollPage> {
    Ok(axum::Json(
        app::people::payroll(&app, &u, p.month.as_deref()).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PayrollIn {
    /// 月份 YYYY-MM.
    month: String,
}

/// Compute (or recompute) a month's payroll from the records in force (marketing centre, admin).
#[utoipa::path(post, path = "/api/v1/payroll", request_body = PayrollIn,
    responses((status = 201, description = "已计算"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn run_payroll(Api(app, u): Api, Json(b): Json<PayrollIn>) -> Result<Response, ApiError> {
    let (month, lines, total_fen) = app::people::run_payroll(&app, &u, &b.month).await?;
    Ok(created(
        json!({ "month": month, "lines": lines, "total_fen": total_fen }),
    ))
}

/// The grading rounds, one's review tasks.
#[utoipa::path(get, path = "/api/v1/grading/rounds", responses((status = 200, description = "定级轮次"), (status = 401, body = Problem)))]
pub async fn rounds(Api(app, u): Api) -> ApiResult<RoundsPage> {
    Ok(axum::Json(app::grading::rounds(&app, &u).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RoundIn {
    /// 轮次名称.
    name: String,
    /// 年限计算截止日 YYYY-MM-DD (default today).
    as_of: String,
    /// Only these account managers (default all).
    usernames: Vec<String>,
}

/// Open a grading round (marketing centre, admin); another round not yet approved → 409.
#[utoipa::path(post, path = "/api/v1/grading/rounds", request_body = RoundIn,
    responses((status = 201, description = "已开启"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn open(Api(app, u): Api, Json(b): Json<RoundIn>) -> Result<Response, ApiError> {
    let input = OpenInput {
        name: b.name,
        as_of: b.as_of,
        usernames: b.usernames,
    };
    let id = app::grading::open(&app, &u, &input).await?;
    Ok(created(json!({ "id": id })))
}

/// A round: candidates (the centre: all with progress; others: their county's once publicised),
/// appeals, one's own candidacy.
#[utoipa::path(get, path = "/api/v1/grading/rounds/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "定级轮次"), (status = 404, body = Problem)))]
pub async fn round(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<RoundPage> {
    Ok(axum::Json(app::grading::round(&app, &u, id).await?))
}

/// One's review assignments in a round, with the rubric.
#[utoipa::path(get, path = "/api/v1/grading/rounds/{id}/reviews", params(("id" = i64, Path)),
    responses((status = 200, description = "我的评议任务"), (status = 404, body = Problem)))]
pub async fn reviews(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<ReviewsPage> {
    Ok(axum::Json(app::grading::reviews(&app, &u, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AssignIn {
    /// 候选人用户名.
    candidate: String,
    /// 评议人用户名.
    reviewer: String,
    /// LEADERS | PEER_REPS | STAFF | CUSTOMERS.
    group: String,
    /// 走访的客户编码 (CUSTOMERS only).
    customer_code: String,
}

/// Add a review assignment (marketing centre, admin) while the round is in review.
#[utoipa::path(post, path = "/api/v1/grading/rounds/{id}/assignments", request_body = AssignIn, params(("id" = i64, Path)),
    responses((status = 201, description = "已分配"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn assign(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<AssignIn>,
) -> Result<Response, ApiError> {
    let input = AssignInput {
        candidate: b.candidate,
        reviewer: b.reviewer,
        group: b.group,
        customer_code: b.customer_code,
    };
    let aid = app::grading::assign(&app, &u, id, &input).await?;
    Ok(created(json!({ "id": aid })))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ExamIn {
    username: String,
    /// 考试成绩 0–100.
    score: f64,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExamsIn {
    exams: Vec<ExamIn>,
}

/// Enter exam scores (marketing centre, admin): all or none.
#[utoipa::path(put, path = "/api/v1/grading/rounds/{id}/exams", request_body = ExamsIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已录入"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn exams(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<ExamsIn>,
) -> ApiResult<serde_json::Value> {
    let input: Vec<ExamInput> = b
        .exams
        .into_iter()
        .map(|e| ExamInput {
            username: e.username,
            score: e.score,
        })
        .collect();
    let n = app::grading::exams(&app, &u, id, &input).await?;
    Ok(axum::Json(json!({ "entered": n })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScoreIn {
    /// The rubric's item scores in order.
    items: Vec<f64>,
}

/// Score one's own assignment, once, while the round is in review.
#[utoipa::path(post, path = "/api/v1/grading/assignments/{id}/score", request_body = ScoreIn, params(("id" = i64, Path)),
    responses((status = 201, description = "已评分"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn score(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<ScoreIn>,
) -> Result<Response, ApiError> {
    let s = app::grading::score(&app, &u, id, &b.items).await?;
    Ok(created(json!({ "score": s })))
}

/// Compute the totals and publicise them (marketing centre, admin).
#[utoipa::path(post, path = "/api/v1/grading/rounds/{id}/publicity", params(("id" = i64, Path)),
    responses((status = 201, description = "已公示"), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn publicize(Api(app, u): Api, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let until = app::grading::publicize(&app, &u, id).await?;
    Ok(created(json!({ "until": until })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AppealIn {
    /// 申诉理由.
    reason: String,
}

/// File an appeal (the candidate, within the publicity window).
#[utoipa::path(post, path = "/api/v1/grading/rounds/{id}/appeals", request_body = AppealIn, params(("id" = i64, Path)),
    responses((status = 201, description = "已申诉"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn appeal(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<AppealIn>,
) -> Result<Response, ApiError> {
    let aid = app::grading::appeal(&app, &u, id, &b.reason).await?;
    Ok(created(json!({ "id": aid })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AppealDecisionIn {
    upheld: bool,
    /// 书面答复.
    answer: String,
    /// 更正后的考试成绩 (upheld only).
    exam_score: Option<f64>,
}

/// Answer an appeal (marketing centre, admin).
#[utoipa::path(post, path = "/api/v1/grading/appeals/{id}/decision", request_body = AppealDecisionIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已答复"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn decide_appeal(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<AppealDecisionIn>,
) -> ApiResult<serde_json::Value> {
    let d = AppealDecision {
        upheld: b.upheld,
        answer: b.answer,
        exam_score: b.exam_score,
    };
    app::grading::decide_appeal(&app, &u, id, &d).await?;
    Ok(axum::Json(json!({ "id": id })))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct OverrideIn {
    username: String,
    level: String,
    step: String,
    reason: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionIn {
    /// Grades set by hand, each with its reason.
    overrides: Vec<OverrideIn>,
}

/// Decide the grades after the publicity window (marketing centre, admin).
#[utoipa::path(post, path = "/api/v1/grading/rounds/{id}/decision", request_body = DecisionIn, params(("id" = i64, Path)),
    responses((status = 200, description = "已定级"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn decide(
    Api(app, u): Api, Path(id): Path<i64>, Json(b): Json<DecisionIn>,
) -> ApiResult<serde_json::Value> {
    let o: Vec<Override> = b
        .overrides
        .into_iter()
        .map(|o| Override {
            username: o.username,
            level: o.level,
            step: o.step,
            reason: o.reason,
        })
        .collect();
    let n = app::grading::decide(&app, &u, id, &o).await?;
    Ok(axum::Json(json!({ "graded": n })))
}

/// Approve the decided grades (marketing centre, admin; never a market manager).
#[utoipa::path(post, path = "/api/v1/grading/rounds/{id}/approval", params(("id" = i64, Path)),
    responses((status = 200, description = "已审批"), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(Api(app, u): Api, Path(id): Path<i64>) -> ApiResult<serde_json::Value> {
    let n = app::grading::approve(&app, &u, id).await?;
    Ok(axum::Json(json!({ "graded": n })))
}
