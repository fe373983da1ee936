//! Submission (day 8, domain.md §7 ②) and supervision (§2.1): supervisors comment on or return a
//! rep's forecast, never change its numbers.
use super::check_window;
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::Month;
use domain::org::Role;
use serde::Serialize;
use store::audit;
use store::repo::forecasts::{self as repo, Submission};

/// The rep's submission of `target` (day 8): locks their records. A second submit changes nothing.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitOut {
    pub month: String,
    pub rep: String,
    pub status: String,
    pub pairs: i64,
    pub quantity: i64,
    pub locked_now: u64,
    pub already_submitted: bool,
}

pub async fn submit(app: &App, user: &CurrentUser, target: Month) -> AppResult<SubmitOut> {
    user.require(&[Role::AccountManager])?;
    check_window(app, target)?;
    let m = target.to_string();
    let mut tx = app.db.begin().await?;
    repo::serialize_rep(&mut tx, user.id).await?;
    let before = repo::submission(&mut tx, &m, user.id).await?;
    if let Some(s) = before.as_ref().filter(|s| s.status == "SUBMITTED") {
        return Ok(SubmitOut {
            month: m,
            rep: user.username.clone(),
            status: s.status.clone(),
            pairs: s.pairs,
            quantity: s.quantity,
            locked_now: 0,
            already_submitted: true,
        });
    }
    let now = app.clock.now();
    let locked = repo::lock_rep(&mut tx, &m, user.id, now).await?;
    let (pairs, quantity) = repo::rep_totals(&mut tx, &m, user.id).await?;
    let s = Submission {
        month: m.clone(),
        rep_id: user.id,
        status: "SUBMITTED".into(),
        pairs,
        quantity,
        submitted_at: now,
        returned_by: None,
        returned_at: None,
    };
    repo::put_submission(&mut tx, &s).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.submit",
        "forecast_submission",
        &format!("{m}/{}", user.username),
        before.as_ref(),
        Some(&s),
    )
    .await?;
    tx.commit().await?;
    Ok(SubmitOut {
        month: m,
        rep: user.username.clone(),
        status: s.status,
        pairs,
        quantity,
        locked_now: locked,
        already_submitted: false,
    })
}

/// May this supervisor supervise this rep (market manager of the rep's area, the county's
/// marketing director)?
async fn supervises(app: &App, user: &CurrentUser, rep: &store::model::Staff) -> AppResult<()> {
    let scope = Scope::of(&app.db, user).await?;
    let ok = match (user.role, scope) {
        (Role::MarketManager, Scope::Area(a)) => {
            rep.org_unit_id == Some(a) || rep.supervisor_id == Some(user.id)
        }
        (Role::MarketingDirector, Scope::County(c)) => {
            let reps = repo::county_reps(&app.db, c).await?;
            reps.iter().any(|r| r.id == rep.id)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "只有该客户经理的市场经理或营销部主任可以评论或退回其预测".into(),
        ))
    }
}

async fn rep_by_username(app: &App, username: &str) -> AppResult<store::model::Staff> {
    let s = store::repo::staff::by_username(&app.db, username.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("客户经理 {username} 不存在")))?;
    if s.role != Role::AccountManager.code() {
        return Err(AppError::invalid("rep", format!("{username} 不是客户经理")));
    }
    Ok(s)
}

/// A supervisor comments on a rep's forecast (§2.1 supervision).
pub async fn comment(
    app: &App, user: &CurrentUser, target: Month, rep: &domain::Username, body: &str,
) -> AppResult<i64> {
    let rep = rep_by_username(app, rep.as_str()).await?;
    supervises(app, user, &rep).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("comment", "评论不能为空"));
    }
    crate::limits::text(&app.policy().await?.limits, "comment", body)?;
    let mut tx = app.db.begin().await?;
    let id = repo::add_comment(
        &mut tx,
        &target.to_string(),
        rep.id,
        user.id,
        body,
        app.clock.now(),
    )
    .await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.comment",
        "forecast_submission",
        &format!("{target}/{}", rep.username),
        None::<&()>,
        Some(&body),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A supervisor returns a rep's submission with a comment: the records reopen for the rep; the
/// numbers stay the rep's. Not after balancing is published.
pub async fn return_submission(
    app: &App, user: &CurrentUser, target: Month, rep: &domain::Username, body: &str,
) -> AppResult<()> {
    let rep = rep_by_username(app, rep.as_str()).await?;
    supervises(app, user, &rep).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("comment", "退回须写明原因"));
    }
    crate::limits::text(&app.policy().await?.limits, "comment", body)?;
    let m = target.to_string();
    let mut tx = app.db.begin().await?;
    // Checked in the transaction that writes, with the run's row locked: a publication cannot
    // come between the check and the return.
    if store::repo::supply::run_state_locked(&mut tx, &m)
        .await?
        .is_some_and(|s| s == "PUBLISHED")
    {
        return Err(AppError::Conflict("修正平衡已发布，不能再退回".into()));
    }
    repo::serialize_rep(&mut tx, rep.id).await?;
    let before = repo::submission(&mut tx, &m, rep.id).await?;
    let Some(mut s) = before.clone().filter(|s| s.status == "SUBMITTED") else {
        return Err(AppError::Conflict(format!(
            "{} 的 {m} 预测尚未提交，无需退回",
            rep.username
        )));
    };
    let now = app.clock.now();
    repo::unlock_rep(&mut tx, &m, rep.id).await?;
    s.status = "RETURNED".into();
    s.returned_by = Some(user.id);
    s.returned_at = Some(now);
    repo::put_submission(&mut tx, &s).await?;
    repo::add_comment(&mut tx, &m, rep.id, user.id, body, now).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "forecast.return",
        "forecast_submission",
        &format!("{m}/{}", rep.username),
        before.as_ref(),
        Some(&s),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
