//! A benefit rule typed as one line of text — by the command line's `--benefit` and by
//! anyone scripting plans — parsed into a [`BenefitRule`]. Domain code: the words and
//! the limits are the union's, not the command line's.

use super::{BenefitRule, Tier};
use crate::core::money::parse_amount_fen;

/// Parses one benefit spec as the clerk types it (`ratio:50%,起付1000,每次20000`,
/// `perday:50,超3天`, `lump:15000,等待30天`, `tiers:一级=6000;二级=3000`, `offset`;
/// the Chinese names work too); the error names the part that is wrong.
pub fn parse_benefit(text: &str) -> Result<BenefitRule, String> {
    let text = text.trim();
    let (kind, rest) = match text.split_once([':', '：']) {
        Some((kind, rest)) => (kind.trim(), rest.trim()),
        None => (text, ""),
    };
    let parts: Vec<&str> = rest
        .split([',', '，'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    // "起付1,000" splits into "起付1" and "000": say so rather than misread it.
    for pair in parts.windows(2) {
        if pair[1].len() == 3
            && pair[1].chars().all(|c| c.is_ascii_digit())
            && pair[0].ends_with(|c: char| c.is_ascii_digit())
        {
            return Err(format!(
                "“{},{}”：金额请不要写千位逗号（写成 {}{}）",
                pair[0], pair[1], pair[0], pair[1]
            ));
        }
    }
    let rule = match kind.to_lowercase().as_str() {
        "ratio" | "比例" => ratio_rule(&parts)?,
        "perday" | "按天" => per_day_rule(&parts)?,
        "lump" | "一次性" => lump_rule(&parts)?,
        "tiers" | "分级" => tiers_rule(rest)?,
        "offset" | "扣减" => {
            if !rest.is_empty() {
                return Err(format!("offset 不带参数，请去掉“{rest}”"));
            }
            BenefitRule::Offset
        }
        "" => return Err("为空，应写成 方式:参数，如 ratio:50%,起付1000".to_string()),
        _ => {
            return Err(format!(
                "赔付方式“{kind}”无法识别，应为 ratio（比例）、perday（按天）、lump（一次性）、tiers（分级）、offset（扣减）之一"
            ));
        }
    };
    rule.validate()?;
    Ok(rule)
}

/// A part's amount in fen, the error naming the part.
fn spec_amount(part: &str, amount: &str) -> Result<i64, String> {
    parse_amount_fen(amount.trim()).map_err(|error| format!("“{part}”：{error}"))
}

/// A part's whole number of days (`30`, `30天`), the error naming the part.
fn spec_days(part: &str, days: &str) -> Result<i64, String> {
    days.trim()
        .trim_end_matches('天')
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|days| *days >= 0)
        .ok_or_else(|| format!("“{part}”：天数“{}”应为整数", days.trim()))
}

/// A percentage (`50%`, `12.5%`, `50`) in basis points; at most two decimals.
fn spec_percent(part: &str) -> Result<i64, String> {
    let number = part.trim_end_matches(['%', '％']).trim();
    let error = || format!("比例“{part}”无法识别，应写成如 50% 或 12.5%");
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(error());
    }
    let whole: i64 = whole.parse().map_err(|_| error())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| error())?;
    whole
        .checked_mul(100)
        .and_then(|bp| bp.checked_add(fraction))
        .ok_or_else(error)
}

/// Whether a part is the rule's main figure (a number, not a keyword).
fn is_figure(part: &str) -> bool {
    part.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '¥' || c == '.')
}

/// Sets a part's value once, refusing a second one.
fn once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("{what}写了两次"));
    }
    *slot = Some(value);
    Ok(())
}

fn ratio_rule(parts: &[&str]) -> Result<BenefitRule, String> {
    let (mut ratio, mut deductible, mut per_claim, mut per_period) = (None, None, None, None);
    for part in parts {
        if let Some(amount) = part.strip_prefix("起付") {
            once(&mut deductible, spec_amount(part, amount)?, "起付")?;
        } else if let Some(amount) = part.strip_prefix("每次") {
            once(&mut per_claim, spec_amount(part, amount)?, "每次")?;
        } else if let Some(amount) = part.strip_prefix("每期") {
            once(&mut per_period, spec_amount(part, amount)?, "每期")?;
        } else if is_figure(part) {
            once(&mut ratio, spec_percent(part)?, "比例")?;
        } else {
            return Err(format!(
                "“{part}”无法识别，ratio 的参数为 比例（如 50%）、起付N、每次N、每期N"
            ));
        }
    }
    Ok(BenefitRule::Ratio {
        ratio_bp: ratio.ok_or("ratio 须写明赔付比例，如 ratio:50%")?,
        deductible_fen: deductible.unwrap_or(0),
        cap_per_claim_fen: per_claim,
        cap_per_period_fen: per_period,
    })
}

fn per_day_rule(parts: &[&str]) -> Result<BenefitRule, String> {
    let (mut per_day, mut over_days, mut cap) = (None, None, None);
    for part in parts {
        if let Some(days) = part.strip_prefix('超') {
            once(&mut over_days, spec_days(part, days)?, "超N天")?;
        } else if let Some(amount) = part.strip_prefix("封顶") {
            once(&mut cap, spec_amount(part, amount)?, "封顶")?;
        } else if is_figure(part) {
            let amount = part.trim_end_matches("/天").trim_end_matches("元");
            once(&mut per_day, spec_amount(part, amount)?, "每天金额")?;
        } else {
            return Err(format!(
                "“{part}”无法识别，perday 的参数为 每天金额（如 50）、超N天、封顶N"
            ));
        }
    }
    Ok(BenefitRule::PerDay {
        per_day_fen: per_day.ok_or("perday 须写明每天金额，如 perday:50")?,
        over_days: over_days.unwrap_or(0),
        cap_fen: cap,
    })
}

fn lump_rule(parts: &[&str]) -> Result<BenefitRule, String> {
    let (mut amount, mut waiting, mut reduced) = (None, None, None);
    for part in parts {
        if let Some(days) = part.strip_prefix("等待") {
            once(&mut waiting, spec_days(part, days)?, "等待")?;
        } else if let Some(rest) = part.strip_prefix("减额") {
            let Some((days, sum)) = rest.split_once('天') else {
                return Err(format!("“{part}”应写成 减额M天X，如 减额90天5000"));
            };
            once(
                &mut reduced,
                (spec_days(part, days)?, spec_amount(part, sum)?),
                "减额",
            )?;
        } else if is_figure(part) {
            once(&mut amount, spec_amount(part, part)?, "给付金额")?;
        } else {
            return Err(format!(
                "“{part}”无法识别，lump 的参数为 给付金额（如 15000）、等待N天、减额M天X"
            ));
        }
    }
    let no_pay_days = waiting.unwrap_or(0);
    let (reduced_days, reduced_fen) = reduced.unwrap_or((no_pay_days, 0));
    Ok(BenefitRule::LumpSum {
        amount_fen: amount.ok_or("lump 须写明给付金额，如 lump:15000")?,
        no_pay_days,
        reduced_days,
        reduced_fen,
    })
}

fn tiers_rule(rest: &str) -> Result<BenefitRule, String> {
    let mut tiers: Vec<Tier> = Vec::new();
    for part in rest
        .split([';', '；', ',', '，'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let Some((grade, amount)) = part.split_once(['=', '＝']) else {
            return Err(format!("“{part}”应写成 等级=金额，如 一级=6000"));
        };
        let grade = grade.trim();
        if grade.is_empty() {
            return Err(format!("“{part}”缺少等级名称"));
        }
        if tiers.iter().any(|tier| tier.grade == grade) {
            return Err(format!("等级“{grade}”写了两次"));
        }
        tiers.push(Tier {
            grade: grade.to_string(),
            amount_fen: spec_amount(part, amount)?,
        });
    }
    if tiers.is_empty() {
        return Err("tiers 须列出等级和金额，如 tiers:一级=6000;二级=3000".to_string());
    }
    Ok(BenefitRule::Tiers { tiers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_benefit_spec() {
        assert_eq!(
            parse_benefit("ratio:50%,起付1000,每次20000,每期30000"),
            Ok(BenefitRule::Ratio {
                ratio_bp: 5_000,
                deductible_fen: 100_000,
                cap_per_claim_fen: Some(2_000_000),
                cap_per_period_fen: Some(3_000_000),
            })
        );
        assert_eq!(
            parse_benefit("比例：12.5%"),
            Ok(BenefitRule::Ratio {
                ratio_bp: 1_250,
                deductible_fen: 0,
                cap_per_claim_fen: None,
                cap_per_period_fen: None,
            })
        );
        assert_eq!(
            parse_benefit("perday:50，超3天，封顶4500"),
            Ok(BenefitRule::PerDay {
                per_day_fen: 5_000,
                over_days: 3,
                cap_fen: Some(450_000),
            })
        );
        assert_eq!(
            parse_benefit("lump:15000,等待30天,减额90天5000"),
            Ok(BenefitRule::LumpSum {
                amount_fen: 1_500_000,
                no_pay_days: 30,
                reduced_days: 90,
                reduced_fen: 500_000,
            })
        );
        assert_eq!(
            parse_benefit("tiers:一级=6000,二级=3000"),
            Ok(BenefitRule::Tiers {
                tiers: vec![
                    Tier {
                        grade: "一级".into(),
                        amount_fen: 600_000
                    },
                    Tier {
                        grade: "二级".into(),
                        amount_fen: 300_000
                    },
                ]
            })
        );
        assert_eq!(
            parse_benefit("tiers:一级=6000;二级=3000"),
            parse_benefit("分级：一级=6000，二级=3000")
        );
        assert_eq!(parse_benefit(" offset "), Ok(BenefitRule::Offset));
    }

    #[test]
    fn a_bad_spec_names_the_part() {
        let cases = [
            ("rate:50%", "赔付方式“rate”无法识别"),
            ("ratio:起付1000", "ratio 须写明赔付比例，如 ratio:50%"),
            ("ratio:50%,上限5000", "“上限5000”无法识别"),
            ("ratio:50%,起付abc", "“起付abc”："),
            ("ratio:5o%", "比例“5o%”无法识别"),
            ("ratio:150%", "赔付比例应在 0.01% 到 100% 之间"),
            ("ratio:50%,起付1,起付2", "起付写了两次"),
            ("perday:50,超三天", "“超三天”：天数“三天”应为整数"),
            ("lump:15000,减额5000", "“减额5000”应写成 减额M天X"),
            ("lump:15000,等待90天,减额30天5000", "减额期不能短于等待期"),
            ("tiers:一级6000", "“一级6000”应写成 等级=金额"),
            ("tiers:", "tiers 须列出等级和金额"),
            ("offset:500", "offset 不带参数"),
            (
                "ratio:50%,每次20,000",
                "“每次20,000”：金额请不要写千位逗号（写成 每次20000）",
            ),
        ];
        for (spec, expected) in cases {
            let error = parse_benefit(spec).unwrap_err();
            assert!(error.contains(expected), "{spec}: {error}");
        }
    }
}
