//! The authorization matrix: every API route the router serves (read from the OpenAPI document
//! the router is built from) × every role, anonymous and a retailer's POS credential, with the
//! answer each must get. A route without a row here fails the test, so a new route cannot ship
//! without a decision. The people act on data of their own scope: the first market manager's
//! first rep, that rep's first retailer, their county.
use crate::cycle::TARGET;
use crate::harness::*;

/// The roles in the matrix's column order.
const ROLES: [&str; 7] = [
    "account_manager",
    "market_manager",
    "brand_manager",
    "marketing_center",
    "marketing_director",
    "monopoly_officer",
    "admin",
];

/// The decision for one route, one letter per role of [`ROLES`]: `y` allowed (the request is
/// taken up: 2xx, or a 4xx about the data such as 404/409/422, never 401/403), `n` refused (403),
/// `-` not a route of signed-in people (401 even with a session: the POS credential's route).
/// Anonymous callers get 401 everywhere except where `anon` says otherwise.
struct Row {
    method: &'static str,
    path: &'static str,
    roles: &'static str,
    /// The anonymous caller's status.
    anon: u16,
}

const fn row(method: &'static str, path: &'static str, roles: &'static str) -> Row {
    Row {
        method,
        path,
        roles,
        anon: 401,
    }
}

//                 AM MM BM MC MD MO AD
const MATRIX: &[Row] = &[
    row("GET", "/api/v1/me", "yyyyyyy"),
    row("PUT", "/api/v1/me/password", "yyyyyyy"),
    row("POST", "/api/v1/session", "yyyyyyy"),
    Row {
        anon: 204,
        ..row("DELETE", "/api/v1/session", "yyyyyyy")
    },
    row("GET", "/api/v1/home", "yyyyyyy"),
    row("GET", "/api/v1/staff", "yyyyyyy"),
    row("GET", "/api/v1/products", "yyyyyyy"),
    row("GET", "/api/v1/retailers", "yyyyyyy"),
    row("GET", "/api/v1/retailers/{code}", "yyyyyyy"),
    row("POST", "/api/v1/retailers/{code}/pos-token", "ynnynny"),
    row("GET", "/api/v1/cycle/{county}/{month}", "yyyyyyy"),
    row("GET", "/api/v1/forecasts/{month}", "yyyyyyy"),
    row("GET", "/api/v1/forecasts/{month}/totals", "yyyyyyy"),
    row(
        "PUT",
        "/api/v1/forecasts/{month}/{retailer}/{sku}",
        "ynnnnnn",
    ),
    row("POST", "/api/v1/forecasts/{month}/submit", "ynnnnnn"),
    row(
        "POST",
        "/api/v1/forecasts/{month}/reps/{rep}/comments",
        "nynnynn",
    ),
    row(
        "POST",
        "/api/v1/forecasts/{month}/reps/{rep}/return",
        "nynnynn",
    ),
    row("POST", "/api/v1/forecasts/{month}/model", "nnnynny"),
    row("GET", "/api/v1/jobs/{id}", "nnnynny"),
    row("POST", "/api/v1/pos/forecasts/{month}", "-------"),
    row("GET", "/api/v1/supply/{month}", "nnnynny"),
    row("PUT", "/api/v1/supply/{month}", "nnnynny"),
    row("POST", "/api/v1/supply/{month}/upload", "nnnynny"),
    row("GET", "/api/v1/balance/{month}", "nyyyyny"),
    row("POST", "/api/v1/balance/{month}/run", "nnnynny"),
    row("POST", "/api/v1/balance/{month}/publish", "nnnynny"),
    row("GET", "/api/v1/feedback/{month}", "yyyyyyy"),
    row("POST", "/api/v1/feedback/{month}/{retailer}", "ynnnnnn"),
    row("GET", "/api/v1/accuracy/{month}", "yyyyyyy"),
    row("GET", "/api/v1/sheets", "yyyyyyy"),
    row("GET", "/api/v1/sheets/{username}/{week}", "yyyyyyy"),
    row("PUT", "/api/v1/sheets/{username}/{week}", "ynnnnnn"),
    row("POST", "/api/v1/sheets/{username}/{week}/submit", "ynnnnnn"),
    row("POST", "/api/v1/sheets/{username}/{week}/review", "nynnnnn"),
    row("POST", "/api/v1/sheets/{username}/{week}/green", "ynnnnnn"),
    row("GET", "/api/v1/inbox", "yyyyyyy"),
    // Green-channel item 1 of the test city: the sample rep's, sent to the monopoly officer.
    row("POST", "/api/v1/green/{id}", "ynnnnyn"),
    row("GET", "/api/v1/rollup/{week}", "nynynny"),
    row("GET", "/api/v1/month-close/{month}", "nynynny"),
    row("GET", "/api/v1/today", "ynnnnnn"),
    row("GET", "/api/v1/visits", "yyyyyyy"),
    row("POST", "/api/v1/visits", "yyynnnn"),
    row("GET", "/api/v1/visits/stats", "yyyyyyy"),
    row("POST", "/api/v1/visits/{id}/checkout", "ynnnnnn"),
    row("GET", "/api/v1/cultivation-tasks", "yyyyyyy"),
    row("POST", "/api/v1/cultivation-tasks", "nnyynny"),
    row("POST", "/api/v1/cultivation-tasks/{id}/close", "nnyynny"),
    row("GET", "/api/v1/kpi", "yyyyyyy"),
    // The test city has no benchmark terminal 1: a role that may act gets 404 (taken up), one
    // that may not 403.
    row("GET", "/api/v1/benchmarks", "yyyyyyy"),
    row("POST", "/api/v1/benchmarks", "ynnnnnn"),
    row("GET", "/api/v1/benchmarks/{id}", "yyyyyyy"),
    row("POST", "/api/v1/benchmarks/{id}/remove", "yynnnnn"),
    row("POST", "/api/v1/benchmarks/{id}/scores", "yyyyyyy"),
    row("POST", "/api/v1/benchmarks/{id}/in-store-days", "yyyyyyy"),
    // Warning 1 of the test city: someone's; a person who does not see it gets 404 (taken up).
    row("GET", "/api/v1/warnings", "yyyyyny"),
    row("GET", "/api/v1/warnings/{id}", "yyyyyny"),
    row("POST", "/api/v1/warnings/{id}/steps", "yyyyyny"),
    row("POST", "/api/v1/warning-runs/{month}", "nnnynny"),
    // The test city has no listing programme 1 (404, taken up); an empty programme is refused
    // by name (400) after the role is checked.
    row("GET", "/api/v1/new-sku-programmes", "yyyyyny"),
    row("POST", "/api/v1/new-sku-programmes", "nnyynny"),
    row("GET", "/api/v1/new-sku-programmes/{id}", "yyyyyny"),
    row("POST", "/api/v1/new-sku-programmes/{id}/reviews", "nnyynny"),
    // The test city has no sample design at first (the GET shows an empty page, a draw is
    // refused by rule 422, point 1 does not exist: 404); an empty import is refused by name.
    row("GET", "/api/v1/inventory", "yyyyyny"),
    row("POST", "/api/v1/sample-designs", "nnnynny"),
    row("POST", "/api/v1/sample-draws", "nnnynny"),
    row("GET", "/api/v1/sample-points/{id}", "yyyyyny"),
    row("POST", "/api/v1/sample-points/{id}/decision", "yynynny"),
    row("PUT", "/api/v1/sample-points/{id}/counts", "yynynny"),
    row("POST", "/api/v1/sample-imports", "yynynny"),
    // No list drawn in the test city: the GET shows an empty page, survey 1 does not exist.
    row("GET", "/api/v1/profit-surveys", "yyyyyny"),
    row("POST", "/api/v1/profit-draws", "nnnynny"),
    row("GET", "/api/v1/profit-surveys/{id}", "yyyyyny"),
    row("PUT", "/api/v1/profit-surveys/{id}", "yynynny"),
    // No wave in the test city: the GET shows an empty page, wave 1 does not exist (404); a
    // closing day in the past is refused by name.
    row("GET", "/api/v1/satisfaction", "yyyyyny"),
    row("POST", "/api/v1/satisfaction-waves", "nnnynny"),
    row("POST", "/api/v1/satisfaction-waves/{id}/answers", "nnnynny"),
    row("POST", "/api/v1/pos/satisfaction", "-------"),
    // Reports: written by market managers, directors and the centre; read by those and brand
    // managers and the admin; report 1 does not exist (404); a bad month is refused by name.
    row("GET", "/api/v1/market-reports", "nyyyyny"),
    row("POST", "/api/v1/market-reports", "nynyynn"),
    row("GET", "/api/v1/market-reports/{id}", "nyyyyny"),
    row("PUT", "/api/v1/market-reports/{id}", "nynyynn"),
    row("POST", "/api/v1/market-reports/{id}/steps", "nyyyyny"),
    // People: one's own page for everyone; records and payroll for the centre and the admin (a
    // rep reads their own record); no round 1 in the test city (404), bad bodies refused by name.
    row("GET", "/api/v1/people/me", "yyyyyyy"),
    row("GET", "/api/v1/people/hr", "nnnynny"),
    row("GET", "/api/v1/people/hr/{username}", "ynnynny"),
    row("PUT", "/api/v1/people/hr/{username}", "nnnynny"),
    row("GET", "/api/v1/payroll", "nnnynny"),
    row("POST", "/api/v1/payroll", "nnnynny"),
    row("GET", "/api/v1/grading/rounds", "yyyyyyy"),
    row("POST", "/api/v1/grading/rounds", "nnnynny"),
    row("GET", "/api/v1/grading/rounds/{id}", "yyyyyyy"),
    row("GET", "/api/v1/grading/rounds/{id}/reviews", "yyyyyyy"),
    row("POST", "/api/v1/grading/rounds/{id}/assignments", "nnnynny"),
    row("PUT", "/api/v1/grading/rounds/{id}/exams", "nnnynny"),
    row("POST", "/api/v1/grading/assignments/{id}/score", "yyyyyyy"),
    row("POST", "/api/v1/grading/rounds/{id}/publicity", "nnnynny"),
    row("POST", "/api/v1/grading/rounds/{id}/appeals", "yyyyyyy"),
    row("POST", "/api/v1/grading/appeals/{id}/decision", "nnnynny"),
    row("POST", "/api/v1/grading/rounds/{id}/decision", "nnnynny"),
    row("POST", "/api/v1/grading/rounds/{id}/approval", "nnnynny"),
    // Monthly tests: the bank and papers are the centre's, reps and market managers sit them;
    // no test 1 or question 1 in the test city (404).
    row("GET", "/api/v1/tests", "yyyyyyy"),
    row("POST", "/api/v1/tests", "nnnynny"),
    row("GET", "/api/v1/test-questions", "nnnynny"),
    row("POST", "/api/v1/test-questions", "nnnynny"),
    row("PUT", "/api/v1/test-questions/{id}/active", "nnnynny"),
    row("POST", "/api/v1/tests/{id}/attempt", "yynnnnn"),
    row("GET", "/api/v1/tests/{id}/attempt", "yyyyyyy"),
    row("PUT", "/api/v1/tests/{id}/attempt", "yynnnnn"),
    row("GET", "/api/v1/tests/{id}/results", "yynyyny"),
];

/// The values a path's parameters take, and a body that passes the body's own checks, so that
/// the answer is the permission's and not the input's.
pub struct Sample {
    month: String,
    county: String,
    retailer: String,
    sku: String,
    rep: String,
    week: String,
}

impl Sample {
    pub fn path(&self, p: &str) -> String {
        p.replace("{month}", &self.month)
            .replace("{county}", &self.county)
            .replace("{retailer}", &self.retailer)
            .replace("{code}", &self.retailer)
            .replace("{sku}", &self.sku)
            .replace("{rep}", &self.rep)
            .replace("{username}", &self.rep)
            .replace("{week}", &self.week)
            .replace("{id}", "1")
    }

    pub fn body(&self, method: &str, p: &str, me: &str) -> Option<Value> {
        let b = match (method, p) {
            ("POST", "/api/v1/session") => json!({"username": me, "password": PASSWORD}),
            // A wrong current password: the permission lets it through, the check refuses it.
            ("PUT", "/api/v1/me/password") => {
                json!({"current_password": "not-it", "new_password": "a-new-password"})
            }
            ("PUT", "/api/v1/forecasts/{month}/{retailer}/{sku}") => {
                json!({"quantity": 1, "method": "INTERACTIVE_VISIT"})
            }
            ("POST", p) if p.ends_with("/comments") || p.ends_with("/return") => {
                json!({"comment": "请核对重点客户的预测"})
            }
            ("POST", "/api/v1/pos/forecasts/{month}") => {
                json!({"lines": [{"sku": self.sku, "quantity": 1}]})
            }
            ("PUT", "/api/v1/supply/{month}") => {
                json!({"lines": [{"sku": self.sku, "quantity": 1}]})
            }
            ("POST", "/api/v1/feedback/{month}/{retailer}") => json!({"note": ""}),
            ("PUT", "/api/v1/sheets/{username}/{week}") => json!({}),
            ("POST", "/api/v1/sheets/{username}/{week}/review") => json!({"comment": "好"}),
            ("POST", "/api/v1/sheets/{username}/{week}/green") => {
                json!({"counterpart": "MONOPOLY_OFFICER", "kind": "ANOMALY", "content": "疑似非法渠道卷烟"})
            }
            ("POST", "/api/v1/green/{id}") => json!({"status": "RECEIVED"}),
            ("POST", "/api/v1/visits") => json!({"retailer_code": self.retailer}),
            ("POST", "/api/v1/visits/{id}/checkout") => json!({}),
            ("POST", "/api/v1/benchmarks") => {
                json!({"customer_code": self.retailer, "reason": "客流大"})
            }
            ("POST", "/api/v1/benchmarks/{id}/remove") => json!({"reason": "停业"}),
            ("POST", "/api/v1/benchmarks/{id}/scores") => json!({"items": {}}),
            ("POST", "/api/v1/benchmarks/{id}/in-store-days") => json!({"findings": "陈列"}),
            ("POST", "/api/v1/warnings/{id}/steps") => json!({"action": "ACKNOWLEDGE"}),
            ("POST", "/api/v1/new-sku-programmes") => json!({}),
            ("POST", "/api/v1/sample-designs") => json!({"target_rel_error_pct": 0.1}),
            ("POST", "/api/v1/sample-draws") => json!({"month": self.month}),
            ("POST", "/api/v1/sample-points/{id}/decision") => json!({"action": "CONFIRM"}),
            ("PUT", "/api/v1/sample-points/{id}/counts") => json!({"lines": []}),
            ("POST", "/api/v1/sample-imports") => json!({"month": self.month, "text": ""}),
            ("POST", "/api/v1/profit-draws") => json!({"month": "2030-01"}),
            ("PUT", "/api/v1/profit-surveys/{id}") => json!({"lines": [], "version": 1}),
            ("POST", "/api/v1/satisfaction-waves") => json!({"closes_on": "2000-01-01"}),
            ("POST", "/api/v1/satisfaction-waves/{id}/answers") => {
                json!({"customer_code": self.retailer, "answers": []})
            }
            ("POST", "/api/v1/pos/satisfaction") => json!({"answers": []}),
            ("POST", "/api/v1/market-reports") => json!({"month": "bad"}),
            ("PUT", "/api/v1/market-reports/{id}") => json!({"sections": [], "version": 1}),
            ("POST", "/api/v1/market-reports/{id}/steps") => {
                json!({"action": "SUBMIT", "version": 1})
            }
            ("POST", "/api/v1/new-sku-programmes/{id}/reviews") => json!({}),
            ("PUT", "/api/v1/people/hr/{username}") => json!({"education": "X"}),
            ("POST", "/api/v1/payroll") => json!({"month": "bad"}),
            ("POST", "/api/v1/grading/rounds") => json!({"name": ""}),
            ("POST", "/api/v1/grading/rounds/{id}/assignments") => json!({"group": "X"}),
            ("PUT", "/api/v1/grading/rounds/{id}/exams") => json!({"exams": []}),
            ("POST", "/api/v1/grading/assignments/{id}/score") => json!({"items": []}),
            ("POST", "/api/v1/grading/rounds/{id}/appeals") => json!({"reason": "不服"}),
            ("POST", "/api/v1/grading/appeals/{id}/decision") => {
                json!({"upheld": false, "answer": "维持原结果"})
            }
            ("POST", "/api/v1/grading/rounds/{id}/decision") => json!({"overrides": []}),
            ("POST", "/api/v1/tests") => json!({"month": "bad"}),
            ("POST", "/api/v1/test-questions") => json!({"category": "X"}),
            ("PUT", "/api/v1/test-questions/{id}/active") => json!({"active": false}),
            ("PUT", "/api/v1/tests/{id}/attempt") => json!({"answers": []}),
            ("POST", "/api/v1/cultivation-tasks") => {
                json!({"brand": "黄鹤楼", "title": "培育", "method": "陈列"})
            }
            _ => return None,
        };
        Some(b)
    }
}

/// The request of one route as `c` (signed in as `me`, with the session's form token when there
/// is a session) sends it.
async fn send(
    t: &TestApp, c: &Client, token: &str, s: &Sample, m: &str, p: &str, me: &str,
) -> Response {
    let (method, url) = (m, t.url(&s.path(p)));
    let req = match method {
        "GET" => c.get(url),
        "PUT" => c.put(url),
        "POST" => c.post(url),
        "DELETE" => c.delete(url),
        m => panic!("method {m}"),
    };
    let req = match s.body(method, p, me) {
        Some(b) => req.json(&b),
        None if p.ends_with("/upload") => {
            // Signing in again (the session row) gives the session a new token: read it now.
            let token = match token {
                "" => String::new(),
                _ => t.csrf(c).await,
            };
            req.header("x-csrf-token", token)
                .body(xlsx(&[(&s.sku, "1")]))
        }
        None => req.header("content-type", "application/json"),
    };
    req.send().await.expect("send")
}

/// A person of `role` acting in the sample's scope: the rep, the rep's market manager, the
/// director and monopoly officer of the rep's county, the first of the company-wide roles.
async fn person(t: &TestApp, role: &str, rep: &str, mm: &str, county_id: i64) -> String {
    match role {
        "account_manager" => rep.to_string(),
        "market_manager" => mm.to_string(),
        "marketing_director" | "monopoly_officer" => {
            for u in t.users_of_role(role).await {
                if t.staff(&u).await.org_unit_id == Some(county_id) {
                    return u;
                }
            }
            panic!("no {role} in county {county_id}")
        }
        r => t.user_of_role(r).await,
    }
}

/// The sample of the matrix (and of the fuzzing): the first market manager's first rep, their
/// first retailer and county, the first SKU; with the rep and the market manager.
pub async fn sample(t: &TestApp) -> (Sample, String, String, i64) {
    let rep = t.users_of_role("account_manager").await.remove(0);
    let mm = t.manager_of(&rep).await;
    let retailer = t.first_retailer_of(&rep).await;
    let county_id = t
        .scalar_i64(
            "SELECT county_id FROM retailer WHERE account_manager_id = $1 LIMIT 1",
            &[t.staff_id(&rep).await],
        )
        .await;
    let s = Sample {
        month: TARGET.to_string(),
        county: t
            .scalar_text("SELECT code FROM org_unit WHERE id = $1", county_id)
            .await,
        retailer,
        sku: t
            .scalar_text("SELECT sku_code FROM product WHERE id = $1", 1)
            .await,
        rep: rep.clone(),
        week: "2026-W46".to_string(),
    };
    (s, rep, mm, county_id)
}

/// Every (method, path) of the OpenAPI document the router is built from; signing out last (it
/// ends the session the others use).
pub async fn api_routes(t: &TestApp) -> Vec<(String, String)> {
    let (_, doc) = t.get_json(&t.client(), "/api/openapi.json").await;
    let mut routes: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|m| (m.to_uppercase(), p.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    routes.sort_by_key(|(m, p)| (m == "DELETE" && p == "/api/v1/session", p.clone()));
    routes
}

both_backends!(every_api_route_has_a_decision, async |t: TestApp| {
    let c = t.client();
    let (s, rep, mm, county_id) = sample(&t).await;
    let routes = api_routes(&t).await;
    let undecided: Vec<String> = routes
        .iter()
        .filter(|(m, p)| !MATRIX.iter().any(|r| r.method == m && r.path == p))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        undecided.is_empty(),
        "routes without a decision: {undecided:?}"
    );
    for r in MATRIX {
        assert!(
            routes.iter().any(|(m, p)| m == r.method && p == r.path),
            "{} {} is in the matrix but not served",
            r.method,
            r.path
        );
    }

    let mut wrong = Vec::new();
    // Anonymous.
    for (m, p) in &routes {
        let row = MATRIX
            .iter()
            .find(|r| r.method == m && r.path == p)
            .unwrap();
        let got = send(&t, &c, "", &s, m, p, "nobody").await.status().as_u16();
        if got != row.anon {
            wrong.push(format!("anonymous {m} {p}: {got}, want {}", row.anon));
        }
    }
    for (i, role) in ROLES.iter().enumerate() {
        let me = person(&t, role, &rep, &mm, county_id).await;
        let rc = t.login(&me).await;
        let token = t.csrf(&rc).await;
        for (m, p) in &routes {
            let row = MATRIX
                .iter()
                .find(|r| r.method == m && r.path == p)
                .unwrap();
            let decision = row.roles.as_bytes()[i];
            let got = send(&t, &rc, &token, &s, m, p, &me).await.status().as_u16();
            let ok = match (decision, got) {
                (_, 500..) => false,
                (b'-', 401) => true,
                (b'y', 401 | 403) => false,
                (b'y', _) => true,
                (b'n', 403) => true,
                _ => false,
            };
            if !ok {
                let want = match decision {
                    b'y' => "allowed",
                    b'n' => "403",
                    _ => "401",
                };
                wrong.push(format!("{role} ({me}) {m} {p}: {got}, want {want}"));
            }
        }
    }
    // A retailer's POS credential opens its own route and nothing else.
    let rc = t.login(&rep).await;
    let (st, tok) = t
        .post_empty_json(&rc, &format!("/api/v1/retailers/{}/pos-token", s.retailer))
        .await;
    assert_eq!(st, StatusCode::OK, "{tok}");
    let token = tok["token"].as_str().unwrap();
    let shop = t.client();
    for (m, p) in &routes {
        let url = t.url(&s.path(p));
        let req = match m.as_str() {
            "GET" => shop.get(url),
            "PUT" => shop.put(url),
            "POST" => shop.post(url),
            _ => shop.delete(url),
        };
        let req = req
            .header("X-Retailer", &s.retailer)
            .bearer_auth(token)
            .json(&s.body(m, p, "nobody").unwrap_or(json!({})));
        let got = req.send().await.unwrap().status().as_u16();
        let pos = p == "/api/v1/pos/forecasts/{month}" || p == "/api/v1/pos/satisfaction";
        let ok = if pos {
            !matches!(got, 401 | 403 | 500..)
        } else {
            let row = MATRIX
                .iter()
                .find(|r| r.method == m && r.path == p)
                .unwrap();
            got == row.anon
        };
        if !ok {
            wrong.push(format!("POS credential {m} {p}: {got}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
});
