//! Retailer (零售客户) master-data enums, domain.md §3.1.
use crate::code_enum;

code_enum!(
    /// 经营业态 — the 7 national business formats (§3.1.1).
    BusinessFormat, "经营业态" {
        Grocery => ("GROCERY", "食杂店"),
        Convenience => ("CONVENIENCE", "便利店"),
        Supermarket => ("SUPERMARKET", "超市"),
        Mall => ("MALL", "商场"),
        TobaccoLiquor => ("TOBACCO_LIQUOR", "烟酒商店"),
        Entertainment => ("ENTERTAINMENT", "娱乐服务类"),
        Other => ("OTHER", "其他类"),
    }
);

code_enum!(
    /// 市场类型 — urban (城镇/城网) or rural (乡村/农网).
    MarketType, "市场类型" {
        Urban => ("URBAN", "城镇"),
        Rural => ("RURAL", "乡村"),
    }
);

code_enum!(
    /// 城乡分类代码 — 7-value urban–rural classification (§3.1.2).
    UrbanRuralCode, "城乡分类代码" {
        MainUrban => ("MAIN_URBAN", "主城区"),
        UrbanRuralFringe => ("URBAN_RURAL_FRINGE", "城乡结合区"),
        TownCenter => ("TOWN_CENTER", "镇中心区"),
        TownVillageFringe => ("TOWN_VILLAGE_FRINGE", "镇乡接合区"),
        SpecialZone => ("SPECIAL_ZONE", "特殊区域"),
        TownshipCenter => ("TOWNSHIP_CENTER", "乡中心区"),
        Village => ("VILLAGE", "村庄"),
    }
);

code_enum!(
    /// 经营规模 (§3.1).
    BusinessScale, "经营规模" {
        Large => ("LARGE", "大"),
        Medium => ("MEDIUM", "中"),
        Small => ("SMALL", "小"),
    }
);

code_enum!(
    /// 商圈类型 (§3.1).
    BusinessDistrict, "商圈类型" {
        Residential => ("RESIDENTIAL", "居民区"),
        Commercial => ("COMMERCIAL", "商业(集贸)区"),
        TransportHub => ("TRANSPORT_HUB", "交通枢纽"),
        School => ("SCHOOL", "学校周边"),
        Tourist => ("TOURIST", "旅游景区"),
        Industrial => ("INDUSTRIAL", "工矿企业"),
        UrbanRuralFringe => ("FRINGE", "城乡结合部"),
    }
);

code_enum!(
    /// 订货周期 (§3.1.4).
    OrderCycle, "订货周期" {
        Weekly => ("WEEKLY", "一周一订"),
        BiweeklyOdd => ("BIWEEKLY_ODD", "两周一订(单周)"),
        BiweeklyEven => ("BIWEEKLY_EVEN", "两周一订(双周)"),
        TwiceWeekly => ("TWICE_WEEKLY", "一周两订"),
        Monthly => ("MONTHLY", "一月一订"),
    }
);

impl OrderCycle {
    /// Biweekly retailers count twice in tier counts and get 2× the weekly quota (§3.1.4, §4.3).
    pub fn is_biweekly(self) -> bool {
        matches!(self, OrderCycle::BiweeklyOdd | OrderCycle::BiweeklyEven)
    }

    /// Whether the retailer orders in the ISO week numbered `week`.
    pub fn orders_in_week(self, week: u32, week_of_month: u32) -> bool {
        match self {
            OrderCycle::Weekly | OrderCycle::TwiceWeekly => true,
            OrderCycle::BiweeklyOdd => week % 2 == 1,
            OrderCycle::BiweeklyEven => week.is_multiple_of(2),
            OrderCycle::Monthly => week_of_month == 1,
        }
    }
}

code_enum!(
    /// 信用等级 (§3.1.3).
    CreditGrade, "信用等级" {
        Aaa => ("AAA", "AAA 信用典范"),
        Aa => ("AA", "AA 信用优良"),
        A => ("A", "A 信用较好"),
        B => ("B", "B 信用一般"),
        C => ("C", "C 信用缺失"),
        D => ("D", "D 严重失信"),
    }
);

code_enum!(
    /// 守法等级 — maintained by 专卖, read-only for reps (§3.1.3).
    ComplianceGrade, "守法等级" {
        A => ("A", "A 级"),
        B => ("B", "B 级"),
        C => ("C", "C 级"),
        W => ("W", "W 级"),
    }
);

code_enum!(
    /// 终端等级 (§3.1).
    TerminalLevel, "终端等级" {
        Normal => ("NORMAL", "普通终端"),
        Modern => ("MODERN", "现代终端"),
        Franchise => ("FRANCHISE", "加盟店"),
        Direct => ("DIRECT", "直营店"),
    }
);

code_enum!(
    /// 经营状态 (§3.1).
    BusinessStatus, "经营状态" {
        Operating => ("OPERATING", "正常经营"),
        Suspended => ("SUSPENDED", "暂停营业"),
        Closed => ("CLOSED", "已歇业"),
    }
);
