//! The monthly tests' pages and forms.
use crate::extract::{CsrfForm, Fields, PageCtx, PageResult, Path};
use crate::page::Chrome;
use app::AppError;
use app::exam::{BankPage, Paper, QuestionInput, ResultsPage, TestInput, TestsPage};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::IntoResponse;
use domain::exam::{Category, QuestionKind};

#[derive(Template, WebTemplate)]
#[template(path = "tests/list.html")]
struct ListView {
    chrome: Option<Chrome>,
    csrf: String,
    d: TestsPage,
}

pub async fn list(ctx: PageCtx) -> PageResult {
    let d = app::exam::tests(&ctx.app, &ctx.user).await?;
    Ok(ListView {
        chrome: ctx.chrome("tests"),
        csrf: ctx.csrf.clone(),
        d,
    }
    .into_response())
}

pub async fn create(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let input = TestInput {
        month: f.get("month").into(),
        title: f.get("title").into(),
        opens_on: f.get("opens_on").into(),
    };
    let outcome = app::exam::create(&ctx.app, &ctx.user, &input).await;
    ctx.redirect("/tests", outcome.map(|_| "已设置本月测试".into()))
}

#[derive(Template, WebTemplate)]
#[template(path = "tests/bank.html")]
struct BankView {
    chrome: Option<Chrome>,
    csrf: String,
    d: BankPage,
    categories: &'static [Category],
    kinds: &'static [QuestionKind],
}

pub async fn bank(ctx: PageCtx) -> PageResult {
    let d = app::exam::bank(&ctx.app, &ctx.user).await?;
    Ok(BankView {
        chrome: ctx.chrome("tests"),
        csrf: ctx.csrf.clone(),
        d,
        categories: Category::ALL,
        kinds: QuestionKind::ALL,
    }
    .into_response())
}

/// A question from the form: options one per line, the right ones as letters (A, AC) or numbers.
fn question(f: &Fields) -> Result<QuestionInput, AppError> {
    let options: Vec<String> = f
        .get("options")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let mut answer = Vec::new();
    for ch in f
        .get("answer")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
    {
        let i = match ch {
            'A'..='H' => ch as usize - 'A' as usize,
            'a'..='h' => ch as usize - 'a' as usize,
            '1'..='8' => ch as usize - '1' as usize,
            '对' | '√' => 0,
            '错' | '×' => 1,
            _ => {
                return Err(AppError::invalid(
                    "answer",
                    format!("答案「{ch}」无效，请填选项字母"),
                ));
            }
        };
        answer.push(i);
    }
    Ok(QuestionInput {
        category: f.get("category").into(),
        kind: f.get("kind").into(),
        stem: f.get("stem").into(),
        options,
        answer,
        explanation: f.get("explanation").into(),
    })
}

pub async fn add_question(ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> PageResult {
    let outcome = match question(&f) {
        Ok(q) => app::exam::add_question(&ctx.app, &ctx.user, &q).await,
        Err(e) => Err(e),
    };
    ctx.redirect("/tests/bank", outcome.map(|id| format!("已添加试题 {id}")))
}

pub async fn set_active(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let active = f.get("active") == "1";
    let outcome = app::exam::set_active(&ctx.app, &ctx.user, id, active).await;
    ctx.redirect(
        "/tests/bank",
        outcome.map(|_| {
            if active {
                "已恢复试题".into()
            } else {
                "已停用试题".into()
            }
        }),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "tests/paper.html")]
struct PaperView {
    chrome: Option<Chrome>,
    csrf: String,
    id: i64,
    p: Option<Paper>,
    t: Option<app::exam::TestView>,
    can_take: bool,
}

pub async fn paper(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    let p = app::exam::paper(&ctx.app, &ctx.user, id).await?;
    let list = app::exam::tests(&ctx.app, &ctx.user).await?;
    let t = list.tests.into_iter().find(|t| t.row.id == id);
    if t.is_none() {
        return Err(AppError::NotFound(format!("测试 {id} 不存在")).into());
    }
    Ok(PaperView {
        chrome: ctx.chrome("tests"),
        csrf: ctx.csrf.clone(),
        id,
        p,
        t,
        can_take: list.can_take,
    }
    .into_response())
}

pub async fn start(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(_f): CsrfForm<Fields>,
) -> PageResult {
    let outcome = app::exam::start(&ctx.app, &ctx.user, id).await;
    ctx.redirect(
        &format!("/tests/{id}"),
        outcome.map(|p| format!("开始答题，请在 {} 分钟内提交", p.test.minutes)),
    )
}

/// The answers: `q{i}` repeated for each chosen option of question i.
pub async fn submit(
    ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>,
) -> PageResult {
    let n: usize = f.get("n").parse().unwrap_or(0);
    let mut answers = Vec::with_capacity(n);
    let mut bad = None;
    for i in 0..n {
        let mut chosen = Vec::new();
        for v in f.all(&format!("q{i}")) {
            match v.parse::<usize>() {
                Ok(x) => chosen.push(x),
                Err(_) => bad = Some(AppError::invalid(format!("answers[{i}]"), "选项无效")),
            }
        }
        answers.push(chosen);
    }
    let outcome = match bad {
        Some(e) => Err(e),
        None => app::exam::submit(&ctx.app, &ctx.user, id, &answers).await,
    };
    ctx.redirect(
        &format!("/tests/{id}"),
        outcome.map(|s| format!("已交卷，得分 {s}")),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "tests/results.html")]
struct ResultsView {
    chrome: Option<Chrome>,
    d: ResultsPage,
}

pub async fn results(ctx: PageCtx, Path(id): Path<i64>) -> PageResult {
    let d = app::exam::results(&ctx.app, &ctx.user, id).await?;
    Ok(ResultsView {
        chrome: ctx.chrome("tests"),
        d,
    }
    .into_response())
}
