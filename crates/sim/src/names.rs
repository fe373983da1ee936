//! Chinese names for the synthetic city: people, shops, places, brands and manufacturers.
use crate::rng::Rng;
use domain::retailer::BusinessFormat;

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈",
];

pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "玉兰", "春梅", "国庆",
    "红梅", "德明", "永红", "晓东", "文斌", "俊杰", "小军", "学勇", "建军", "丽华", "晓燕", "海波",
    "云飞", "家豪", "子涵", "雪梅", "金凤", "宏伟", "新民", "长春", "兰英", "凤英", "德胜", "成林",
    "光明",
];

/// County marketing departments (县级营销部); the first is the city district.
pub const COUNTIES: &[&str] = &[
    "城区",
    "丹江县",
    "房县",
    "郧西县",
    "郧阳县",
    "竹山县",
    "竹溪县",
    "茅塔县",
    "武当县",
    "汉江县",
    "神定县",
    "白河县",
    "黄龙县",
    "清泉县",
    "石门县",
    "柳林县",
];

pub const ROADS: &[&str] = &[
    "人民路",
    "解放路",
    "北京路",
    "建设路",
    "朝阳路",
    "和平路",
    "新华路",
    "中山路",
    "东风路",
    "公园路",
    "车城路",
    "五堰街",
    "文化路",
    "商业街",
    "滨江大道",
    "工业路",
    "发展大道",
    "柳林路",
    "顺义路",
    "浙江路",
];

pub const TOWNS: &[&str] = &[
    "龙泉",
    "石门",
    "清水",
    "河口",
    "新集",
    "大河",
    "高桥",
    "黄土",
    "白河",
    "杨柳",
    "长岭",
    "马家",
    "茶店",
    "柳陂",
    "青山",
    "黄龙",
    "官渡",
    "宝丰",
    "溢水",
    "上庸",
    "双台",
    "安阳",
    "鲍峡",
    "胡家营",
];

pub const VILLAGES: &[&str] = &[
    "王家湾",
    "李家沟",
    "张家坪",
    "桃园",
    "红星",
    "胜利",
    "新庄",
    "柳树",
    "枣林",
    "杨岭",
    "竹园",
    "石桥",
    "双河",
    "马鞍",
    "黄泥",
    "青龙",
    "刘家河",
    "陈家岭",
    "向阳",
    "团结",
    "白果",
    "罗家坪",
    "油坊",
    "花园",
];

const SHOP_WORDS: &[&str] = &[
    "惠民",
    "佳佳",
    "好又多",
    "万家",
    "福满多",
    "便民",
    "诚信",
    "鑫源",
    "兴隆",
    "金鑫",
    "顺发",
    "百佳",
    "旺旺",
    "如意",
    "吉祥",
    "和谐",
    "平安",
    "幸福",
    "阳光",
    "永盛",
    "富康",
    "聚源",
    "宏达",
    "利民",
    "家家乐",
    "新世纪",
    "开心",
    "天天",
    "红太阳",
    "四季",
];

pub fn person(r: &mut Rng) -> String {
    format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN))
}

pub fn phone(r: &mut Rng) -> String {
    let prefix = *r.pick(&[
        "133", "135", "137", "139", "150", "152", "158", "186", "189", "177",
    ]);
    format!("{prefix}{:08}", r.int(0, 99_999_999))
}

/// A shop name fitting its business format; `surname` is the owner's.
pub fn shop(r: &mut Rng, format: BusinessFormat, surname: &str, place: &str) -> String {
    let w = *r.pick(SHOP_WORDS);
    match format {
        BusinessFormat::Grocery => match r.index(5) {
            0 => format!("{surname}记食杂店"),
            1 => format!("{surname}家小卖部"),
            2 => format!("{place}{surname}氏商店"),
            3 => format!("{w}副食店"),
            _ => format!("{w}食杂店"),
        },
        BusinessFormat::Convenience => match r.index(3) {
            0 => format!("{w}便利店"),
            1 => format!("{w}便利店({place}店)"),
            _ => format!("{surname}记便利店"),
        },
        BusinessFormat::Supermarket => match r.index(3) {
            0 => format!("{w}超市"),
            1 => format!("{w}购物广场"),
            _ => format!("{place}{w}超市"),
        },
        BusinessFormat::Mall => match r.index(2) {
            0 => format!("{w}百货商场"),
            _ => format!("{place}商场"),
        },
        BusinessFormat::TobaccoLiquor => match r.index(3) {
            0 => format!("{surname}记烟酒店"),
            1 => format!("{w}烟酒行"),
            _ => format!("{w}名烟名酒"),
        },
        BusinessFormat::Entertainment => match r.index(5) {
            0 => format!("{w}KTV"),
            1 => format!("{w}宾馆"),
            2 => format!("{w}网吧"),
            3 => format!("{w}大酒店"),
            _ => format!("{w}茶楼"),
        },
        BusinessFormat::Other => match r.index(4) {
            0 => format!("{w}报刊亭"),
            1 => format!("{w}五金店"),
            2 => format!("{w}农资店"),
            _ => format!("{w}加油站便利部"),
        },
    }
}

/// Tobacco industrial companies (工业企业): name, province, 2-digit province code.
pub const MANUFACTURERS: &[(&str, &str, u32)] = &[
    ("湖北中烟工业有限责任公司", "湖北", 42),
    ("云南中烟工业有限责任公司", "云南", 53),
    ("上海烟草集团有限责任公司", "上海", 31),
    ("湖南中烟工业有限责任公司", "湖南", 43),
    ("浙江中烟工业有限责任公司", "浙江", 33),
    ("江苏中烟工业有限责任公司", "江苏", 32),
    ("安徽中烟工业有限责任公司", "安徽", 34),
    ("河南中烟工业有限责任公司", "河南", 41),
    ("四川中烟工业有限责任公司", "四川", 51),
    ("贵州中烟工业有限责任公司", "贵州", 52),
    ("广东中烟工业有限责任公司", "广东", 44),
    ("山东中烟工业有限责任公司", "山东", 37),
    ("福建中烟工业有限责任公司", "福建", 35),
    ("陕西中烟工业有限责任公司", "陕西", 61),
    ("重庆中烟工业有限责任公司", "重庆", 50),
    ("河北中烟工业有限责任公司", "河北", 13),
    ("江西中烟工业有限责任公司", "江西", 36),
    ("广西中烟工业有限责任公司", "广西", 45),
    ("吉林烟草工业有限责任公司", "吉林", 22),
    ("内蒙古昆明卷烟有限责任公司", "内蒙古", 15),
];

/// The province the simulated city lies in (products of its manufacturer are 省内烟).
pub const HOME_PROVINCE: &str = "湖北";

/// Brands: name, manufacturer index, price classes it spans (1..=5), key brand, popularity.
pub const BRANDS: &[(&str, usize, &[u8], bool, f64)] = &[
    ("黄鹤楼", 0, &[1, 2, 3], true, 2.2),
    ("红金龙", 0, &[3, 4, 5], true, 1.8),
    ("云烟", 1, &[1, 2, 3, 4], true, 1.8),
    ("玉溪", 1, &[1, 2, 3], true, 1.6),
    ("红塔山", 1, &[3, 4], true, 1.4),
    ("红河", 1, &[4, 5], false, 1.0),
    ("中华", 2, &[1], true, 1.5),
    ("红双喜", 2, &[3, 4], false, 0.9),
    ("中南海", 2, &[3, 4], false, 0.7),
    ("芙蓉王", 3, &[1, 2, 3], true, 1.4),
    ("白沙", 3, &[3, 4, 5], true, 1.5),
    ("利群", 4, &[1, 2, 3], true, 1.5),
    ("苏烟", 5, &[1, 2], true, 0.9),
    ("南京", 5, &[1, 2, 3], true, 1.2),
    ("黄山", 6, &[2, 3, 4], true, 1.1),
    ("黄金叶", 7, &[1, 2, 3, 4], true, 1.2),
    ("娇子", 8, &[2, 3, 4], false, 0.8),
    ("宽窄", 8, &[1, 2, 3], false, 0.8),
    ("贵烟", 9, &[1, 2, 3], true, 1.0),
    ("双喜", 10, &[2, 3, 4], true, 1.0),
    ("泰山", 11, &[2, 3, 4], false, 0.8),
    ("七匹狼", 12, &[2, 3], false, 0.6),
    ("好猫", 13, &[3, 4], false, 0.6),
    ("延安", 13, &[3, 4, 5], false, 0.5),
    ("天子", 14, &[1, 2, 3], false, 0.6),
    ("钻石", 15, &[3, 4, 5], false, 0.6),
    ("金圣", 16, &[2, 3, 4], false, 0.5),
    ("真龙", 17, &[2, 3, 4], false, 0.7),
    ("长白山", 18, &[2, 3, 4], true, 0.8),
    ("大青山", 19, &[4, 5], false, 0.4),
    ("红旗渠", 7, &[4, 5], false, 0.6),
    ("龙凤呈祥", 10, &[3, 4], false, 0.5),
];

/// Specification variants (规格) appended to the brand name.
pub const VARIANTS: &[&str] = &[
    "硬",
    "软",
    "硬红",
    "软蓝",
    "硬金",
    "精品",
    "细支",
    "中支",
    "硬珍品",
    "金版",
    "新版",
    "典藏",
    "爆珠",
    "硬经典",
    "软经典",
    "红",
    "蓝",
    "硬蓝",
    "硬白",
    "软金",
    "金砂",
    "硬细支",
    "软细支",
    "红中支",
    "金中支",
    "硬玉",
    "软玉",
    "雅香",
    "逸品",
    "大红",
    "特制",
    "醇香",
    "清香",
    "双中支",
    "天叶",
    "1916",
    "峡谷情",
    "国色",
    "锦绣",
    "平安",
    "祥云",
    "盛世",
];
