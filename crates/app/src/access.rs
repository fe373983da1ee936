//! Who is asking, and which rows they may see (row-level access).
//!
//! - 客户经理 sees only the retailers assigned to them;
//! - 市场经理 only the retailers of their market area (市场部);
//! - 营销主任 and 专卖人员 the retailers of their county department;
//! - 营销中心, 品牌经理 and the administrator the whole company.
use crate::{AppError, AppResult};
use domain::org::Role;
use serde::Serialize;
use store::Db;
use store::repo::ScopeIds;

/// Everyone but 专卖人员: the readers of the market's figures (programmes, surveys, restoration).
pub(crate) const MARKET_READERS: [Role; 6] = [
    Role::AccountManager,
    Role::MarketManager,
    Role::MarketingDirector,
    Role::MarketingCenter,
    Role::BrandManager,
    Role::Admin,
];
/// Who records in the field for a retailer of their scope: its rep, their market manager, the
/// centre, the admin.
pub(crate) const FIELD_WRITERS: [Role; 4] = [
    Role::AccountManager,
    Role::MarketManager,
    Role::MarketingCenter,
    Role::Admin,
];
/// The marketing centre and the administrator (designs, draws, survey panels).
pub(crate) const CENTER: [Role; 2] = [Role::MarketingCenter, Role::Admin];

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub org_unit_id: Option<i64>,
    /// The password was issued by someone else and must be changed before anything else.
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn from_staff(s: &store::model::Staff) -> AppResult<CurrentUser> {
        Ok(CurrentUser {
            id: s.id,
            username: s.username.clone(),
            name: s.name.clone(),
            role: Role::parse(&s.role)
                .map_err(|_| AppError::Forbidden(format!("账号 {} 的角色无效", s.username)))?,
            org_unit_id: s.org_unit_id,
            must_change_password: s.must_change_password,
        })
    }

    pub fn actor(&self) -> store::audit::Actor {
        store::audit::Actor {
            id: Some(self.id),
            username: self.username.clone(),
        }
    }

    pub fn require(&self, roles: &[Role]) -> AppResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "{}无权进行此操作",
                self.role.zh()
            )))
        }
    }
}

/// The part of the company a person's queries cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    Rep(i64),
    Area(i64),
    County(i64),
    Company,
}

impl Scope {
    /// The scope of a person; a county-level role's county is found from its org unit.
    pub async fn of(db: &Db, user: &CurrentUser) -> AppResult<Scope> {
        Ok(match user.role {
            Role::AccountManager => Scope::Rep(user.id),
            Role::MarketManager => Scope::Area(user.org_unit_id.ok_or_else(|| no_org(user))?),
            Role::MarketingDirector | Role::MonopolyOfficer => {
                let unit = user.org_unit_id.ok_or_else(|| no_org(user))?;
                Scope::County(county_of(db, unit).await?)
            }
            Role::MarketingCenter | Role::BrandManager | Role::Admin => Scope::Company,
        })
    }

    pub fn ids(self) -> ScopeIds {
        match self {
            Scope::Rep(id) => ScopeIds {
                rep_id: Some(id),
                ..ScopeIds::default()
            },
            Scope::Area(id) => ScopeIds {
                area_id: Some(id),
                ..ScopeIds::default()
            },
            Scope::County(id) => ScopeIds {
                county_id: Some(id),
                ..ScopeIds::default()
            },
            Scope::Company => ScopeIds::default(),
        }
    }

    /// The level one down and the retailer column that holds it: (label, column); `None` for a
    /// rep, whose level down is their retailers.
    pub fn children(self) -> Option<(&'static str, &'static str)> {
        match self {
            Scope::Rep(_) => None,
            Scope::Area(_) => Some(("客户经理", "account_manager_id")),
            Scope::County(_) => Some(("市场部", "area_id")),
            Scope::Company => Some(("营销部", "county_id")),
        }
    }

    /// The message of a refusal for a row outside this scope.
    pub fn refusal(self) -> &'static str {
        match self {
            Scope::Rep(_) => "该零售客户不属于您的辖区",
            Scope::Area(_) => "该零售客户不在您负责的市场部",
            Scope::County(_) => "该零售客户不在您所在的营销部",
            Scope::Company => "无权访问",
        }
    }
}

fn no_org(user: &CurrentUser) -> AppError {
    AppError::Forbidden(format!("账号 {} 未分配所属机构", user.username))
}

/// Walk up from an org unit to its county department (the unit itself if it is one).
pub(crate) async fn county_of(db: &Db, mut unit: i64) -> AppResult<i64> {
    for _ in 0..8 {
        let u = store::repo::staff::org_unit(db, unit)
            .await?
            .ok_or_else(|| AppError::NotFound("所属机构不存在".into()))?;
        if u.kind == domain::org::OrgKind::County.code() {
            return Ok(u.id);
        }
        match u.parent_id {
            Some(p) => unit = p,
            None => break,
        }
    }
    Err(AppError::Forbidden("所属机构不在任何县级营销部之下".into()))
}

/// The names of the org units and of the reps (「姓名（账号）」), to label places and groups.
pub(crate) struct Names {
    pub units: std::collections::HashMap<i64, String>,
    pub reps: std::collections::HashMap<i64, String>,
}

impl Names {
    pub(crate) async fn load(db: &Db) -> AppResult<Names> {
        Ok(Names {
            units: store::repo::staff::org_units(db)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect(),
            reps: store::repo::staff::list(db, Some(Role::AccountManager.code()), None)
                .await?
                .into_iter()
                .map(|s| (s.id, format!("{}（{}）", s.name, s.username)))
                .collect(),
        })
    }

    /// The name of a place held in a retailer column ([`Scope::children`]).
    pub(crate) fn of(&self, column: &str, id: i64) -> String {
        let map = match column {
            "account_manager_id" => &self.reps,
            _ => &self.units,
        };
        map.get(&id).cloned().unwrap_or_else(|| "未分配".into())
    }
}
