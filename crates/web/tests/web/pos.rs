//! The retailer's own channel (`/pos`, `/api/v1/pos`, the POS token): self-reports behind the
//! POS credential, the page and the API through one function, the credential's lockout.
use crate::cycle::TARGET;
use crate::forecasts::{RepRecords, model_then_rep, record};
use crate::harness::*;

/// A fresh POS token of a retailer, issued to its rep.
async fn pos_token(t: &TestApp, rc: &Client, code: &str) -> String {
    let (s, tok) = t
        .post_empty_json(rc, &format!("/api/v1/retailers/{code}/pos-token"))
        .await;
    assert_eq!(s, StatusCode::OK, "{tok}");
    tok["token"].as_str().unwrap().to_string()
}

/// The retailer opens its sheet with code + credential and self-reports; the POS token goes
/// through the same function as the POS API; a wrong token is refused and writes nothing.
pub async fn self_report_via_page(t: &TestApp, rc: &Client, code: &str, sku: &str, qty: &str) {
    let token = pos_token(t, rc, code).await;
    let shop = t.client();
    let r = t.get(&shop, "/pos").await;
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
    let (s, _) = t
        .post_form(
            &shop,
            &path,
            &[("csrf", "x"), ("code", code), ("token", &token)],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A wrong credential: a clear message, no sheet.
    let (s, page) = t
        .post_form(
            &shop,
            &path,
            &[("csrf", &csrf), ("code", code), ("token", "wrong")],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(page.contains("客户编码或凭证不正确"), "{page}");
    assert!(!page.contains(&format!("name=\"q_{sku}\"")));
    // The right one: the sheet with last months' demand.
    let (s, page) = t
        .post_form(
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
    let (s, page) = t
        .post_form(
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
    assert_eq!(
        record(t, rc, code, sku).await["self_report_qty"],
        Value::Null
    );
    // Submitting with the right one.
    let (s, page) = t
        .post_form(
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

/// The month walk's step: a POS self-report for another of the rep's retailers (a wrong token
/// refused), then the rep's review through the API.
pub async fn api_step_self_report_then_review(t: &TestApp, rep: &RepRecords) {
    let _s = step("pos: a self-report through the POS API, then the rep's review");
    let rc = &rep.c;
    let other = rep
        .list
        .iter()
        .find(|f| f["customer_code"] != rep.r0.as_str())
        .unwrap()
        .clone();
    let (r1, k1) = (
        other["customer_code"].as_str().unwrap().to_string(),
        other["sku_code"].as_str().unwrap().to_string(),
    );
    let token = pos_token(t, rc, &r1).await;
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
    let (s, rv) = t
        .put_json(
            rc,
            &format!("/api/v1/forecasts/{TARGET}/{r1}/{k1}"),
            &json!({"quantity": 8, "method": "CUSTOMER_SELF_REPORT"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rv}");
    assert_eq!(rv["method"], "CUSTOMER_SELF_REPORT");
    assert_eq!(rv["quantity"], 8);
    assert_eq!(rv["self_report_qty"], 7);
}

both_backends!(
    pos_page_self_report,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let code = list[0]["customer_code"].as_str().unwrap().to_string();
        let sku = list[0]["sku_code"].as_str().unwrap().to_string();
        self_report_via_page(&t, &rc, &code, &sku, "7").await;
        let f = record(&t, &rc, &code, &sku).await;
        assert_eq!(f["self_report_qty"], 7, "{f}");
        // Not reviewed yet: the model's figure stays in force (§5.1).
        assert_eq!(f["method"], "MODEL", "{f}");
    }
);

// POS credentials cannot be guessed by trying: after the configured number of wrong tokens for a
// customer code (5 by default) the code is locked for the configured minutes (15), even for the
// right token, and the lock ends by itself.
both_backends!(
    pos_credential_lockout,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let code = list[0]["customer_code"].as_str().unwrap().to_string();
        let sku = list[0]["sku_code"].as_str().unwrap().to_string();
        let token = pos_token(&t, &rc, &code).await;
        let pos = t.client();
        let send = |tk: String| {
            pos.post(t.url(&format!("/api/v1/pos/forecasts/{TARGET}")))
                .header("X-Retailer", &code)
                .bearer_auth(tk)
                .json(&json!({"lines": [{"sku": sku, "quantity": 3}]}))
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
        let pos_page = format!("/pos/{TARGET}");
        let r = t
            .submit_form(
                &shop,
                &pos_page,
                &pos_page,
                &[("code", &code), ("token", &token)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let page = r.text().await.unwrap();
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
        t.at_utc(2026, 9, 2, 2, 16);
        let r = send(token).await.unwrap();
        let (s, v) = json_of(r).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v[0]["self_report_qty"], 3);
    }
);
