//! Demand forecasts (`/forecasts`, `/api/v1/forecasts`, `/jobs`): the MODEL job, a rep's entry
//! (API and phone page), the market manager's read-only view, submission and its lock, the phone
//! page's figures (self-report to accept, stock, tier quotas). The month walks' forecast steps
//! (`api_step_*`, `pages_step_*`) are called from `cycle`.
use crate::cycle::TARGET;
use crate::harness::*;
use crate::supply_balance::{Balanced, SupplyPlan, cap_of};

/// On 2026-09-02 of a test started from `Start::CityWithModel` (the model's forecasts for TARGET,
/// run once per run through HTTP): the first rep signed in (form) and their records.
pub async fn model_then_rep(t: &TestApp) -> (Client, Vec<Value>) {
    assert_eq!(TARGET, MODEL_MONTH);
    t.at(2026, 9, 2);
    let rep = t.users_of_role("account_manager").await.remove(0);
    let rc = t.login_form(&rep).await;
    let (s, list) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    (rc, list.as_array().unwrap().clone())
}

/// One record (retailer × SKU) of TARGET as the API lists it.
pub async fn record(t: &TestApp, c: &Client, code: &str, sku: &str) -> Value {
    let (_, l) = t
        .get_json(c, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
        .await;
    l.as_array()
        .unwrap()
        .iter()
        .find(|f| f["customer_code"] == code && f["sku_code"] == sku)
        .cloned()
        .unwrap()
}

// ---------------------------------------------------------------- the API walk's steps

/// The first rep, signed in, with their records and the pair they forecast interactively.
pub struct RepRecords {
    pub reps: Vec<String>,
    pub c: Client,
    pub list: Vec<Value>,
    pub r0: String,
    pub k0: String,
}

/// The model runs as a background job that reports progress; asking again while it runs answers
/// the same job; re-running the model changes nothing.
pub async fn api_step_model_job(t: &TestApp, center: &Client) {
    let _s = step("forecasts: the MODEL job");
    let r = t
        .post_empty(center, &format!("/api/v1/forecasts/{TARGET}/model"))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = location(&r);
    let (_, job) = json_of(r).await;
    assert_eq!(location, format!("/api/v1/jobs/{}", job["id"]));
    let rep_c = t.login(&t.users_of_role("account_manager").await[0]).await;
    let (s, _) = t.get_json(&rep_c, &location).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a rep may not read the center's job"
    );
    let job = t.poll_job(center, &location).await;
    assert_eq!(job["state"], "DONE", "{job}");
    assert_eq!(job["done"], job["total"]);
    let model = job["result"].clone();
    let pairs = model["pairs"].as_u64().unwrap();
    assert!(pairs > 100, "{model}");
    assert_eq!(model["history_to"], "2026-08");
    assert_eq!(model["written"].as_u64().unwrap(), pairs);
    // Re-running the model changes nothing.
    let (_, again) = t
        .post_empty_json(
            center,
            &format!("/api/v1/forecasts/{TARGET}/model?wait=true"),
        )
        .await;
    assert_eq!(again["written"], 0, "{again}");
}

/// A rep's records; the rep forecasts one pair interactively; MODEL cannot be typed in and a
/// negative quantity names the field.
pub async fn api_step_interactive_forecast(t: &TestApp) -> RepRecords {
    let _s = step("forecasts: a rep's interactive forecast");
    let reps = t.users_of_role("account_manager").await;
    let rc = t.login(&reps[0]).await;
    let (s, list) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let list = list.as_array().unwrap().clone();
    assert!(list.len() > 2);
    assert!(list.iter().all(|f| f["method"] == "MODEL"));
    let (r0, k0) = (
        list[0]["customer_code"].as_str().unwrap().to_string(),
        list[0]["sku_code"].as_str().unwrap().to_string(),
    );
    let m0 = list[0]["model_qty"].as_i64().unwrap();
    let path = format!("/api/v1/forecasts/{TARGET}/{r0}/{k0}");
    let (s, f0) = t
        .put_json(
            &rc,
            &path,
            &json!({"quantity": m0 + 5, "method": "INTERACTIVE_VISIT"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f0}");
    assert_eq!(f0["method"], "INTERACTIVE_VISIT");
    assert_eq!(f0["quantity"], m0 + 5);
    assert_eq!(f0["model_qty"], m0);
    let (s, p) = t
        .put_json(
            &rc,
            &path,
            &json!({"quantity": -1, "method": "INTERACTIVE_VISIT"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "quantity");
    RepRecords {
        reps,
        c: rc,
        list,
        r0,
        k0,
    }
}

/// A market manager may not change a rep's numbers: 403, and the attempt is traced.
pub async fn api_step_manager_edit_refused(t: &TestApp, rep: &RepRecords) {
    let _s = step("forecasts: a market manager's edit is refused and traced");
    let mm = t.login(&t.user_of_role("market_manager").await).await;
    let (s, _) = t
        .put_json(
            &mm,
            &format!("/api/v1/forecasts/{TARGET}/{}/{}", rep.r0, rep.k0),
            &json!({"quantity": 1, "method": "INTERACTIVE_VISIT"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count("forecast.edit_refused").await, 1);
    assert_eq!(t.audit_count("forecast.put").await, 2);
    assert_eq!(t.audit_count("forecast.self_report").await, 1);
}

/// Every rep submits; a second submit changes nothing; the records are locked; the totals by
/// brand sum the rep's list.
pub async fn api_step_submit_all(t: &TestApp, rep: &RepRecords) {
    let _s = step("forecasts: every rep submits, then the records are locked");
    let submit = format!("/api/v1/forecasts/{TARGET}/submit");
    for (i, u) in rep.reps.iter().enumerate() {
        let c = if i == 0 {
            rep.c.clone()
        } else {
            t.login(u).await
        };
        let (s, v) = t.post_empty_json(&c, &submit).await;
        assert_eq!(s, StatusCode::OK, "{u}: {v}");
        assert_eq!(v["already_submitted"], false);
    }
    let (_, v) = t.post_empty_json(&rep.c, &submit).await;
    assert_eq!(v["already_submitted"], true);
    assert_eq!(v["locked_now"], 0);
    assert_eq!(
        t.audit_count("forecast.submit").await,
        rep.reps.len() as i64
    );
    // Locked after submission.
    let (s, _) = t
        .put_json(
            &rep.c,
            &format!("/api/v1/forecasts/{TARGET}/{}/{}", rep.r0, rep.k0),
            &json!({"quantity": 3, "method": "INTERACTIVE_VISIT"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let drafts = t
        .scalar_i64(
            &format!(
                "SELECT COUNT(*) FROM forecast WHERE month = '{TARGET}' AND state <> 'SUBMITTED'"
            ),
            &[],
        )
        .await;
    assert_eq!(drafts, 0);
    let (s, totals) = t
        .get_json(
            &rep.c,
            &format!("/api/v1/forecasts/{TARGET}/totals?by=brand"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{totals}");
    let total_f: i64 = totals
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["forecast"].as_i64().unwrap())
        .sum();
    let sum_list: i64 = {
        let (_, l) = t
            .get_json(
                &rep.c,
                &format!("/api/v1/forecasts/{TARGET}?per_page=20000"),
            )
            .await;
        l.as_array()
            .unwrap()
            .iter()
            .map(|f| f["quantity"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(total_f, sum_list);
}

/// The phone page shows a retailer its tier's cap for the month once balanced (mode A).
pub async fn api_step_phone_page_shows_cap(
    t: &TestApp, center: &Client, supply: &SupplyPlan, balanced: &Balanced,
) {
    let _s = step("forecasts: the phone page shows the tier's cap once balanced");
    if supply.tight_mode != "A" {
        return;
    }
    let tight = &supply.tight;
    let &(rid, tier, _) = balanced.tight_rows.iter().find(|r| r.2 > 0).unwrap();
    let code = supply.all.iter().find(|f| f["retailer_id"] == rid).unwrap()["customer_code"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, page) = t
        .get_html(center, &format!("/forecasts/{TARGET}/{code}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let row = page
        .split("<tr>")
        .find(|r| r.contains(&format!("<small>{tight}</small>")))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(
        row.contains(&format!("本月 {}", cap_of(&balanced.ladder, tier))),
        "{row}"
    );
}

// ---------------------------------------------------------------- the pages walk's steps

/// The pair the rep edited on the phone page, and the rep's CSRF token.
pub struct PhoneEdit {
    pub r0: String,
    pub k0: String,
    pub m0: i64,
    /// The form field of that SKU (`q_<sku>`).
    pub field: String,
    pub token: String,
}

impl PhoneEdit {
    fn pick(&self, l: &Value) -> Value {
        l.as_array()
            .unwrap()
            .iter()
            .find(|f| f["customer_code"] == self.r0.as_str() && f["sku_code"] == self.k0.as_str())
            .cloned()
            .unwrap()
    }
}

/// The rep's market manager, signed in through the form, with their CSRF token.
pub struct Manager {
    pub client: Client,
    pub token: String,
}

/// ② The rep's territory list and the phone page of one retailer: a typed figure is saved as the
/// interactive forecast; a refused edit shows its message on the page.
pub async fn pages_step_phone_form(t: &TestApp, rc: &Client) -> PhoneEdit {
    let _s = step("forecasts: the rep's list and phone form");
    let (s, page) = t.get_html(rc, &format!("/forecasts/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "需求预测",
        "重点",
        "汇总提交",
        "上月需求",
        "去年同期需求",
        "价类",
    ] {
        assert!(page.contains(w), "forecast page lacks {w}");
    }
    let (_, list) = t
        .get_json(rc, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
        .await;
    let list = list.as_array().unwrap().clone();
    let r0 = list[0]["customer_code"].as_str().unwrap().to_string();
    let k0 = list[0]["sku_code"].as_str().unwrap().to_string();
    let m0 = list[0]["model_qty"].as_i64().unwrap();
    // The retailer's line (summed in the database) equals its records as the API lists them.
    {
        let mine: Vec<&serde_json::Value> = list
            .iter()
            .filter(|f| f["customer_code"] == r0.as_str())
            .collect();
        let sum = |k: &str| mine.iter().map(|f| f[k].as_i64().unwrap_or(0)).sum::<i64>();
        let line = format!(
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            mine.len(),
            domain::money::group_thousands(sum("quantity")),
            domain::money::group_thousands(sum("model_qty"))
        );
        assert!(page.contains(&line), "{line} not on the rep's list");
    }
    let phone = format!("/forecasts/{TARGET}/{r0}");
    let (s, page) = t.get_html(rc, &phone).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&format!("name=\"q_{k0}\"")), "{page}");
    assert!(page.contains("模型") && page.contains("档"));
    let token = hidden(&page, "csrf");
    let want = (m0 + 7).to_string();
    let field = format!("q_{k0}");
    let (s, _) = t
        .post_form(rc, &phone, &[("csrf", &token), (&field, &want)])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let edit = PhoneEdit {
        r0,
        k0,
        m0,
        field,
        token,
    };
    let (_, l) = t
        .get_json(rc, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
        .await;
    let f = edit.pick(&l);
    assert_eq!(f["interactive_qty"], m0 + 7, "{f}");
    assert_eq!(f["method"], "INTERACTIVE_VISIT");
    // A refused edit shows its message on the page.
    let (s, page) = t
        .post_form(rc, &phone, &[("csrf", &edit.token), (&edit.field, "abc")])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("不是有效的整数"), "{page}");
    edit
}

/// The market manager of the rep: read only, comment form, the rep's card summing the rep's
/// records, a forged post refused; a rep's post without the session's token refused too.
pub async fn pages_step_manager_read_only(
    t: &TestApp, rep: &str, rc: &Client, edit: &PhoneEdit,
) -> Manager {
    let _s = step("forecasts: the market manager's read-only view");
    let mm_id = t
        .scalar_i64(
            &format!(
                "SELECT m.id FROM staff m, staff r WHERE r.username = '{rep}' AND m.role = 'market_manager' \
                 AND (m.id = r.supervisor_id OR m.org_unit_id = r.org_unit_id) ORDER BY m.id LIMIT 1"
            ),
            &[],
        )
        .await;
    let mm = t.username_of(mm_id).await;
    let mc = t.login_form(&mm).await;
    let (s, page) = t.get_html(&mc, &format!("/forecasts/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(rep) && page.contains("只读") && page.contains("评论"));
    assert!(!page.contains("type=\"number\""));
    // The rep's card sums the rep's records (counted in the database): retailers, pairs, 条.
    {
        let (_, mine) = t
            .get_json(rc, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
            .await;
        let mine = mine.as_array().unwrap();
        let retailers: std::collections::HashSet<&str> = mine
            .iter()
            .map(|f| f["customer_code"].as_str().unwrap())
            .collect();
        let qty: i64 = mine.iter().map(|f| f["quantity"].as_i64().unwrap()).sum();
        let card = format!(
            "{rep} · {} 户 · {} 对 · {} 条",
            retailers.len(),
            mine.len(),
            domain::money::group_thousands(qty)
        );
        assert!(page.contains(&card), "{card} not on {page}");
        // The center's company-wide page (summed per retailer first) shows the same card, and
        // its SKU totals (read from the month's records alone) add up to the company's.
        let center = t.login(&t.user_of_role("marketing_center").await).await;
        let (s, all) = t.get_html(&center, &format!("/forecasts/{TARGET}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(all.contains(&card), "{card} not on the center's page");
        let (_, totals) = t
            .get_json(
                &center,
                &format!("/api/v1/forecasts/{TARGET}/totals?by=sku"),
            )
            .await;
        let by_sku: i64 = totals
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["forecast"].as_i64().unwrap())
            .sum();
        let company = t
            .scalar_i64(
                &format!("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM forecast WHERE month = '{TARGET}'"),
                &[],
            )
            .await;
        assert_eq!(by_sku, company);
    }
    let phone = format!("/forecasts/{TARGET}/{}", edit.r0);
    let (s, page) = t.get_html(&mc, &phone).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("type=\"number\"") && !page.contains("<input type=\"number"));
    let mtoken = hidden(&page, "csrf");
    let (s, _) = t
        .post_form(&mc, &phone, &[("csrf", &mtoken), (&edit.field, "999")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, l) = t
        .get_json(rc, &format!("/api/v1/forecasts/{TARGET}?per_page=20000"))
        .await;
    assert_eq!(edit.pick(&l)["interactive_qty"], edit.m0 + 7);
    // A post without the session's token is refused too.
    let (s, _) = t
        .post_form(rc, &format!("/forecasts/{TARGET}/submit"), &[("csrf", "x")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    Manager {
        client: mc,
        token: mtoken,
    }
}

/// Submit: locked; a second submit says so; the manager's comment reaches the rep's page.
pub async fn pages_step_submit_and_comment(
    t: &TestApp, rep: &str, rc: &Client, mc: &Manager, edit: &PhoneEdit,
) {
    let _s = step("forecasts: submit from the page, then the manager's comment");
    let submit = format!("/forecasts/{TARGET}/submit");
    let (s, _) = t.post_form(rc, &submit, &[("csrf", &edit.token)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(rc, &format!("/forecasts/{TARGET}")).await;
    assert!(
        page.contains("已锁定") && !page.contains("汇总提交 "),
        "{page}"
    );
    let r = t.post_form_raw(rc, &submit, &[("csrf", &edit.token)]).await;
    let (_, page) = t.follow(rc, &r).await;
    assert!(page.contains("此前已提交"), "{page}");
    let (s, _) = t
        .post_form(
            &mc.client,
            &format!("/forecasts/{TARGET}/reps/{rep}/comment"),
            &[("csrf", &mc.token), ("text", "重点户再核一下")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(rc, &format!("/forecasts/{TARGET}")).await;
    assert!(page.contains("重点户再核一下"));
}

// ---------------------------------------------------------------- scenarios of their own

// The marketing center starts the MODEL forecast from the forecast page: it runs in the
// background, the page shows its progress (polled by htmx) and then its result.
both_backends!(model_job_from_the_page, async |t: TestApp| {
    t.at(2026, 9, 2);
    let center = t.login_form("yxzx01").await;
    let (s, page) = t.get_html(&center, &format!("/forecasts/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("运行模型预测"), "{page}");
    let token = hidden(&page, "csrf");
    let r = t
        .post_form_raw(
            &center,
            &format!("/forecasts/{TARGET}/model"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, page) = t.follow(&center, &r).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("已启动 2026-10 模型预测"), "{page}");
    let id: String = page
        .split("id=\"job-")
        .nth(1)
        .expect("the job's progress on the page")
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let mut done = String::new();
    for _ in 0..600 {
        let (s, frag) = t.get_html(&center, &format!("/jobs/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        if !frag.contains("hx-trigger=\"every 1s\"") {
            done = frag;
            break;
        }
        assert!(frag.contains("<progress"), "{frag}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        done.contains("已完成") && done.contains("模型预测完成"),
        "{done}"
    );
    let pairs = t
        .scalar_i64(
            &format!("SELECT COUNT(*) FROM forecast WHERE month = '{TARGET}' AND method = 'MODEL'"),
            &[],
        )
        .await;
    assert!(done.contains(&format!("{pairs} 对")), "{done}");
    // The page now shows the recorded run; a forged post without the token is refused.
    let (_, page) = t.get_html(&center, &format!("/forecasts/{TARGET}")).await;
    assert!(page.contains("上次完成"), "{page}");
    let (s, _) = t
        .post_form(
            &center,
            &format!("/forecasts/{TARGET}/model"),
            &[("csrf", "x")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A rep sees neither the panel nor the job.
    let (_, rc) = t.login_form_as(Role::AccountManager).await;
    let (_, page) = t.get_html(&rc, &format!("/forecasts/{TARGET}")).await;
    assert!(!page.contains("运行模型预测"));
    let (s, _) = t.get_html(&rc, &format!("/jobs/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

// The rep accepts a retailer's self-report on the phone page; a SKU without one is refused in
// place with a message on the page, nothing written.
both_backends!(
    phone_page_accepts_self_report,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let code = list[0]["customer_code"].as_str().unwrap().to_string();
        let sku = list[0]["sku_code"].as_str().unwrap().to_string();
        let page_path = format!("/forecasts/{TARGET}/{code}");
        let accept = format!("{page_path}/accept");
        let (s, page) = t.get_html(&rc, &page_path).await;
        assert_eq!(s, StatusCode::OK);
        assert!(!page.contains("采纳客户提报"), "no self-report yet");
        crate::pos::self_report_via_page(&t, &rc, &code, &sku, "9").await;
        let (s, page) = t.get_html(&rc, &page_path).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("采纳客户提报"), "{page}");
        assert!(
            page.contains(&format!("form=\"accept-{sku}\""))
                && page.contains(&format!("name=\"accept\" value=\"{sku}\"")),
            "{page}"
        );
        let csrf = hidden(&page, "csrf");
        let (s, _) = t
            .post_form(&rc, &accept, &[("csrf", "forged"), ("accept", &sku)])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(
            record(&t, &rc, &code, &sku).await["self_report_reviewed_qty"],
            Value::Null
        );
        let r = t
            .post_form_raw(&rc, &accept, &[("csrf", csrf.as_str()), ("accept", &sku)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let f = record(&t, &rc, &code, &sku).await;
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
            let r = t
                .post_form_raw(&rc, &accept, &[("csrf", csrf.as_str()), ("accept", &o)])
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            // The message reaches the page the redirect leads to (a query string or a flash).
            let (s, page) = t.follow(&rc, &r).await;
            assert_eq!(s, StatusCode::OK);
            assert!(page.contains("没有客户提报数"), "{page}");
            assert_eq!(record(&t, &rc, &code, &o).await["method"], "MODEL");
        }
    }
);

// The phone page shows the retailer's stock: the sample point's collection of last month, then
// the rep's own visit observations; a retailer without either says so.
both_backends!(phone_page_shows_stock, async |t: TestApp| {
    t.at(2026, 9, 2);
    // A sample point of the test city with its rep, collected in August.
    let (code, rep_id): (String, i64) = store::on_db!(t.db(), p => sqlx::query_as(
        "SELECT r.customer_code, r.account_manager_id FROM retailer r WHERE r.account_manager_id IS NOT NULL \
         AND EXISTS (SELECT 1 FROM sample_collection c WHERE c.retailer_id = r.id AND c.month = '2026-08') ORDER BY r.id LIMIT 1"
    ).fetch_one(p).await.unwrap());
    let rep = t.username_of(rep_id).await;
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
    let (s, v) = t
        .post_json(&rc, "/api/v1/visits", &json!({"retailer_code": code}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .post_json(
            &rc,
            &format!("/api/v1/visits/{}/checkout", v["id"]),
            &json!({"observations": [{"sku_code": sku, "stock_qty": 4321, "retail_price_fen": 2300}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, page) = t.get_html(&rc, &path).await;
    let st = &page[page.find("<h2>库存</h2>").unwrap()..];
    assert!(
        st.contains("拜访观察") && st.contains("2026-09-02") && st.contains("4321"),
        "{st}"
    );

    // A retailer of the rep without any collection or observation.
    let plain = t
        .scalar_text(
            "SELECT r.customer_code FROM retailer r WHERE r.account_manager_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM sample_collection c WHERE c.retailer_id = r.id) AND NOT EXISTS \
             (SELECT 1 FROM visit v JOIN visit_observation o ON o.visit_id = v.id WHERE v.retailer_id = r.id) ORDER BY r.id LIMIT 1",
            rep_id,
        )
        .await;
    let (s, page) = t
        .get_html(&rc, &format!("/forecasts/{TARGET}/{plain}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("暂无库存采集"), "{page}");
});

// The phone page shows each SKU's tier quota: before balancing, what the retailer's orders of the
// last complete month were allowed (Σ quota of its order lines, §4.3).
both_backends!(
    phone_page_shows_last_month_quota,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
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
    }
);
