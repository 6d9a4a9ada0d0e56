//! The roster's columns and how header cells written by HR systems and clerks are
//! matched to them.

/// A column the roster import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RosterField {
    EmployeeNo,
    Name,
    Gender,
    Department,
    Status,
    BirthDate,
    JoinDate,
    RetirementDate,
    Phone,
    BankCard,
    IsUnionMember,
    DuesPaid,
    HardshipLevel,
    HardshipReason,
    HardshipReviewedOn,
}

impl RosterField {
    /// Every field, in the order a roster usually lists them.
    pub const ALL: &'static [RosterField] = &[
        RosterField::EmployeeNo,
        RosterField::Name,
        RosterField::Gender,
        RosterField::Department,
        RosterField::Status,
        RosterField::BirthDate,
        RosterField::JoinDate,
        RosterField::RetirementDate,
        RosterField::Phone,
        RosterField::BankCard,
        RosterField::IsUnionMember,
        RosterField::DuesPaid,
        RosterField::HardshipLevel,
        RosterField::HardshipReason,
        RosterField::HardshipReviewedOn,
    ];

    /// The Simplified Chinese name of the field, used in previews and error messages.
    pub fn label(self) -> &'static str {
        match self {
            RosterField::EmployeeNo => "工号",
            RosterField::Name => "姓名",
            RosterField::Gender => "性别",
            RosterField::Department => "部门",
            RosterField::Status => "状态",
            RosterField::BirthDate => "出生日期",
            RosterField::JoinDate => "入会日期",
            RosterField::RetirementDate => "退休日期",
            RosterField::Phone => "电话",
            RosterField::BankCard => "银行卡号",
            RosterField::IsUnionMember => "是否会员",
            RosterField::DuesPaid => "会费",
            RosterField::HardshipLevel => "困难等级",
            RosterField::HardshipReason => "困难原因",
            RosterField::HardshipReviewedOn => "困难审核日期",
        }
    }

    /// Other header texts that mean this field, already normalised (see
    /// [`normalize_header`]).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            RosterField::EmployeeNo => &[
                "职工号",
                "员工编号",
                "员工号",
                "职工编号",
                "人员编号",
                "编号",
                "工作证号",
            ],
            RosterField::Name => &["职工姓名", "员工姓名", "会员姓名", "名字"],
            RosterField::Gender => &[],
            RosterField::Department => &[
                "科室",
                "部门/科室",
                "科室/部门",
                "所在部门",
                "所在科室",
                "单位",
                "处室",
                "车间",
                "班组",
            ],
            RosterField::Status => &["人员状态", "在职状态", "人员类别"],
            RosterField::BirthDate => &["出生年月", "出生年月日", "生日"],
            RosterField::JoinDate => &["入会时间", "入会年月"],
            RosterField::RetirementDate => &["退休时间", "退休年月"],
            RosterField::Phone => &[
                "手机",
                "手机号",
                "联系电话",
                "手机号码",
                "电话号码",
                "联系方式",
            ],
            RosterField::BankCard => &["银行卡", "卡号", "工资卡号", "银行账号"],
            RosterField::IsUnionMember => &["会员", "工会会员", "是否工会会员"],
            RosterField::DuesPaid => &["会费缴纳", "会费已缴", "会费状态", "是否缴纳会费"],
            RosterField::HardshipLevel => &["困难类别", "困难级别", "困难程度"],
            RosterField::HardshipReason => &["致困原因"],
            RosterField::HardshipReviewedOn => &["困难复核日期", "困难审核时间", "困难复核时间"],
        }
    }

    /// The field a header cell names, if any.
    pub fn from_header(header: &str) -> Option<RosterField> {
        let normalized = normalize_header(header);
        if normalized.is_empty() {
            return None;
        }
        RosterField::ALL.iter().copied().find(|field| {
            field.label() == normalized || field.synonyms().contains(&normalized.as_str())
        })
    }
}

impl std::fmt::Display for RosterField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Reduces a header cell to the words that name its column: full-width forms become
/// half-width, and whitespace (including full-width spaces and line breaks), `*`
/// required-field markers and parenthesised hints such as `(yyyy-mm-dd)` are removed.
pub fn normalize_header(header: &str) -> String {
    let mut result = String::with_capacity(header.len());
    let mut depth = 0usize;
    for ch in header.chars().map(crate::core::money::to_half_width) {
        match ch {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            '*' | '※' => {}
            _ if ch.is_whitespace() => {}
            _ if depth == 0 => result.push(ch),
            _ => {}
        }
    }
    result
}

/// Whether a row of header texts has both a 工号 and a 姓名 column: the test for the
/// roster's header row.
pub fn is_header_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let mut has_employee_no = false;
    let mut has_name = false;
    for cell in cells {
        match RosterField::from_header(cell) {
            Some(RosterField::EmployeeNo) => has_employee_no = true,
            Some(RosterField::Name) => has_name = true,
            _ => {}
        }
    }
    has_employee_no && has_name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_headers_as_hr_systems_write_them() {
        let cases = [
            ("工号", RosterField::EmployeeNo),
            (" *职工号 ", RosterField::EmployeeNo),
            ("人员编号", RosterField::EmployeeNo),
            ("姓\u{3000}名", RosterField::Name),
            ("姓名*", RosterField::Name),
            ("部门/科室", RosterField::Department),
            ("科室", RosterField::Department),
            ("出生日期(yyyy-mm-dd)", RosterField::BirthDate),
            ("出生年月（如1980.05）", RosterField::BirthDate),
            ("手机\n号码", RosterField::Phone),
            ("工资卡号", RosterField::BankCard),
            ("会员", RosterField::IsUnionMember),
            ("会费已缴", RosterField::DuesPaid),
            ("困难类别", RosterField::HardshipLevel),
            ("困难复核日期", RosterField::HardshipReviewedOn),
        ];
        for (header, field) in cases {
            assert_eq!(RosterField::from_header(header), Some(field), "{header}");
        }
        for header in ["序号", "备注", "", "单位：工会  制表日期：2026-03-01"] {
            assert_eq!(RosterField::from_header(header), None, "{header}");
        }
    }

    #[test]
    fn header_row_needs_employee_no_and_name() {
        assert!(is_header_row(["序号", "职工号", "职工姓名", "科室"]));
        assert!(!is_header_row(["序号", "姓名", "科室"]));
        assert!(!is_header_row(["XX医院2026年职工花名册"]));
    }
}
