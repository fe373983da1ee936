//! The API's description at `/api/openapi.json` (gathered from the handlers by `routes.rs`) with
//! a Swagger UI at `/api/docs/`, the answer to an unknown path, and `/healthz` for the load
//! balancer.
use crate::AppState;
use crate::error::{ApiError, PageError, Problem};
use app::AppError;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "m135 API",
        description = "135 工作法营销平台 JSON 接口。错误以 application/problem+json 返回。"
    ),
    components(schemas(Problem)),
    tags(
        (name = "auth", description = "登录与会话"),
        (name = "account", description = "本人账号：修改密码"),
        (name = "home", description = "首页待办与指标"),
        (name = "retailers", description = "零售客户档案"),
        (name = "products", description = "卷烟规格（品规）"),
        (name = "staff", description = "人员与片区"),
        (name = "cycle", description = "月度工作日历（135 工作法五个步骤）"),
        (name = "forecasts", description = "需求预测：三种方法、8 日提交、点评与退回、模型预测"),
        (name = "pos", description = "客户提报（POS 自报预测）"),
        (name = "supply", description = "货源（可供量）录入与导入"),
        (name = "balance", description = "修正平衡与发布"),
        (name = "feedback", description = "平衡结果反馈零售客户"),
        (name = "meeting", description = "预测准确率与方法比较（例会）"),
        (name = "sheets", description = "客户经理一张纸"),
        (name = "visits", description = "客户拜访与拜访痕迹"),
        (name = "inbox", description = "沟通绿色通道待办"),
        (name = "rollup", description = "周报汇总与月度总结"),
        (name = "cultivation", description = "品牌培育任务（落到客户经理一张纸）"),
        (name = "benchmarks", description = "标杆终端：设立、评分、驻店服务日、与同类客户对比"),
        (name = "inventory", description = "社会库存：信息采集点抽样设计与轮换、客户经理确认与替换、逐规格采集（手机、批量录入、导入）、分层抽样还原（标准误、95% 置信区间）、存销比、动销比与断货率"),
        (name = "profit", description = "零售户盈利调查：每月按比例轮换的调查名单、逐规格销量与实际零售价、条毛利与毛利率（目标 ≥11.2%）、价格倒挂与拉低毛利的规格"),
        (name = "satisfaction", description = "客户满意度：问卷（7 个评价项目及要点、权重）、按客户经理抽样的调查、零售客户凭 POS 凭证匿名作答、纸质答卷录入、分项与分组得分（目标 ≥90%）"),
        (name = "reports", description = "市场分析报告：按市场部、营销部、全公司根据数据生成六部分草稿（市场、品牌、客户、服务、库存、盈利），作者修改分析与措施，提交上级退回或通过归档，A4 打印与 Excel 导出"),
        (name = "new-sku", description = "新品上柜：按规则确定目标客户、逐周上柜率、未上柜客户列入一张纸、培育效果评估与品牌进退"),
        (name = "people", description = "人事与薪酬：客户经理人事档案（学历、证书、任职年限、用工类型、级档及其历史）、本人档案与工资、按月计算的工资表（基本岗位工资、岗位浮动工资、年功工资、效益工资）与 Excel 导出"),
        (name = "grading", description = "竞聘定级（三级九档）：开启轮次、资格与基础分、四组评议（去掉最高最低分）、考试成绩、公示 3 天与申诉、分数线与调整、证书规则、营销中心审批"),
        (name = "tests", description = "应知应会月度测试：营销中心维护题库（单选、多选、判断；法律法规、烟草专卖、卷烟营销、客户服务、计算机应用），每月按类别均衡抽题开放，客户经理手机限时作答一次、自动评分，按人员与按试题（答错最多的题）统计"),
        (name = "kpi", description = "精益营销指标：目标、趋势、下钻、导出"),
        (name = "warnings", description = "135 系统四类预警：客户、千条户、品牌、市场；确认、整改措施、关闭"),
    )
)]
pub struct ApiDoc;

/// `/healthz`, the Swagger UI over `doc` (the document [`crate::routes::all`] gathered) and the
/// answer to an unknown path.
pub fn router(doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .fallback(not_found)
}

async fn healthz(State(s): State<AppState>) -> Response {
    match app::health(&s.app).await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!("health check: {e:?}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// An unknown path: a JSON problem under `/api/`, the error page elsewhere.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(AppError::NotFound(format!("接口 {} 不存在", uri.path()))).into_response()
    } else {
        PageError(AppError::NotFound("页面不存在".into())).into_response()
    }
}
