//! Every URL of m135 and the handler that answers it, area by area: the README's code map in
//! code. An API route is registered from its handler's `#[utoipa::path]` attribute (`routes!`),
//! so its path and method are written once and the served OpenAPI document cannot drift from the
//! router. Handlers live in `<area>/pages.rs` and `<area>/api.rs`.
use crate::{AppState, account, assets, auth, docs, page};
use crate::{
    balance, benchmarks, cultivation, cycle, feedback, forecasts, home, inbox, inventory, kpi,
    meeting, method135, new_sku, warnings,
};
use crate::{
    people, pos, products, profit, reports, retailers, rollup, satisfaction, sheets, staff, supply,
    tests, visits,
};
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The pages and the API, with the OpenAPI document gathered from the API's handlers.
pub fn all() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .merge(area(
            "auth",
            OpenApiRouter::new()
                .route(
                    "/login",
                    get(auth::pages::login_form).post(auth::pages::login),
                )
                .route("/logout", post(auth::pages::logout))
                .routes(routes!(auth::api::login, auth::api::logout))
                .routes(routes!(auth::api::me)),
        ))
        .merge(area(
            "account",
            OpenApiRouter::new()
                .route(
                    "/account/password",
                    get(account::pages::form).post(account::pages::change),
                )
                .routes(routes!(account::api::change_password)),
        ))
        .merge(area(
            "home",
            OpenApiRouter::new()
                .route("/", get(home::pages::home))
                .routes(routes!(home::api::home)),
        ))
        .merge(area(
            "retailers",
            OpenApiRouter::new()
                .route("/retailers", get(retailers::pages::retailers))
                .route("/retailers/{code}", get(retailers::pages::retailer))
                .routes(routes!(retailers::api::retailers))
                .routes(routes!(retailers::api::retailer)),
        ))
        .merge(area(
            "products",
            OpenApiRouter::new()
                .route("/products", get(products::pages::products))
                .routes(routes!(products::api::products)),
        ))
        .merge(area(
            "staff",
            OpenApiRouter::new()
                .route("/staff", get(staff::pages::staff))
                .routes(routes!(staff::api::staff)),
        ))
        .merge(area(
            "cycle",
            OpenApiRouter::new()
                .route("/cycle", get(cycle::pages::home))
                .route("/cycle/{county}/{month}", get(cycle::pages::page))
                .routes(routes!(cycle::api::cycle)),
        ))
        .merge(area(
            "forecasts",
            OpenApiRouter::new()
                .route("/forecasts", page::to_target_month("/forecasts"))
                .route("/forecasts/{month}", get(forecasts::pages::list))
                .route("/forecasts/{month}/submit", post(forecasts::pages::submit))
                .route("/forecasts/{month}/model", post(forecasts::pages::model))
                .route("/jobs/{id}", get(forecasts::pages::job))
                .route(
                    "/forecasts/{month}/reps/{rep}/{act}",
                    post(forecasts::pages::supervise),
                )
                .route(
                    "/forecasts/{month}/{retailer}",
                    get(forecasts::pages::retailer).post(forecasts::pages::retailer_save),
                )
                .route(
                    "/forecasts/{month}/{retailer}/accept",
                    post(forecasts::pages::accept),
                )
                .routes(routes!(forecasts::api::forecast_list))
                .routes(routes!(forecasts::api::forecast_submit))
                .routes(routes!(forecasts::api::forecast_totals))
                .routes(routes!(forecasts::api::forecast_model))
                .routes(routes!(forecasts::api::job_status))
                .routes(routes!(forecasts::api::forecast_comment))
                .routes(routes!(forecasts::api::forecast_return))
                .routes(routes!(forecasts::api::forecast_put)),
        ))
        .merge(area(
            "pos",
            OpenApiRouter::new()
                .route("/pos", get(pos::pages::home))
                .route("/pos/{month}", get(pos::pages::page).post(pos::pages::post))
                .routes(routes!(pos::api::pos_token))
                .routes(routes!(pos::api::pos_forecast)),
        ))
        .merge(area(
            "supply",
            OpenApiRouter::new()
                .route("/supply", get(supply::pages::home))
                .route(
                    "/supply/{month}",
                    get(supply::pages::page).post(supply::pages::save),
                )
                .route("/supply/{month}/upload", post(supply::pages::upload))
                .routes(routes!(supply::api::supply_put, supply::api::supply_list))
                .routes(routes!(supply::api::supply_upload)),
        ))
        .merge(area(
            "balance",
            OpenApiRouter::new()
                .route("/balance/{month}", get(balance::pages::page))
                .route("/balance/{month}/run", post(balance::pages::run))
                .route("/balance/{month}/publish", post(balance::pages::publish))
                .routes(routes!(balance::api::balance_review))
                .routes(routes!(balance::api::balance_run))
                .routes(routes!(balance::api::balance_publish)),
        ))
        .merge(area(
            "feedback",
            OpenApiRouter::new()
                .route("/feedback", page::to_target_month("/feedback"))
                .route("/feedback/{month}", get(feedback::pages::page))
                .route("/feedback/{month}/{retailer}", post(feedback::pages::tick))
                .routes(routes!(feedback::api::feedback_list))
                .routes(routes!(feedback::api::feedback_tick)),
        ))
        .merge(area(
            "meeting",
            OpenApiRouter::new()
                .route("/meeting", page::to_target_month("/meeting"))
                .route("/meeting/{month}", get(meeting::pages::page))
                .routes(routes!(meeting::api::accuracy)),
        ))
        .merge(area(
            "method135",
            OpenApiRouter::new()
                .route("/method135", get(method135::pages::home))
                .route(
                    "/method135/{month}",
                    get(method135::pages::page).post(method135::pages::save),
                ),
        ))
        .merge(area(
            "sheets",
            OpenApiRouter::new()
                .route("/sheets", get(sheets::pages::home))
                .route(
                    "/sheets/{username}/{week}",
                    get(sheets::pages::sheet).post(sheets::pages::save),
                )
                .route(
                    "/sheets/{username}/{week}/submit",
                    post(sheets::pages::submit),
                )
                .route(
                    "/sheets/{username}/{week}/review",
                    post(sheets::pages::review),
                )
                .route(
                    "/sheets/{username}/{week}/green",
                    post(sheets::pages::green),
                )
                .route("/sheets/{username}/{week}/print", get(sheets::pages::print))
                .route("/sheets/{username}/{week}/xlsx", get(sheets::pages::xlsx))
                .routes(routes!(sheets::api::get_sheet, sheets::api::put_sheet))
                .routes(routes!(sheets::api::submit))
                .routes(routes!(sheets::api::review))
                .routes(routes!(sheets::api::green))
                .routes(routes!(sheets::api::list)),
        ))
        .merge(area(
            "visits",
            OpenApiRouter::new()
                .route("/today", get(visits::pages::today))
                .route("/today/checkin", post(visits::pages::checkin))
                .route("/today/checkout", post(visits::pages::checkout))
                .routes(routes!(visits::api::list, visits::api::create))
                .routes(routes!(visits::api::stats))
                .routes(routes!(visits::api::checkout))
                .routes(routes!(visits::api::today)),
        ))
        .merge(area(
            "inbox",
            OpenApiRouter::new()
                .route("/inbox", get(inbox::pages::inbox))
                .route("/inbox/{id}", post(inbox::pages::handle))
                .routes(routes!(inbox::api::inbox))
                .routes(routes!(inbox::api::handle)),
        ))
        .merge(area(
            "rollup",
            OpenApiRouter::new()
                .route("/rollup", get(rollup::pages::rollup))
                .route("/rollup/{week}/xlsx", get(rollup::pages::xlsx))
                .route("/rollup/month/{month}", get(rollup::pages::month))
                .routes(routes!(rollup::api::rollup))
                .routes(routes!(rollup::api::month_close)),
        ))
        .merge(area(
            "cultivation",
            OpenApiRouter::new()
                .route(
                    "/cultivation",
                    get(cultivation::pages::page).post(cultivation::pages::create),
                )
                .route("/cultivation/{id}/close", post(cultivation::pages::close))
                .routes(routes!(cultivation::api::list, cultivation::api::create))
                .routes(routes!(cultivation::api::close)),
        ))
        .merge(area(
            "benchmarks",
            OpenApiRouter::new()
                .route(
                    "/benchmarks",
                    get(benchmarks::pages::page).post(benchmarks::pages::designate),
                )
                .route("/benchmarks/{id}/remove", post(benchmarks::pages::remove))
                .route("/benchmarks/{id}/scores", post(benchmarks::pages::score))
                .route(
                    "/benchmarks/{id}/in-store-days",
                    post(benchmarks::pages::in_store_day),
                )
                .routes(routes!(benchmarks::api::list, benchmarks::api::designate))
                .routes(routes!(benchmarks::api::detail))
                .routes(routes!(benchmarks::api::remove))
                .routes(routes!(benchmarks::api::score))
                .routes(routes!(benchmarks::api::in_store_day)),
        ))
        .merge(area(
            "new-sku",
            OpenApiRouter::new()
                .route(
                    "/new-sku",
                    get(new_sku::pages::page).post(new_sku::pages::create),
                )
                .route("/new-sku/{id}", get(new_sku::pages::detail))
                .route("/new-sku/{id}/reviews", post(new_sku::pages::review))
                .routes(routes!(new_sku::api::list, new_sku::api::create))
                .routes(routes!(new_sku::api::detail))
                .routes(routes!(new_sku::api::review)),
        ))
        .merge(area(
            "inventory",
            OpenApiRouter::new()
                .route("/inventory", get(inventory::pages::page))
                .route("/inventory/designs", post(inventory::pages::design))
                .route("/inventory/draws", post(inventory::pages::draw))
                .route("/inventory/imports", post(inventory::pages::import))
                .route(
                    "/inventory/imports/{month}/file",
                    post(inventory::pages::upload),
                )
                .route("/inventory/points/{id}", get(inventory::pages::point))
                .route(
                    "/inventory/points/{id}/decision",
                    post(inventory::pages::decide),
                )
                .route(
                    "/inventory/points/{id}/counts",
                    post(inventory::pages::report),
                )
                .routes(routes!(inventory::api::page))
                .routes(routes!(inventory::api::design))
                .routes(routes!(inventory::api::draw))
                .routes(routes!(inventory::api::point))
                .routes(routes!(inventory::api::decide))
                .routes(routes!(inventory::api::report))
                .routes(routes!(inventory::api::import)),
        ))
        .merge(area(
            "people",
            OpenApiRouter::new()
                .route("/people", get(people::pages::me))
                .route("/people/hr", get(people::pages::hr_list))
                .route(
                    "/people/hr/{username}",
                    get(people::pages::hr_edit).post(people::pages::hr_save),
                )
                .route(
                    "/people/payroll",
                    get(people::pages::payroll).post(people::pages::run_payroll),
                )
                .route("/people/payroll.xlsx", get(people::pages::payroll_xlsx))
                .routes(routes!(people::api::me))
                .routes(routes!(people::api::hr_list))
                .routes(routes!(people::api::hr_of, people::api::hr_save))
                .routes(routes!(people::api::payroll, people::api::run_payroll)),
        ))
        .merge(area(
            "grading",
            OpenApiRouter::new()
                .route(
                    "/grading",
                    get(people::pages::rounds).post(people::pages::open),
                )
                .route("/grading/{id}", get(people::pages::round))
                .route("/grading/{id}/reviews", get(people::pages::reviews))
                .route("/grading/{id}/exams", post(people::pages::exams))
                .route("/grading/{id}/assignments", post(people::pages::assign))
                .route("/grading/{id}/publicity", post(people::pages::publicize))
                .route("/grading/{id}/appeals", post(people::pages::appeal))
                .route("/grading/{id}/decision", post(people::pages::decide))
                .route("/grading/{id}/approval", post(people::pages::approve))
                .route(
                    "/grading/appeals/{id}/decision",
                    post(people::pages::decide_appeal),
                )
                .route(
                    "/grading/assignments/{id}/score",
                    post(people::pages::score),
                )
                .routes(routes!(people::api::rounds, people::api::open))
                .routes(routes!(people::api::round))
                .routes(routes!(people::api::reviews))
                .routes(routes!(people::api::assign))
                .routes(routes!(people::api::exams))
                .routes(routes!(people::api::score))
                .routes(routes!(people::api::publicize))
                .routes(routes!(people::api::appeal))
                .routes(routes!(people::api::decide_appeal))
                .routes(routes!(people::api::decide))
                .routes(routes!(people::api::approve)),
        ))
        .merge(area(
            "tests",
            OpenApiRouter::new()
                .route("/tests", get(tests::pages::list).post(tests::pages::create))
                .route(
                    "/tests/bank",
                    get(tests::pages::bank).post(tests::pages::add_question),
                )
                .route("/tests/bank/{id}/active", post(tests::pages::set_active))
                .route("/tests/{id}", get(tests::pages::paper))
                .route("/tests/{id}/start", post(tests::pages::start))
                .route("/tests/{id}/submit", post(tests::pages::submit))
                .route("/tests/{id}/results", get(tests::pages::results))
                .routes(routes!(tests::api::tests, tests::api::create))
                .routes(routes!(tests::api::bank, tests::api::add_question))
                .routes(routes!(tests::api::set_active))
                .routes(routes!(
                    tests::api::start,
                    tests::api::paper,
                    tests::api::submit
                ))
                .routes(routes!(tests::api::results)),
        ))
        .merge(area(
            "profit",
            OpenApiRouter::new()
                .route("/profit", get(profit::pages::page))
                .route("/profit/draws", post(profit::pages::draw))
                .route(
                    "/profit/surveys/{id}",
                    get(profit::pages::survey).post(profit::pages::enter),
                )
                .routes(routes!(profit::api::page))
                .routes(routes!(profit::api::draw))
                .routes(routes!(profit::api::survey, profit::api::enter)),
        ))
        .merge(area(
            "satisfaction",
            OpenApiRouter::new()
                .route("/satisfaction", get(satisfaction::pages::page))
                .route("/satisfaction/waves", post(satisfaction::pages::open))
                .route(
                    "/satisfaction/waves/{id}/answers",
                    post(satisfaction::pages::paper),
                )
                .route(
                    "/pos/satisfaction",
                    get(satisfaction::pages::pos_page).post(satisfaction::pages::pos_post),
                )
                .routes(routes!(satisfaction::api::page))
                .routes(routes!(satisfaction::api::open))
                .routes(routes!(satisfaction::api::paper))
                .routes(routes!(satisfaction::api::pos_answer)),
        ))
        .merge(area(
            "reports",
            OpenApiRouter::new()
                .route(
                    "/reports",
                    get(reports::pages::page).post(reports::pages::create),
                )
                .route(
                    "/reports/{id}",
                    get(reports::pages::report).post(reports::pages::edit),
                )
                .route("/reports/{id}/steps", post(reports::pages::step))
                .route("/reports/{id}/print", get(reports::pages::print))
                .route("/reports/{id}/xlsx", get(reports::pages::xlsx))
                .routes(routes!(reports::api::list, reports::api::create))
                .routes(routes!(reports::api::view, reports::api::edit))
                .routes(routes!(reports::api::step)),
        ))
        .merge(area(
            "kpi",
            OpenApiRouter::new()
                .route("/kpi", get(kpi::pages::page))
                .route("/kpi/xlsx", get(kpi::pages::xlsx))
                .routes(routes!(kpi::api::kpi)),
        ))
        .merge(area(
            "warnings",
            OpenApiRouter::new()
                .route("/warnings", get(warnings::pages::list))
                .route("/warnings/detect", post(warnings::pages::detect))
                .route("/warnings/{id}", get(warnings::pages::detail))
                .route("/warnings/{id}/steps", post(warnings::pages::step))
                .routes(routes!(warnings::api::list))
                .routes(routes!(warnings::api::detail))
                .routes(routes!(warnings::api::step))
                .routes(routes!(warnings::api::detect)),
        ))
        .route("/static/{*path}", get(assets::asset))
        .split_for_parts()
}

/// An area's routes, its API operations tagged with the area's name (the tags are described in
/// [`docs::ApiDoc`]), so the Swagger UI at `/api/docs/` groups the API as the code is grouped.
fn area(tag: &str, mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for item in routes.get_openapi_mut().paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
        ];
        for op in ops.into_iter().flatten() {
            op.tags = Some(vec![tag.to_owned()]);
        }
    }
    routes
}
