//! Front-door tests: HTTP against the spawned app, a fresh database per test, on SQLite and (when
//! `TEST_POSTGRES_URL` is set) PostgreSQL. Figures are checked against independent SQL.
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::Value;

/// The rep's last-month volume straight from the roll-up (independent of the app's queries).
async fn rep_month_qty(t: &TestApp, username: &str, month: &str) -> i64 {
    let id = store::repo::staff::by_username(t.db(), username)
        .await
        .unwrap()
        .unwrap()
        .id;
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(s.supplied_qty), 0) AS BIGINT) FROM sales_month s JOIN retailer r ON r.id = s.retailer_id \
         WHERE r.account_manager_id = $1 AND s.month = '{month}'"
    );
    t.scalar_i64(&sql, &[id]).await
}

both_backends!(health_and_static, async |t: TestApp| {
    let c = t.client();
    let r = c.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let r = c
        .get(t.url("/static/vendor/htmx.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let r = c.get(t.url("/static/app.css")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        c.get(t.url("/static/nope.js"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let (s, v) = t.get_json(&c, "/api/v1/nothing-here").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["detail"].as_str().unwrap().contains("不存在"));
});

both_backends!(login_form_csrf_and_logout, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.client();
    // Not signed in: pages redirect to the login page, the API answers 401.
    let r = c.get(t.url("/retailers")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=/retailers")
    );
    let (s, v) = t.get_json(&c, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["status"], 401);
    // The login page is in Chinese and carries a CSRF token.
    let (s, page) = t.get_html(&c, "/login").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("登录")
            && page.contains("lang=\"zh-CN\"")
            && page.contains("width=device-width")
    );
    let csrf = hidden(&page, "csrf");
    // A form without the session's token is refused.
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", rep.as_str()),
            ("password", PASSWORD),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("页面已过期"));
    // Wrong password: the same page with a clear message, no session.
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", rep.as_str()),
            ("password", "wrong"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    // Missing password field.
    let r = c
        .post(t.url("/login"))
        .form(&[("username", rep.as_str()), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("请输入密码"));
    // A foreign `next` is not followed.
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", rep.as_str()),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let (s, home) = t.get_html(&c, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("我的辖区"));
    // Logout needs the (rotated) token.
    let token = hidden(&home, "csrf");
    assert_ne!(token, csrf, "the CSRF token is renewed at login");
    let r = c
        .post(t.url("/logout"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(t.url("/logout"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(t.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
});

both_backends!(api_session_errors, async |t: TestApp| {
    let c = t.client();
    let post = |body: &'static str, ct: &'static str| {
        c.post(t.url("/api/v1/session"))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let (s, v) = json_of(
        post(
            r#"{"username":"admin","password":"nope"}"#,
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["title"], "未登录");
    let (s, v) = json_of(
        post(r#"{"username":"admin"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("password"), "{v}");
    let (s, v) = json_of(post("not json", "application/json").await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("JSON"));
    let (s, v) = json_of(
        post(r#"{"username":"admin","password":"x"}"#, "text/plain")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("Content-Type"));
    let (s, v) = json_of(
        post(r#"{"username":"","password":"x"}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["field"], "username");
    let admin = t.login("admin").await;
    let (s, v) = t.get_json(&admin, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["role"], "admin");
    let r = admin.delete(t.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        t.get_json(&admin, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
});

both_backends!(rep_sees_only_own_retailers, async |t: TestApp| {
    let reps = t.users_of_role("account_manager").await;
    let (rep, other) = (&reps[0], &reps[1]);
    let c = t.login(rep).await;
    let rep_id = store::repo::staff::by_username(t.db(), rep)
        .await
        .unwrap()
        .unwrap()
        .id;
    let own = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE account_manager_id = $1",
            &[rep_id],
        )
        .await;
    let (s, v) = t.get_json(&c, "/api/v1/retailers?per_page=200").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"].as_i64().unwrap(), own);
    assert!(own > 0);
    for item in v["items"].as_array().unwrap() {
        assert_eq!(item["rep_username"], rep.as_str());
    }
    // Another rep's retailer: 403 on the API and on the page.
    let other_id = store::repo::staff::by_username(t.db(), other)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (theirs,): (String,) = store::on_db!(t.db(), p => sqlx::query_as("SELECT customer_code FROM retailer WHERE account_manager_id = $1 LIMIT 1").bind(other_id).fetch_one(p).await).unwrap();
    let (s, v) = t.get_json(&c, &format!("/api/v1/retailers/{theirs}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["detail"], "该零售客户不属于您的辖区");
    let (s, page) = t.get_html(&c, &format!("/retailers/{theirs}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(page.contains("该零售客户不属于您的辖区"));
    // Filtering by another rep yields nothing of theirs.
    let (_, v) = t
        .get_json(&c, &format!("/api/v1/retailers?rep={other}"))
        .await;
    assert_eq!(v["total"], 0);
    // Own retailer: the detail with 12 months.
    let mine = v_first_code(&t.get_json(&c, "/api/v1/retailers?per_page=1").await.1);
    let (s, d) = t.get_json(&c, &format!("/api/v1/retailers/{mine}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["months"].as_array().unwrap().len(), 12);
    assert_eq!(d["months"][11]["month"], END_MONTH);
    assert_eq!(d["rep_username"], rep.as_str());
});

fn v_first_code(v: &Value) -> String {
    v["items"][0]["customer_code"].as_str().unwrap().to_string()
}

both_backends!(market_manager_sees_only_area, async |t: TestApp| {
    let mms = t.users_of_role("market_manager").await;
    let mm = store::repo::staff::by_username(t.db(), &mms[0])
        .await
        .unwrap()
        .unwrap();
    let area = mm.org_unit_id.unwrap();
    let c = t.login(&mm.username).await;
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM retailer WHERE area_id = $1", &[area])
        .await;
    let (_, v) = t.get_json(&c, "/api/v1/retailers?per_page=5").await;
    assert_eq!(v["total"].as_i64().unwrap(), n);
    let (outside,): (String,) = store::on_db!(t.db(), p => sqlx::query_as("SELECT customer_code FROM retailer WHERE area_id <> $1 LIMIT 1").bind(area).fetch_one(p).await).unwrap();
    let (s, v) = t
        .get_json(&c, &format!("/api/v1/retailers/{outside}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["detail"], "该零售客户不在您负责的市场部");
    let (inside,): (String,) = store::on_db!(t.db(), p => sqlx::query_as("SELECT customer_code FROM retailer WHERE area_id = $1 LIMIT 1").bind(area).fetch_one(p).await).unwrap();
    assert_eq!(
        t.get_json(&c, &format!("/api/v1/retailers/{inside}"))
            .await
            .0,
        StatusCode::OK
    );
    // The company-wide roles see any retailer.
    for role in ["brand_manager", "marketing_center", "admin"] {
        let u = t.user_of_role(role).await;
        let c = t.login(&u).await;
        assert_eq!(
            t.get_json(&c, &format!("/api/v1/retailers/{outside}"))
                .await
                .0,
            StatusCode::OK,
            "{role}"
        );
    }
});

both_backends!(retailer_bad_input, async |t: TestApp| {
    let c = t.login("admin").await;
    for (q, field) in [
        ("tier_min=abc", "tier_min"),
        ("tier_max=31", "tier_max"),
        ("format=SHOP", "format"),
        ("market_type=x", "market_type"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("per_page=500", "per_page"),
        ("county_id=one", "county_id"),
        ("sample_point=maybe", "sample_point"),
        ("rep=nobody", "rep"),
    ] {
        let (s, v) = t.get_json(&c, &format!("/api/v1/retailers?{q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {v}");
        assert_eq!(v["field"], field, "{q}");
        assert!(!v["detail"].as_str().unwrap().is_empty());
    }
    let (s, v) = t.get_json(&c, "/api/v1/retailers/NO-SUCH-CODE").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["detail"].as_str().unwrap().contains("NO-SUCH-CODE"));
    let (s, v) = t.get_json(&c, "/api/v1/retailers/bad%20code").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["field"], "客户编码");
    let (s, page) = t.get_html(&c, "/retailers?tier_min=abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("不是 1–30 的整数"));
    let (s, _) = t.get_json(&c, "/api/v1/products?price_class=CLASS_9").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
});

both_backends!(retailer_search_and_filters, async |t: TestApp| {
    let c = t.login("admin").await;
    let (_, v) = t
        .get_json(&c, "/api/v1/retailers?tier_min=25&tier_max=30&per_page=200")
        .await;
    let n = t
        .scalar_i64(
            "SELECT COUNT(*) FROM retailer WHERE tier >= $1 AND tier <= $2",
            &[25, 30],
        )
        .await;
    assert_eq!(v["total"].as_i64().unwrap(), n);
    for it in v["items"].as_array().unwrap() {
        assert!(it["tier"].as_i64().unwrap() >= 25);
    }
    let (_, v) = t
        .get_json(
            &c,
            "/api/v1/retailers?format=GROCERY&market_type=RURAL&per_page=200",
        )
        .await;
    for it in v["items"].as_array().unwrap() {
        assert_eq!(it["business_format"], "GROCERY");
        assert_eq!(it["business_format_zh"], "食杂店");
        assert_eq!(it["market_type"], "RURAL");
    }
    // Search by a name fragment finds that retailer; paging is consistent.
    let (_, all) = t.get_json(&c, "/api/v1/retailers?per_page=10&page=2").await;
    assert_eq!(all["page"], 2);
    assert_eq!(all["items"].as_array().unwrap().len(), 10);
    let name = all["items"][0]["name"].as_str().unwrap().to_string();
    let (_, found) = t
        .get_json(&c, &format!("/api/v1/retailers?q={}", name))
        .await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == name.as_str())
    );
    // Filtering by rep (chinese chars in the query string are encoded by reqwest).
    let rep = t.user_of_role("account_manager").await;
    let (_, byrep) = t
        .get_json(&c, &format!("/api/v1/retailers?rep={rep}&per_page=200"))
        .await;
    assert!(byrep["total"].as_i64().unwrap() > 0);
    assert!(
        byrep["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["rep_username"] == rep.as_str())
    );
});

both_backends!(rep_home_figures, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    let (s, h) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["month"], END_MONTH);
    assert_eq!(h["ly_month"], "2025-10");
    let expect = rep_month_qty(&t, &rep, END_MONTH).await;
    assert_eq!(h["total"]["qty"].as_i64().unwrap(), expect);
    assert_eq!(
        h["total"]["ly_qty"].as_i64().unwrap(),
        rep_month_qty(&t, &rep, "2025-10").await
    );
    let classes: i64 = h["by_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["qty"].as_i64().unwrap())
        .sum();
    assert_eq!(classes, expect);
    let rep_id = store::repo::staff::by_username(t.db(), &rep)
        .await
        .unwrap()
        .unwrap()
        .id;
    let n = t.scalar_i64("SELECT COUNT(*) FROM retailer WHERE account_manager_id = $1 AND business_status <> 'CLOSED'", &[rep_id]).await;
    assert_eq!(h["retailers"].as_i64().unwrap(), n);
    let tiers: i64 = h["by_tier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(tiers, n);
    // Every warning satisfies the 0.8 rule, recomputed here from the roll-up.
    for w in h["warnings"].as_array().unwrap() {
        let ratio = w["ratio"].as_f64().unwrap();
        assert!(ratio < 0.8, "{w}");
        let (cur, prev) = (w["qty"].as_f64().unwrap(), w["prev_qty"].as_f64().unwrap());
        assert!((w["unit_index"].as_f64().unwrap() - cur / prev).abs() < 1e-9);
        assert!(
            (ratio - w["unit_index"].as_f64().unwrap() / w["group_index"].as_f64().unwrap()).abs()
                < 1e-9
        );
    }
    // The page shows the same total, in Chinese.
    let page = t.get_html(&c, "/").await.1;
    assert!(page.contains("我的辖区") && page.contains("预警客户") && page.contains("按价类"));
    assert!(page.contains(&domain::money::group_thousands(expect)));
});

both_backends!(market_manager_home_figures, async |t: TestApp| {
    let mm = t.user_of_role("market_manager").await;
    let me = store::repo::staff::by_username(t.db(), &mm)
        .await
        .unwrap()
        .unwrap();
    let c = t.login(&mm).await;
    let (s, h) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    let reps = store::repo::staff::supervised_by(t.db(), me.id)
        .await
        .unwrap();
    let names: Vec<&str> = h["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    for r in &reps {
        assert!(
            names.contains(&r.username.as_str()),
            "{} missing",
            r.username
        );
    }
    let mut sum = 0;
    for r in h["reps"].as_array().unwrap() {
        let u = r["username"].as_str().unwrap();
        assert_eq!(
            r["volume"]["qty"].as_i64().unwrap(),
            rep_month_qty(&t, u, END_MONTH).await,
            "{u}"
        );
        sum += r["volume"]["qty"].as_i64().unwrap();
        let n = r["retailers"].as_i64().unwrap();
        let breach = !r["band_breach"].is_null();
        let (lo, hi) = (
            r["band_min"].as_i64().unwrap(),
            r["band_max"].as_i64().unwrap(),
        );
        assert_eq!(breach, n < lo || n > hi);
    }
    assert_eq!(h["total"]["qty"].as_i64().unwrap(), sum);
    let page = t.get_html(&c, "/").await.1;
    assert!(page.contains("我的客户经理") && page.contains("配置标准"));
});

both_backends!(brand_manager_and_center_homes, async |t: TestApp| {
    let bm = t.user_of_role("brand_manager").await;
    let c = t.login(&bm).await;
    let (s, h) = t.get_json(&c, "/api/v1/home").await;
    assert_eq!(s, StatusCode::OK);
    let share = h["key_brand_share_pct"].as_f64().unwrap();
    assert!(share > 0.0 && share <= 100.0);
    assert_eq!(h["key_brand_target_pct"], 89.5);
    assert!(!h["manufacturers"].as_array().unwrap().is_empty());
    for r in h["by_area"].as_array().unwrap() {
        let (cov, list) = (
            r["coverage_pct"].as_f64().unwrap(),
            r["listing_pct"].as_f64().unwrap(),
        );
        assert!((0.0..=100.0).contains(&cov) && cov <= list + 1e-9, "{r}");
    }
    let page = t.get_html(&c, "/").await.1;
    assert!(
        page.contains("重点品牌销售比重") && page.contains("工业企业") && page.contains("上柜率")
    );

    let center = t.user_of_role("marketing_center").await;
    let c = t.login(&center).await;
    let (_, h) = t.get_json(&c, "/api/v1/home").await;
    let company = t
        .scalar_i64(&format!("SELECT CAST(COALESCE(SUM(supplied_qty), 0) AS BIGINT) FROM sales_month WHERE month = '{END_MONTH}' AND $1 = 1"), &[1])
        .await;
    assert_eq!(h["total"]["qty"].as_i64().unwrap(), company);
    let counties: i64 = h["by_county"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["qty"].as_i64().unwrap())
        .sum();
    assert_eq!(counties, company);
    let page = t.get_html(&c, "/").await.1;
    assert!(page.contains("各县级营销部") && page.contains("全市概况"));
});

both_backends!(pages_render, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.login_form(&rep).await;
    let (s, page) = t.get_html(&c, "/retailers").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("<html") && page.contains("零售客户") && page.contains("hx-get"));
    // An htmx request gets the results fragment only.
    let r = c
        .get(t.url("/retailers?tier_min=1"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    let frag = r.text().await.unwrap();
    assert!(frag.contains("id=\"results\"") && !frag.contains("<html"));
    let code = {
        let (_, v) = t.get_json(&c, "/api/v1/retailers?per_page=1").await;
        v_first_code(&v)
    };
    let (s, page) = t.get_html(&c, &format!("/retailers/{code}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("档位历史") && page.contains("许可证号"));
    let (s, page) = t.get_html(&c, "/products?price_class=CLASS_1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("卷烟规格") && page.contains("一类"));
    let (s, page) = t.get_html(&c, "/retailers/NOPE").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("不存在"));
    let admin = t.login_form("admin").await;
    let (s, page) = t.get_html(&admin, "/staff").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("客户经理") && page.contains("市场经理"));
});

both_backends!(products_staff_and_openapi, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    let (s, v) = t.get_json(&c, "/api/v1/products?price_class=CLASS_1").await;
    assert_eq!(s, StatusCode::OK);
    let items = v.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|p| p["price_class"] == "CLASS_1" && p["price_class_zh"] == "一类")
    );
    let (_, all) = t.get_json(&c, "/api/v1/products").await;
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM product WHERE $1 = 1", &[1])
        .await;
    assert_eq!(all.as_array().unwrap().len() as i64, n);
    // A rep sees themself and their supervisor; the admin sees everyone.
    let (_, staff) = t.get_json(&c, "/api/v1/staff").await;
    let names: Vec<&str> = staff
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&rep.as_str()));
    let admin = t.login("admin").await;
    let (_, staff) = t.get_json(&admin, "/api/v1/staff").await;
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM staff WHERE $1 = 1", &[1])
        .await;
    assert_eq!(staff.as_array().unwrap().len() as i64, n);
    let (s, doc) = t.get_json(&c, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for p in [
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/staff",
        "/api/v1/retailers",
        "/api/v1/retailers/{code}",
        "/api/v1/products",
        "/api/v1/home",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from OpenAPI");
    }
    let r = c.get(t.url("/api/docs/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
});

both_backends!(audit_trail_is_append_only, async |t: TestApp| {
    let actor = store::audit::Actor::system("test");
    let n = app::staff::NewStaff {
        username: "kh9901".into(),
        name: "测试客户经理".into(),
        role: domain::org::Role::AccountManager,
        org_unit_code: None,
        supervisor_username: None,
        password: "secret1".into(),
    };
    // A rep without an org unit is refused, nothing is written.
    let err = app::staff::add(&t.app, &actor, &n).await.unwrap_err();
    assert!(err.to_string().contains("所属机构"));
    let area = store::repo::staff::org_units(t.db())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == "AREA")
        .unwrap();
    let n = app::staff::NewStaff {
        org_unit_code: Some(area.code.clone()),
        ..n
    };
    app::staff::add(&t.app, &actor, &n).await.unwrap();
    let dup = app::staff::add(&t.app, &actor, &n).await.unwrap_err();
    assert!(dup.to_string().contains("已存在"));
    let trail = store::audit::for_entity(t.db(), "staff", "kh9901", 10)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "create");
    assert!(trail[0].before_json.is_none());
    assert!(
        trail[0]
            .after_json
            .as_deref()
            .unwrap()
            .contains("测试客户经理")
    );
    assert!(
        !trail[0].after_json.as_deref().unwrap().contains("argon2"),
        "the password hash is not traced"
    );
    // The new person can sign in.
    t.login_with("kh9901", "secret1").await;
    let upd = store::on_db!(t.db(), p => sqlx::query("UPDATE audit_log SET actor = 'x'").execute(p).await.map(|_| ()));
    assert!(upd.is_err(), "audit_log must refuse updates");
    let del = store::on_db!(t.db(), p => sqlx::query("DELETE FROM audit_log").execute(p).await.map(|_| ()));
    assert!(del.is_err(), "audit_log must refuse deletes");
});

impl TestApp {
    async fn login_with(&self, username: &str, password: &str) {
        let r = self
            .client()
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}
