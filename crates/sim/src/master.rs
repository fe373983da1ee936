//! Master data of the synthetic city: organisation (domain.md §2), staff, territories and routes,
//! manufacturers and products (§3.3), retailers (§3.1), plus the latent parameters the order
//! simulation needs.
use crate::names::{self, BRANDS, COUNTIES, MANUFACTURERS};
use crate::orders::{ProdModel, QuotaRule, RetModel};
use crate::rng::{Rng, mix};
use crate::{SimConfig, tiering};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::Month;
use domain::config::{PriceClassThresholds, Staffing};
use domain::money::Fen;
use domain::org::{EmploymentType, OrgKind, Role};
use domain::product::{
    AllocationMode, BrandPosition, PriceClass, SkuStatus, StickType, SupplyStatus,
};
use domain::retailer::{
    BusinessDistrict, BusinessFormat, BusinessScale, BusinessStatus, ComplianceGrade, CreditGrade,
    MarketType, OrderCycle, TerminalLevel, UrbanRuralCode,
};
use store::model::{
    BrandAssignment, ClassHistory, Manufacturer, OrgUnit, PriceHistory, Product, Retailer,
    SalesRoute, Staff, Territory,
};

pub(crate) struct Master {
    pub org_units: Vec<OrgUnit>,
    pub staff: Vec<Staff>,
    pub territories: Vec<Territory>,
    pub routes: Vec<SalesRoute>,
    pub brand_assignments: Vec<BrandAssignment>,
    pub manufacturers: Vec<Manufacturer>,
    pub products: Vec<Product>,
    pub price_history: Vec<PriceHistory>,
    pub retailers: Vec<Retailer>,
    pub class_history: Vec<ClassHistory>,
    pub ret_models: Vec<RetModel>,
    pub prod_models: Vec<ProdModel>,
}

/// Split `n` into parts proportional to `weights` (largest remainder).
pub(crate) fn split(n: usize, weights: &[f64]) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    let raw: Vec<f64> = weights.iter().map(|w| n as f64 * w / total).collect();
    let mut parts: Vec<usize> = raw.iter().map(|x| x.floor() as usize).collect();
    let mut rest = n - parts.iter().sum::<usize>();
    let mut idx: Vec<usize> = (0..weights.len()).collect();
    idx.sort_by(|&a, &b| {
        (raw[b] - raw[b].floor())
            .total_cmp(&(raw[a] - raw[a].floor()))
            .then(a.cmp(&b))
    });
    for i in idx.iter().cycle() {
        if rest == 0 {
            break;
        }
        parts[*i] += 1;
        rest -= 1;
    }
    parts
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0).expect("valid hour").and_utc()
}

struct AreaPlan {
    market: MarketType,
    name: String,
    retailers: usize,
    reps: usize,
}

/// Relative distance of `per_rep` from the staffing band (§2.2); 0 inside.
fn band_violation(per_rep: f64, (lo, hi): (u32, u32)) -> f64 {
    let (lo, hi) = (lo as f64, hi as f64);
    ((lo - per_rep).max(per_rep - hi)).max(0.0) / lo
}

/// Areas of a county: (market type, retailers, reps). Counties of ≥ 300 retailers get an urban
/// and a rural area whose sizes and rep counts keep every rep inside the §2.2 bands when possible,
/// with the urban part close to `urban_share`; smaller ones one area of the `single` type.
fn plan_county(
    n: usize, urban_share: f64, single: MarketType, staffing: &Staffing,
) -> Vec<(MarketType, usize, usize)> {
    let best_reps = |n: usize, band: (u32, u32)| -> usize {
        (1..=(n / band.0 as usize + 1))
            .min_by(|a, b| {
                band_violation(n as f64 / *a as f64, band)
                    .total_cmp(&band_violation(n as f64 / *b as f64, band))
            })
            .unwrap_or(1)
    };
    if n < 300 {
        return vec![(single, n, best_reps(n, staffing.band(single)).min(n.max(1)))];
    }
    // Among (urban reps u, rural reps k), prefer plans whose split keeps every rep a few
    // retailers inside the band edges, then inside the band, and the urban part near its share.
    let (ul, uh) = staffing.band(MarketType::Urban);
    let (rl, rh) = staffing.band(MarketType::Rural);
    let target = urban_share * n as f64;
    let interval = |u: usize, k: usize, m: usize| -> Option<(usize, usize)> {
        let lo = ((ul as usize + m) * u).max(n.saturating_sub((rh as usize - m) * k));
        let hi = ((uh as usize - m) * u).min(n.saturating_sub((rl as usize + m) * k));
        (lo <= hi && hi > 0 && lo < n).then_some((lo, hi))
    };
    let mut best: Option<(f64, usize, usize, usize)> = None;
    for u in 1..=(n / ul as usize + 1) {
        for k in 1..=(n / rl as usize + 1) {
            let dev = |nu: usize| (nu as f64 - target).abs() / n as f64;
            let (cost, nu) = if let Some((lo, hi)) = interval(u, k, 6) {
                let nu = (target.round() as usize).clamp(lo, hi);
                (dev(nu), nu)
            } else if let Some((lo, hi)) = interval(u, k, 0) {
                let nu = (target.round() as usize).clamp(lo, hi);
                (dev(nu) + 0.05, nu)
            } else {
                let nu = (target.round() as usize).clamp(1, n - 1);
                let v = band_violation(nu as f64 / u as f64, (ul, uh))
                    + band_violation((n - nu) as f64 / k as f64, (rl, rh));
                (1.0 + v, nu)
            };
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, u, k, nu));
            }
        }
    }
    let (_, u, k, nu) = best.expect("at least one plan");
    vec![(MarketType::Urban, nu, u), (MarketType::Rural, n - nu, k)]
}

/// Number of county departments for a city of this size (≥ ~130 retailers each).
pub(crate) fn county_count(cfg: &SimConfig) -> usize {
    cfg.counties
        .clamp(1, COUNTIES.len())
        .min((cfg.retailers / 130).max(1))
}

pub(crate) fn build(cfg: &SimConfig, start: Month, end: Month) -> Master {
    let mut rng = Rng::new(mix(cfg.seed, 1));
    let hist_start = start.first_day();
    let hist_end = end.last_day();
    let gen_at = at(end.end_exclusive(), 8);
    let staffing = Staffing::default();

    // ---------------------------------------------------------------- organisation
    let mut org_units = Vec::new();
    let mut staff: Vec<Staff> = Vec::new();
    let mut org_id = 0i64;
    let mut new_org = |code: String,
                       name: String,
                       kind: OrgKind,
                       parent: Option<i64>,
                       market: Option<MarketType>,
                       v: &mut Vec<OrgUnit>| {
        org_id += 1;
        v.push(OrgUnit {
            id: org_id,
            code,
            name,
            kind: kind.code().to_string(),
            parent_id: parent,
            market_type: market.map(|m| m.code().to_string()),
        });
        org_id
    };
    let company = new_org(
        "COMPANY".into(),
        "汉江市烟草公司".into(),
        OrgKind::Company,
        None,
        None,
        &mut org_units,
    );
    let center = new_org(
        "MC".into(),
        "汉江市烟草公司营销中心".into(),
        OrgKind::MarketingCenter,
        Some(company),
        None,
        &mut org_units,
    );

    let mut staff_rng = Rng::new(mix(cfg.seed, 2));
    let mut add_staff = |username: String,
                         role: Role,
                         org: Option<i64>,
                         sup: Option<i64>,
                         staff: &mut Vec<Staff>| {
        let id = staff.len() as i64 + 1;
        let r = &mut staff_rng;
        let hired = NaiveDate::from_ymd_opt(
            r.int(2003, 2022) as i32,
            r.int(1, 12) as u32,
            r.int(1, 28) as u32,
        )
        .expect("valid date");
        staff.push(Staff {
            id,
            username,
            name: if role == Role::Admin {
                "系统管理员".to_string()
            } else {
                names::person(r)
            },
            role: role.code().to_string(),
            org_unit_id: org,
            supervisor_id: sup,
            employment_type: if role == Role::AccountManager && r.chance(0.4) {
                EmploymentType::Contract
            } else {
                EmploymentType::Permanent
            }
            .code()
            .to_string(),
            hired_on: Some(hired),
            phone: Some(names::phone(r)),
            password_hash: cfg.password_hash.clone(),
            active: true,
            created_at: gen_at,
            // The demo city's accounts share the demo password on purpose (`m135 demo`);
            // `m135 serve` refuses to start while any account still has it.
            must_change_password: false,
        });
        id
    };
    add_staff("admin".into(), Role::Admin, Some(company), None, &mut staff);
    let yx1 = add_staff(
        "yxzx01".into(),
        Role::MarketingCenter,
        Some(center),
        None,
        &mut staff,
    );
    add_staff(
        "yxzx02".into(),
        Role::MarketingCenter,
        Some(center),
        Some(yx1),
        &mut staff,
    );
    let brand_managers: Vec<i64> = (1..=4)
        .map(|i| {
            add_staff(
                format!("pp{i:02}"),
                Role::BrandManager,
                Some(center),
                Some(yx1),
                &mut staff,
            )
        })
        .collect();

    let nc = county_count(cfg);
    let mut cw = vec![2.0];
    for _ in 1..nc {
        cw.push(rng.uniform(0.7, 1.3));
    }
    let county_sizes = split(cfg.retailers, &cw);

    struct TerrPlan {
        territory: usize, // index into territories
        county_idx: usize,
        county_id: i64,
        area_id: i64,
        market: MarketType,
        rep_id: i64,
        manager_id: i64,
        retailers: usize,
        center: (f64, f64),
        urban_seat: bool,
    }
    let mut territories = Vec::new();
    let mut routes = Vec::new();
    let mut plans: Vec<TerrPlan> = Vec::new();
    let mut sc_no = 0;
    let city_center = (32.63, 110.79);
    for (ci, &n_county) in county_sizes.iter().enumerate() {
        let cn = ci + 1;
        let cname = COUNTIES[ci];
        let county = new_org(
            format!("CTY{cn:02}"),
            format!("{cname}营销部"),
            OrgKind::County,
            Some(company),
            None,
            &mut org_units,
        );
        let seat = if ci == 0 {
            city_center
        } else {
            let ang = std::f64::consts::TAU * (ci - 1) as f64 / (nc - 1).max(1) as f64
                + rng.uniform(-0.2, 0.2);
            let km = rng.uniform(35.0, 60.0);
            (
                city_center.0 + km * ang.sin() / 111.0,
                city_center.1 + km * ang.cos() / 93.6,
            )
        };
        add_staff(
            format!("zr{cn:02}"),
            Role::MarketingDirector,
            Some(county),
            None,
            &mut staff,
        );
        add_staff(
            format!("zm{cn:02}"),
            Role::MonopolyOfficer,
            Some(county),
            None,
            &mut staff,
        );
        // Areas (市场部): 城区 mostly urban, the other counties with a rural majority.
        let (urban_share, single) = if ci == 0 {
            (0.7f64, MarketType::Urban)
        } else {
            (0.35, MarketType::Rural)
        };
        let areas: Vec<AreaPlan> = plan_county(n_county, urban_share, single, &staffing)
            .into_iter()
            .map(|(market, retailers, reps)| AreaPlan {
                market,
                name: if n_county >= 300 {
                    format!(
                        "{cname}{}市场部",
                        if market == MarketType::Urban {
                            "城网"
                        } else {
                            "农网"
                        }
                    )
                } else {
                    format!("{cname}市场部")
                },
                retailers,
                reps,
            })
            .collect();
        let mut rep_no = 0;
        for (ai, area) in areas.iter().enumerate() {
            let an = ai + 1;
            let area_id = new_org(
                format!("A{cn:02}{an}"),
                area.name.clone(),
                OrgKind::Area,
                Some(county),
                Some(area.market),
                &mut org_units,
            );
            sc_no += 1;
            let manager = add_staff(
                format!("sc{sc_no:02}"),
                Role::MarketManager,
                Some(area_id),
                Some(yx1),
                &mut staff,
            );
            let reps = area.reps;
            let weights: Vec<f64> = vec![1.0; reps];
            let sizes = split(area.retailers, &weights);
            for (k, &size) in sizes.iter().enumerate() {
                rep_no += 1;
                let rep = add_staff(
                    format!("kh{cn:02}{rep_no:02}"),
                    Role::AccountManager,
                    Some(area_id),
                    Some(manager),
                    &mut staff,
                );
                let tid = territories.len() as i64 + 1;
                let tcode = format!("T{cn:02}{an}{:02}", k + 1);
                let tname = format!(
                    "{}第{}区域单元",
                    area.name.trim_end_matches("市场部"),
                    k + 1
                );
                for wd in 1..=5i64 {
                    routes.push(SalesRoute {
                        id: routes.len() as i64 + 1,
                        code: format!("{tcode}-{wd}"),
                        name: format!(
                            "{tname}·{}线路",
                            ["", "周一", "周二", "周三", "周四", "周五"][wd as usize]
                        ),
                        territory_id: tid,
                        weekday: wd,
                    });
                }
                let (dist_lo, dist_hi) = if area.market == MarketType::Urban {
                    (0.0, 3.0)
                } else {
                    (6.0, 25.0)
                };
                let ang = rng.uniform(0.0, std::f64::consts::TAU);
                let km = rng.uniform(dist_lo, dist_hi);
                plans.push(TerrPlan {
                    territory: territories.len(),
                    county_idx: ci,
                    county_id: county,
                    area_id,
                    market: area.market,
                    rep_id: rep,
                    manager_id: manager,
                    retailers: size,
                    center: (
                        seat.0 + km * ang.sin() / 111.0,
                        seat.1 + km * ang.cos() / 93.6,
                    ),
                    urban_seat: ci == 0,
                });
                territories.push(Territory {
                    id: tid,
                    code: tcode,
                    name: tname,
                    area_id,
                    market_type: area.market.code().to_string(),
                    rep_id: Some(rep),
                });
            }
        }
    }

    // ---------------------------------------------------------------- products
    let (manufacturers, products, price_history, prod_models, brand_assignments) =
        build_products(cfg, start, end, &brand_managers);

    // ---------------------------------------------------------------- retailers
    let thresholds_classes: Vec<usize> = products
        .iter()
        .map(|p| {
            PriceClass::parse(&p.price_class)
                .map(|c| c.number() as usize - 1)
                .unwrap_or(2)
        })
        .collect();
    let pops: Vec<f64> = prod_models.iter().map(|p| p.pop).collect();
    let mut class_pop = [0.0f64; 5];
    for (i, c) in thresholds_classes.iter().enumerate() {
        if prod_models[i].ever_sold {
            class_pop[*c] += pops[i];
        }
    }

    // The last year's launches (新品) in launch order, each with how hard it is pushed to the
    // shops that list new SKUs first: (product index, share of those shops, weekly rate 条).
    let mut recent: Vec<(NaiveDate, usize)> = prod_models
        .iter()
        .enumerate()
        .filter_map(|(pi, pm)| pm.launch.map(|l| (l, pi)))
        .filter(|(l, _)| *l > hist_end - Duration::days(365))
        .collect();
    recent.sort();
    const PUSH: [(f64, f32); 3] = [(0.99, 0.9), (0.8, 0.3), (0.4, 0.05)];
    let pushed: Vec<(usize, f64, f32)> = recent
        .iter()
        .enumerate()
        .map(|(k, (_, pi))| (*pi, PUSH[k % 3].0, PUSH[k % 3].1))
        .collect();

    let mut retailers = Vec::with_capacity(cfg.retailers);
    let mut ret_models = Vec::with_capacity(cfg.retailers);
    let mut class_history = Vec::new();
    let mut seq_in_county = vec![0usize; nc];
    let quarters: Vec<Month> = (0..)
        .map(|k| start.plus(k))
        .take_while(|m| *m <= end)
        .filter(|m| m.month() % 3 == 1 && *m > start)
        .collect();
    for plan in &plans {
        let terr = &territories[plan.territory];
        let mut rr = Rng::new(mix(cfg.seed, 1_000_000 + plan.territory as u64));
        let urban = plan.market == MarketType::Urban;
        let base = retailers.len();
        for i in 0..plan.retailers {
            let gi = retailers.len();
            seq_in_county[plan.county_idx] += 1;
            let cn = plan.county_idx + 1;
            let format = if urban {
                BusinessFormat::ALL[rr.weighted(&[45.0, 20.0, 8.0, 2.0, 12.0, 8.0, 5.0])]
            } else {
                BusinessFormat::ALL[rr.weighted(&[85.0, 4.0, 3.0, 0.0, 4.0, 2.0, 2.0])]
            };
            let urc = if urban && plan.urban_seat {
                [
                    UrbanRuralCode::MainUrban,
                    UrbanRuralCode::UrbanRuralFringe,
                    UrbanRuralCode::SpecialZone,
                ][rr.weighted(&[70.0, 25.0, 5.0])]
            } else if urban {
                [
                    UrbanRuralCode::TownCenter,
                    UrbanRuralCode::UrbanRuralFringe,
                    UrbanRuralCode::TownVillageFringe,
                    UrbanRuralCode::SpecialZone,
                ][rr.weighted(&[65.0, 20.0, 10.0, 5.0])]
            } else {
                [
                    UrbanRuralCode::TownshipCenter,
                    UrbanRuralCode::TownVillageFringe,
                    UrbanRuralCode::Village,
                ][rr.weighted(&[30.0, 15.0, 55.0])]
            };
            let scale_w: [f64; 3] = match format {
                BusinessFormat::Supermarket
                | BusinessFormat::Mall
                | BusinessFormat::TobaccoLiquor => [40.0, 50.0, 10.0],
                BusinessFormat::Convenience => [15.0, 55.0, 30.0],
                BusinessFormat::Grocery if urban => [8.0, 37.0, 55.0],
                BusinessFormat::Grocery => [4.0, 26.0, 70.0],
                _ => [5.0, 30.0, 65.0],
            };
            let scale = BusinessScale::ALL[rr.weighted(&scale_w)];
            let district = if urban {
                BusinessDistrict::ALL[rr.weighted(&[40.0, 25.0, 7.0, 8.0, 5.0, 7.0, 8.0])]
            } else {
                BusinessDistrict::ALL[rr.weighted(&[50.0, 25.0, 0.0, 5.0, 5.0, 5.0, 10.0])]
            };
            let cycle = if urban {
                if scale == BusinessScale::Large && rr.chance(0.25) {
                    OrderCycle::TwiceWeekly
                } else {
                    [
                        OrderCycle::Weekly,
                        OrderCycle::BiweeklyOdd,
                        OrderCycle::BiweeklyEven,
                    ][rr.weighted(&[84.0, 8.0, 8.0])]
                }
            } else if urc == UrbanRuralCode::Village
                && scale == BusinessScale::Small
                && rr.chance(0.1)
            {
                OrderCycle::Monthly
            } else {
                [
                    OrderCycle::Weekly,
                    OrderCycle::BiweeklyOdd,
                    OrderCycle::BiweeklyEven,
                ][rr.weighted(&[70.0, 15.0, 15.0])]
            };
            let route_k = i * 5 / plan.retailers.max(1);
            let route_id = (plan.territory * 5 + route_k) as i64 + 1;
            let weekday = route_k as i64 + 1;
            let owner_sur = *rr.pick(names::SURNAMES);
            let owner = format!("{owner_sur}{}", rr.pick(names::GIVEN));
            let county_name = COUNTIES[plan.county_idx];
            let (place, address) = if urban {
                let road = *rr.pick(names::ROADS);
                (
                    road.to_string(),
                    format!("{county_name}{road}{}号", rr.int(1, 388)),
                )
            } else {
                let town = *rr.pick(names::TOWNS);
                let village = *rr.pick(names::VILLAGES);
                (
                    format!("{town}镇"),
                    format!("{county_name}{town}镇{village}村{}组", rr.int(1, 12)),
                )
            };
            let name = names::shop(&mut rr, format, owner_sur, &place);
            let (area_lo, area_hi) = match (format, scale) {
                (BusinessFormat::Supermarket, _) => (150, 800),
                (BusinessFormat::Mall, _) => (1000, 5000),
                (BusinessFormat::Convenience, _) => (50, 150),
                (BusinessFormat::Entertainment, _) => (100, 600),
                (BusinessFormat::TobaccoLiquor, _) => (20, 90),
                (_, BusinessScale::Large) => (80, 150),
                (_, BusinessScale::Medium) => (40, 80),
                _ => (10, 40),
            };
            let store_area = rr.int(area_lo, area_hi);
            let tobacco_area = (store_area as f64 * rr.uniform(0.04, 0.15))
                .round()
                .max(2.0) as i64;
            let licensed_on = if rr.chance(0.04) && end.index() - start.index() >= 3 {
                // a new customer who joined during the history
                hist_start
                    + Duration::days(rr.int(30, (hist_end - hist_start).num_days() - 30).max(30))
            } else {
                NaiveDate::from_ymd_opt(
                    rr.int(2003, start.year() as i64 - 1) as i32,
                    rr.int(1, 12) as u32,
                    rr.int(1, 28) as u32,
                )
                .expect("valid date")
            };
            let status = BusinessStatus::ALL[rr.weighted(&[97.0, 2.0, 1.0])];
            // latent capacity: weekly volume in 条 (§3.2 "same tier ⇒ similar business capability").
            let scale_mult = match scale {
                BusinessScale::Large => 2.6,
                BusinessScale::Medium => 1.2,
                BusinessScale::Small => 0.55,
            };
            let format_mult = match format {
                BusinessFormat::TobaccoLiquor => 1.7,
                BusinessFormat::Supermarket => 1.4,
                BusinessFormat::Mall => 1.5,
                BusinessFormat::Convenience => 1.1,
                BusinessFormat::Grocery => 1.0,
                BusinessFormat::Entertainment => 0.7,
                BusinessFormat::Other => 0.5,
            };
            let base_week = 36.0
                * scale_mult
                * format_mult
                * if urban { 1.0 } else { 0.72 }
                * rr.lognormal(0.0, 0.35);
            let jitter = if urban { 0.012 } else { 0.04 };
            let rlat =
                plan.center.0 + (route_k as f64 - 2.0) * jitter * 0.5 + rr.uniform(-jitter, jitter);
            let rlng = plan.center.1 + rr.uniform(-jitter, jitter) * 1.2;
            let customer_code = format!("4203{cn:02}{:06}", seq_in_county[plan.county_idx]);
            let credit = CreditGrade::ALL[rr.weighted(&[10.0, 30.0, 40.0, 15.0, 4.0, 1.0])];
            let compliance = ComplianceGrade::ALL[rr.weighted(&[70.0, 22.0, 7.0, 1.0])];
            let integrity = rr.chance(0.08);
            retailers.push(Retailer {
                id: gi as i64 + 1,
                customer_code,
                license_no: format!("4203{cn:02}1{:07}", gi + 1),
                name,
                owner_name: owner,
                address,
                phone: Some(names::phone(&mut rr)),
                lat: Some((rlat * 1e6).round() / 1e6),
                lng: Some((rlng * 1e6).round() / 1e6),
                business_format: format.code().to_string(),
                market_type: plan.market.code().to_string(),
                urban_rural_code: urc.code().to_string(),
                business_scale: scale.code().to_string(),
                business_district: district.code().to_string(),
                tier: 1,
                tier_locked_until: None,
                order_cycle: cycle.code().to_string(),
                order_weekday: weekday,
                credit_grade: credit.code().to_string(),
                compliance_grade: compliance.code().to_string(),
                terminal_level: TerminalLevel::Normal.code().to_string(),
                is_info_reporter: false,
                is_sample_point: false,
                is_integrity_group_member: integrity,
                integrity_group_name: integrity
                    .then(|| format!("{county_name}诚信互助小组{}", rr.int(1, 6))),
                is_online_orderer: rr.chance(if urban { 0.85 } else { 0.6 }),
                has_pos: rr.chance(match (urban, scale) {
                    (true, BusinessScale::Large) => 0.5,
                    (true, BusinessScale::Medium) => 0.28,
                    (true, _) => 0.15,
                    (false, _) => 0.05,
                }),
                business_status: status.code().to_string(),
                store_area_m2: Some(store_area),
                tobacco_area_m2: Some(tobacco_area),
                has_display_fixture: rr.chance(match scale {
                    BusinessScale::Large => 0.9,
                    BusinessScale::Medium => 0.6,
                    BusinessScale::Small => 0.3,
                }),
                has_aggregated_payment: rr.chance(if urban { 0.75 } else { 0.45 }),
                is_vulnerable_group: rr.chance(if urban { 0.015 } else { 0.04 }),
                is_large_account: false,
                licensed_on,
                county_id: plan.county_id,
                area_id: plan.area_id,
                territory_id: terr.id,
                route_id: Some(route_id),
                account_manager_id: Some(plan.rep_id),
                created_at: at(
                    licensed_on.max(NaiveDate::from_ymd_opt(2015, 1, 1).expect("date")),
                    1,
                ),
                updated_at: gen_at,
            });
            // quarterly classification change (§3.1 rules), recorded with the old value.
            if !quarters.is_empty() && rr.chance(0.06) {
                let q = *rr.pick(&quarters);
                let (field, old) = if rr.chance(0.7) {
                    let old = match scale {
                        BusinessScale::Large => BusinessScale::Medium,
                        BusinessScale::Medium => {
                            *rr.pick(&[BusinessScale::Small, BusinessScale::Large])
                        }
                        BusinessScale::Small => BusinessScale::Medium,
                    };
                    ("business_scale", old.code().to_string())
                } else {
                    let old = if format == BusinessFormat::Grocery {
                        BusinessFormat::Other
                    } else {
                        BusinessFormat::Grocery
                    };
                    ("business_format", old.code().to_string())
                };
                class_history.push(ClassHistory {
                    id: class_history.len() as i64 + 1,
                    retailer_id: gi as i64 + 1,
                    field: field.to_string(),
                    old_value: Some(old),
                    new_value: if field == "business_scale" {
                        scale.code()
                    } else {
                        format.code()
                    }
                    .to_string(),
                    effective_on: q.first_day(),
                    reason: "季度分类复核".to_string(),
                    approved_by: Some(plan.manager_id),
                    created_at: at(q.first_day(), 2),
                });
            }
            // order history bounds
            let first_day = hist_start.max(licensed_on + Duration::days(1));
            let last_day = match status {
                BusinessStatus::Operating => hist_end,
                _ => hist_end - Duration::days(rr.int(20, 60)),
            };
            // repertoire (8–40 SKUs by scale) weighted by urban/rural class taste (§2.4 duty 4).
            let mut class_pref: [f64; 5] = if urban {
                [0.16, 0.20, 0.38, 0.20, 0.06]
            } else {
                [0.03, 0.08, 0.33, 0.38, 0.18]
            };
            match format {
                BusinessFormat::TobaccoLiquor
                | BusinessFormat::Mall
                | BusinessFormat::Entertainment => {
                    class_pref[0] *= 2.0;
                    class_pref[1] *= 1.5;
                }
                BusinessFormat::Other => class_pref[4] *= 1.5,
                _ => {}
            }
            if urc == UrbanRuralCode::MainUrban {
                class_pref[0] *= 1.3;
            }
            if scale == BusinessScale::Small {
                class_pref[0] *= 0.6;
            }
            let k = match scale {
                BusinessScale::Small => rr.int(8, 14),
                BusinessScale::Medium => rr.int(12, 22),
                BusinessScale::Large => rr.int(18, 36),
            } as usize;
            let mut keys: Vec<(f64, usize)> = Vec::with_capacity(products.len());
            for (pi, pm) in prod_models.iter().enumerate() {
                if !pm.ever_sold {
                    continue;
                }
                let c = thresholds_classes[pi];
                let w = class_pref[c] * pops[pi] / class_pop[c].max(1e-9);
                if w > 0.0 {
                    keys.push((-rr.f64().max(1e-12).ln() / w, pi));
                }
            }
            keys.sort_by(|a, b| a.0.total_cmp(&b.0));
            keys.truncate(k);
            let mut rep_pop = [0.0f64; 5];
            for (_, pi) in &keys {
                rep_pop[thresholds_classes[*pi]] += pops[*pi];
            }
            let present: f64 = (0..5)
                .filter(|c| rep_pop[*c] > 0.0)
                .map(|c| class_pref[c])
                .sum();
            let mut repertoire: Vec<(u16, f32)> = keys
                .iter()
                .map(|(_, pi)| {
                    let c = thresholds_classes[*pi];
                    let share = class_pref[c] / present * pops[*pi] / rep_pop[c];
                    (*pi as u16, (base_week * share) as f32)
                })
                .collect();
            // New SKUs of the last year (新品, in cultivation) are pushed to the shops that list
            // new SKUs first (便利店、超市、烟酒商店; the demo's listing programmes target them,
            // domain.md §6 新品上柜率): one launch in three strongly (nearly all stock it and
            // buy again), one moderately, one weakly — so the effect reviews end in continue,
            // adjust and exit. Small rates: a new SKU is a few 条 a month in a shop.
            if domain::new_sku::FIRST_LISTING_FORMATS.contains(&format) {
                let mut pr = Rng::new(mix(cfg.seed, 20_000_000 + gi as u64));
                for &(pi, share, rate) in &pushed {
                    if pr.chance(share) && !repertoire.iter().any(|x| x.0 as usize == pi) {
                        repertoire.push((pi as u16, rate));
                    }
                }
            }
            repertoire.sort_by_key(|x| x.0);
            ret_models.push(RetModel {
                id: gi as i64 + 1,
                seed: mix(cfg.seed, 10_000_000 + gi as u64),
                tier0: 1,
                capacity: base_week,
                growth: rr.normal() * 0.05 + 0.01,
                cycle,
                weekday: weekday as u32,
                first_day,
                last_day,
                rep_id: plan.rep_id,
                sample_point: false,
                repertoire,
            });
        }
        // per-rep special terminals: modern terminals (3–4 urban, 1–2 rural), sample points (≈5),
        // info reporters (≈3); chosen among the larger shops of the territory.
        let n = plan.retailers;
        if n == 0 {
            continue;
        }
        let mut by_cap: Vec<usize> = (base..base + n).collect();
        by_cap.sort_by(|a, b| ret_models[*b].capacity.total_cmp(&ret_models[*a].capacity));
        let modern = if urban { rr.int(3, 4) } else { rr.int(1, 2) } as usize;
        for &i in by_cap.iter().take(modern.min(n)) {
            retailers[i].terminal_level = TerminalLevel::Modern.code().to_string();
        }
        if urban && n > modern + 1 && rr.chance(0.4) {
            retailers[by_cap[modern]].terminal_level = TerminalLevel::Franchise.code().to_string();
        }
        if urban && plan.urban_seat && plan.territory == 0 && n > modern + 2 {
            retailers[by_cap[modern + 1]].terminal_level = TerminalLevel::Direct.code().to_string();
        }
        let sample_n = 5.min(n);
        for j in 0..sample_n {
            // spread over the capacity ranking: a stratified sample
            let i = by_cap[(j * n) / sample_n
                + rr.index((n / sample_n).max(1))
                    .min(n - 1 - (j * n) / sample_n)];
            retailers[i].is_sample_point = true;
            ret_models[i].sample_point = true;
        }
        for _ in 0..3.min(n) {
            let i = base + rr.index(n);
            retailers[i].is_info_reporter = true;
        }
    }

    // initial (latent) tier from capacity: the tier in force while the history is generated.
    let caps: Vec<f64> = ret_models.iter().map(|m| m.capacity).collect();
    let zeros = vec![0i64; caps.len()];
    let tier0 = tiering::assign(&caps, &zeros, &zeros, &tiering::pyramid_shares());
    for (m, t) in ret_models.iter_mut().zip(tier0) {
        m.tier0 = t;
    }
    for (r, m) in retailers.iter_mut().zip(&ret_models) {
        r.tier = m.tier0 as i64;
    }

    Master {
        org_units,
        staff,
        territories,
        routes,
        brand_assignments,
        manufacturers,
        products,
        price_history,
        retailers,
        class_history,
        ret_models,
        prod_models,
    }
}

fn ean13(body12: &str) -> String {
    let sum: u32 = body12
        .bytes()
        .enumerate()
        .map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body12}{}", (10 - sum % 10) % 10)
}

type Products = (
    Vec<Manufacturer>,
    Vec<Product>,
    Vec<PriceHistory>,
    Vec<ProdModel>,
    Vec<BrandAssignment>,
);

fn round_to(x: f64, step: i64) -> i64 {
    ((x / step as f64).round() as i64).max(1) * step
}

/// Wholesale and suggested retail prices from the transfer price incl. tax (§3.3, §6 条毛利率).
fn downstream_prices(r: &mut Rng, class: u8, incl: i64) -> (i64, i64) {
    let wholesale = round_to(incl as f64 * r.uniform(1.32, 1.45), 100);
    let margin = match class {
        1 => r.uniform(0.10, 0.12),
        2 => r.uniform(0.11, 0.13),
        3 => r.uniform(0.12, 0.14),
        _ => r.uniform(0.13, 0.15),
    };
    let step = match class {
        1 | 2 => 1000,
        3 => 500,
        _ => 100,
    };
    let mut retail = round_to(wholesale as f64 / (1.0 - margin), step);
    while (retail as f64) < wholesale as f64 * 1.08 {
        retail += step;
    }
    (wholesale, retail)
}

fn build_products(cfg: &SimConfig, start: Month, end: Month, brand_managers: &[i64]) -> Products {
    let mut r = Rng::new(mix(cfg.seed, 3));
    let thresholds = PriceClassThresholds::default();
    let months = (end.index() - start.index() + 1).max(1);
    let manufacturers: Vec<Manufacturer> = MANUFACTURERS
        .iter()
        .enumerate()
        .map(|(i, (name, province, _))| Manufacturer {
            id: i as i64 + 1,
            code: format!("M{:02}", i + 1),
            name: name.to_string(),
            province: province.to_string(),
        })
        .collect();
    let total = 250usize;
    let weights: Vec<f64> = BRANDS.iter().map(|b| b.4 + 0.6).collect();
    let counts = split(total, &weights);
    struct Draft {
        brand: usize,
        variant: &'static str,
        class: u8,
        pop: f64,
    }
    let mut drafts = Vec::new();
    for (bi, b) in BRANDS.iter().enumerate() {
        let mut variants: Vec<&'static str> = names::VARIANTS.to_vec();
        for j in 0..counts[bi] {
            let v = variants.swap_remove(r.index(variants.len()));
            let class = if j < b.2.len() { b.2[j] } else { *r.pick(b.2) };
            drafts.push(Draft {
                brand: bi,
                variant: v,
                class,
                pop: b.4 * r.lognormal(0.0, 0.5) / (1.0 + 0.25 * j as f64),
            });
        }
    }
    let n = drafts.len();
    // roles: tight (popular class 1–2 and a few class 3), exiting, delisted, new launches.
    let mut by_pop: Vec<usize> = (0..n).collect();
    by_pop.sort_by(|a, b| drafts[*b].pop.total_cmp(&drafts[*a].pop));
    let mut role = vec![0u8; n]; // 0 normal, 1 tight, 2 exiting, 3 delisted, 4 new
    let mut c12 = 0;
    let mut c3 = 0;
    for &i in &by_pop {
        let c = drafts[i].class;
        if c <= 2 && c12 < 18 {
            role[i] = 1;
            c12 += 1;
        } else if c == 3 && c3 < 5 {
            role[i] = 1;
            c3 += 1;
        }
    }
    let mut low: Vec<usize> = by_pop
        .iter()
        .rev()
        .copied()
        .filter(|&i| role[i] == 0 && drafts[i].class >= 3)
        .collect();
    let with_history = months >= 6;
    for (k, &i) in low.iter().take(20).enumerate() {
        role[i] = if k % 2 == 0 && with_history { 3 } else { 2 };
    }
    low.clear();
    let mut new_count = 0;
    while with_history && new_count < 20 {
        let i = r.index(n);
        if role[i] == 0 && (!BRANDS[drafts[i].brand].3 || r.chance(0.3)) {
            role[i] = 4;
            new_count += 1;
        }
    }
    let hist_start = start.first_day();
    let hist_end = end.last_day();
    let month_date = |lo: i32, hi: i32, r: &mut Rng| -> NaiveDate {
        let m = start.plus(r.int(lo as i64, hi.max(lo) as i64) as i32);
        m.day(r.int(1, 28) as u32)
    };
    let mut products = Vec::with_capacity(n);
    let mut price_history = Vec::new();
    let mut models = Vec::with_capacity(n);
    for (i, d) in drafts.iter().enumerate() {
        let b = &BRANDS[d.brand];
        let (mname, _, pcode) = MANUFACTURERS[b.1];
        let _ = mname;
        let ex_yuan: f64 = match d.class {
            1 => *r.pick(&[
                100.0, 110.0, 120.0, 130.0, 150.0, 170.0, 200.0, 230.0, 260.0, 300.0, 340.0, 400.0,
            ]),
            2 => 70.0 + 2.0 * r.int(0, 14) as f64,
            3 => 30.0 + 2.0 * r.int(0, 19) as f64,
            4 => 17.0 + 0.5 * r.int(0, 25) as f64,
            _ => 9.0 + 0.5 * r.int(0, 14) as f64,
        };
        let ex = (ex_yuan * 100.0).round() as i64;
        let class = PriceClass::from_transfer_price(Fen(ex), &thresholds);
        let incl = (ex as f64 * 1.13).round() as i64;
        let (wholesale, retail) = downstream_prices(&mut r, d.class, incl);
        let stick = if d.variant.contains("细支") {
            StickType::Slim
        } else if d.variant.contains("中支") {
            StickType::Medium
        } else {
            StickType::ALL[r.weighted(&[85.0, 8.0, 5.0, 2.0])]
        };
        let tar = match stick {
            StickType::Slim | StickType::Medium => *r.pick(&[50, 60, 70, 80]),
            _ => *r.pick(&[60, 70, 80, 90, 100, 100, 110]),
        };
        let key = b.3 && d.class <= 4;
        let in_province = names::MANUFACTURERS[b.1].1 == names::HOME_PROVINCE;
        let (launch, cultivation_end, is_new) = if role[i] == 4 {
            let l = month_date(2, months - 2, &mut r);
            (
                Some(l),
                Some(l + Duration::days(180)),
                l > hist_end - Duration::days(365),
            )
        } else {
            (None, None, false)
        };
        let delisted_on = (role[i] == 3).then(|| month_date(4, months - 2, &mut r));
        let status = match role[i] {
            2 => SkuStatus::Exiting,
            3 => SkuStatus::Delisted,
            _ => SkuStatus::Active,
        };
        let supply = match role[i] {
            1 => SupplyStatus::Tight,
            2 | 3 => SupplyStatus::Slow,
            4 => SupplyStatus::Balanced,
            _ => [
                SupplyStatus::Balanced,
                SupplyStatus::Ample,
                SupplyStatus::Slow,
            ][r.weighted(&[45.0, 45.0, 10.0])],
        };
        let mode = match supply {
            SupplyStatus::Tight => [
                AllocationMode::UniformByTier,
                AllocationMode::ByTierMarketType,
                AllocationMode::ByTierCounty,
            ][r.weighted(&[50.0, 30.0, 20.0])],
            SupplyStatus::Balanced => [
                AllocationMode::ByTierMarketType,
                AllocationMode::ByTierCountyMarketType,
                AllocationMode::ByTierUrbanRural,
                AllocationMode::ByTierFormat,
                AllocationMode::OnDemand,
            ][r.weighted(&[30.0, 15.0, 10.0, 10.0, 35.0])],
            _ => AllocationMode::OnDemand,
        };
        let position = match role[i] {
            2 | 3 => BrandPosition::Exit,
            4 => BrandPosition::Potential,
            _ if key && d.pop > 1.2 => BrandPosition::Leading,
            _ if key => BrandPosition::Guard,
            _ => *r.pick(&[BrandPosition::Guard, BrandPosition::Potential]),
        };
        let id = i as i64 + 1;
        let seq = i + 1;
        let base_from = launch
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(start.year() - 2, 1, 1).expect("date"));
        price_history.push(PriceHistory {
            id: price_history.len() as i64 + 1,
            product_id: id,
            effective_from: base_from,
            transfer_price_ex_tax_fen: ex,
            transfer_price_incl_tax_fen: incl,
            wholesale_price_fen: wholesale,
            suggested_retail_price_fen: retail,
        });
        let mut prices = vec![(base_from, wholesale, retail)];
        let (mut cur_w, mut cur_r) = (wholesale, retail);
        if role[i] != 4 && months >= 4 && r.chance(0.09) {
            // a price adjustment (调价) during the history; the class is unchanged
            let eff = month_date(2, months - 1, &mut r);
            cur_w = round_to(wholesale as f64 * r.uniform(1.03, 1.08), 100);
            let step = match d.class {
                1 | 2 => 1000,
                3 => 500,
                _ => 100,
            };
            cur_r =
                round_to(retail as f64 * cur_w as f64 / wholesale as f64, step).max(cur_w + step);
            price_history.push(PriceHistory {
                id: price_history.len() as i64 + 1,
                product_id: id,
                effective_from: eff,
                transfer_price_ex_tax_fen: ex,
                transfer_price_incl_tax_fen: incl,
                wholesale_price_fen: cur_w,
                suggested_retail_price_fen: cur_r,
            });
            prices.push((eff, cur_w, cur_r));
        }
        products.push(Product {
            id,
            sku_code: format!("{pcode:02}01{seq:04}"),
            barcode_pack: Some(ean13(&format!("690{:04}{:05}", 1000 + b.1 * 37, seq * 2))),
            barcode_carton: Some(ean13(&format!(
                "690{:04}{:05}",
                1000 + b.1 * 37,
                seq * 2 + 1
            ))),
            brand: b.0.to_string(),
            spec_name: format!("{}({})", b.0, d.variant),
            manufacturer_id: b.1 as i64 + 1,
            price_class: class.code().to_string(),
            transfer_price_ex_tax_fen: ex,
            transfer_price_incl_tax_fen: incl,
            wholesale_price_fen: cur_w,
            suggested_retail_price_fen: cur_r,
            tar_mg_x10: tar,
            stick_type: stick.code().to_string(),
            is_in_province: in_province,
            is_key_brand: key,
            key_brand_list: key.then(|| {
                if in_province {
                    "省内重点品牌"
                } else {
                    "全国重点骨干品牌"
                }
                .to_string()
            }),
            is_new,
            launch_date: launch,
            cultivation_end_date: cultivation_end,
            brand_position: position.code().to_string(),
            supply_status: supply.code().to_string(),
            allocation_mode: mode.code().to_string(),
            status: status.code().to_string(),
            delisted_on,
        });
        let quota = match (supply, mode) {
            (SupplyStatus::Tight, _) => QuotaRule::Tight {
                top: r.uniform(12.0, 24.0),
            },
            (SupplyStatus::Balanced, m) if m != AllocationMode::OnDemand => QuotaRule::Generous {
                top: r.uniform(15.0, 30.0),
            },
            _ => QuotaRule::None,
        };
        let growth = match role[i] {
            2 => r.uniform(-0.7, -0.4),
            3 => r.uniform(-0.5, -0.2),
            4 => r.uniform(0.1, 0.4),
            _ if key => r.normal() * 0.08 + 0.05,
            _ => r.normal() * 0.10 - 0.03,
        };
        models.push(ProdModel {
            id,
            pop: d.pop * if key { 1.6 } else { 1.0 } * if role[i] == 1 { 1.1 } else { 1.0 },
            low_tar: tar <= 80,
            quota,
            growth,
            launch: launch.filter(|l| *l >= hist_start),
            delist: delisted_on,
            ever_sold: delisted_on.is_none_or(|d| d > hist_start),
            prices,
        });
    }
    let mut brand_assignments: Vec<BrandAssignment> = Vec::new();
    let mut order: Vec<usize> = (0..BRANDS.len()).collect();
    order.sort_by_key(|&i| !BRANDS[i].3); // key brands first
    for (k, &bi) in order.iter().enumerate() {
        brand_assignments.push(BrandAssignment {
            brand: BRANDS[bi].0.to_string(),
            brand_manager_id: brand_managers[k % brand_managers.len()],
        });
    }
    (
        manufacturers,
        products,
        price_history,
        models,
        brand_assignments,
    )
}

/// Day of the month's first week (1-based week of month of a date).
pub(crate) fn week_of_month(d: NaiveDate) -> u32 {
    (d.day() - 1) / 7 + 1
}
