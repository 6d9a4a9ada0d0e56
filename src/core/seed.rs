//! The chart a new ledger starts with: funds, the two-level category tree from the
//! five must-visits, holidays, mutual aid and hardship relief, and income sources.
//! Standard amounts and account codes are examples for the union to edit against its
//! province's rules; nothing in the program depends on these figures.

use crate::core::model::PaymentForm;

/// A default fund.
pub struct SeedFund {
    pub name: &'static str,
}

/// The funds every new ledger has: welfare, mutual aid, hardship relief.
pub const FUNDS: &[SeedFund] = &[
    SeedFund { name: "慰问金" },
    SeedFund {
        name: "互助保障金"
    },
    SeedFund {
        name: "帮扶资金"
    },
];

/// A default category item under a group.
pub struct SeedItem {
    pub name: &'static str,
    pub standard_yuan: Option<i64>,
    pub payment_form: PaymentForm,
    pub account_code: Option<&'static str>,
}

/// A default top-level category with its items.
pub struct SeedGroup {
    pub name: &'static str,
    pub fund: &'static str,
    pub account_code: &'static str,
    pub requires_member: bool,
    pub items: &'static [SeedItem],
}

const fn item(
    name: &'static str,
    standard_yuan: Option<i64>,
    payment_form: PaymentForm,
) -> SeedItem {
    SeedItem {
        name,
        standard_yuan,
        payment_form,
        account_code: None,
    }
}

const fn coded(
    name: &'static str,
    standard_yuan: Option<i64>,
    payment_form: PaymentForm,
    account_code: &'static str,
) -> SeedItem {
    SeedItem {
        name,
        standard_yuan,
        payment_form,
        account_code: Some(account_code),
    }
}

use PaymentForm::{Cash, Goods, GoodsVoucher, Transfer};

/// The default category tree.
pub const CATEGORIES: &[SeedGroup] = &[
    SeedGroup {
        name: "五必访",
        fund: "慰问金",
        account_code: "50105",
        requires_member: true,
        items: &[
            item("生病住院", Some(500), Cash),
            item("结婚", Some(500), Cash),
            item("生育", Some(500), Cash),
            item("本人去世", Some(2000), Cash),
            item("直系亲属去世", Some(1000), Cash),
            item("退休", Some(500), Goods),
            item("困难", Some(500), Cash),
            item("生日", Some(300), GoodsVoucher),
        ],
    },
    SeedGroup {
        name: "节日慰问",
        fund: "慰问金",
        account_code: "50105",
        requires_member: true,
        items: &[
            item("元旦", Some(200), Goods),
            item("春节", Some(500), Goods),
            item("清明", Some(100), Goods),
            item("劳动节", Some(200), Goods),
            item("端午", Some(200), Goods),
            item("中秋", Some(300), Goods),
            item("国庆", Some(200), Goods),
            item("三八妇女节", Some(200), Goods),
            item("重阳节", Some(200), Goods),
            item("防暑降温", Some(150), Goods),
        ],
    },
    SeedGroup {
        name: "互助保障",
        fund: "互助保障金",
        account_code: "50206",
        requires_member: false,
        items: &[item("保费", None, Transfer), item("赔付", None, Transfer)],
    },
    SeedGroup {
        name: "困难帮扶",
        fund: "帮扶资金",
        account_code: "50204",
        requires_member: true,
        items: &[
            coded("送温暖", Some(1000), Cash, "50205"),
            item("临时救助", Some(2000), Transfer),
            item("助学", Some(2000), Transfer),
        ],
    },
    SeedGroup {
        name: "其他",
        fund: "慰问金",
        account_code: "50199",
        requires_member: false,
        items: &[item("其他支出", None, Transfer)],
    },
];

/// A default income source.
pub struct SeedSource {
    pub name: &'static str,
    pub fund: &'static str,
    pub account_code: &'static str,
}

/// Where money comes in from.
pub const INCOME_SOURCES: &[SeedSource] = &[
    SeedSource {
        name: "会费",
        fund: "慰问金",
        account_code: "401",
    },
    SeedSource {
        name: "拨缴经费",
        fund: "慰问金",
        account_code: "402",
    },
    SeedSource {
        name: "上级补助",
        fund: "帮扶资金",
        account_code: "403",
    },
    SeedSource {
        name: "行政补助",
        fund: "慰问金",
        account_code: "405",
    },
    SeedSource {
        name: "捐款",
        fund: "帮扶资金",
        account_code: "407",
    },
    SeedSource {
        name: "其他",
        fund: "慰问金",
        account_code: "407",
    },
    SeedSource {
        name: "互助保障赔款",
        fund: "互助保障金",
        account_code: "407",
    },
];

/// The default union name until the clerk sets one.
pub const DEFAULT_UNION_NAME: &str = "本单位工会";
