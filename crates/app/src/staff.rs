//! People: the list a person may see, and adding a person (with its trace).
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use chrono::Utc;
use domain::org::Role;
use serde::Serialize;

/// A person as lists show them.
#[derive(Debug, Clone, Serialize)]
pub struct StaffView {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub role_zh: String,
    pub org_unit: Option<String>,
    pub supervisor: Option<String>,
    pub active: bool,
}

/// Everyone the person may see: the company for company-wide roles, the area for a market
/// manager, the county for county roles, oneself and one's supervisor for a rep.
pub async fn visible(app: &App, user: &CurrentUser) -> AppResult<Vec<StaffView>> {
    let all = store::repo::staff::list(&app.db, None, None).await?;
    let units = store::repo::staff::org_units(&app.db).await?;
    let unit_name =
        |id: Option<i64>| id.and_then(|i| units.iter().find(|u| u.id == i).map(|u| u.name.clone()));
    let parent = |id: Option<i64>| {
        id.and_then(|i| units.iter().find(|u| u.id == i).and_then(|u| u.parent_id))
    };
    let scope = Scope::of(&app.db, user).await?;
    let me = all.iter().find(|s| s.id == user.id).cloned();
    let keep = |s: &store::model::Staff| match scope {
        Scope::Company => true,
        Scope::Area(a) => s.org_unit_id == Some(a),
        Scope::County(c) => s.org_unit_id == Some(c) || parent(s.org_unit_id) == Some(c),
        Scope::Rep(id) => s.id == id || me.as_ref().and_then(|m| m.supervisor_id) == Some(s.id),
    };
    Ok(all
        .iter()
        .filter(|s| keep(s))
        .map(|s| StaffView {
            id: s.id,
            username: s.username.clone(),
            name: s.name.clone(),
            role: s.role.clone(),
            role_zh: Role::parse(&s.role)
                .map(|r| r.zh().to_string())
                .unwrap_or_else(|_| s.role.clone()),
            org_unit: unit_name(s.org_unit_id),
            supervisor: s
                .supervisor_id
                .and_then(|sid| all.iter().find(|x| x.id == sid).map(|x| x.name.clone())),
            active: s.active,
        })
        .collect())
}

/// A person to add (`m135 user add`, or the administrator's page).
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub org_unit_code: Option<String>,
    pub supervisor_username: Option<String>,
    pub password: String,
}

/// Add a person; the trace names `actor`.
pub async fn add(app: &App, actor: &store::audit::Actor, n: &NewStaff) -> AppResult<i64> {
    let username = domain::Username::parse(&n.username)?;
    if n.name.trim().is_empty() {
        return Err(AppError::invalid("姓名", "不能为空"));
    }
    let policy = app.policy().await?.signin;
    crate::auth::check_new_password(&policy, username.as_str(), &n.password)?;
    if store::repo::staff::by_username(&app.db, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!("用户名 {username} 已存在")));
    }
    let units = store::repo::staff::org_units(&app.db).await?;
    let org_unit_id = match &n.org_unit_code {
        Some(code) => Some(
            units
                .iter()
                .find(|u| &u.code == code)
                .map(|u| u.id)
                .ok_or_else(|| AppError::invalid("机构", format!("机构编码 {code} 不存在")))?,
        ),
        None => None,
    };
    if matches!(
        n.role,
        Role::AccountManager
            | Role::MarketManager
            | Role::MonopolyOfficer
            | Role::MarketingDirector
    ) && org_unit_id.is_none()
    {
        return Err(AppError::invalid(
            "机构",
            format!("{}必须指定所属机构", n.role.zh()),
        ));
    }
    let supervisor_id = match &n.supervisor_username {
        Some(u) => Some(
            store::repo::staff::by_username(&app.db, u)
                .await?
                .ok_or_else(|| AppError::invalid("上级", format!("用户 {u} 不存在")))?
                .id,
        ),
        None => None,
    };
    let row = store::model::Staff {
        id: 0,
        username: username.as_str().to_string(),
        name: n.name.trim().to_string(),
        role: n.role.code().to_string(),
        org_unit_id,
        supervisor_id,
        employment_type: domain::org::EmploymentType::Permanent.code().to_string(),
        hired_on: Some(app.clock.today()),
        phone: None,
        password_hash: crate::auth::hash_password(&n.password)?,
        active: true,
        created_at: Utc::now(),
        // Issued by someone else: its owner chooses their own at the first sign-in.
        must_change_password: true,
    };
    let mut tx = app.db.begin().await?;
    let id = store::repo::staff::insert(&mut tx, &row).await?;
    let after = store::model::Staff { id, ..row };
    store::audit::record(
        &mut tx,
        actor,
        "create",
        "staff",
        &after.username,
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
