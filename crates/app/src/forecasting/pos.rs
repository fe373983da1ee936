//! The retailers' POS credentials (客户提报): issuing a token, checking it with a lockout after
//! repeated failures, and the self-report sheet behind it (domain.md §5.1).
use super::{retailer, working_month};
use crate::{App, AppError, AppResult, CurrentUser};
use domain::Month;
use domain::org::Role;
use serde::Serialize;
use store::audit;
use store::repo::forecasts as repo;

/// The retailer a POS credential belongs to; an unknown code and a wrong token are refused alike
/// (401), so the answer does not tell which customer codes exist. After
/// `pos_max_failed_attempts` wrong credentials for a code within `pos_lockout_minutes`, the code
/// is refused (429) until that window ends, even with the right token, so tokens cannot be
/// guessed by trying.
///
/// The code stays a `&str` here (not a `CustomerCode`) on purpose: a malformed code must get
/// the same 401 as an unknown code or a wrong token, so it is parsed nowhere before this check.
pub(crate) async fn pos_retailer(
    app: &App, code: &str, token: &str,
) -> AppResult<store::model::Retailer> {
    let policy = app.policy().await?.forecast;
    let key = code.trim().to_uppercase();
    let now = app.clock.now();
    let window = chrono::Duration::minutes(i64::from(policy.pos_lockout_minutes));
    let max = policy.pos_max_failed_attempts;
    let locked = app.pos_failures.locked(&key, now, max, window).is_some();
    if locked {
        return Err(AppError::TooManyRequests(format!(
            "客户编码 {} 的凭证连续错误 {} 次，已锁定 {} 分钟，请稍后再试或联系客户经理重新发放凭证",
            code.trim(),
            policy.pos_max_failed_attempts,
            policy.pos_lockout_minutes
        )));
    }
    let found = match store::repo::retailer::by_code(&app.db, code.trim()).await? {
        Some(r) => match repo::credential(&app.db, r.id).await? {
            Some(h) if verify_token(token.trim(), &h) => Some(r),
            _ => None,
        },
        None => None,
    };
    match found {
        Some(_) => app.pos_failures.clear(&key),
        None => app.pos_failures.fail(&key, now, window),
    }
    found.ok_or(AppError::Unauthorized)
}

/// One SKU on the retailer's self-report page.
#[derive(Debug, Clone, Serialize)]
pub struct PosSheetLine {
    pub sku: String,
    pub name: String,
    /// Demand of the months of [`PosSheet::months`], oldest first.
    pub history: Vec<i64>,
    /// The retailer's current self-report for the target month, if any.
    pub self_report_qty: Option<i64>,
}

/// What the retailer's self-report page (客户提报) shows once its credential is checked: the
/// SKUs it usually buys (demand in the last three complete months, or a forecast record of the
/// target month) with those months' demand for guidance.
#[derive(Debug, Clone, Serialize)]
pub struct PosSheet {
    pub code: String,
    pub name: String,
    pub months: Vec<String>,
    pub lines: Vec<PosSheetLine>,
}

/// The self-report sheet of a retailer, behind its POS credential (401 otherwise). The code is
/// the retailer's as typed, checked by `pos_retailer` (which says why it is not a `CustomerCode`).
pub async fn pos_sheet(
    app: &App, retailer_code: &str, token: &str, target: Month,
) -> AppResult<PosSheet> {
    let r = pos_retailer(app, retailer_code, token).await?;
    let last = working_month(target).prev();
    let months: Vec<String> = (0..3).rev().map(|i| last.plus(-i).to_string()).collect();
    let mut by: std::collections::BTreeMap<String, PosSheetLine> = Default::default();
    let line = |sku: &str, brand: &str, spec: &str| PosSheetLine {
        sku: sku.to_string(),
        name: format!("{brand} {spec}"),
        history: vec![0; months.len()],
        self_report_qty: None,
    };
    for d in repo::retailer_demand(&app.db, r.id, &months[0], &months[2]).await? {
        let e = by
            .entry(d.sku_code.clone())
            .or_insert_with(|| line(&d.sku_code, &d.brand, &d.spec_name));
        if let Some(i) = months.iter().position(|x| *x == d.month) {
            e.history[i] += d.demanded;
        }
    }
    for rec in repo::retailer_records(&app.db, r.id, &target.to_string()).await? {
        let e = by
            .entry(rec.sku_code.clone())
            .or_insert_with(|| line(&rec.sku_code, &rec.brand, &rec.spec_name));
        e.self_report_qty = rec.self_report_qty;
    }
    let mut lines: Vec<PosSheetLine> = by.into_values().collect();
    lines.sort_by(|a, b| {
        b.history
            .iter()
            .sum::<i64>()
            .cmp(&a.history.iter().sum::<i64>())
            .then_with(|| a.sku.cmp(&b.sku))
    });
    Ok(PosSheet {
        code: r.customer_code,
        name: r.name,
        months,
        lines,
    })
}

fn verify_token(token: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(token.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Issue (or replace) a retailer's POS credential: the retailer's rep or the marketing center.
/// The token is answered once and only its argon2 hash is kept.
pub async fn issue_pos_token(
    app: &App, user: &CurrentUser, retailer_code: &domain::CustomerCode,
) -> AppResult<String> {
    let r = retailer(app, retailer_code).await?;
    let allowed = match user.role {
        Role::AccountManager => r.account_manager_id == Some(user.id),
        Role::MarketingCenter | Role::Admin => true,
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "只有该客户的客户经理或营销中心可以发放 POS 凭证".into(),
        ));
    }
    let token = crate::auth::random_hex(24);
    let hash = crate::auth::hash_password(&token)?;
    let mut tx = app.db.begin().await?;
    repo::set_credential(&mut tx, r.id, &hash, user.id, app.clock.now()).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "credential.issue",
        "retailer_credential",
        &r.customer_code,
        None::<&()>,
        Some(&"issued"),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}
