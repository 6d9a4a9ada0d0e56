//! 支出凭单

use super::*;

/// Everything a payment voucher shows about one disbursement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoucherSubject {
    pub voucher_no: String,
    pub date: NaiveDate,
    pub payee: String,
    pub department: String,
    pub category: String,
    pub account_code: String,
    pub fund: String,
    pub payment_form: String,
    /// Signed as the ledger sees the payout: a reversal is negative (红字).
    pub amount_fen: i64,
    pub purpose: String,
    pub approval: String,
    pub handler: String,
    pub reverses: String,
    pub override_reason: String,
    pub breaches: Vec<String>,
    pub batch: String,
}

/// 支出凭单 for one payout: payee, amount in figures and capitals, category and
/// account code, fund, approval, and the lines 经手人, 证明人, 审批人 sign on.
pub fn payment_voucher(head: &FormHead, subject: &VoucherSubject) -> Form {
    let mut form = Form::new(FormKind::Voucher, head, subject.voucher_no.clone());
    if !subject.reverses.is_empty() {
        form.title = format!("{}（红字冲销）", form.title);
    }
    let mut fields = vec![
        Field::new("凭证号", Cell::text(&subject.voucher_no), false),
        Field::new("日期", date_cell(subject.date), false),
        Field::new("领款人", Cell::text(&subject.payee), false),
        Field::new("部门", Cell::text(&subject.department), false),
        Field::new("支出项目", Cell::text(&subject.category), false),
        Field::new("会计科目", Cell::text(&subject.account_code), false),
        Field::new("经费", Cell::text(&subject.fund), false),
        Field::new("支付方式", Cell::text(&subject.payment_form), false),
        Field::new("事由", Cell::text(&subject.purpose), true),
        Field::new(
            "金额（大写）",
            Cell::Text(format!("人民币{}", chinese_capitals(subject.amount_fen))),
            true,
        ),
        Field::new("金额（小写）", Cell::Money(subject.amount_fen), true),
        Field::new("审批", Cell::text(&subject.approval), true),
    ];
    if !subject.batch.is_empty() {
        fields.push(Field::new("批次", Cell::text(&subject.batch), true));
    }
    if !subject.reverses.is_empty() {
        fields.push(Field::new("冲销", Cell::text(&subject.reverses), true));
    }
    if !subject.override_reason.is_empty() || !subject.breaches.is_empty() {
        let mut text = subject.breaches.join("；");
        if !subject.override_reason.is_empty() {
            if !text.is_empty() {
                text.push('。');
            }
            text.push_str(&format!("超标准说明：{}", subject.override_reason));
        }
        fields.push(Field::new("超标准", Cell::Text(text), true));
    }
    fields.push(Field::new("经手人", Cell::text(&subject.handler), false));
    form.blocks.push(Block::Fields { fields });
    form.signatures = vec!["经手人".into(), "证明人".into(), "审批人".into()];
    form
}
