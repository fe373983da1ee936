//! The four warnings of the 135 system (`/warnings`, `/api/v1/warnings…`, domain.md §6): each
//! triggered by purchases changed here, its figures checked against `sales_month` by SQL, shown
//! to the people responsible only, handled (acknowledged, measure, closed) with its history and
//! audit trail, kept through a re-detection, and fed to the 135 page and the one-sheet draft.
use crate::harness::*;

/// The month the purchases are changed in (the test city's last complete month).
const M: &str = "2026-10";
const PREV: &str = "2026-09";

/// What the test changed and who is who.
struct Case {
    rep: String,
    other_rep: String,
    /// The retailer made a 千条户.
    big: (i64, String),
    /// The retailer whose purchases stopped (a customer warning).
    dropped: (i64, String),
    /// The area whose key brand stopped, and the brand.
    brand_area: i64,
    brand: String,
    /// The area whose month was halved.
    market_area: i64,
}

async fn text(t: &TestApp, sql: &str, bind: i64) -> String {
    t.scalar_text(sql, bind).await
}

/// Two market areas (the test city has one per county, so their sub-centre is the company).
async fn two_areas(t: &TestApp) -> (i64, i64) {
    let a1 = t
        .scalar_i64("SELECT MIN(id) FROM org_unit WHERE kind = 'AREA'", &[])
        .await;
    let a2 = t
        .scalar_i64(
            "SELECT MIN(id) FROM org_unit WHERE kind = 'AREA' AND id > $1",
            &[a1],
        )
        .await;
    (a1, a2)
}

/// Change the test city's purchases of `M` so that each kind of warning has a known case, rebuild
/// the roll-ups (as an order import does), then have the center re-detect the month.
async fn construct(t: &TestApp) -> Case {
    let (brand_area, market_area) = two_areas(t).await;
    // A rep of the market area with two retailers that bought in both months.
    let rep_id = t
        .scalar_i64(
            "SELECT MIN(r.account_manager_id) FROM retailer r WHERE r.area_id = $1",
            &[market_area],
        )
        .await;
    let rep = t.username_of(rep_id).await;
    let other_rep = t
        .users_of_role("account_manager")
        .await
        .into_iter()
        .find(|u| *u != rep)
        .unwrap();
    let both = "SELECT MIN(r.id) FROM retailer r WHERE r.account_manager_id = $1 AND r.id > $2 \
                AND EXISTS (SELECT 1 FROM sales_month s WHERE s.retailer_id = r.id AND s.month = '2026-10' AND s.supplied_qty > 0) \
                AND EXISTS (SELECT 1 FROM sales_month s WHERE s.retailer_id = r.id AND s.month = '2026-09' AND s.supplied_qty > 0)";
    let big = t.scalar_i64(both, &[rep_id, 0]).await;
    let dropped = t.scalar_i64(both, &[rep_id, big]).await;
    let code = "SELECT customer_code FROM retailer WHERE id = $1";
    // 千条户: 5,000 条 more of one SKU.
    t.exec(
        "UPDATE sales_month SET supplied_qty = supplied_qty + 5000 WHERE retailer_id = $1 AND month = '2026-10' \
         AND product_id = (SELECT MIN(product_id) FROM sales_month WHERE retailer_id = $1 AND month = '2026-10' AND supplied_qty > 0)",
        &[big],
    )
    .await;
    // Customer warning: nothing bought this month.
    t.exec(
        "UPDATE sales_month SET supplied_qty = 0, amount_fen = 0 WHERE retailer_id = $1 AND month = '2026-10'",
        &[dropped],
    )
    .await;
    // Brand warning: a key brand with a brand manager stops in the first area.
    let brand = store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>(
        "SELECT MIN(p.brand) FROM product p JOIN brand_assignment b ON b.brand = p.brand WHERE p.is_key_brand = TRUE \
         AND EXISTS (SELECT 1 FROM sales_month s JOIN retailer r ON r.id = s.retailer_id WHERE s.product_id = p.id \
         AND r.area_id = $1 AND s.month = '2026-09' AND s.supplied_qty > 0)")
        .bind(brand_area).fetch_one(p).await.expect("brand"));
    store::on_db!(t.db(), p => sqlx::query(
        "UPDATE sales_month SET supplied_qty = 0, amount_fen = 0 WHERE month = '2026-10' \
         AND product_id IN (SELECT id FROM product WHERE brand = $1) \
         AND retailer_id IN (SELECT id FROM retailer WHERE area_id = $2)")
        .bind(&brand).bind(brand_area).execute(p).await.map(|_| ()).expect("brand stops"));
    // Market warning: the second area's month halved (volume and amount).
    t.exec(
        "UPDATE sales_month SET supplied_qty = supplied_qty / 2, amount_fen = amount_fen / 2 WHERE month = '2026-10' \
         AND retailer_id IN (SELECT id FROM retailer WHERE area_id = $1)",
        &[market_area],
    )
    .await;
    store::rollup::rebuild(t.db()).await.expect("roll-ups");
    t.at(2026, 11, 5);
    let center = t.login(&t.user_of_role("marketing_center").await).await;
    let (s, v) = t
        .post_empty_json(&center, &format!("/api/v1/warning-runs/{M}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    Case {
        rep,
        other_rep,
        big: (big, text(t, code, big).await),
        dropped: (dropped, text(t, code, dropped).await),
        brand_area,
        brand,
        market_area,
    }
}

/// The warnings of one kind a person's list shows for `M` (every page).
async fn listed(t: &TestApp, c: &Client, kind: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1..100 {
        let (s, v) = t
            .get_json(
                c,
                &format!("/api/v1/warnings?month={M}&kind={kind}&page={page}"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let rows = v["warnings"].as_array().unwrap().clone();
        if rows.is_empty() {
            break;
        }
        out.extend(rows);
    }
    out
}

fn find(rows: &[Value], f: impl Fn(&Value) -> bool) -> Option<&Value> {
    rows.iter().find(|w| f(w))
}

both_backends!(four_warnings_found_shown_and_handled, async |t: TestApp| {
    let k = construct(&t).await;
    let center = t.login(&t.user_of_role("marketing_center").await).await;
    let ids = step_each_kind_found(&t, &center, &k).await;
    step_shown_to_the_right_people(&t, &k, &ids).await;
    step_handling(&t, &k, ids.customer).await;
    step_page_and_feeds(&t, &k, ids.large).await;
    // A re-detection keeps the handling and finds the same warnings.
    let (s, v) = t
        .post_empty_json(&center, &format!("/api/v1/warning-runs/{M}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["new"], 0, "{v}");
    let (_, w) = t
        .get_json(&center, &format!("/api/v1/warnings/{}", ids.customer))
        .await;
    assert_eq!(w["status"], "CLOSED", "{w}");
    // The open month and a month without purchases are refused by name.
    let (s, v) = t
        .post_empty_json(&center, "/api/v1/warning-runs/2026-11")
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = t
        .post_empty_json(&center, "/api/v1/warning-runs/2001-01")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
});

struct Ids {
    large: i64,
    customer: i64,
    brand: i64,
    market: i64,
}

/// Each constructed case is found, with the figures of `sales_month` summed here.
async fn step_each_kind_found(t: &TestApp, center: &Client, k: &Case) -> Ids {
    let _s = step("warnings: the four kinds found from the changed purchases");
    let sum = |month: &'static str| {
        format!(
            "SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) FROM sales_month WHERE retailer_id = $1 AND month = '{month}'"
        )
    };
    // 千条户.
    let rows = listed(t, center, "LARGE_ACCOUNT").await;
    let w = find(&rows, |w| w["customer_code"] == k.big.1.as_str())
        .unwrap_or_else(|| panic!("千条户 {} not found: {rows:?}", k.big.1));
    let qty = t.scalar_i64(&sum(M), &[k.big.0]).await;
    assert_eq!(w["qty"], qty, "{w}");
    assert!(qty > 1000);
    let area_avg = {
        let n = t
            .scalar_i64(
                "SELECT COUNT(DISTINCT s.retailer_id) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 WHERE s.month = '2026-10' AND s.supplied_qty > 0 AND r.area_id = (SELECT area_id FROM retailer WHERE id = $1)",
                &[k.big.0],
            )
            .await;
        let total = t
            .scalar_i64(
                "SELECT CAST(SUM(s.supplied_qty) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
                 WHERE s.month = '2026-10' AND r.area_id = (SELECT area_id FROM retailer WHERE id = $1)",
                &[k.big.0],
            )
            .await;
        total as f64 / n as f64
    };
    assert!(
        (w["reference"].as_f64().unwrap() - area_avg).abs() < 1e-6,
        "area average {area_avg}: {w}"
    );
    assert!(qty as f64 > 3.0 * area_avg);
    let large = w["id"].as_i64().unwrap();
    // Customer warning: this month 0, last month what sales_month says.
    let rows = listed(t, center, "CUSTOMER").await;
    let w = find(&rows, |w| w["customer_code"] == k.dropped.1.as_str())
        .unwrap_or_else(|| panic!("customer warning {} not found", k.dropped.1));
    assert_eq!(w["qty"], 0);
    assert_eq!(
        w["prev_qty"],
        t.scalar_i64(&sum(PREV), &[k.dropped.0]).await
    );
    assert_eq!(w["ratio"].as_f64(), Some(0.0), "{w}");
    let customer = w["id"].as_i64().unwrap();
    // Brand warning: the brand in the area this month 0.
    let rows = listed(t, center, "BRAND").await;
    let w = find(&rows, |w| {
        w["brand"] == k.brand.as_str() && w["area_id"] == k.brand_area
    })
    .unwrap_or_else(|| panic!("brand warning {} not found", k.brand));
    assert_eq!(w["qty"], 0);
    let brand = w["id"].as_i64().unwrap();
    // Market warning: the area's volume index against its county's, from sales_month.
    let rows = listed(t, center, "MARKET").await;
    let w = find(&rows, |w| w["area_id"] == k.market_area)
        .unwrap_or_else(|| panic!("market warning of area {} not found", k.market_area));
    let vol = |month: &'static str, col: &'static str| {
        format!(
            "SELECT CAST(SUM(s.supplied_qty) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
             WHERE s.month = '{month}' AND r.{col} = $1"
        )
    };
    // The sub-centre: the county when it has another area, else the company.
    let county = t
        .scalar_i64(
            "SELECT parent_id FROM org_unit WHERE id = $1",
            &[k.market_area],
        )
        .await;
    let siblings = t
        .scalar_i64(
            "SELECT COUNT(*) FROM org_unit WHERE kind = 'AREA' AND parent_id = $1",
            &[county],
        )
        .await;
    let (a, ap) = (
        t.scalar_i64(&vol(M, "area_id"), &[k.market_area]).await,
        t.scalar_i64(&vol(PREV, "area_id"), &[k.market_area]).await,
    );
    let (c, cp) = if siblings > 1 {
        (
            t.scalar_i64(&vol(M, "county_id"), &[county]).await,
            t.scalar_i64(&vol(PREV, "county_id"), &[county]).await,
        )
    } else {
        let all = |month: &'static str| {
            format!(
                "SELECT CAST(SUM(supplied_qty) AS BIGINT) FROM sales_month WHERE month = '{month}'"
            )
        };
        (
            t.scalar_i64(&all(M), &[]).await,
            t.scalar_i64(&all(PREV), &[]).await,
        )
    };
    let ratio = (a as f64 / ap as f64) / (c as f64 / cp as f64);
    assert_eq!(w["qty"], a);
    assert!(
        (w["ratio"].as_f64().unwrap() - ratio).abs() < 1e-9,
        "{ratio}: {w}"
    );
    assert!(ratio < 0.8);
    Ids {
        large,
        customer,
        brand,
        market: w["id"].as_i64().unwrap(),
    }
}

/// Who sees which: the rep their retailers' customer and 千条户 warnings; the market manager
/// their area's; the brand manager their brands'; the monopoly officer none.
async fn step_shown_to_the_right_people(t: &TestApp, k: &Case, ids: &Ids) {
    let _s = step("warnings: shown to the right people only");
    let see = |c: Client, id: i64| async move {
        t.get_json(&c, &format!("/api/v1/warnings/{id}")).await.0
    };
    let rep = t.login(&k.rep).await;
    let other = t.login(&k.other_rep).await;
    assert_eq!(see(rep.clone(), ids.large).await, StatusCode::OK);
    assert_eq!(see(rep.clone(), ids.customer).await, StatusCode::OK);
    assert_eq!(see(rep.clone(), ids.brand).await, StatusCode::NOT_FOUND);
    assert_eq!(see(rep.clone(), ids.market).await, StatusCode::NOT_FOUND);
    assert_eq!(see(other.clone(), ids.large).await, StatusCode::NOT_FOUND);
    let rows = listed(t, &other, "LARGE_ACCOUNT").await;
    assert!(
        find(&rows, |w| w["id"] == ids.large).is_none(),
        "another rep lists it"
    );
    let (_, v) = t
        .get_json(&rep, &format!("/api/v1/warnings?month={M}"))
        .await;
    let kinds: Vec<&str> = v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[0].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["CUSTOMER", "LARGE_ACCOUNT"]);
    // Market managers: the market area's own, not the other area's.
    let mm_of = |area: i64| async move {
        let id = t
            .scalar_i64(
                "SELECT MIN(id) FROM staff WHERE role = 'market_manager' AND org_unit_id = $1",
                &[area],
            )
            .await;
        t.login(&t.username_of(id).await).await
    };
    let mm_market = mm_of(k.market_area).await;
    let mm_brand = mm_of(k.brand_area).await;
    assert_eq!(see(mm_market.clone(), ids.market).await, StatusCode::OK);
    assert_eq!(see(mm_market.clone(), ids.large).await, StatusCode::OK);
    assert_eq!(
        see(mm_market.clone(), ids.brand).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(see(mm_brand.clone(), ids.brand).await, StatusCode::OK);
    assert_eq!(
        see(mm_brand.clone(), ids.market).await,
        StatusCode::NOT_FOUND
    );
    // Brand managers: the brand's manager sees its warning, nobody's market warning.
    let bm_id = t
        .scalar_i64(
            &format!(
                "SELECT MIN(brand_manager_id) FROM brand_assignment WHERE brand = '{}'",
                k.brand.replace('\'', "''")
            ),
            &[],
        )
        .await;
    let bm = t.login(&t.username_of(bm_id).await).await;
    assert_eq!(see(bm.clone(), ids.brand).await, StatusCode::OK);
    assert_eq!(see(bm.clone(), ids.market).await, StatusCode::NOT_FOUND);
    assert_eq!(see(bm.clone(), ids.large).await, StatusCode::NOT_FOUND);
    for other_bm in t.users_of_role("brand_manager").await {
        let s = t.staff(&other_bm).await;
        let brands = store::repo::product::brands_of_manager(t.db(), s.id)
            .await
            .unwrap();
        if !brands.contains(&k.brand) {
            let c = t.login(&other_bm).await;
            assert_eq!(see(c, ids.brand).await, StatusCode::NOT_FOUND);
            break;
        }
    }
    // The monopoly officer has no warnings.
    let mo = t.login(&t.user_of_role("monopoly_officer").await).await;
    let (s, _) = t.get_json(&mo, "/api/v1/warnings").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// The rep handles the customer warning: acknowledge, a measure, close; refusals by name and
/// state; the history and the audit trail.
async fn step_handling(t: &TestApp, k: &Case, id: i64) {
    let _s = step("warnings: acknowledged, given a measure, closed");
    let rep = t.login(&k.rep).await;
    let path = format!("/api/v1/warnings/{id}/steps");
    let (s, v) = t
        .post_json(&rep, &path, &json!({"action": "CLOSE", "result": "好了"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "close before a measure: {v}");
    let (s, v) = t
        .post_json(
            &rep,
            &path,
            &json!({"action": "ACKNOWLEDGE", "note": "已电话联系店主"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "ACKNOWLEDGED");
    let version = v["version"].as_i64().unwrap();
    let (s, v) = t
        .post_json(&rep, &path, &json!({"action": "MEASURE", "measure": "  "}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("measure"), "{v}");
    let (s, v) = t
        .post_json(
            &rep,
            &path,
            &json!({"action": "MEASURE", "measure": "x".repeat(5000)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = t.post_json(&rep, &path, &json!({"action": "FIX"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = t
        .post_json(
            &rep,
            &path,
            &json!({"action": "MEASURE", "measure": "上门了解原因，指导订货", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "MEASURED");
    // A second writer with the version read before: refused, nothing overwritten.
    let (s, v) = t
        .post_json(
            &rep,
            &path,
            &json!({"action": "MEASURE", "measure": "旧版本的措施", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, v) = t
        .post_json(
            &rep,
            &path,
            &json!({"action": "CLOSE", "result": "次月购进恢复"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "CLOSED");
    assert_eq!(v["measure"], "上门了解原因，指导订货");
    assert_eq!(v["actions"], json!([]));
    let events: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["ACKNOWLEDGE", "MEASURE", "CLOSE"]);
    let (s, _) = t
        .post_json(&rep, &path, &json!({"action": "ACKNOWLEDGE"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(t.audit_count("warning.acknowledge").await, 1);
    assert_eq!(t.audit_count("warning.measure").await, 1);
    assert_eq!(t.audit_count("warning.close").await, 1);
    // Another rep cannot act on it (not shown to exist).
    let other = t.login(&k.other_rep).await;
    let (s, _) = t
        .post_json(&other, &path, &json!({"action": "ACKNOWLEDGE"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The page: the rep's menu leads to the list, the warning's page takes a step by form; the
/// open 千条户 warning is on the 135 page's analysis and first among the draft's proposals.
async fn step_page_and_feeds(t: &TestApp, k: &Case, large: i64) {
    let _s = step("warnings: pages, the 135 analysis and the one-sheet draft");
    let rep = t.login(&k.rep).await;
    let (s, home) = t.get_html(&rep, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("href=\"/warnings\""), "menu");
    let (s, page) = t
        .get_html(&rep, &format!("/warnings?month={M}&kind=LARGE_ACCOUNT"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(&k.big.1) && page.contains("千条户预警"),
        "list"
    );
    let detail = format!("/warnings/{large}");
    let (s, page) = t.get_html(&rep, &detail).await;
    assert_eq!(s, StatusCode::OK);
    let version = hidden(&page, "version");
    let r = t
        .submit_form(
            &rep,
            &detail,
            &format!("{detail}/steps"),
            &[
                ("action", "ACKNOWLEDGE"),
                ("note", "已核实"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = t.follow(&rep, &r).await;
    assert!(
        page.contains("已确认") && page.contains("已核实"),
        "history"
    );
    // A measure without text is shown on the page with its message.
    let r = t
        .submit_form(
            &rep,
            &detail,
            &format!("{detail}/steps"),
            &[("action", "MEASURE")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("请填写整改措施"));
    // Still open: on the 135 page and the draft of a week after the month.
    let (s, page) = t.get_html(&rep, "/method135/2026-11").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("千条户预警") && page.contains(&k.big.1),
        "135"
    );
    let (s, v) = t
        .get_json(&rep, &format!("/api/v1/sheets/{}/2026-W46", k.rep))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let proposed: Vec<&str> = v["proposed_priorities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let large_at = proposed
        .iter()
        .position(|p| p.contains("千条户预警") && p.contains(&k.big.1))
        .unwrap_or_else(|| panic!("{proposed:?}"));
    // Before any customer warning's proposal.
    assert!(
        proposed[..large_at].iter().all(|p| !p.contains("预警客户")),
        "{proposed:?}"
    );
}
