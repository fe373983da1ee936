//! The satisfaction survey's pages and forms.
use super::{WaveParams, answers_of};
use crate::AppState;
use crate::error::{shown_in_place, status_of};
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path, Query, csrf_token};
use crate::page::{Chrome, done_or_shown};
use app::AppError;
use app::satisfaction::{PosSurvey, SatisfactionPage, WaveInput};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tower_sessions::Session;

#[derive(Template, WebTemplate)]
#[template(path = "satisfaction/page.html")]
struct Page {
    chrome: Option<Chrome>,
    csrf: String,
    p: SatisfactionPage,
    message: Option<String>,
}

async fn render(ctx: &PageCtx, wave: Option<i64>, message: Option<String>) -> PageResult {
    let p = app::satisfaction::page(&ctx.app, &ctx.user, wave).await?;
    Ok(Page {
        chrome: ctx.chrome("satisfaction"),
        csrf: ctx.csrf.clone(),
        p,
        message,
    }
    .into_response())
}

pub async fn page(ctx: PageCtx, Query(q): Query<WaveParams>) -> PageResult {
    render(&ctx, q.wave, None).await
}

pub async fn open(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = match f.get("sample_pct") {
        "" => Ok(None),
        v => v
            .parse::<f64>()
            .map(Some)
            .map_err(|_| AppError::invalid("sample_pct", format!("抽样比例「{v}」不是数字"))),
    };
    let outcome = match outcome {
        Ok(pct) => {
            let input = WaveInput {
                title: f.get("title").into(),
                month: f.get("month").into(),
                closes_on: f.get("closes_on").into(),
                sample_pct: pct,
            };
            app::satisfaction::open(&ctx.app, &ctx.user, &input).await
        }
        Err(e) => Err(e),
    };
    let to = match &outcome {
        Ok(w) => format!("/satisfaction?wave={}", w.id),
        Err(_) => "/satisfaction".into(),
    };
    done_or_shown(outcome, &to, |m| render(&ctx, None, Some(m))).await
}

pub async fn paper(ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = match app::satisfaction::page(&ctx.app, &ctx.user, Some(id)).await {
        Ok(p) => match p.questionnaire {
            Some(q) => {
                let answers = answers_of(&f, &q);
                app::satisfaction::paper_answer(
                    &ctx.app,
                    &ctx.user,
                    id,
                    f.get("customer_code"),
                    &answers,
                )
                .await
            }
            None => Err(AppError::NotFound(format!("满意度调查 {id} 不存在"))),
        },
        Err(e) => Err(e),
    };
    done_or_shown(outcome, &format!("/satisfaction?wave={id}"), |m| {
        render(&ctx, Some(id), Some(m))
    })
    .await
}

/// The retailer's answer page: no staff session; the customer code and the POS credential open
/// the questionnaire of its open wave.
#[derive(Template, WebTemplate)]
#[template(path = "satisfaction/pos.html")]
struct PosPage {
    chrome: Option<Chrome>,
    csrf: String,
    code: String,
    token: String,
    survey: Option<PosSurvey>,
    done: Option<f64>,
    error: Option<String>,
}

const POS_REFUSED: &str = "客户编码或凭证不正确；请向客户经理索取 POS 凭证";

pub async fn pos_page(session: Session) -> axum::response::Response {
    PosPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        code: String::new(),
        token: String::new(),
        survey: None,
        done: None,
        error: None,
    }
    .into_response()
}

/// Without answers: check the credential and show the questionnaire. With them (`submit`):
/// store the answer, then thank.
pub async fn pos_post(
    State(s): State<AppState>, session: Session, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let (code, token) = (f.get("code").to_string(), f.get("token").to_string());
    let mut page = PosPage {
        chrome: None,
        csrf: csrf_token(&session).await,
        code: code.clone(),
        token: String::new(),
        survey: None,
        done: None,
        error: None,
    };
    let survey = match app::satisfaction::pos_survey(&s.app, &code, &token).await {
        Ok(v) => v,
        Err(AppError::Unauthorized) => {
            page.error = Some(POS_REFUSED.into());
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
        Err(e) if shown_in_place(&e) => {
            page.error = Some(e.to_string());
            return Ok((status_of(&e).0, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if f.get("submit") == "1" {
        let answers = answers_of(&f, &survey.questionnaire);
        match app::satisfaction::pos_answer(&s.app, &code, &token, &answers).await {
            Ok(score) => {
                page.done = Some(score);
                return Ok(page.into_response());
            }
            Err(e) if shown_in_place(&e) => {
                page.error = Some(e.to_string());
                let status = status_of(&e).0;
                page.token = token;
                page.survey = Some(survey);
                return Ok((status, page).into_response());
            }
            Err(e) => return Err(e.into()),
        }
    }
    page.token = token;
    page.survey = Some(survey);
    Ok(page.into_response())
}
