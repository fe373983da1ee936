//! The people pages and their forms.
use super::PayrollParams;
use crate::export;
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path, Query};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::grading::{
    AppealDecision, AssignInput, ExamInput, OpenInput, Override, ReviewsPage, RoundPage, RoundsPage,
};
use app::people::{HrInput, HrView, MyPage, PayrollPage};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::people::{CertLevel, Education, Level, Step};

#[derive(Template, WebTemplate)]
#[template(path = "people/me.html")]
struct MeView {
    chrome: Option<Chrome>,
    d: MyPage,
}

/// One's own record, grades, pay and candidacies.
pub async fn me(ctx: PageCtx) -> PageResult {
    let d = app::people::me(&ctx.app, &ctx.user).await?;
    Ok(MeView {
        chrome: ctx.chrome("people"),
        d,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/hr.html")]
struct HrListView {
    chrome: Option<Chrome>,
    people: Vec<HrView>,
}

pub async fn hr_list(ctx: PageCtx) -> PageResult {
    let people = app::people::hr_list(&ctx.app, &ctx.user).await?;
    Ok(HrListView {
        chrome: ctx.chrome("hr"),
        people,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/hr_edit.html")]
struct HrEditView {
    chrome: Option<Chrome>,
    csrf: String,
    p: HrView,
    message: Option<String>,
    educations: &'static [Education],
    certs: &'static [CertLevel],
    levels: &'static [Level],
    steps: &'static [Step],
}

async fn render_hr(ctx: &PageCtx, username: &str, message: Option<String>) -> PageResult {
    let p = app::people::hr_of(&ctx.app, &ctx.user, username).await?;
    Ok(HrEditView {
        chrome: ctx.chrome("hr"),
        csrf: ctx.csrf.clone(),
        p,
        message,
        educations: Education::ALL,
        certs: CertLevel::ALL,
        levels: Level::ALL,
        steps: Step::ALL,
    }
    .into_response())
}

pub async fn hr_edit(ctx: PageCtx, Path(username): Path<String>) -> PageResult {
    render_hr(&ctx, &username, None).await
}

fn int(f: &Fields, name: &str, label: &str) -> Result<i64, AppError> {
    match f.get(name).trim() {
        "" => Ok(0),
        v => v
            .parse()
            .map_err(|_| AppError::invalid(name, format!("{label}「{v}」不是整数"))),
    }
}

pub async fn hr_save(
    ctx: PageCtx, Path(username): Path<String>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let input = (|| -> Result<HrInput, AppError> {
        Ok(HrInput {
            education: f.get("education").into(),
            matched: f.get("matched") == "1",
            econ_cert: f.get("econ_cert").into(),
            marketer_cert: f.get("marketer_cert").into(),
            marketer_cert_on: f.get("marketer_cert_on").into(),
            rep_since: f.get("rep_since").into(),
            prior_months: int(&f, "prior_months", "此前从业月数")?,
            employment_type: f.get("employment_type").into(),
            level: f.get("level").into(),
            step: f.get("step").into(),
            rural: f.get("rural") == "1",
            reason: f.get("reason").into(),
            version: int(&f, "version", "版本")?,
        })
    })();
    let outcome = match input {
        Ok(i) => app::people::hr_save(&ctx.app, &ctx.user, &username, &i).await,
        Err(e) => Err(e),
    };
    done_or_shown(outcome, &format!("/people/hr/{username}"), |m| {
        render_hr(&ctx, &username, Some(m))
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "people/payroll.html")]
struct PayrollView {
    chrome: Option<Chrome>,
    csrf: String,
    p: PayrollPage,
    this_month: String,
}

pub async fn payroll(ctx: PageCtx, Query(q): Query<PayrollParams>) -> PageResult {
    let p = app::people::payroll(&ctx.app, &ctx.user, q.month.as_deref()).await?;
    Ok(PayrollView {
        chrome: ctx.chrome("payroll"),
        csrf: ctx.csrf.clone(),
        p,
        this_month: domain::Month::of(ctx.app.clock.today()).to_string(),
    }
    .into_response())
}

pub async fn run_payroll(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = app::people::run_payroll(&ctx.app, &ctx.user, f.get("month")).await;
    let to = match &outcome {
        Ok((m, _, _)) => format!("/people/payroll?month={m}"),
        Err(_) => "/people/payroll".into(),
    };
    ctx.redirect(
        &to,
        outcome.map(|(m, n, total)| {
            format!(
                "已计算 {m} 工资表：{n} 人，合计 {} 元",
                crate::filters::yuan(total)
            )
        }),
    )
}

/// The month's payroll as `.xlsx`.
pub async fn payroll_xlsx(ctx: PageCtx, Query(q): Query<PayrollParams>) -> PageResult {
    let p = app::people::payroll(&ctx.app, &ctx.user, q.month.as_deref()).await?;
    let name = format!("工资表-{}.xlsx", p.month.as_deref().unwrap_or(""));
    let bytes = export::payroll_workbook(&p)?;
    Ok(export::xlsx_response(bytes, &name))
}

#[derive(Template, WebTemplate)]
#[template(path = "people/grading.html")]
struct RoundsView {
    chrome: Option<Chrome>,
    csrf: String,
    d: RoundsPage,
}

pub async fn rounds(ctx: PageCtx) -> PageResult {
    let d = app::grading::rounds(&ctx.app, &ctx.user).await?;
    Ok(RoundsView {
        chrome: ctx.chrome("grading"),
        csrf: ctx.csrf.clone(),
        d,
    }
    .into_response())
}

pub async fn open(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let input = OpenInput {
        name: f.get("name").into(),
        as_of: f.get("as_of").into(),
        usernames: f
            .get("usernames")
            .split([',', '，', '、', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    };
    match app::grading::open(&ctx.app, &ctx.user, &input).await {
        Ok(id) => ctx.redirect(
            &format!("/grading/{id}"),
            Ok("已开启定级轮次，评议任务已分配".into()),
        ),
        Err(e) => ctx.redirect("/grading", Err(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "people/round.html")]
struct RoundView {
    chrome: Option<Chrome>,
    csrf: String,
    d: RoundPage,
    levels: &'static [Level],
    steps: &'static [Step],
}

pub async fn round(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    let d = app::grading::round(&ctx.app, &ctx.user, id).await?;
    Ok(RoundView {
        chrome: ctx.chrome("grading"),
        csrf: ctx.csrf.clone(),
        d,
        levels: Level::ALL,
        steps: Step::ALL,
    }
    .into_response())
}

/// Exam scores: `username`, `score` repeated; blank scores are skipped.
pub async fn exams(ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let names: Vec<&str> = f.all("username").collect();
    let scores: Vec<&str> = f.all("score").collect();
    let mut input = Vec::new();
    let mut bad = None;
    for (i, (u, s)) in names.iter().zip(&scores).enumerate() {
        match s.trim() {
            "" => continue,
            v => match v.parse::<f64>() {
                Ok(score) => input.push(ExamInput {
                    username: u.to_string(),
                    score,
                }),
                Err(_) => {
                    bad = Some(AppError::invalid(
                        format!("exams[{i}].score"),
                        format!("{u} 的考试成绩「{v}」不是数字"),
                    ))
                }
            },
        }
    }
    let outcome = match bad {
        Some(e) => Err(e),
        None => app::grading::exams(&ctx.app, &ctx.user, id, &input).await,
    };
    ctx.redirect(
        &format!("/grading/{id}"),
        outcome.map(|n| format!("已录入 {n} 人的考试成绩")),
    )
}

pub async fn assign(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let input = AssignInput {
        candidate: f.get("candidate").into(),
        reviewer: f.get("reviewer").into(),
        group: f.get("group").into(),
        customer_code: f.get("customer_code").into(),
    };
    let outcome = app::grading::assign(&ctx.app, &ctx.user, id, &input).await;
    ctx.redirect(
        &format!("/grading/{id}"),
        outcome.map(|_| "已分配评议任务".into()),
    )
}

pub async fn publicize(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(_f): CsrfForm<Fields>,
) -> PageResult {
    let outcome = app::grading::publicize(&ctx.app, &ctx.user, id).await;
    ctx.redirect(
        &format!("/grading/{id}"),
        outcome.map(|u| format!("已公示，公示期至 {u}")),
    )
}

pub async fn appeal(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let outcome = app::grading::appeal(&ctx.app, &ctx.user, id, f.get("reason")).await;
    ctx.redirect(
        &format!("/grading/{id}"),
        outcome.map(|_| "申诉已提交，评议组将书面答复".into()),
    )
}

pub async fn decide_appeal(
    ctx: PageCtx, Path(aid): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let round: i64 = f.get("round").parse().unwrap_or(0);
    let exam = match f.get("exam_score").trim() {
        "" => Ok(None),
        v => v
            .parse::<f64>()
            .map(Some)
            .map_err(|_| AppError::invalid("exam_score", format!("更正成绩「{v}」不是数字"))),
    };
    let outcome = match exam {
        Ok(exam_score) => {
            let d = AppealDecision {
                upheld: f.get("upheld") == "1",
                answer: f.get("answer").into(),
                exam_score,
            };
            app::grading::decide_appeal(&ctx.app, &ctx.user, aid, &d).await
        }
        Err(e) => Err(e),
    };
    ctx.redirect(
        &format!("/grading/{round}"),
        outcome.map(|_| "申诉已答复".into()),
    )
}

/// The decision: per candidate an optional `level`/`step`/`reason` override.
pub async fn decide(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let names: Vec<&str> = f.all("username").collect();
    let levels: Vec<&str> = f.all("level").collect();
    let steps: Vec<&str> = f.all("step").collect();
    let reasons: Vec<&str> = f.all("reason").collect();
    let overrides: Vec<Override> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| !levels.get(*i).unwrap_or(&"").is_empty())
        .map(|(i, u)| Override {
            username: u.to_string(),
            level: levels.get(i).unwrap_or(&"").to_string(),
            step: steps.get(i).unwrap_or(&"").to_string(),
            reason: reasons.get(i).unwrap_or(&"").to_string(),
        })
        .collect();
    let outcome = app::grading::decide(&ctx.app, &ctx.user, id, &overrides).await;
    ctx.redirect(
        &format!("/grading/{id}"),
        outcome.map(|n| format!("已定级 {n} 人，待审批")),
    )
}

pub async fn approve(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(_f): CsrfForm<Fields>,
) -> PageResult {
    let outcome = app::grading::approve(&ctx.app, &ctx.user, id).await;
    ctx.redirect(
        &format!("/grading/{id}"),
        outcome.map(|n| format!("已审批，{n} 人的级档已记入档案")),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "people/reviews.html")]
struct ReviewsView {
    chrome: Option<Chrome>,
    csrf: String,
    d: ReviewsPage,
}

pub async fn reviews(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    let d = app::grading::reviews(&ctx.app, &ctx.user, id).await?;
    Ok(ReviewsView {
        chrome: ctx.chrome("grading"),
        csrf: ctx.csrf.clone(),
        d,
    }
    .into_response())
}

/// A score: `item` repeated in the rubric's order.
pub async fn score(
    ctx: PageCtx, Path(aid): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let round: i64 = f.get("round").parse().unwrap_or(0);
    let mut items = Vec::new();
    let mut bad = None;
    for (i, v) in f.all("item").enumerate() {
        match v.trim().parse::<f64>() {
            Ok(x) => items.push(x),
            Err(_) => {
                bad = Some(AppError::invalid(
                    format!("items[{i}]"),
                    format!("第 {} 项「{v}」不是数字", i + 1),
                ));
                break;
            }
        }
    }
    let outcome = match bad {
        Some(e) => Err(e),
        None => app::grading::score(&ctx.app, &ctx.user, aid, &items).await,
    };
    ctx.redirect(
        &format!("/grading/{round}/reviews"),
        outcome.map(|s| format!("已提交评分 {s} 分")),
    )
}
