//! Supply and balancing (`/supply`, `/balance`, `/api/v1/supply`, `/api/v1/balance`): supply
//! entry by JSON, Excel upload and form (a bad line or row names itself and writes nothing),
//! the balancing run with its tier ladders (§4.3, §4.5), publishing once. Steps of the month
//! walks (`cycle`).
use crate::cycle::TARGET;
use crate::forecasts::PhoneEdit;
use crate::harness::*;

/// The supply plan the API walk enters: the center's view of every record, the busiest TIGHT
/// SKU released by tier (cut to half its demand) and the busiest other SKU (given more).
pub struct SupplyPlan {
    pub all: Vec<Value>,
    pub tight: String,
    pub tight_d: i64,
    pub tight_mode: String,
    pub ample: String,
    pub ample_d: i64,
}

/// The balancing review and the tight SKU's records as submitted.
pub struct Balanced {
    /// (retailer id, tier, forecast) of the tight SKU.
    pub tight_rows: Vec<(i64, i64, i64)>,
    pub pid: i64,
    /// The tight SKU's ladder in the review.
    pub ladder: Value,
}

/// The highest cap of a tier over a ladder's sub-markets.
pub fn cap_of(ladder: &Value, tier: i64) -> u64 {
    ladder["submarkets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|sm| sm["tiers"].as_array().unwrap().iter())
        .filter(|q| q["tier"] == tier)
        .map(|q| q["cap"].as_u64().unwrap())
        .max()
        .unwrap_or(0)
}

// ---------------------------------------------------------------- the API walk's steps

/// Supply per SKU. A bad JSON line and a bad Excel row leave nothing written; a retried upload
/// changes nothing the second time.
pub async fn api_step_supply_entry(t: &TestApp, center: &Client) -> SupplyPlan {
    let _s = step("supply: entry by JSON and Excel upload");
    let (_, all) = t
        .get_json(
            center,
            &format!("/api/v1/forecasts/{TARGET}?per_page=20000"),
        )
        .await;
    let all = all.as_array().unwrap().clone();
    let mut demand: std::collections::BTreeMap<String, i64> = Default::default();
    for f in &all {
        *demand
            .entry(f["sku_code"].as_str().unwrap().to_string())
            .or_default() += f["quantity"].as_i64().unwrap();
    }
    let mut by_demand: Vec<(String, i64)> = demand.into_iter().collect();
    by_demand.sort_by_key(|a| std::cmp::Reverse(a.1));
    // The busiest TIGHT (紧俏) SKU is cut to half its demand and held to a tier ladder (§4.5);
    // the busiest other SKU gets more than its demand.
    let (_, tight_products) = t
        .get_json(center, "/api/v1/products?supply_status=TIGHT")
        .await;
    let modes: std::collections::BTreeMap<String, String> = tight_products
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["sku_code"].as_str().unwrap().to_string(),
                p["allocation_mode"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let busiest = |tight: bool, mode_a: bool| {
        by_demand
            .iter()
            .find(|(k, _)| {
                modes.contains_key(k) == tight
                    && (!mode_a || modes.get(k).is_some_and(|m| m == "A"))
            })
            .cloned()
    };
    // (The test city has one released uniformly by tier, mode A, so the exact checks below run.)
    let (tight, tight_d) =
        busiest(true, true).expect("a tight SKU released by tier (mode A) is forecast");
    let tight_mode = modes[&tight].clone();
    let (ample, ample_d) = busiest(false, false).expect("another SKU is forecast");
    let (s, p) = t
        .put_json(
            center,
            &format!("/api/v1/supply/{TARGET}"),
            &json!({"lines": [{"sku": tight, "quantity": 1}, {"sku": "NOSUCH", "quantity": 5}]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "lines[1]");
    let upload = format!("/api/v1/supply/{TARGET}/upload");
    let bad = xlsx(&[(&tight, "10"), (&ample, "十"), ("X", "1")]);
    // Raw bytes are no JSON: the upload needs the session's CSRF token (or a same-site Origin).
    let r = center
        .post(t.url(&upload))
        .body(bad.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let token = t.csrf(center).await;
    let r = center
        .post(t.url(&upload))
        .header("x-csrf-token", &token)
        .body(bad)
        .send()
        .await
        .unwrap();
    let (s, p) = json_of(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["field"], "第 3 行");
    assert_eq!(
        t.scalar_i64("SELECT COUNT(*) FROM supply_plan", &[]).await,
        0
    );
    let good = xlsx(&[
        (&tight, &(tight_d / 2).to_string()),
        (&ample, &(ample_d + 10).to_string()),
    ]);
    for _ in 0..2 {
        let r = center
            .post(t.url(&upload))
            .header("x-csrf-token", &token)
            .body(good.clone())
            .send()
            .await
            .unwrap();
        let (s, v) = json_of(r).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // The retried upload changed nothing the second time.
    assert_eq!(t.audit_count("supply.put").await, 2);
    SupplyPlan {
        all,
        tight,
        tight_d,
        tight_mode,
        ample,
        ample_d,
    }
}

/// A market manager reviews the balancing of their own area's retailers, a county director of
/// their county's; the center sees the company. (Each used to see every area's retailers.)
pub async fn api_step_review_in_scope(t: &TestApp, center: &Client) {
    let _s = step("balance: the review lists the reviewer's own retailers");
    let path = format!("/api/v1/balance/{TARGET}");
    let (s, all) = t.get_json(center, &path).await;
    assert_eq!(s, StatusCode::OK, "{all}");
    let company = all["retailers"].as_i64().unwrap();
    // The flagged lines: all counted, at most 1,000 listed, the largest cuts first.
    let flagged = t
        .scalar_i64(
            "SELECT COUNT(*) FROM balance_line WHERE month = '2026-10' AND flagged AND $1 = 1",
            &[1],
        )
        .await;
    assert_eq!(all["flagged_total"].as_i64().unwrap(), flagged);
    let listed = all["flagged"].as_array().unwrap();
    assert_eq!(listed.len() as i64, flagged.min(1000));
    let cut = |l: &Value| l["forecast_qty"].as_i64().unwrap() - l["final_qty"].as_i64().unwrap();
    assert!(listed.windows(2).all(|w| cut(&w[0]) >= cut(&w[1])));
    let rep = t.users_of_role("account_manager").await.remove(0);
    let mm = t.manager_of(&rep).await;
    let area = t.staff(&mm).await.org_unit_id.unwrap();
    let (s, mine) = t.get_json(&t.login(&mm).await, &path).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    let in_area = t
        .scalar_i64(
            "SELECT COUNT(DISTINCT b.retailer_id) FROM balance_line b JOIN retailer r ON r.id = b.retailer_id \
             WHERE b.month = '2026-10' AND r.area_id = $1",
            &[area],
        )
        .await;
    assert!(in_area > 0 && in_area < company, "{in_area} of {company}");
    assert_eq!(mine["retailers"].as_i64().unwrap(), in_area);
    for l in mine["flagged"].as_array().unwrap() {
        let a = t
            .scalar_i64(
                "SELECT area_id FROM retailer WHERE id = $1",
                &[l["retailer_id"].as_i64().unwrap()],
            )
            .await;
        assert_eq!(a, area, "{l}");
    }
}

/// The balancing run: the tight SKU cut to its supply and held to a ladder — one per sub-market
/// of its mode, non-increasing from tier 30 down, covering every retailer that forecast it; in
/// mode A exactly the §4.3 solver's table at the release, the tightest that places the supply.
pub async fn api_step_balance_run(t: &TestApp, center: &Client, plan: &SupplyPlan) -> Balanced {
    let _s = step("balance: the run and the tight SKU's tier ladder");
    let (tight, tight_d, ample, ample_d) = (&plan.tight, plan.tight_d, &plan.ample, plan.ample_d);
    let (s, review) = t
        .post_empty_json(center, &format!("/api/v1/balance/{TARGET}/run"))
        .await;
    assert_eq!(s, StatusCode::OK, "{review}");
    let sku_row = |k: &str| {
        review["skus"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["sku"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(sku_row(tight)["total"], tight_d / 2);
    assert_eq!(sku_row(tight)["demand"], tight_d);
    assert_eq!(sku_row(ample)["total"], ample_d);
    assert_eq!(sku_row(ample)["cut"], 0);

    // The tight SKU's forecasts as submitted: (retailer, tier, forecast).
    let tight_rows: Vec<(i64, i64, i64)> = plan
        .all
        .iter()
        .filter(|f| f["sku_code"] == tight.as_str())
        .map(|f| {
            (
                f["retailer_id"].as_i64().unwrap(),
                f["tier"].as_i64().unwrap(),
                f["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    let pid = plan
        .all
        .iter()
        .find(|f| f["sku_code"] == tight.as_str())
        .unwrap()["product_id"]
        .as_i64()
        .unwrap();
    let supply_t = tight_d / 2;
    let ladder = review["ladders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == tight.as_str())
        .unwrap_or_else(|| panic!("no ladder for {tight}: {review}"))
        .clone();
    assert_eq!(ladder["mode"], plan.tight_mode.as_str());
    assert!(ladder["note"].is_null(), "{ladder}");
    let release = ladder["planned_release"].as_u64().unwrap();
    assert!(release >= supply_t as u64, "{ladder}");
    let mut covered = 0;
    for sm in ladder["submarkets"].as_array().unwrap() {
        let caps: Vec<(i64, u64, u64)> = sm["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                (
                    q["tier"].as_i64().unwrap(),
                    q["retailers"].as_u64().unwrap(),
                    q["cap"].as_u64().unwrap(),
                )
            })
            .collect();
        assert!(
            caps.windows(2).all(|w| w[0].0 > w[1].0 && w[0].2 >= w[1].2),
            "{sm}"
        );
        covered += caps.iter().map(|c| c.1).sum::<u64>();
    }
    let forecasting = tight_rows.iter().filter(|r| r.2 > 0).count() as u64;
    assert_eq!(covered, forecasting);
    if plan.tight_mode == "A" {
        // Mode A: the ladder is the §4.3 solver's exact table for the forecasting retailers per
        // tier at the release, and the tightest one that still places the supply.
        let mut counts = [0u64; allocate::TIERS];
        for r in tight_rows.iter().filter(|r| r.2 > 0) {
            counts[r.1 as usize - 1] += 1;
        }
        let table = |t: u64| {
            allocate::tier_quota::allocate(
                &allocate::tier_quota::QuotaProblem {
                    sku: tight.clone(),
                    planned_release: t,
                    mode: allocate::tier_quota::AllocationMode::A,
                    submarkets: vec![allocate::tier_quota::Submarket::new("全市", counts)],
                },
                &Default::default(),
            )
            .unwrap()
            .table()[0]
        };
        let placed = |x: &[u64; allocate::TIERS]| -> i64 {
            tight_rows
                .iter()
                .map(|r| r.2.min(x[r.1 as usize - 1] as i64))
                .sum()
        };
        let x = table(release);
        for q in ladder["submarkets"][0]["tiers"].as_array().unwrap() {
            assert_eq!(
                q["cap"].as_u64().unwrap(),
                x[q["tier"].as_i64().unwrap() as usize - 1]
            );
        }
        assert!(placed(&x) >= supply_t);
        if release > supply_t as u64 {
            assert!(placed(&table(release - 1)) < supply_t);
        }
    }
    Balanced {
        tight_rows,
        pid,
        ladder,
    }
}

/// Publish once; the second publish changes nothing. The published figures place the whole
/// supply, nobody above its forecast or its tier's cap (the proportional rule itself is proven
/// in the allocate crate's property tests).
pub async fn api_step_publish(t: &TestApp, center: &Client, plan: &SupplyPlan, b: &Balanced) {
    let _s = step("balance: publish once");
    let publish = format!("/api/v1/balance/{TARGET}/publish");
    let (s, p1) = t.post_empty_json(center, &publish).await;
    assert_eq!(s, StatusCode::OK, "{p1}");
    assert_eq!(p1["written"].as_u64().unwrap(), plan.all.len() as u64);
    let (_, p2) = t.post_empty_json(center, &publish).await;
    assert_eq!(p2["already_published"], true);
    assert_eq!(p2["written"], 0);
    assert_eq!(t.audit_count("balance.publish").await, 1);
    let mut fins = Vec::new();
    for &(rid, tier, f) in &b.tight_rows {
        let got = t
            .scalar_i64(
                &format!("SELECT balanced_qty FROM forecast WHERE month = '{TARGET}' AND retailer_id = $1 AND product_id = $2"),
                &[rid, b.pid],
            )
            .await;
        assert!(
            got <= f && got as u64 <= cap_of(&b.ladder, tier),
            "{rid}: {got} > {f} or cap"
        );
        fins.push(got);
    }
    assert_eq!(fins.iter().sum::<i64>(), plan.tight_d / 2);
}

// ---------------------------------------------------------------- the pages walk's steps

/// ③ Supply: the rep is refused; a bad upload names the row and writes nothing; the upload and
/// the form write. Returns the center's CSRF token.
pub async fn pages_step_supply(
    t: &TestApp, rc: &Client, center: &Client, edit: &PhoneEdit,
) -> String {
    let _s = step("supply: the page, a bad upload, the upload and the form");
    let k0 = edit.k0.as_str();
    let (s, _) = t.get_html(rc, &format!("/supply/{TARGET}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page) = t.get_html(center, &format!("/supply/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("货源平衡") && page.contains("type=\"file\""));
    let ctoken = t.csrf(center).await;
    let upload = t.url(&format!("/supply/{TARGET}/upload"));
    let (ct, body) = multipart(&ctoken, &xlsx(&[(k0, "100"), (k0, "abc")]));
    let r = center
        .post(&upload)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 3 行"), "{page}");
    let (_, sup) = t
        .get_json(center, &format!("/api/v1/supply/{TARGET}"))
        .await;
    assert_eq!(sup.as_array().unwrap().len(), 0, "{sup}");
    let (ct, body) = multipart(&ctoken, &xlsx(&[(k0, "40")]));
    let r = center
        .post(&upload)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, _) = t
        .post_form(
            center,
            &format!("/supply/{TARGET}"),
            &[("csrf", &ctoken), (&edit.field, "30")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, sup) = t
        .get_json(center, &format!("/api/v1/supply/{TARGET}"))
        .await;
    assert_eq!(sup.as_array().unwrap().len(), 1, "{sup}");
    assert_eq!(sup[0]["quantity"], 30, "{sup}");
    ctoken
}

/// Balancing: run, review (a cut tight SKU shows its ladder), publish — refused to a rep, and the
/// second publish changes nothing.
pub async fn pages_step_balance(
    t: &TestApp, rc: &Client, center: &Client, edit: &PhoneEdit, ctoken: &str,
) {
    let _s = step("balance: run, review and publish from the page");
    let (s, page) = t.get_html(center, &format!("/balance/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("尚未运行"));
    let (s, _) = t
        .post_form(
            center,
            &format!("/balance/{TARGET}/run"),
            &[("csrf", ctoken)],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(center, &format!("/balance/{TARGET}")).await;
    for w in ["按规格", "按档位", "标记客户", "发布", "草稿"] {
        assert!(page.contains(w), "balance page lacks {w}");
    }
    // A tight SKU that was cut shows its tier ladder on the page.
    let (_, rv) = t
        .get_json(center, &format!("/api/v1/balance/{TARGET}"))
        .await;
    for l in rv["ladders"].as_array().unwrap() {
        assert!(page.contains("紧俏规格档位限量"), "{page}");
        assert!(
            page.contains(&format!(
                "<td>{}</td><td>{}</td>",
                l["sku"].as_str().unwrap(),
                l["mode_label"].as_str().unwrap()
            )),
            "{l}"
        );
    }
    let publish = format!("/balance/{TARGET}/publish");
    let (s, _) = t.post_form(rc, &publish, &[("csrf", &edit.token)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.post_form(center, &publish, &[("csrf", ctoken)]).await;
    let r = t.post_form_raw(center, &publish, &[("csrf", ctoken)]).await;
    let (_, page) = t.follow(center, &r).await;
    assert!(page.contains("此前已发布"), "{page}");
}
