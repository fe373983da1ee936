//! Organisation and roles (domain.md §2).
use crate::code_enum;

code_enum!(
    /// A person's role on the platform (design.md §1, domain.md §2.1).
    Role, "角色" {
        AccountManager => ("account_manager", "客户经理"),
        MarketManager => ("market_manager", "市场经理"),
        BrandManager => ("brand_manager", "品牌经理"),
        MarketingCenter => ("marketing_center", "营销中心"),
        MonopolyOfficer => ("monopoly_officer", "专卖人员"),
        MarketingDirector => ("marketing_director", "营销主任"),
        Admin => ("admin", "系统管理员"),
    }
);

impl Role {
    /// Roles that see the whole company's data.
    pub fn sees_company(self) -> bool {
        matches!(
            self,
            Role::MarketingCenter | Role::Admin | Role::BrandManager | Role::MonopolyOfficer
        )
    }
}

code_enum!(
    /// Kind of organisation unit: company → 营销中心 / 县级营销部 → 市场部 (area).
    OrgKind, "机构类型" {
        Company => ("COMPANY", "市公司"),
        MarketingCenter => ("MARKETING_CENTER", "营销中心"),
        County => ("COUNTY", "县级营销部"),
        Area => ("AREA", "市场部"),
    }
);

code_enum!(
    /// 正式工 / 聘用工 (domain.md §11.4).
    EmploymentType, "用工类型" {
        Permanent => ("PERMANENT", "正式工"),
        Contract => ("CONTRACT", "聘用工"),
    }
);
