//! Retailers (零售客户): search and the retailer page, under row-level access.
use crate::{App, AppError, AppResult, CurrentUser, Scope};
use domain::retailer::*;
use domain::{CustomerCode, Month, Tier};
use serde::Serialize;
use store::model::{ClassHistory, Retailer, TierHistory};
use store::repo::retailer::{RetailerFilter, RetailerListRow};

/// The list's search and filters, parsed at the edge.
#[derive(Debug, Clone, Default)]
pub struct RetailerQuery {
    pub q: Option<String>,
    pub tier_min: Option<Tier>,
    pub tier_max: Option<Tier>,
    pub business_format: Option<BusinessFormat>,
    pub market_type: Option<MarketType>,
    pub county_id: Option<i64>,
    pub area_id: Option<i64>,
    pub rep: Option<String>,
    pub sample_point: Option<bool>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

pub const MAX_PER_PAGE: u32 = 200;

/// A list row with Chinese labels.
#[derive(Debug, Clone, Serialize)]
pub struct RetailerListItem {
    #[serde(flatten)]
    pub row: RetailerListRow,
    pub business_format_zh: String,
    pub market_type_zh: String,
    pub business_scale_zh: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
}

pub async fn search(
    app: &App, user: &CurrentUser, q: &RetailerQuery,
) -> AppResult<Page<RetailerListItem>> {
    let scope = Scope::of(&app.db, user).await?;
    let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
    let page = q.page.max(1);
    let rep_id = match &q.rep {
        Some(u) if !u.trim().is_empty() => Some(
            store::repo::staff::by_username(&app.db, u.trim())
                .await?
                .ok_or_else(|| AppError::invalid("rep", format!("客户经理 {u} 不存在")))?
                .id,
        ),
        _ => None,
    };
    let filter = RetailerFilter {
        q: q.q.clone().filter(|s| !s.trim().is_empty()),
        tier_min: q.tier_min.map(i64::from),
        tier_max: q.tier_max.map(i64::from),
        business_format: q.business_format.map(|f| f.code().to_string()),
        market_type: q.market_type.map(|m| m.code().to_string()),
        county_id: q.county_id,
        area_id: q.area_id,
        rep_id,
        sample_point: q.sample_point,
    };
    let (rows, total) = store::repo::retailer::search(
        &app.db,
        scope.ids(),
        &filter,
        per_page as i64,
        ((page - 1) * per_page) as i64,
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|row| RetailerListItem {
            business_format_zh: label(BusinessFormat::parse(&row.business_format).map(|v| v.zh())),
            market_type_zh: label(MarketType::parse(&row.market_type).map(|v| v.zh())),
            business_scale_zh: label(BusinessScale::parse(&row.business_scale).map(|v| v.zh())),
            row,
        })
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
        pages: ((total as u32).div_ceil(per_page)).max(1),
    })
}

fn label(r: Result<&'static str, domain::ParseError>) -> String {
    r.map(str::to_string).unwrap_or_else(|_| "—".to_string())
}

/// One month of a retailer's purchases.
#[derive(Debug, Clone, Serialize)]
pub struct MonthPoint {
    pub month: String,
    pub demanded: i64,
    pub supplied: i64,
    pub amount_fen: i64,
}

/// A top SKU of the retailer over the last three months.
#[derive(Debug, Clone, Serialize)]
pub struct SkuLine {
    pub sku_code: String,
    pub brand: String,
    pub spec_name: String,
    pub price_class_zh: String,
    pub demanded: i64,
    pub supplied: i64,
    pub amount_fen: i64,
}

/// Everything the retailer page shows.
#[derive(Debug, Clone, Serialize)]
pub struct RetailerDetail {
    pub retailer: Retailer,
    /// Field → Chinese label of the coded fields.
    pub labels: RetailerLabels,
    pub county_name: String,
    pub area_name: String,
    pub territory_name: String,
    pub route_name: Option<String>,
    pub rep_username: Option<String>,
    pub rep_name: Option<String>,
    pub tier_history: Vec<TierHistory>,
    pub class_history: Vec<ClassHistory>,
    /// The last 12 months, oldest first, months without purchases included as zero.
    pub months: Vec<MonthPoint>,
    pub top_skus: Vec<SkuLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RetailerLabels {
    pub business_format: String,
    pub market_type: String,
    pub urban_rural_code: String,
    pub business_scale: String,
    pub business_district: String,
    pub order_cycle: String,
    pub credit_grade: String,
    pub compliance_grade: String,
    pub terminal_level: String,
    pub business_status: String,
}

/// The retailer page: 404 for an unknown code, 403 outside the person's scope.
pub async fn detail(
    app: &App, user: &CurrentUser, code: &CustomerCode,
) -> AppResult<RetailerDetail> {
    let r = store::repo::retailer::by_code(&app.db, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("零售客户 {code} 不存在")))?;
    let scope = Scope::of(&app.db, user).await?;
    if !store::repo::retailer::in_scope(&app.db, scope.ids(), r.id).await? {
        return Err(AppError::Forbidden(scope.refusal().to_string()));
    }
    let units = store::repo::staff::org_units(&app.db).await?;
    let unit = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let rep = match r.account_manager_id {
        Some(id) => store::repo::staff::by_id(&app.db, id).await?,
        None => None,
    };
    let (territory_name, route_name) =
        store::repo::retailer::place_names(&app.db, r.territory_id, r.route_id).await?;
    let last = last_complete_month(app).await?;
    let first = last.plus(-11);
    let hist =
        store::repo::sales::retailer_history(&app.db, r.id, &first.to_string(), &last.to_string())
            .await?;
    let months = (0..12)
        .map(|i| {
            let m = first.plus(i).to_string();
            let h = hist.iter().find(|h| h.month == m);
            MonthPoint {
                demanded: h.map_or(0, |h| h.demanded),
                supplied: h.map_or(0, |h| h.supplied),
                amount_fen: h.map_or(0, |h| h.amount_fen),
                month: m,
            }
        })
        .collect();
    let top_skus = store::repo::sales::retailer_skus(
        &app.db,
        r.id,
        &last.plus(-2).to_string(),
        &last.to_string(),
        15,
    )
    .await?
    .into_iter()
    .map(|s| SkuLine {
        price_class_zh: label(domain::product::PriceClass::parse(&s.price_class).map(|v| v.zh())),
        sku_code: s.sku_code,
        brand: s.brand,
        spec_name: s.spec_name,
        demanded: s.demanded,
        supplied: s.supplied,
        amount_fen: s.amount_fen,
    })
    .collect();
    let labels = RetailerLabels {
        business_format: label(BusinessFormat::parse(&r.business_format).map(|v| v.zh())),
        market_type: label(MarketType::parse(&r.market_type).map(|v| v.zh())),
        urban_rural_code: label(UrbanRuralCode::parse(&r.urban_rural_code).map(|v| v.zh())),
        business_scale: label(BusinessScale::parse(&r.business_scale).map(|v| v.zh())),
        business_district: label(BusinessDistrict::parse(&r.business_district).map(|v| v.zh())),
        order_cycle: label(OrderCycle::parse(&r.order_cycle).map(|v| v.zh())),
        credit_grade: label(CreditGrade::parse(&r.credit_grade).map(|v| v.zh())),
        compliance_grade: label(ComplianceGrade::parse(&r.compliance_grade).map(|v| v.zh())),
        terminal_level: label(TerminalLevel::parse(&r.terminal_level).map(|v| v.zh())),
        business_status: label(BusinessStatus::parse(&r.business_status).map(|v| v.zh())),
    };
    Ok(RetailerDetail {
        county_name: unit(r.county_id),
        area_name: unit(r.area_id),
        territory_name,
        route_name,
        rep_username: rep.as_ref().map(|s| s.username.clone()),
        rep_name: rep.as_ref().map(|s| s.name.clone()),
        tier_history: store::repo::retailer::tier_history(&app.db, r.id).await?,
        class_history: store::repo::retailer::class_history(&app.db, r.id).await?,
        months,
        top_skus,
        labels,
        retailer: r,
    })
}

/// The last complete month: the month before today, or the latest month with data if that is
/// earlier (a database loaded some time ago).
pub async fn last_complete_month(app: &App) -> AppResult<Month> {
    let by_clock = Month::of(app.clock.today()).prev();
    let latest = store::repo::sales::latest_month(&app.db)
        .await?
        .and_then(|m| Month::parse(&m).ok());
    Ok(match latest {
        Some(l) if l < by_clock => l,
        _ => by_clock,
    })
}
