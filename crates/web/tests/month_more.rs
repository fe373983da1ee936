//! Issue 5's remaining pages, walked through HTTP: the retailer's self-report page (客户提报)
//! behind its POS credential, the rep accepting a self-report on the phone page, the brand plan on
//! the forecast meeting and the retailer's stock on the phone page.
mod common;
use chrono::{TimeZone, Utc};
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn at(t: &TestApp, y: i32, m: u32, d: u32) {
    t.app.clock.set(Some(
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0)
            .single()
            .expect("time"),
    ));
}

const TARGET: &str = "2026-10";

async fn post_form(
    t: &TestApp,
    c: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = c.post(t.url(path)).form(form).send().await.expect("post");
    let s = r.status();
    (s, r.text().await.expect("text"))
}

/// The model's forecasts for TARGET, then the first rep signed in (form) and their records.
async fn setup(t: &TestApp) -> (Client, Vec<Value>) {
    at(t, 2026, 9, 2);
    let center = t.login("yxzx01").await;
    let r = center
        .post(t.url(&format!("/api/v1/forecasts/{TARGET}/model?wait=true")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rep = t.users_of_role("account_manager").await.remove(0);
    let rc = t.login_form(&rep).await;
    let (s, list) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    (rc, list.as_array().unwrap().clone())
}

async fn pair(t: &TestApp, c: &Client, code: &str, sku: &str) -> Value {
    let (_, l) = t.get_json(c, &format!("/api/v1/forecasts/{TARGET}")).await;
    l.as_array()
        .unwrap()
        .iter()
        .find(|f| f["customer_code"] == code && f["sku_code"] == sku)
        .cloned()
        .unwrap()
}

/// The retailer opens its sheet with code + credential and self-reports; the POS token goes
/// through the same function as the POS API; a wrong token is refused and writes nothing.
async fn self_report_via_page(t: &TestApp, rc: &Client, code: &str, sku: &str, qty: &str) {
    let r = rc
        .post(t.url(&format!("/api/v1/retailers/{code}/pos-token")))
        .send()
        .await
        .unwrap();
    let (s, tok) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{tok}");
    let token = tok["token"].as_str().unwrap().to_string();

    let shop = t.client();
    let r = shop.get(t.url("/pos")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, page) = t.get_html(&shop, &format!("/pos/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        page.contains("客户提报") && page.contains("POS 凭证"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let path = format!("/pos/{TARGET}");

    // A forged form (no session token) is refused.
    let (s, _) = post_form(
        t,
        &shop,
        &path,
        &[("csrf", "x"), ("code", code), ("token", &token)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A wrong credential: a clear message, no sheet.
    let (s, page) = post_form(
        t,
        &shop,
        &path,
        &[("csrf", &csrf), ("code", code), ("token", "wrong")],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(page.contains("客户编码或凭证不正确"), "{page}");
    assert!(!page.contains(&format!("name=\"q_{sku}\"")));
    // The right one: the sheet with last months' demand.
    let (s, page) = post_form(
        t,
        &shop,
        &path,
        &[("csrf", &csrf), ("code", code), ("token", &token)],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains(&format!("name=\"q_{sku}\"")), "{page}");
    assert!(
        page.contains("2026-08") && page.contains("2026-06"),
        "{page}"
    );
    assert_eq!(hidden(&page, "token"), token);
    let field = format!("q_{sku}");
    // Submitting with a wrong token writes nothing.
    let (s, page) = post_form(
        t,
        &shop,
        &path,
        &[
            ("csrf", &csrf),
            ("code", code),
            ("token", "wrong"),
            (&field, "99"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(page.contains("未写入任何数据"), "{page}");
    assert_eq!(pair(t, rc, code, sku).await["self_report_qty"], Value::Null);
    // Submitting with the right one.
    let (s, page) = post_form(
        t,
        &shop,
        &path,
        &[
            ("csrf", &csrf),
            ("code", code),
            ("token", &token),
            (&field, qty),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("已提报"), "{page}");
    assert!(
        page.contains(&format!("name=\"q_{sku}\" value=\"{qty}\"")),
        "{page}"
    );
}

both_backends!(pos_page_self_report, async |t: TestApp| {
    let (rc, list) = setup(&t).await;
    let code = list[0]["customer_code"].as_str().unwrap().to_string();
    let sku = list[0]["sku_code"].as_str().unwrap().to_string();
    self_report_via_page(&t, &rc, &code, &sku, "7").await;
    let f = pair(&t, &rc, &code, &sku).await;
    assert_eq!(f["self_report_qty"], 7, "{f}");
    // Not reviewed yet: the model's figure stays in force (§5.1).
    assert_eq!(f["method"], "MODEL", "{f}");
});

both_backends!(phone_page_accepts_self_report, async |t: TestApp| {
    let (rc, list) = setup(&t).await;
    let code = list[0]["customer_code"].as_str().unwrap().to_string();
    let sku = list[0]["sku_code"].as_str().unwrap().to_string();
    let page_path = format!("/forecasts/{TARGET}/{code}");
    let (s, page) = t.get_html(&rc, &page_path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("采纳客户提报"), "no self-report yet");
    self_report_via_page(&t, &rc, &code, &sku, "9").await;
    let (s, page) = t.get_html(&rc, &page_path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("采纳客户提报"), "{page}");
    assert!(
        page.contains(&format!("form=\"accept-{sku}\""))
            && page.contains(&format!("name=\"accept\" value=\"{sku}\"")),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let (s, _) = post_form(
        &t,
        &rc,
        &format!("{page_path}/accept"),
        &[("csrf", "forged"), ("accept", &sku)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        pair(&t, &rc, &code, &sku).await["self_report_reviewed_qty"],
        Value::Null
    );
    let r = rc
        .post(t.url(&format!("{page_path}/accept")))
        .form(&[("csrf", csrf.as_str()), ("accept", sku.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let f = pair(&t, &rc, &code, &sku).await;
    assert_eq!(f["self_report_reviewed_qty"], 9, "{f}");
    assert_eq!(f["method"], "CUSTOMER_SELF_REPORT", "{f}");
    assert_eq!(f["quantity"], 9, "{f}");
    let (_, page) = t.get_html(&rc, &page_path).await;
    assert!(page.contains("已采纳客户提报"), "{page}");
    // A SKU without a self-report: refused in place, nothing written.
    let other = list
        .iter()
        .find(|f| f["customer_code"] == code.as_str() && f["sku_code"] != sku.as_str())
        .map(|f| f["sku_code"].as_str().unwrap().to_string());
    if let Some(o) = other {
        let r = rc
            .post(t.url(&format!("{page_path}/accept")))
            .form(&[("csrf", csrf.as_str()), ("accept", o.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        assert!(loc.contains("msg="), "{loc}");
        assert_eq!(pair(&t, &rc, &code, &o).await["method"], "MODEL");
    }
});

both_backends!(meeting_shows_brand_plan, async |t: TestApp| {
    at(&t, 2026, 9, 20);
    let center = t.login("yxzx01").await;
    let brand = store::repo::cultivation::all_brands(t.db())
        .await
        .unwrap()
        .remove(0);
    let task = |title: &str, from: &str, to: &str| {
        serde_json::json!({
            "brand": brand, "title": title, "method": "逐户摆放样品并讲解卖点",
            "scope": "COUNTY", "org_unit_code": "CTY01", "min_tier": 10, "from_week": from, "to_week": to
        })
    };
    let mut ids = Vec::new();
    for (title, from, to) in [
        ("十月新品上柜", "2026-W39", "2026-W41"),
        ("十一月陈列", "2026-W45", "2026-W46"),
        ("十月已关闭", "2026-W42", "2026-W42"),
    ] {
        let r = center
            .post(t.url("/api/v1/cultivation-tasks"))
            .json(&task(title, from, to))
            .send()
            .await
            .unwrap();
        let (s, v) = json_of(r).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    let r = center
        .post(t.url(&format!("/api/v1/cultivation-tasks/{}/close", ids[2])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let mm = t.login_form(&t.user_of_role("market_manager").await).await;
    let (s, page) = t.get_html(&mm, &format!("/meeting/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("品牌培育计划"), "{page}");
    let plan = &page[page.find("品牌培育计划").unwrap()..];
    for w in [
        "十月新品上柜",
        brand.as_str(),
        "逐户摆放样品并讲解卖点",
        "县级营销部",
        "10 档及以上",
        "2026-W39",
    ] {
        assert!(plan.contains(w), "brand plan lacks {w}: {plan}");
    }
    assert!(
        !plan.contains("十一月陈列"),
        "a November task is not October's"
    );
    assert!(!plan.contains("十月已关闭"), "a closed task is not shown");
    // The author's name.
    let author = store::repo::staff::by_username(t.db(), "yxzx01")
        .await
        .unwrap()
        .unwrap()
        .name;
    assert!(plan.contains(&author), "{plan}");
});

both_backends!(phone_page_shows_stock, async |t: TestApp| {
    at(&t, 2026, 9, 2);
    // A sample point of the test city with its rep, collected in August.
    let (code, rep_id): (String, i64) = store::on_db!(t.db(), p => sqlx::query_as(
        "SELECT r.customer_code, r.account_manager_id FROM retailer r WHERE r.account_manager_id IS NOT NULL \
         AND EXISTS (SELECT 1 FROM sample_collection c WHERE c.retailer_id = r.id AND c.month = '2026-08') ORDER BY r.id LIMIT 1"
    ).fetch_one(p).await.unwrap());
    let rep = store::repo::staff::list(t.db(), Some("account_manager"), None)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == rep_id)
        .unwrap()
        .username;
    let (sku, stock): (String, i64) = store::on_db!(t.db(), p => sqlx::query_as(
        "SELECT p.sku_code, c.stock_qty FROM sample_collection c JOIN product p ON p.id = c.product_id \
         JOIN retailer r ON r.id = c.retailer_id WHERE r.customer_code = $1 AND c.month = '2026-08' ORDER BY p.sku_code LIMIT 1"
    ).bind(&code).fetch_one(p).await.unwrap());
    let rc = t.login_form(&rep).await;
    let path = format!("/forecasts/{TARGET}/{code}");
    let (s, page) = t.get_html(&rc, &path).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let st = &page[page.find("<h2>库存</h2>").expect("stock section")..];
    assert!(
        st.contains("样本点采集") && st.contains("2026-08-26"),
        "{st}"
    );
    assert!(
        !st.contains("2026-09-26"),
        "a collection after today is not shown"
    );
    assert!(
        st.contains(&sku) && st.contains(&format!("<td class=\"n\">{stock}</td>")),
        "{st}"
    );
    assert!(!st.contains("暂无库存采集"));

    // A visit with observations adds the rep's own figures with the visit's date.
    let r = rc
        .post(t.url("/api/v1/visits"))
        .json(&serde_json::json!({"retailer_code": code}))
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = rc
        .post(t.url(&format!("/api/v1/visits/{}/checkout", v["id"])))
        .json(&serde_json::json!({"observations": [{"sku_code": sku, "stock_qty": 4321, "retail_price_fen": 2300}]}))
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, page) = t.get_html(&rc, &path).await;
    let st = &page[page.find("<h2>库存</h2>").unwrap()..];
    assert!(
        st.contains("拜访观察") && st.contains("2026-09-02") && st.contains("4321"),
        "{st}"
    );

    // A retailer of the rep without any collection or observation.
    let plain: String = store::on_db!(t.db(), p => sqlx::query_scalar(
        "SELECT r.customer_code FROM retailer r WHERE r.account_manager_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM sample_collection c WHERE c.retailer_id = r.id) AND NOT EXISTS \
         (SELECT 1 FROM visit v JOIN visit_observation o ON o.visit_id = v.id WHERE v.retailer_id = r.id) ORDER BY r.id LIMIT 1"
    ).bind(rep_id).fetch_one(p).await.unwrap());
    let (s, page) = t
        .get_html(&rc, &format!("/forecasts/{TARGET}/{plain}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("暂无库存采集"), "{page}");
});

// POS credentials cannot be guessed by trying: after the configured number of wrong tokens for a
// customer code (5 by default) the code is locked for the configured minutes (15), even for the
// right token, and the lock ends by itself.
both_backends!(pos_credential_lockout, async |t: TestApp| {
    let (rc, list) = setup(&t).await;
    let code = list[0]["customer_code"].as_str().unwrap().to_string();
    let sku = list[0]["sku_code"].as_str().unwrap().to_string();
    let r = rc
        .post(t.url(&format!("/api/v1/retailers/{code}/pos-token")))
        .send()
        .await
        .unwrap();
    let (_, tok) = json_of(r).await;
    let token = tok["token"].as_str().unwrap().to_string();
    let pos = t.client();
    let send = |tk: String| {
        pos.post(t.url(&format!("/api/v1/pos/forecasts/{TARGET}")))
            .header("X-Retailer", &code)
            .bearer_auth(tk)
            .json(&serde_json::json!({"lines": [{"sku": sku, "quantity": 3}]}))
            .send()
    };
    for i in 0..5 {
        let r = send(format!("guess-{i}")).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = send(token.clone()).await.unwrap();
    let (s, p) = json_of(r).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("已锁定 15 分钟"),
        "{p}"
    );
    // The self-report page is locked the same way.
    let shop = t.client();
    let (_, page) = t.get_html(&shop, &format!("/pos/{TARGET}")).await;
    let csrf = hidden(&page, "csrf");
    let (s, page) = post_form(
        &t,
        &shop,
        &format!("/pos/{TARGET}"),
        &[("csrf", &csrf), ("code", &code), ("token", &token)],
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("已锁定 15 分钟"), "{page}");
    assert_eq!(
        t.scalar_i64(
            &format!("SELECT COUNT(*) FROM forecast WHERE month = '{TARGET}' AND self_report_qty IS NOT NULL"),
            &[],
        )
        .await,
        0
    );
    // 16 minutes later the right token works again.
    t.app.clock.set(Some(
        Utc.with_ymd_and_hms(2026, 9, 2, 2, 16, 0)
            .single()
            .expect("time"),
    ));
    let r = send(token).await.unwrap();
    let (s, v) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v[0]["self_report_qty"], 3);
});

// The phone page shows each SKU's tier quota: before balancing, what the retailer's orders of the
// last complete month were allowed (Σ quota of its order lines, §4.3).
both_backends!(phone_page_shows_last_month_quota, async |t: TestApp| {
    let (rc, list) = setup(&t).await;
    let mut checked = 0;
    for f in &list {
        let q = t
            .scalar_i64(
                "SELECT CAST(COALESCE(SUM(quota_qty), -1) AS BIGINT) FROM order_line WHERE retailer_id = $1 \
                 AND product_id = $2 AND order_date >= '2026-08-01' AND order_date <= '2026-08-31' AND quota_qty IS NOT NULL",
                &[f["retailer_id"].as_i64().unwrap(), f["product_id"].as_i64().unwrap()],
            )
            .await;
        let code = f["customer_code"].as_str().unwrap();
        let sku = f["sku_code"].as_str().unwrap();
        let (s, page) = t
            .get_html(&rc, &format!("/forecasts/{TARGET}/{code}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("档位限量"));
        let row = page
            .split("<tr>")
            .find(|r| r.contains(&format!("<small>{sku}</small>")))
            .unwrap();
        if q >= 0 {
            assert!(row.contains(&format!("上月 {q}")), "{row}");
            checked += 1;
            if checked == 3 {
                break;
            }
        } else {
            assert!(!row.contains("上月"), "{row}");
        }
    }
    assert!(checked > 0, "no quota-released SKU among the rep's records");
});
