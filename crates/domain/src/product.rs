//! Product (卷烟规格) enums and the price-class rule, domain.md §3.3.
use crate::code_enum;
use crate::config::PriceClassThresholds;
use crate::money::Fen;

code_enum!(
    /// 价类 (§3.3.1), by ex-tax transfer price per 条.
    PriceClass, "价类" {
        Class1 => ("CLASS_1", "一类"),
        Class2 => ("CLASS_2", "二类"),
        Class3 => ("CLASS_3", "三类"),
        Class4 => ("CLASS_4", "四类"),
        Class5 => ("CLASS_5", "五类"),
    }
);

impl PriceClass {
    /// §3.3.1: class from the ex-tax transfer price per 条; thresholds are configuration.
    pub fn from_transfer_price(price: Fen, t: &PriceClassThresholds) -> PriceClass {
        if price >= t.class1_min {
            PriceClass::Class1
        } else if price >= t.class2_min {
            PriceClass::Class2
        } else if price >= t.class3_min {
            PriceClass::Class3
        } else if price >= t.class4_min {
            PriceClass::Class4
        } else {
            PriceClass::Class5
        }
    }

    /// 1..=5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

code_enum!(
    /// 货源状态 (§3.3).
    SupplyStatus, "货源状态" {
        Tight => ("TIGHT", "紧俏"),
        Balanced => ("BALANCED", "平衡"),
        Ample => ("AMPLE", "宽松"),
        Slow => ("SLOW", "滞销"),
    }
);

code_enum!(
    /// 投放方式 (§4.2).
    AllocationMode, "投放方式" {
        UniformByTier => ("A", "按档位统一投放"),
        ByTierCounty => ("B1", "档位+区县"),
        ByTierMarketType => ("B2", "档位+市场类型"),
        ByTierCountyMarketType => ("B3", "档位+区县+市场类型"),
        ByTierUrbanRural => ("B4", "档位+城乡分类代码"),
        ByTierFormat => ("B5", "档位+业态"),
        OnDemand => ("C", "按需投放"),
    }
);

code_enum!(
    /// 品规状态 — 品牌进退 (§3.3).
    SkuStatus, "品规状态" {
        Active => ("ACTIVE", "在销"),
        Exiting => ("EXITING", "拟退出"),
        Delisted => ("DELISTED", "已退市"),
    }
);

code_enum!(
    /// 烟支类型 (§3.3).
    StickType, "烟支类型" {
        Regular => ("REGULAR", "常规"),
        Slim => ("SLIM", "细支"),
        Medium => ("MEDIUM", "中支"),
        Short => ("SHORT", "短支"),
    }
);

code_enum!(
    /// 品牌定位 — brand ladder (§3.3).
    BrandPosition, "品牌定位" {
        Leading => ("LEADING", "主导"),
        Guard => ("GUARD", "护卫"),
        Potential => ("POTENTIAL", "潜力"),
        Exit => ("EXIT", "拟退"),
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_classes_from_default_thresholds() {
        let t = PriceClassThresholds::default();
        assert_eq!(
            PriceClass::from_transfer_price(Fen::from_yuan(100), &t),
            PriceClass::Class1
        );
        assert_eq!(
            PriceClass::from_transfer_price(Fen(9999), &t),
            PriceClass::Class2
        );
        assert_eq!(
            PriceClass::from_transfer_price(Fen::from_yuan(70), &t),
            PriceClass::Class2
        );
        assert_eq!(
            PriceClass::from_transfer_price(Fen::from_yuan(30), &t),
            PriceClass::Class3
        );
        assert_eq!(
            PriceClass::from_transfer_price(Fen::from_yuan(20), &t),
            PriceClass::Class4
        );
        assert_eq!(
            PriceClass::from_transfer_price(Fen(1649), &t),
            PriceClass::Class5
        );
        assert_eq!(PriceClass::parse("三类").unwrap(), PriceClass::Class3);
        assert_eq!(PriceClass::Class3.number(), 3);
    }
}
