//! Issue 5: a whole month walked through the HTTP API on the test city — model forecasts, a rep's
//! interactive forecast, a POS self-report and its review, submission, a market manager's refused
//! edit, supply entry (with a failed upload), balancing, publish, feedback, accuracy — with the
//! clock set per step and figures checked against the engines and independent SQL.
mod common;
use chrono::{TimeZone, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Set the shared clock to 10:00 China time on a day.
fn at(t: &TestApp, y: i32, m: u32, d: u32) {
    t.app.clock.set(Some(
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0)
            .single()
            .expect("time"),
    ));
}

const TARGET: &str = "2026-10";

async fn audit_count(t: &TestApp, action: &str) -> i64 {
    t.scalar_i64(
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"),
        &[],
    )
    .await
}

fn xlsx(rows: &[(&str, Value)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "卷烟规格代码").unwrap();
    ws.write_string(0, 1, "货源量").unwrap();
    for (i, (sku, q)) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, *sku).unwrap();
        match q {
            Value::Number(n) => {
                ws.write_number(r, 1, n.as_f64().unwrap()).unwrap();
            }
            Value::String(s) => {
                ws.write_string(r, 1, s).unwrap();
            }
            _ => {}
        }
    }
    wb.save_to_buffer().unwrap()
}

both_backends!(month_walk, async |t: TestApp| {
    // ① forecast phase of working month 2026-09: forecasting 2026-10 (whose orders are in the data).
    at(&t, 2026, 9, 2);
    let center = t.login("yxzx01").await;
    let (s, run) = t.get_json(&center, "/api/v1/cycle/CTY01/2026-09").await;
    assert_eq!(s, StatusCode::OK, "{run}");
    assert_eq!(run["standing"], "FORECAST");
    assert_eq!(run["phases"].as_array().unwrap().len(), 6);
    assert_eq!(run["phases"][1]["to"], "2026-09-08");

    // The model runs as a background job that reports progress; asking again while it runs
    // answers the same job.
    let r = center
        .post(t.url(&format!("/api/v1/forecasts/{TARGET}/model")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (_, job) = json_of(r).await;
    assert_eq!(location, format!("/api/v1/jobs/{}", job["id"]));
    let rep_c = t.login(&t.users_of_role("account_manager").await[0]).await;
    let (s, _) = t.get_json(&rep_c, &location).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a rep may not read the center's job"
    );
    let job = poll_job(&t, &center, &location).await;
    assert_eq!(job["state"], "DONE", "{job}");
    assert_eq!(job["done"], job["total"]);
    let model = job["result"].clone();
    let pairs = model["pairs"].as_u64().unwrap();
    assert!(pairs > 100, "{model}");
    assert_eq!(model["history_to"], "2026-08");
    assert_eq!(model["written"].as_u64().unwrap(), pairs);
    // Re-running the model changes nothing.
    let r = center
        .post(t.url(&format!("/api/v1/forecasts/{TARGET}/model?wait=true")))
        .send()
        .await
        .unwrap();
    let (_, again) = json_of(r).await;
    assert_eq!(again["written"], 0, "{again}");

    // A rep's records; the rep forecasts one pair interactively.
    let reps = t.users_of_role("account_manager").await;
    let rep = reps[0].clone();
    let rc = t.login(&rep).await;
    let (s, list) = t
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
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
    let r = rc
        .put(t.url(&format!("/api/v1/forecasts/{TARGET}/{r0}/{k0}")))
        .json(&json!({"quantity": m0 + 5, "method": "INTERACTIVE_VISIT"}))
        .send()
        .await
        .unwrap();
    let (s, f0) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{f0}");
    assert_eq!(f0["method"], "INTERACTIVE_VISIT");
    assert_eq!(f0["quantity"], m0 + 5);
    assert_eq!(f0["model_qty"], m0);
    // MODEL cannot be typed in; a negative quantity names the field.
    let r = rc
        .put(t.url(&format!("/api/v1/forecasts/{TARGET}/{r0}/{k0}")))
        .json(&json!({"quantity": -1, "method": "INTERACTIVE_VISIT"}))
        .send()
        .await
        .unwrap();
    let (s, p) = json_of(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "quantity");

    // POS self-report for another of the rep's retailers, then the rep's review.
    let other = list
        .iter()
        .find(|f| f["customer_code"] != r0.as_str())
        .unwrap()
        .clone();
    let (r1, k1) = (
        other["customer_code"].as_str().unwrap().to_string(),
        other["sku_code"].as_str().unwrap().to_string(),
    );
    let r = rc
        .post(t.url(&format!("/api/v1/retailers/{r1}/pos-token")))
        .send()
        .await
        .unwrap();
    let (s, tok) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{tok}");
    let token = tok["token"].as_str().unwrap().to_string();
    let pos = t.client();
    let bad = pos
        .post(t.url(&format!("/api/v1/pos/forecasts/{TARGET}")))
        .header("X-Retailer", &r1)
        .bearer_auth("wrong")
        .json(&json!({"lines": [{"sku": k1, "quantity": 7}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let r = pos
        .post(t.url(&format!("/api/v1/pos/forecasts/{TARGET}")))
        .header("X-Retailer", &r1)
        .bearer_auth(&token)
        .json(&json!({"lines": [{"sku": k1, "quantity": 7}]}))
        .send()
        .await
        .unwrap();
    let (s, sr) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{sr}");
    assert_eq!(sr[0]["self_report_qty"], 7);
    // Not yet reviewed: the model's figure stays in force (§5.1).
    assert_eq!(sr[0]["method"], "MODEL");
    let r = rc
        .put(t.url(&format!("/api/v1/forecasts/{TARGET}/{r1}/{k1}")))
        .json(&json!({"quantity": 8, "method": "CUSTOMER_SELF_REPORT"}))
        .send()
        .await
        .unwrap();
    let (s, rv) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{rv}");
    assert_eq!(rv["method"], "CUSTOMER_SELF_REPORT");
    assert_eq!(rv["quantity"], 8);
    assert_eq!(rv["self_report_qty"], 7);

    // A market manager may not change a rep's numbers: 403, and the attempt is traced.
    let mm = t.login(&t.user_of_role("market_manager").await).await;
    let r = mm
        .put(t.url(&format!("/api/v1/forecasts/{TARGET}/{r0}/{k0}")))
        .json(&json!({"quantity": 1, "method": "INTERACTIVE_VISIT"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&t, "forecast.edit_refused").await, 1);
    assert_eq!(audit_count(&t, "forecast.put").await, 2);
    assert_eq!(audit_count(&t, "forecast.self_report").await, 1);

    // ② submission on the 8th: every rep submits; a second submit changes nothing.
    at(&t, 2026, 9, 8);
    for (i, u) in reps.iter().enumerate() {
        let c = if i == 0 { rc.clone() } else { t.login(u).await };
        let r = c
            .post(t.url(&format!("/api/v1/forecasts/{TARGET}/submit")))
            .send()
            .await
            .unwrap();
        let (s, v) = json_of(r).await;
        assert_eq!(s, StatusCode::OK, "{u}: {v}");
        assert_eq!(v["already_submitted"], false);
    }
    let r = rc
        .post(t.url(&format!("/api/v1/forecasts/{TARGET}/submit")))
        .send()
        .await
        .unwrap();
    let (_, v) = json_of(r).await;
    assert_eq!(v["already_submitted"], true);
    assert_eq!(v["locked_now"], 0);
    assert_eq!(audit_count(&t, "forecast.submit").await, reps.len() as i64);
    // Locked after submission.
    let r = rc
        .put(t.url(&format!("/api/v1/forecasts/{TARGET}/{r0}/{k0}")))
        .json(&json!({"quantity": 3, "method": "INTERACTIVE_VISIT"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
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
        .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}/totals?by=brand"))
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
            .get_json(&rc, &format!("/api/v1/forecasts/{TARGET}"))
            .await;
        l.as_array()
            .unwrap()
            .iter()
            .map(|f| f["quantity"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(total_f, sum_list);

    // ④ balancing: supply per SKU. A bad JSON line and a bad Excel row leave nothing written.
    at(&t, 2026, 9, 17);
    let (_, all) = t
        .get_json(&center, &format!("/api/v1/forecasts/{TARGET}"))
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
        .get_json(&center, "/api/v1/products?supply_status=TIGHT")
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
    let r = center
        .put(t.url(&format!("/api/v1/supply/{TARGET}")))
        .json(&json!({"lines": [{"sku": tight, "quantity": 1}, {"sku": "NOSUCH", "quantity": 5}]}))
        .send()
        .await
        .unwrap();
    let (s, p) = json_of(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "lines[1]");
    let bad = xlsx(&[(&tight, json!(10)), (&ample, json!("十")), ("X", json!(1))]);
    let r = center
        .post(t.url(&format!("/api/v1/supply/{TARGET}/upload")))
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
    let good = xlsx(&[(&tight, json!(tight_d / 2)), (&ample, json!(ample_d + 10))]);
    for _ in 0..2 {
        let r = center
            .post(t.url(&format!("/api/v1/supply/{TARGET}/upload")))
            .body(good.clone())
            .send()
            .await
            .unwrap();
        let (s, v) = json_of(r).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // The retried upload changed nothing the second time.
    assert_eq!(audit_count(&t, "supply.put").await, 2);

    let r = center
        .post(t.url(&format!("/api/v1/balance/{TARGET}/run")))
        .send()
        .await
        .unwrap();
    let (s, review) = json_of(r).await;
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
    assert_eq!(sku_row(&tight)["total"], tight_d / 2);
    assert_eq!(sku_row(&tight)["demand"], tight_d);
    assert_eq!(sku_row(&ample)["total"], ample_d);
    assert_eq!(sku_row(&ample)["cut"], 0);

    // The tight SKU's forecasts as submitted: (retailer, tier, forecast).
    let tight_rows: Vec<(i64, i64, i64)> = all
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
    let pid = all
        .iter()
        .find(|f| f["sku_code"] == tight.as_str())
        .unwrap()["product_id"]
        .as_i64()
        .unwrap();
    let supply_t = tight_d / 2;
    // Its ladder: one per sub-market of its mode, non-increasing from tier 30 down, covering
    // every retailer that forecast it.
    let ladder = review["ladders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == tight.as_str())
        .unwrap_or_else(|| panic!("no ladder for {tight}: {review}"))
        .clone();
    assert_eq!(ladder["mode"], tight_mode.as_str());
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
    if tight_mode == "A" {
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
    let cap_of = |tier: i64| -> u64 {
        ladder["submarkets"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|sm| sm["tiers"].as_array().unwrap().iter())
            .filter(|q| q["tier"] == tier)
            .map(|q| q["cap"].as_u64().unwrap())
            .max()
            .unwrap_or(0)
    };
    if tight_mode == "A" {
        // The phone page shows a retailer its tier's cap for the month once balanced.
        let &(rid, tier, _) = tight_rows.iter().find(|r| r.2 > 0).unwrap();
        let code = all.iter().find(|f| f["retailer_id"] == rid).unwrap()["customer_code"]
            .as_str()
            .unwrap()
            .to_string();
        let (s, page) = t
            .get_html(&center, &format!("/forecasts/{TARGET}/{code}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let row = page
            .split("<tr>")
            .find(|r| r.contains(&format!("<small>{tight}</small>")))
            .unwrap_or_else(|| panic!("{page}"));
        assert!(row.contains(&format!("本月 {}", cap_of(tier))), "{row}");
    }

    // Publish once; the second publish changes nothing.
    let r = center
        .post(t.url(&format!("/api/v1/balance/{TARGET}/publish")))
        .send()
        .await
        .unwrap();
    let (s, p1) = json_of(r).await;
    assert_eq!(s, StatusCode::OK, "{p1}");
    assert_eq!(p1["written"].as_u64().unwrap(), all.len() as u64);
    let r = center
        .post(t.url(&format!("/api/v1/balance/{TARGET}/publish")))
        .send()
        .await
        .unwrap();
    let (_, p2) = json_of(r).await;
    assert_eq!(p2["already_published"], true);
    assert_eq!(p2["written"], 0);
    assert_eq!(audit_count(&t, "balance.publish").await, 1);
    // The published figures: the whole supply placed, nobody above its forecast or its tier's
    // cap (the proportional rule itself is proven in the allocate crate's property tests).
    let mut fins = Vec::new();
    for &(rid, tier, f) in &tight_rows {
        let got = t
            .scalar_i64(
                &format!("SELECT balanced_qty FROM forecast WHERE month = '{TARGET}' AND retailer_id = $1 AND product_id = $2"),
                &[rid, pid],
            )
            .await;
        assert!(
            got <= f && got as u64 <= cap_of(tier),
            "{rid}: {got} > {f} or cap"
        );
        fins.push(got);
    }
    assert_eq!(fins.iter().sum::<i64>(), supply_t);

    // ⑤ feedback: the rep ticks a retailer off once.
    at(&t, 2026, 9, 21);
    let (s, fb) = t.get_json(&rc, &format!("/api/v1/feedback/{TARGET}")).await;
    assert_eq!(s, StatusCode::OK);
    let first = fb[0]["customer_code"].as_str().unwrap().to_string();
    for newly in [true, false] {
        let r = rc
            .post(t.url(&format!("/api/v1/feedback/{TARGET}/{first}")))
            .json(&json!({"note": "已记入动销台帐"}))
            .send()
            .await
            .unwrap();
        let (s, v) = json_of(r).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["newly_ticked"], newly);
        assert_eq!(v["ledger_qty"], fb[0]["balanced_qty"]);
    }
    assert_eq!(audit_count(&t, "feedback.tick").await, 1);
    let (_, cyc) = t.get_json(&center, "/api/v1/cycle/CTY01/2026-09").await;
    assert_eq!(cyc["standing"], "FEEDBACK", "{cyc}");
    assert_eq!(cyc["phases"][3]["gate_met"], true);
    assert_eq!(cyc["phases"][1]["gate_met"], true);

    // Accuracy: refused before the target month's orders are in, then matches §5.2 by SQL.
    let (s, _) = t
        .get_json(&center, &format!("/api/v1/accuracy/{TARGET}?by=total"))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    at(&t, 2026, 11, 2);
    let (s, acc) = t
        .get_json(&center, &format!("/api/v1/accuracy/{TARGET}?by=total"))
        .await;
    assert_eq!(s, StatusCode::OK, "{acc}");
    let sum_a = t
        .scalar_i64(
            &format!(
                "SELECT CAST(SUM(demanded_qty) AS BIGINT) FROM sales_month WHERE month = '{TARGET}'"
            ),
            &[],
        )
        .await;
    let sum_s = t
        .scalar_i64(
            &format!(
                "SELECT CAST(SUM(supplied_qty) AS BIGINT) FROM sales_month WHERE month = '{TARGET}'"
            ),
            &[],
        )
        .await;
    let err_forecast = t
        .scalar_i64(
            &format!(
                "SELECT CAST(COALESCE(SUM(ABS(COALESCE(s.demanded_qty, 0) - f.quantity)), 0) AS BIGINT) FROM forecast f \
                 LEFT JOIN sales_month s ON s.month = f.month AND s.retailer_id = f.retailer_id AND s.product_id = f.product_id \
                 WHERE f.month = '{TARGET}'"
            ),
            &[],
        )
        .await;
    let err_unforecast = t
        .scalar_i64(
            &format!(
                "SELECT CAST(COALESCE(SUM(s.demanded_qty), 0) AS BIGINT) FROM sales_month s WHERE s.month = '{TARGET}' AND NOT EXISTS \
                 (SELECT 1 FROM forecast f WHERE f.month = s.month AND f.retailer_id = s.retailer_id AND f.product_id = s.product_id)"
            ),
            &[],
        )
        .await;
    let row = &acc["rows"][0];
    assert_eq!(row["actual"], sum_a);
    let expect_w = 1.0 - (err_forecast + err_unforecast) as f64 / sum_a as f64;
    assert!(
        (row["weighted_accuracy"].as_f64().unwrap() - expect_w).abs() < 1e-9,
        "{row} vs {expect_w}"
    );
    let expect_fill = sum_s as f64 / sum_a as f64;
    assert!((row["order_fill_rate"].as_f64().unwrap() - expect_fill).abs() < 1e-9);
    assert_eq!(acc["definitions"].as_array().unwrap().len(), 4);
    let (s, by_method) = t
        .get_json(&center, &format!("/api/v1/accuracy/{TARGET}?by=method"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        by_method["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "INTERACTIVE_VISIT")
    );
    assert_eq!(by_method["comparison"]["retailers"], 1);
});
