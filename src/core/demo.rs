//! Realistic, deterministic demo data: a hospital union's roster and years of entries
//! (dues, allocations, holiday batches, five must-visits, hardship relief, mutual aid).
//! Pure: no database, no window, no files. The same spec and seed always give the same
//! members and the same entries, so demos, screenshots and benchmarks are reproducible.
//!
//! Entries are generated one year at a time (sorted by date within the year), so a run
//! over many years streams instead of holding everything in memory.

use chrono::{Datelike, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::core::model::{
    Category, EntryKind, Fund, Gender, HardshipFile, HardshipLevel, IncomeSource, Member,
    MemberDraft, MemberStatus, NewEntry, PaymentForm,
};

/// What demo data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSpec {
    /// How many people on the roster (members and non-members, all statuses).
    pub members: usize,
    /// How many calendar years of entries, ending with `last_year`.
    pub years: u32,
    /// The random seed; the same seed gives the same data.
    pub seed: u64,
    /// The last year with entries; ages and retirements are computed against it.
    pub last_year: i32,
}

impl DemoSpec {
    /// The first year with entries. Equals `last_year + 1` when `years` is zero (no years).
    pub fn first_year(&self) -> i32 {
        let first = i64::from(self.last_year) - i64::from(self.years) + 1;
        // Clamped into i32; beyond that chrono has no dates anyway.
        first.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    }
}

/// The chart as stored (ids assigned by the store), so entries can reference ids by name.
#[derive(Debug, Clone, Copy)]
pub struct DemoChart<'a> {
    pub funds: &'a [Fund],
    pub categories: &'a [Category],
    pub sources: &'a [IncomeSource],
}

// ---------------------------------------------------------------------------------
// Members.
// ---------------------------------------------------------------------------------

/// Common surnames (space-separated) with the rough relative frequency of each, ending
/// with a few rare compound surnames.
const SURNAMES: &[(&str, u32)] = &[
    ("王 李", 72),
    ("张", 68),
    ("刘", 54),
    ("陈", 46),
    ("杨", 32),
    ("黄", 24),
    ("赵 吴", 20),
    ("周", 19),
    ("徐", 14),
    ("孙", 13),
    ("马 朱", 12),
    ("胡 郭", 11),
    ("何 高 林", 10),
    ("罗 郑 梁", 9),
    ("谢 宋 唐", 7),
    ("许 韩 冯 邓 曹", 6),
    ("彭 曾 肖 田 董", 5),
    ("袁 潘 于 蒋 蔡 余 杜 叶 程", 4),
    ("苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石", 3),
    (
        "廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万",
        2,
    ),
    ("武 钱 严 戴 孔 汤 欧阳 司马 上官 诸葛", 1),
];

/// Common given-name characters, each list one string of single characters.
const FEMALE_CHARS: &str =
    "芳娟敏静丽艳燕霞玲婷雪慧颖琳洁红梅莉萍倩晶欣悦琴云兰凤佳怡蕾璐瑶蓉薇月秀华英楠露娜丹";
const MALE_CHARS: &str =
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋峰亮成建国文志东海阳新博振永";
const NEUTRAL_CHARS: &str = "晓子思雨嘉一海春立天文君欣晨小";
/// Given names typical of people born before the mid-1960s.
const OLDER_FEMALE_NAMES: &[&str] = &[
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍", "凤英", "玉珍", "秀珍", "美华",
];
const OLDER_MALE_NAMES: &[&str] = &[
    "建国", "建华", "国庆", "卫国", "志强", "德明", "振华", "国华", "建军", "红军",
];

/// Hospital departments with relative head counts and the share of women (per cent).
const DEPARTMENTS: &[(&str, u32, u32)] = &[
    ("内科", 12, 60),
    ("外科", 10, 40),
    ("妇产科", 6, 90),
    ("儿科", 5, 75),
    ("急诊科", 5, 55),
    ("重症医学科", 3, 60),
    ("麻醉科", 4, 50),
    ("手术室", 4, 80),
    ("放射科", 4, 40),
    ("超声科", 2, 65),
    ("检验科", 4, 65),
    ("病理科", 1, 55),
    ("药剂科", 4, 65),
    ("中医科", 3, 50),
    ("康复科", 2, 55),
    ("眼科", 2, 60),
    ("耳鼻喉科", 2, 55),
    ("口腔科", 2, 60),
    ("护理部", 2, 95),
    ("门诊部", 3, 75),
    ("院办", 1, 50),
    ("医务科", 1, 50),
    ("财务科", 2, 75),
    ("人事科", 1, 65),
    ("后勤保障部", 5, 30),
    ("信息科", 1, 35),
    ("病案室", 1, 80),
];

/// Status shares in per mille: 在职, 退休, 离休, 调离, 已故.
const STATUS_SHARES: &[(MemberStatus, u32)] = &[
    (MemberStatus::InService, 750),
    (MemberStatus::Retired, 220),
    (MemberStatus::Veteran, 10),
    (MemberStatus::Left, 10),
    (MemberStatus::Deceased, 10),
];

const HARDSHIP_REASONS: &[&str] = &[
    "本人患重病",
    "子女就学",
    "配偶失业",
    "家属患重病",
    "单亲家庭",
    "因灾致困",
];

const BANK_PREFIXES: &[&str] = &["621700", "622202", "622848", "621226", "623668"];

/// Builds a demo roster of `spec.members` people: a hospital's staff and retirees with
/// realistic names, departments, statuses and dates. 工号 are unique (`H00001`, …,
/// numbered in order of joining) and the list is sorted by 工号.
pub fn demo_members(spec: &DemoSpec) -> Vec<MemberDraft> {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(spec.seed, 0x006d_656d_6265_7273));
    let reference = NaiveDate::from_ymd_opt(spec.last_year, 7, 1).unwrap_or_default();
    let surname_weights: Vec<(&str, u32)> = SURNAMES
        .iter()
        .flat_map(|&(names, weight)| names.split(' ').map(move |name| (name, weight)))
        .collect();
    let surnames = Weighted::new(&surname_weights);
    let departments = Weighted::new(
        &DEPARTMENTS
            .iter()
            .map(|&(name, weight, female)| ((name, female), weight))
            .collect::<Vec<_>>(),
    );
    let statuses = Weighted::new(STATUS_SHARES);

    let mut drafts = Vec::with_capacity(spec.members);
    for _ in 0..spec.members {
        let status = statuses
            .sample(&mut rng)
            .copied()
            .unwrap_or(MemberStatus::InService);
        let (department, female_percent) = departments
            .sample(&mut rng)
            .copied()
            .unwrap_or(("内科", 55));
        let female_percent = if status == MemberStatus::Veteran {
            20
        } else {
            female_percent
        };
        let female = rng.random_range(0..100) < female_percent;
        let dates = life_dates(&mut rng, status, female, reference);

        let mut draft = MemberDraft::new(
            String::new(),
            demo_name(&mut rng, &surnames, female, dates.birth.year()),
        );
        draft.gender = Some(if female { Gender::Female } else { Gender::Male });
        draft.department = department.to_string();
        draft.status = status;
        draft.birth_date = Some(dates.birth);
        draft.join_date = Some(dates.join);
        draft.retirement_date = dates.retirement;
        draft.phone = format!(
            "13{}{:08}",
            rng.random_range(0..10u32),
            rng.random_range(0..100_000_000u32)
        );
        let has_card = match status {
            MemberStatus::InService => true,
            MemberStatus::Retired | MemberStatus::Veteran => rng.random_bool(0.6),
            MemberStatus::Left | MemberStatus::Deceased => false,
        };
        if has_card {
            let prefix = pick(&mut rng, BANK_PREFIXES).copied().unwrap_or("621700");
            draft.bank_card = format!("{prefix}{:013}", rng.random_range(0..10_000_000_000_000u64));
        }
        draft.is_union_member = rng.random_range(0..1000) >= 30;
        draft.dues_paid = draft.is_union_member
            && !(status == MemberStatus::InService && rng.random_range(0..1000) < 20);
        let can_have_hardship = draft.is_union_member
            && matches!(status, MemberStatus::InService | MemberStatus::Retired);
        if can_have_hardship && rng.random_range(0..1000) < 32 {
            let level = match rng.random_range(0..10) {
                0..=5 => HardshipLevel::Ordinary,
                6..=8 => HardshipLevel::Special,
                _ => HardshipLevel::Deep,
            };
            let year_start = NaiveDate::from_ymd_opt(spec.last_year, 1, 5).unwrap_or(reference);
            let span_days = (reference - year_start).num_days().max(1);
            draft.hardship = Some(HardshipFile {
                level,
                reason: pick(&mut rng, HARDSHIP_REASONS)
                    .copied()
                    .unwrap_or("本人患重病")
                    .to_string(),
                reviewed_on: Some(shift(year_start, rng.random_range(0..span_days))),
            });
        }
        drafts.push(draft);
    }

    // Number the roster in order of joining, as an HR system would have.
    drafts.sort_by_key(|draft| (draft.join_date, draft.birth_date));
    let width = spec.members.to_string().len().max(5);
    for (index, draft) in drafts.iter_mut().enumerate() {
        draft.employee_no = format!("H{:0width$}", index + 1);
    }
    drafts
}

/// The dates of one person's working life.
struct LifeDates {
    birth: NaiveDate,
    join: NaiveDate,
    retirement: Option<NaiveDate>,
}

fn life_dates(
    rng: &mut ChaCha8Rng,
    status: MemberStatus,
    female: bool,
    reference: NaiveDate,
) -> LifeDates {
    let retirement_age: u32 = if female {
        match rng.random_range(0..100) {
            0..=14 => 50,
            15..=84 => 55,
            _ => 60,
        }
    } else {
        60
    };
    let year_days = |rng: &mut ChaCha8Rng| rng.random_range(0..365i64);
    let (birth, retirement) = match status {
        MemberStatus::InService | MemberStatus::Left => {
            let age = rng.random_range(22..retirement_age.max(23));
            (shift(years_before(reference, age), -year_days(rng)), None)
        }
        MemberStatus::Retired => {
            // Recent retirements are more common than old ones among the living.
            let years_retired = rng.random_range(0..30u32).min(rng.random_range(0..30u32));
            let retirement = shift(years_before(reference, years_retired), -year_days(rng));
            (years_before(retirement, retirement_age), Some(retirement))
        }
        MemberStatus::Veteran => {
            // 离休 cadres joined the revolution before 1949.
            let born = reference.year().min(2025) - 91 - rng.random_range(0..6);
            let birth = NaiveDate::from_ymd_opt(born, 1, 1)
                .map(|date| shift(date, year_days(rng)))
                .unwrap_or(reference);
            (birth, Some(years_after(birth, 60)))
        }
        MemberStatus::Deceased => {
            let age = rng.random_range(50..90u32);
            let birth = shift(years_before(reference, age), -year_days(rng));
            let retirement = (age >= retirement_age).then(|| years_after(birth, retirement_age));
            (birth, retirement)
        }
    };
    let join_age = match status {
        MemberStatus::Veteran => rng.random_range(16..20),
        _ => rng.random_range(20..29),
    };
    let join = shift(years_after(birth, join_age), year_days(rng)).min(reference);
    let retirement = retirement.map(|date| date.min(reference));
    LifeDates {
        birth,
        join,
        retirement,
    }
}

fn demo_name(
    rng: &mut ChaCha8Rng,
    surnames: &Weighted<&'static str>,
    female: bool,
    birth_year: i32,
) -> String {
    let surname = surnames.sample(rng).copied().unwrap_or("王");
    let mut name = String::with_capacity(12);
    name.push_str(surname);
    let gendered = if female { FEMALE_CHARS } else { MALE_CHARS };
    if birth_year < 1966 && rng.random_range(0..100) < 35 {
        let older = if female {
            OLDER_FEMALE_NAMES
        } else {
            OLDER_MALE_NAMES
        };
        name.push_str(pick(rng, older).copied().unwrap_or("建国"));
        return name;
    }
    let single = rng.random_range(0..100) < 28;
    if !single {
        let first = if rng.random_range(0..100) < 30 {
            NEUTRAL_CHARS
        } else {
            gendered
        };
        name.push(pick_char(rng, first).unwrap_or('晓'));
    }
    name.push(pick_char(rng, gendered).unwrap_or('明'));
    name
}

// ---------------------------------------------------------------------------------
// Entries.
// ---------------------------------------------------------------------------------

/// Generates the entries for years `spec.first_year()..=spec.last_year`, in date order
/// (ties in a fixed order), for the given stored members. Nothing is dated after
/// `today`. Streams of the chart that are missing (looked up by category or source
/// name) are skipped. Generation is one year at a time.
pub fn demo_entries<'a>(
    spec: &DemoSpec,
    members: &'a [Member],
    chart: &DemoChart<'a>,
    today: NaiveDate,
) -> impl Iterator<Item = NewEntry> + 'a {
    let generator = Generator::new(spec, members, chart);
    let first = spec.first_year();
    let last = spec.last_year.min(today.year());
    (first..=last).flat_map(move |year| generator.year_plan(year).into_entries(today))
}

/// The opening balance of each fund for the first demo year, in fen, keyed by fund id
/// and sorted by it. Large enough that no fund's running balance goes negative in a
/// typical run: the first year is simulated and its deepest dip covered with a margin.
pub fn demo_opening_balances(
    spec: &DemoSpec,
    members: &[Member],
    chart: &DemoChart,
) -> Vec<(i64, i64)> {
    let generator = Generator::new(spec, members, chart);
    let plan = if spec.years == 0 {
        YearPlan::default()
    } else {
        generator.year_plan(spec.first_year())
    };
    let mut funds: Vec<(i64, i64, i64)> = chart.funds.iter().map(|f| (f.id, 0, 0)).collect();
    funds.sort_unstable();
    funds.dedup_by_key(|fund| fund.0);
    for planned in &plan.plans {
        if let Some(fund) = funds.iter_mut().find(|fund| fund.0 == planned.fund_id) {
            fund.1 += match planned.kind {
                EntryKind::Income => planned.amount_fen,
                EntryKind::Disbursement => -planned.amount_fen,
            };
            fund.2 = fund.2.min(fund.1);
        }
    }
    let cushion_fen = yuan((members.len() as i64 * 100).max(10_000));
    funds
        .into_iter()
        .map(|(id, _, lowest)| {
            let dip = (-lowest).max(0);
            (id, round_up(dip + dip / 4 + cushion_fen, yuan(1000)))
        })
        .collect()
}

/// Who signs as 经手人.
#[derive(Debug, Clone, Copy)]
enum Handler {
    Accountant,
    Officer,
    Chair,
    Cashier,
}

impl Handler {
    fn name(self) -> &'static str {
        match self {
            Handler::Accountant => "李会计",
            Handler::Officer => "王干事",
            Handler::Chair => "张主席",
            Handler::Cashier => "陈出纳",
        }
    }
}

/// An entry before its strings are materialised; the note is an index into the year's
/// note table, so a batch of thousands shares one note.
#[derive(Debug, Clone, Copy)]
struct Planned {
    date: NaiveDate,
    kind: EntryKind,
    fund_id: i64,
    category_id: Option<i64>,
    source_id: Option<i64>,
    member_id: Option<i64>,
    amount_fen: i64,
    payment_form: PaymentForm,
    handler: Handler,
    note: u32,
}

impl Planned {
    fn to_entry(self, notes: &[String]) -> NewEntry {
        NewEntry {
            kind: self.kind,
            date: self.date,
            fund_id: self.fund_id,
            category_id: self.category_id,
            source_id: self.source_id,
            member_id: self.member_id,
            amount_fen: self.amount_fen,
            payment_form: self.payment_form,
            handler: self.handler.name().to_string(),
            note: notes.get(self.note as usize).cloned().unwrap_or_default(),
        }
    }
}

/// One year's entries, sorted by date.
#[derive(Debug, Default)]
struct YearPlan {
    plans: Vec<Planned>,
    notes: Vec<String>,
}

impl YearPlan {
    fn into_entries(self, today: NaiveDate) -> impl Iterator<Item = NewEntry> {
        let YearPlan { plans, notes } = self;
        plans
            .into_iter()
            .filter(move |planned| planned.date <= today)
            .map(move |planned| planned.to_entry(&notes))
    }
}

/// A spending category resolved against the stored chart.
#[derive(Debug, Clone, Copy)]
struct CategoryRef {
    id: i64,
    fund_id: i64,
    standard_fen: Option<i64>,
    form: Option<PaymentForm>,
}

impl CategoryRef {
    fn amount_or(&self, default_yuan: i64) -> i64 {
        self.standard_fen
            .filter(|amount| *amount > 0)
            .unwrap_or(yuan(default_yuan))
    }

    fn form_or(&self, default: PaymentForm) -> PaymentForm {
        self.form.unwrap_or(default)
    }
}

/// An income source resolved against the stored chart.
#[derive(Debug, Clone, Copy)]
struct SourceRef {
    id: i64,
    fund_id: i64,
}

/// The holiday batches, in the order they are generated. Like a real union, the demo
/// pays the holidays its budget and the caps allow: in-service members get 1,150 元 of
/// holiday goods a year (women 1,350 with 三八), retirees 1,200 (1,400), inside the first
/// example rule set's cap of 1,500 — so a New Year batch of 200 元 shows who is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holiday {
    SpringFestival,
    Women,
    DragonBoat,
    Summer,
    MidAutumn,
    DoubleNinth,
}

impl Holiday {
    const ALL: [Holiday; 6] = [
        Holiday::SpringFestival,
        Holiday::Women,
        Holiday::DragonBoat,
        Holiday::Summer,
        Holiday::MidAutumn,
        Holiday::DoubleNinth,
    ];

    fn category_name(self) -> &'static str {
        match self {
            Holiday::SpringFestival => "春节",
            Holiday::Women => "三八妇女节",
            Holiday::DragonBoat => "端午",
            Holiday::Summer => "防暑降温",
            Holiday::MidAutumn => "中秋",
            Holiday::DoubleNinth => "重阳节",
        }
    }

    fn default_yuan(self) -> i64 {
        match self {
            Holiday::SpringFestival => 500,
            Holiday::MidAutumn => 300,
            Holiday::Summer => 150,
            _ => 200,
        }
    }

    fn notes(self) -> &'static [&'static str] {
        match self {
            Holiday::SpringFestival => &["春节慰问品：大米食用油", "春节慰问品：年货礼包"],
            Holiday::Women => &[
                "三八节慰问品：鲜花及洗护用品",
                "三八节慰问品：电影票及护手霜",
            ],
            Holiday::DragonBoat => &["端午慰问品：粽子咸鸭蛋", "端午慰问品：粽子礼盒"],
            Holiday::Summer => &["防暑降温：绿豆白糖饮料", "防暑降温：西瓜及饮料"],
            Holiday::MidAutumn => &["中秋慰问品：月饼水果", "中秋慰问品：月饼礼盒"],
            Holiday::DoubleNinth => &["重阳节慰问品：牛奶糕点", "重阳节慰问品：老年保健品"],
        }
    }
}

/// Whether a must-visit falls to a person in a year; `Rate` draws from the generator.
#[derive(Debug, Clone, Copy)]
enum Chance {
    Never,
    Always,
    Rate(f64),
}

/// When a must-visit is paid.
#[derive(Debug, Clone, Copy)]
enum VisitDate {
    /// On the person's birthday this year (28 February in place of 29 February).
    Birthday,
    /// Any day of the year.
    AnyDay,
    /// Up to three weeks after the day the person retired.
    AfterRetirement,
    /// Any day from April to November, the season of family visits.
    VisitingSeason,
}

impl VisitDate {
    fn draw(self, rng: &mut ChaCha8Rng, out: &YearBuilder, person: &Person) -> NaiveDate {
        match self {
            VisitDate::Birthday => person
                .birth
                .and_then(|birth| NaiveDate::from_ymd_opt(out.year, birth.month(), birth.day()))
                .unwrap_or_else(|| out.day(2, 28)),
            VisitDate::AnyDay => out.random_date(rng),
            VisitDate::AfterRetirement => match person.retirement {
                Some(retired_on) => out.shift(retired_on, rng.random_range(0..=20)),
                None => out.random_date(rng),
            },
            VisitDate::VisitingSeason => {
                let month = rng.random_range(4..=11);
                out.day(month, rng.random_range(1..=28))
            }
        }
    }
}

/// The note on a must-visit's voucher.
#[derive(Debug, Clone, Copy)]
enum VisitNote {
    Fixed(&'static str),
    /// One of two, with even odds.
    Either(&'static str, &'static str),
    OneOf(&'static [&'static str]),
    /// A ward and a bed number.
    Ward,
}

impl VisitNote {
    fn draw(self, rng: &mut ChaCha8Rng, out: &mut YearBuilder) -> u32 {
        match self {
            VisitNote::Fixed(text) => out.static_note(text),
            VisitNote::Either(first, second) => {
                out.static_note(if rng.random_bool(0.5) { first } else { second })
            }
            VisitNote::OneOf(texts) => out.static_note(pick(rng, texts).copied().unwrap_or("慰问")),
            VisitNote::Ward => {
                let ward = pick(rng, WARDS).copied().unwrap_or("内科");
                let bed = rng.random_range(1..=40);
                out.note(format!("住院慰问：{ward}{bed}床"))
            }
        }
    }
}

/// How much a must-visit pays, and its note.
#[derive(Debug, Clone, Copy)]
enum VisitPay {
    /// The category's standard amount, or `default_yuan` when it has none.
    Standard { default_yuan: i64, note: VisitNote },
    /// One tier drawn out of 100: each tier covers the draws below its bound; an amount
    /// of `None` is the category's standard amount (or `default_yuan`).
    Tiers {
        default_yuan: i64,
        tiers: &'static [(u32, Option<i64>, VisitNote)],
    },
}

impl VisitPay {
    fn draw(
        self,
        rng: &mut ChaCha8Rng,
        out: &mut YearBuilder,
        category: CategoryRef,
    ) -> (i64, u32) {
        match self {
            VisitPay::Standard { default_yuan, note } => {
                (category.amount_or(default_yuan), note.draw(rng, out))
            }
            VisitPay::Tiers {
                default_yuan,
                tiers,
            } => {
                let roll = rng.random_range(0..100u32);
                let (_, amount, note) = tiers
                    .iter()
                    .copied()
                    .find(|(below, _, _)| roll < *below)
                    .or_else(|| tiers.last().copied())
                    .unwrap_or((100, None, VisitNote::Fixed("慰问")));
                let amount_fen = amount.map_or(category.amount_or(default_yuan), yuan);
                (amount_fen, note.draw(rng, out))
            }
        }
    }
}

/// One of the five must-visits (and the birthday greeting): which category pays it, who
/// hands it over, in what form when the category names none, to whom and how often,
/// when, how much and with what note.
#[derive(Debug, Clone, Copy)]
struct MustVisit {
    category: &'static str,
    handler: Handler,
    form: PaymentForm,
    /// Given the person, their phase that year and the year.
    chance: fn(&Person, Phase, i32) -> Chance,
    date: VisitDate,
    pay: VisitPay,
}

/// The must-visits, checked for each eligible person in this order every year.
const MUST_VISITS: [MustVisit; 7] = [
    MustVisit {
        category: "生日",
        handler: Handler::Officer,
        form: PaymentForm::GoodsVoucher,
        chance: |person, phase, _| match (phase, person.birth) {
            (Phase::Working, Some(_)) => Chance::Always,
            _ => Chance::Never,
        },
        date: VisitDate::Birthday,
        pay: VisitPay::Standard {
            default_yuan: 300,
            note: VisitNote::Fixed("生日慰问：蛋糕券"),
        },
    },
    MustVisit {
        category: "生病住院",
        handler: Handler::Chair,
        form: PaymentForm::Cash,
        chance: |_, phase, _| match phase {
            Phase::Working => Chance::Rate(0.03),
            Phase::Retired => Chance::Rate(0.07),
        },
        date: VisitDate::AnyDay,
        pay: VisitPay::Tiers {
            default_yuan: 500,
            tiers: &[
                (75, None, VisitNote::Ward),
                (90, Some(800), VisitNote::Fixed("住院慰问：手术后探望")),
                (100, Some(1000), VisitNote::Fixed("住院慰问：重大手术")),
            ],
        },
    },
    MustVisit {
        category: "结婚",
        handler: Handler::Officer,
        form: PaymentForm::Cash,
        chance: |person, phase, year| match (phase, person.age_in(year).unwrap_or(40)) {
            (Phase::Working, 22..=35) => Chance::Rate(0.035),
            _ => Chance::Never,
        },
        date: VisitDate::AnyDay,
        pay: VisitPay::Standard {
            default_yuan: 500,
            note: VisitNote::Either("新婚慰问", "结婚慰问金"),
        },
    },
    MustVisit {
        category: "生育",
        handler: Handler::Officer,
        form: PaymentForm::Cash,
        chance: |person, phase, year| {
            let age = person.age_in(year).unwrap_or(40);
            match (phase, person.female, age) {
                (Phase::Working, true, 23..=42) => Chance::Rate(0.045),
                (Phase::Working, false, 24..=42) => Chance::Rate(0.008),
                _ => Chance::Never,
            }
        },
        date: VisitDate::AnyDay,
        pay: VisitPay::Standard {
            default_yuan: 500,
            note: VisitNote::Either("生育慰问：喜得千金", "生育慰问：喜得贵子"),
        },
    },
    MustVisit {
        category: "直系亲属去世",
        handler: Handler::Chair,
        form: PaymentForm::Cash,
        chance: |_, _, _| Chance::Rate(0.02),
        date: VisitDate::AnyDay,
        pay: VisitPay::Standard {
            default_yuan: 1000,
            note: VisitNote::OneOf(RELATIVE_DEATH_NOTES),
        },
    },
    MustVisit {
        category: "退休",
        handler: Handler::Chair,
        form: PaymentForm::Goods,
        chance: |person, _, year| match person.retirement {
            Some(retired_on) if retired_on.year() == year => Chance::Always,
            _ => Chance::Never,
        },
        date: VisitDate::AfterRetirement,
        pay: VisitPay::Standard {
            default_yuan: 500,
            note: VisitNote::OneOf(RETIREMENT_NOTES),
        },
    },
    MustVisit {
        category: "困难",
        handler: Handler::Chair,
        form: PaymentForm::Cash,
        chance: |person, _, _| match person.hardship {
            Some(_) => Chance::Always,
            None => Chance::Never,
        },
        date: VisitDate::VisitingSeason,
        pay: VisitPay::Standard {
            default_yuan: 500,
            note: VisitNote::Fixed("困难职工家访慰问"),
        },
    },
];

/// The streams of the chart the generator uses; `None` where the chart lacks one.
#[derive(Debug, Clone)]
struct Streams {
    holidays: Vec<(Holiday, CategoryRef)>,
    /// The must-visits the chart has, in the order of `MUST_VISITS`.
    visits: Vec<(&'static MustVisit, CategoryRef)>,
    own_death: Option<CategoryRef>,
    warmth: Option<CategoryRef>,
    relief: Option<CategoryRef>,
    study: Option<CategoryRef>,
    premium: Option<CategoryRef>,
    claim: Option<CategoryRef>,
    dues: Option<SourceRef>,
    allocation: Option<SourceRef>,
    higher_union: Option<SourceRef>,
    administrative: Option<SourceRef>,
    donation: Option<SourceRef>,
    other_income: Option<SourceRef>,
    /// Every fund of the chart: id and name, sorted by id.
    funds: Vec<(i64, String)>,
}

impl Streams {
    fn resolve(chart: &DemoChart) -> Self {
        let category = |name: &str| resolve_category(chart, name);
        let source = |name: &str| resolve_source(chart, name);
        let mut funds: Vec<(i64, String)> =
            chart.funds.iter().map(|f| (f.id, f.name.clone())).collect();
        funds.sort();
        funds.dedup_by_key(|fund| fund.0);
        Streams {
            holidays: Holiday::ALL
                .iter()
                .filter_map(|&holiday| category(holiday.category_name()).map(|c| (holiday, c)))
                .collect(),
            visits: MUST_VISITS
                .iter()
                .filter_map(|visit| category(visit.category).map(|c| (visit, c)))
                .collect(),
            own_death: category("本人去世"),
            warmth: category("送温暖"),
            relief: category("临时救助"),
            study: category("助学"),
            premium: category("保费"),
            claim: category("赔付"),
            dues: source("会费"),
            allocation: source("拨缴经费"),
            higher_union: source("上级补助"),
            administrative: source("行政补助"),
            donation: source("捐款"),
            other_income: source("其他"),
            funds,
        }
    }
}

/// The fund an entry falls back to when its category or source names none: the first
/// active fund in display order.
fn fallback_fund(chart: &DemoChart) -> Option<i64> {
    chart
        .funds
        .iter()
        .filter(|fund| fund.is_active)
        .min_by_key(|fund| (fund.sort_order, fund.id))
        .or_else(|| {
            chart
                .funds
                .iter()
                .min_by_key(|fund| (fund.sort_order, fund.id))
        })
        .map(|fund| fund.id)
}

fn existing_fund(chart: &DemoChart, id: Option<i64>) -> Option<i64> {
    id.filter(|id| chart.funds.iter().any(|fund| fund.id == *id))
}

/// Finds an active item (a category with a parent) by name; the first in display order
/// wins when names repeat.
fn resolve_category(chart: &DemoChart, name: &str) -> Option<CategoryRef> {
    let item = chart
        .categories
        .iter()
        .filter(|c| c.parent_id.is_some() && c.is_active && c.name == name)
        .min_by_key(|c| (c.sort_order, c.id))?;
    let parent_fund = item.parent_id.and_then(|parent| {
        chart
            .categories
            .iter()
            .find(|c| c.id == parent)
            .and_then(|c| c.default_fund_id)
    });
    let fund_id = existing_fund(chart, item.default_fund_id)
        .or_else(|| existing_fund(chart, parent_fund))
        .or_else(|| fallback_fund(chart))?;
    Some(CategoryRef {
        id: item.id,
        fund_id,
        standard_fen: item.standard_amount_fen,
        form: item.default_payment_form,
    })
}

fn resolve_source(chart: &DemoChart, name: &str) -> Option<SourceRef> {
    let source = chart
        .sources
        .iter()
        .filter(|s| s.name == name)
        .min_by_key(|s| (s.sort_order, s.id))?;
    let fund_id = existing_fund(chart, source.default_fund_id).or_else(|| fallback_fund(chart))?;
    Some(SourceRef {
        id: source.id,
        fund_id,
    })
}

/// Where a person stands in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Working,
    Retired,
}

/// What the generator needs to know about one stored member.
#[derive(Debug, Clone)]
struct Person<'a> {
    id: i64,
    name: &'a str,
    department: &'a str,
    female: bool,
    status: MemberStatus,
    is_union_member: bool,
    dues_paid: bool,
    birth: Option<NaiveDate>,
    retirement: Option<NaiveDate>,
    hardship: Option<HardshipLevel>,
    hardship_study: bool,
    /// The monthly base wage in the last demo year.
    wage_fen: i64,
}

impl Person<'_> {
    /// Working or retired in `year`, or `None` once gone (调离, 已故). A retiree whose
    /// retirement falls after `year` was still working then.
    fn phase(&self, year: i32) -> Option<Phase> {
        match self.status {
            MemberStatus::InService => Some(Phase::Working),
            MemberStatus::Retired | MemberStatus::Veteran => match self.retirement {
                Some(date) if date.year() > year => Some(Phase::Working),
                _ => Some(Phase::Retired),
            },
            MemberStatus::Left | MemberStatus::Deceased => None,
        }
    }

    /// Union members with dues paid get collective welfare.
    fn receives_welfare(&self) -> bool {
        self.is_union_member && self.dues_paid
    }

    fn age_in(&self, year: i32) -> Option<i32> {
        self.birth.map(|birth| year - birth.year())
    }
}

/// Everything needed to generate any year: the resolved chart and the roster.
struct Generator<'a> {
    seed: u64,
    last_year: i32,
    years: u32,
    streams: Streams,
    people: Vec<Person<'a>>,
}

impl<'a> Generator<'a> {
    fn new(spec: &DemoSpec, members: &'a [Member], chart: &DemoChart) -> Self {
        let mut people: Vec<Person<'a>> = members
            .iter()
            .map(|member| {
                let wage_yuan = 6_000 + (mix(spec.seed, member.id as u64) % 9_001) as i64;
                let reason = member.hardship.as_ref().map(|file| file.reason.as_str());
                Person {
                    id: member.id,
                    name: &member.name,
                    department: &member.department,
                    female: member.gender == Some(Gender::Female),
                    status: member.status,
                    is_union_member: member.is_union_member,
                    dues_paid: member.dues_paid,
                    birth: member.birth_date,
                    retirement: member.retirement_date,
                    hardship: member.hardship.as_ref().map(|file| file.level),
                    hardship_study: reason.is_some_and(|reason| reason.contains("就学")),
                    wage_fen: yuan(wage_yuan),
                }
            })
            .collect();
        // Ordered by id so the output does not depend on the order the store returned.
        people.sort_by_key(|person| person.id);
        Generator {
            seed: spec.seed,
            last_year: spec.last_year,
            years: spec.years,
            streams: Streams::resolve(chart),
            people,
        }
    }

    /// Generates one whole year, sorted by date. Ties keep generation order.
    fn year_plan(&self, year: i32) -> YearPlan {
        let Some(mut out) = YearBuilder::new(year) else {
            return YearPlan::default();
        };
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.seed, 0x7965_6172_0000 ^ year as u64));
        // Who is around this year.
        let mut eligible: Vec<(&Person, Phase)> = Vec::with_capacity(self.people.len());
        for person in &self.people {
            if let Some(phase) = person.phase(year)
                && person.receives_welfare()
            {
                eligible.push((person, phase));
            }
        }
        out.plans.reserve(eligible.len() * 10);

        self.holiday_batches(&mut rng, &mut out, &eligible);
        self.must_visits(&mut rng, &mut out, &eligible);
        self.hardship_relief(&mut rng, &mut out, &eligible);
        // The last year's mutual aid goes through plans, enrolment and claims, which the
        // store's demo fill records (`Ledger::fill_demo`); earlier years are plain entries.
        if year < self.last_year {
            self.mutual_aid(&mut rng, &mut out, &eligible);
        }
        self.regular_income(&mut rng, &mut out);
        self.balancing_income(&mut rng, &mut out, eligible.len());

        out.plans.retain(|planned| planned.amount_fen > 0);
        out.plans.sort_by_key(|planned| planned.date);
        YearPlan {
            plans: out.plans,
            notes: out.notes,
        }
    }

    fn holiday_batches(
        &self,
        rng: &mut ChaCha8Rng,
        out: &mut YearBuilder,
        eligible: &[(&Person, Phase)],
    ) {
        let year = out.year;
        let (spring, dragon, mid_autumn) = lunar_holidays(year);
        for &(holiday, category) in &self.streams.holidays {
            let date = match holiday {
                Holiday::SpringFestival => out
                    .shift(spring, -rng.random_range(5..=12))
                    .max(out.day(1, 8)),
                Holiday::Women => out.day(3, rng.random_range(1..=6)),
                Holiday::DragonBoat => out.shift(dragon, -rng.random_range(3..=8)),
                Holiday::Summer => out.day(7, rng.random_range(1..=15)),
                Holiday::MidAutumn => out.shift(mid_autumn, -rng.random_range(3..=8)),
                Holiday::DoubleNinth => out.shift(mid_autumn, 24 - rng.random_range(0..=5)),
            };
            let amount_fen = category.amount_or(holiday.default_yuan());
            // Holiday gifts must be goods or named-goods vouchers, never cash.
            let form = match category.form {
                Some(PaymentForm::GoodsVoucher) => PaymentForm::GoodsVoucher,
                _ => PaymentForm::Goods,
            };
            let note = out.static_note(pick(rng, holiday.notes()).copied().unwrap_or("节日慰问品"));
            for &(person, phase) in eligible {
                let receives = match holiday {
                    Holiday::Women => person.female,
                    Holiday::DoubleNinth => phase == Phase::Retired,
                    Holiday::Summer => phase == Phase::Working,
                    _ => true,
                };
                if receives {
                    out.pay(
                        Payer::new(category, form, Handler::Officer),
                        date,
                        Some(person.id),
                        amount_fen,
                        note,
                    );
                }
            }
        }
    }

    fn must_visits(
        &self,
        rng: &mut ChaCha8Rng,
        out: &mut YearBuilder,
        eligible: &[(&Person, Phase)],
    ) {
        let year = out.year;
        let streams = &self.streams;
        for &(person, phase) in eligible {
            for &(visit, category) in &streams.visits {
                let happens = match (visit.chance)(person, phase, year) {
                    Chance::Never => false,
                    Chance::Always => true,
                    Chance::Rate(rate) => rng.random_bool(rate),
                };
                if !happens {
                    continue;
                }
                let date = visit.date.draw(rng, out, person);
                let (amount_fen, note) = visit.pay.draw(rng, out, category);
                out.pay(
                    Payer::new(category, category.form_or(visit.form), visit.handler),
                    date,
                    Some(person.id),
                    amount_fen,
                    note,
                );
            }
        }

        // The deceased on the roster died at some point in the last few years.
        if let Some(category) = streams.own_death {
            let span = u64::from(self.years) + 2;
            for person in &self.people {
                if person.status != MemberStatus::Deceased || !person.is_union_member {
                    continue;
                }
                let died =
                    i64::from(self.last_year) - (mix(self.seed, !(person.id as u64)) % span) as i64;
                if died == i64::from(year) {
                    let date = out.random_date(rng);
                    let note = out.static_note("本人去世慰问：花圈及慰问金");
                    let form = category.form_or(PaymentForm::Cash);
                    out.pay(
                        Payer::new(category, form, Handler::Chair),
                        date,
                        Some(person.id),
                        category.amount_or(2000),
                        note,
                    );
                }
            }
        }
    }

    fn hardship_relief(
        &self,
        rng: &mut ChaCha8Rng,
        out: &mut YearBuilder,
        eligible: &[(&Person, Phase)],
    ) {
        let streams = &self.streams;
        let (spring, _, _) = lunar_holidays(out.year);

        if let Some(category) = streams.warmth {
            let date = out
                .shift(spring, -rng.random_range(4..=14))
                .max(out.day(1, 8));
            let hardship_note = out.static_note("春节送温暖：困难职工家庭");
            let retiree_note = out.static_note("春节送温暖：退休职工");
            let form = category.form_or(PaymentForm::Cash);
            for &(person, phase) in eligible {
                let (low, high, note) = match person.hardship {
                    Some(HardshipLevel::Ordinary) => (5, 10, hardship_note),
                    Some(HardshipLevel::Special) => (10, 15, hardship_note),
                    Some(HardshipLevel::Deep) => (15, 20, hardship_note),
                    None if phase == Phase::Retired && rng.random_bool(0.05) => {
                        (5, 8, retiree_note)
                    }
                    None => continue,
                };
                let amount_fen = yuan(100 * rng.random_range(low..=high));
                out.pay(
                    Payer::new(category, form, Handler::Chair),
                    date,
                    Some(person.id),
                    amount_fen,
                    note,
                );
            }
        }

        if let Some(category) = streams.study {
            let form = category.form_or(PaymentForm::Transfer);
            for &(person, _) in eligible {
                if person.hardship.is_none() || !(person.hardship_study || rng.random_bool(0.15)) {
                    continue;
                }
                let date = out.day(8, rng.random_range(15..=31));
                let note = out.static_note(if rng.random_bool(0.5) {
                    "金秋助学：子女考入大学"
                } else {
                    "金秋助学：子女就读高中"
                });
                let amount_fen = match rng.random_range(0..10) {
                    0..=6 => category.amount_or(2000),
                    7..=8 => yuan(1000),
                    _ => yuan(3000),
                };
                out.pay(
                    Payer::new(category, form, Handler::Officer),
                    date,
                    Some(person.id),
                    amount_fen,
                    note,
                );
            }
        }

        if let Some(category) = streams.relief {
            let form = category.form_or(PaymentForm::Transfer);
            for &(person, _) in eligible {
                if rng.random_bool(0.003) {
                    let date = out.random_date(rng);
                    let note =
                        out.static_note(pick(rng, RELIEF_NOTES).copied().unwrap_or("临时救助"));
                    let amount_fen = yuan(500 * rng.random_range(2..=10));
                    out.pay(
                        Payer::new(category, form, Handler::Chair),
                        date,
                        Some(person.id),
                        amount_fen,
                        note,
                    );
                }
            }
        }

        // Colleagues collect money for a seriously ill member; the union passes it on.
        if let Some(donation) = streams.donation
            && !eligible.is_empty()
        {
            let chances = 1 + eligible.len() / 3000;
            for _ in 0..chances {
                if !rng.random_bool(0.5) {
                    continue;
                }
                let Some(&(person, _)) = pick(rng, eligible) else {
                    continue;
                };
                let illness = pick(rng, ILLNESSES).copied().unwrap_or("重病");
                let collected = out.random_date(rng).min(out.day(12, 15));
                let amount_fen = yuan(100 * rng.random_range(80..=600));
                let note = out.note(format!(
                    "爱心捐款：为{}{}同志{illness}募捐",
                    person.department, person.name
                ));
                out.receive(
                    &donation,
                    donation.fund_id,
                    collected,
                    amount_fen,
                    Handler::Accountant,
                    note,
                );
                if let Some(relief) = streams.relief {
                    let paid = out.shift(collected, rng.random_range(3..=10));
                    let note = out.note(format!("爱心捐款转交：{}同志{illness}", person.name));
                    out.pay(
                        Payer::new(relief, PaymentForm::Transfer, Handler::Chair),
                        paid,
                        Some(person.id),
                        amount_fen,
                        note,
                    );
                }
            }
        }
    }

    fn mutual_aid(
        &self,
        rng: &mut ChaCha8Rng,
        out: &mut YearBuilder,
        eligible: &[(&Person, Phase)],
    ) {
        let enrolled: Vec<&Person> = eligible
            .iter()
            .filter(|(_, phase)| *phase == Phase::Working)
            .map(|(person, _)| *person)
            .collect();
        if enrolled.is_empty() {
            return;
        }
        if let Some(category) = self.streams.premium {
            let date = out.day(3, rng.random_range(10..=25));
            let note = out.note(format!(
                "{}年度职工互助保障保费（{}人）",
                out.year,
                enrolled.len()
            ));
            let amount_fen = yuan(60) * enrolled.len() as i64;
            let form = category.form_or(PaymentForm::Transfer);
            out.pay(
                Payer::new(category, form, Handler::Accountant),
                date,
                None,
                amount_fen,
                note,
            );
        }
        if let Some(category) = self.streams.claim {
            let form = category.form_or(PaymentForm::Transfer);
            for person in enrolled {
                if !rng.random_bool(0.02) {
                    continue;
                }
                let date = out.random_date(rng).max(out.day(2, 1));
                let (amount_yuan, note) = match rng.random_range(0..100) {
                    0..=69 => (10 * rng.random_range(30..=300), "互助保障住院津贴赔付"),
                    70..=89 => (
                        pick(rng, &[1000, 2000, 3000, 6000])
                            .copied()
                            .unwrap_or(2000),
                        "互助保障重大疾病赔付",
                    ),
                    _ if person.female => (
                        pick(rng, &[2000, 5000, 8000, 10000, 15000])
                            .copied()
                            .unwrap_or(5000),
                        "女职工特殊疾病保障赔付",
                    ),
                    _ => (10 * rng.random_range(100..=450), "互助保障住院津贴赔付"),
                };
                let note = out.static_note(note);
                out.pay(
                    Payer::new(category, form, Handler::Accountant),
                    date,
                    Some(person.id),
                    yuan(amount_yuan),
                    note,
                );
            }
        }
    }

    /// Dues every month and the employer's allocation every quarter, from the wages.
    fn regular_income(&self, rng: &mut ChaCha8Rng, out: &mut YearBuilder) {
        let year = out.year;
        // Wages grow about 4% a year; earlier years had lower wages.
        let growth = 1.04f64.powi((year - self.last_year).clamp(-60, 60));
        let mut dues_wages_fen = 0i64;
        let mut payroll_fen = 0i64;
        for person in &self.people {
            if person.phase(year) == Some(Phase::Working) {
                payroll_fen += person.wage_fen;
                if person.receives_welfare() {
                    dues_wages_fen += person.wage_fen;
                }
            }
        }
        if let Some(source) = self.streams.dues {
            let monthly_fen = (dues_wages_fen as f64 * growth * 0.005).round() as i64;
            for month in 1..=12u32 {
                let date = out.day(month, rng.random_range(10..=15));
                let note = out.note(format!("{year}年{month}月会费"));
                out.receive(
                    &source,
                    source.fund_id,
                    date,
                    monthly_fen,
                    Handler::Cashier,
                    note,
                );
            }
        }
        if let Some(source) = self.streams.allocation {
            // 2% of the gross payroll (about 1.5 times the base wage), 60% kept.
            let quarterly_fen =
                (payroll_fen as f64 * growth * 1.5 * 3.0 * 0.02 * 0.6).round() as i64;
            for quarter in 1..=4u32 {
                let date = out.day(quarter * 3, rng.random_range(20..=28));
                let note = out.note(format!("{year}年第{quarter}季度拨缴经费（留成60%）"));
                out.receive(
                    &source,
                    source.fund_id,
                    date,
                    quarterly_fen,
                    Handler::Cashier,
                    note,
                );
            }
        }
    }

    /// Subsidies from the higher-level union and the employer, sized so that each fund's
    /// income covers its spending for the year with a small surplus.
    fn balancing_income(&self, rng: &mut ChaCha8Rng, out: &mut YearBuilder, eligible: usize) {
        let streams = &self.streams;
        let mut ledger: Vec<(i64, i64, i64)> = streams.funds.iter().map(|f| (f.0, 0, 0)).collect();
        for planned in &out.plans {
            if let Some(fund) = ledger.iter_mut().find(|fund| fund.0 == planned.fund_id) {
                match planned.kind {
                    EntryKind::Income => fund.2 += planned.amount_fen,
                    EntryKind::Disbursement => fund.1 += planned.amount_fen,
                }
            }
        }
        let deficit = |ledger: &[(i64, i64, i64)], fund_id: i64, rng: &mut ChaCha8Rng| {
            ledger
                .iter()
                .find(|fund| fund.0 == fund_id)
                .map(|&(_, spent, received)| {
                    let target = spent + spent * rng.random_range(3..=10) / 100;
                    (target - received).max(0)
                })
                .unwrap_or(0)
        };
        let credit = |ledger: &mut [(i64, i64, i64)], fund_id: i64, amount: i64| {
            if let Some(fund) = ledger.iter_mut().find(|fund| fund.0 == fund_id) {
                fund.2 += amount;
            }
        };

        if let Some(source) = streams.higher_union {
            let floor = yuan((eligible as i64 * 30).max(5_000));
            let total = round_up(deficit(&ledger, source.fund_id, rng).max(floor), yuan(1000));
            let date = out.day(1, rng.random_range(2..=6));
            if total >= yuan(20_000) && rng.random_bool(0.5) {
                let first = round_up(total * 6 / 10, yuan(1000));
                let note = out.static_note("上级工会送温暖专项补助");
                out.receive(
                    &source,
                    source.fund_id,
                    date,
                    first,
                    Handler::Accountant,
                    note,
                );
                let later = out.day(6, rng.random_range(10..=20));
                let note = out.static_note("上级工会困难职工帮扶补助");
                out.receive(
                    &source,
                    source.fund_id,
                    later,
                    total - first,
                    Handler::Accountant,
                    note,
                );
            } else {
                let note = out.static_note("上级工会送温暖及帮扶补助");
                out.receive(
                    &source,
                    source.fund_id,
                    date,
                    total,
                    Handler::Accountant,
                    note,
                );
            }
            credit(&mut ledger, source.fund_id, total);
        }
        if let Some(source) = streams.administrative {
            let floor = yuan((eligible as i64 * 50).max(10_000));
            let total = round_up(deficit(&ledger, source.fund_id, rng).max(floor), yuan(1000));
            let date = out.day(1, rng.random_range(2..=6));
            let note = out.note(format!("{}年度行政补助", out.year));
            out.receive(
                &source,
                source.fund_id,
                date,
                total,
                Handler::Accountant,
                note,
            );
            credit(&mut ledger, source.fund_id, total);
        }
        // Funds no source feeds (the mutual-aid money): the employer tops them up.
        let Some(top_up) = streams
            .administrative
            .or(streams.higher_union)
            .or(streams.other_income)
        else {
            return;
        };
        let fund_ids: Vec<i64> = ledger.iter().map(|fund| fund.0).collect();
        for fund_id in fund_ids {
            let missing = deficit(&ledger, fund_id, rng);
            if missing <= 0 {
                continue;
            }
            let amount = round_up(missing, yuan(1000));
            let fund_name = streams
                .funds
                .iter()
                .find(|fund| fund.0 == fund_id)
                .map(|fund| fund.1.as_str())
                .unwrap_or("专项资金");
            let date = out.day(1, rng.random_range(2..=6));
            let note = out.note(format!("行政拨付{fund_name}"));
            out.receive(&top_up, fund_id, date, amount, Handler::Accountant, note);
            credit(&mut ledger, fund_id, amount);
        }
    }
}

const WARDS: &[&str] = &[
    "心内科",
    "呼吸科",
    "骨科",
    "神经内科",
    "消化内科",
    "普外科",
    "肿瘤科",
    "泌尿外科",
    "肾内科",
];
const RELATIVE_DEATH_NOTES: &[&str] = &[
    "直系亲属去世慰问：父亲病故",
    "直系亲属去世慰问：母亲病故",
    "直系亲属去世慰问：配偶病故",
];
const RETIREMENT_NOTES: &[&str] = &["退休纪念品：纪念相册及茶具", "退休纪念品：纪念牌及保温杯"];
const RELIEF_NOTES: &[&str] = &[
    "临时救助：本人重病住院",
    "临时救助：家中突发火灾",
    "临时救助：配偶重病",
];
const ILLNESSES: &[&str] = &["肾移植", "白血病治疗", "心脏搭桥手术", "癌症治疗"];

/// How a stream pays out: from which category, in what form, by whom.
#[derive(Debug, Clone, Copy)]
struct Payer {
    category: CategoryRef,
    form: PaymentForm,
    handler: Handler,
}

impl Payer {
    fn new(category: CategoryRef, form: PaymentForm, handler: Handler) -> Self {
        Payer {
            category,
            form,
            handler,
        }
    }
}

/// Collects one year's planned entries and their notes.
struct YearBuilder {
    year: i32,
    start: NaiveDate,
    end: NaiveDate,
    plans: Vec<Planned>,
    notes: Vec<String>,
    /// Notes already in the table, so a repeated fixed note is stored once.
    static_notes: Vec<(&'static str, u32)>,
}

impl YearBuilder {
    fn new(year: i32) -> Option<Self> {
        Some(YearBuilder {
            year,
            start: NaiveDate::from_ymd_opt(year, 1, 1)?,
            end: NaiveDate::from_ymd_opt(year, 12, 31)?,
            plans: Vec::new(),
            notes: Vec::new(),
            static_notes: Vec::new(),
        })
    }

    fn note(&mut self, text: String) -> u32 {
        self.notes.push(text);
        (self.notes.len() - 1) as u32
    }

    fn static_note(&mut self, text: &'static str) -> u32 {
        if let Some(&(_, index)) = self.static_notes.iter().find(|(known, _)| *known == text) {
            return index;
        }
        let index = self.note(text.to_string());
        self.static_notes.push((text, index));
        index
    }

    /// A date in this year; impossible days fall back to the month's last day.
    fn day(&self, month: u32, day: u32) -> NaiveDate {
        (1..=day.min(31))
            .rev()
            .find_map(|day| NaiveDate::from_ymd_opt(self.year, month.clamp(1, 12), day))
            .unwrap_or(self.start)
    }

    /// Moves a date by some days, staying inside this year.
    fn shift(&self, date: NaiveDate, days: i64) -> NaiveDate {
        shift(date, days).clamp(self.start, self.end)
    }

    fn random_date(&self, rng: &mut ChaCha8Rng) -> NaiveDate {
        let days = (self.end - self.start).num_days();
        self.shift(self.start, rng.random_range(0..=days))
    }

    fn pay(
        &mut self,
        payer: Payer,
        date: NaiveDate,
        member_id: Option<i64>,
        amount_fen: i64,
        note: u32,
    ) {
        self.plans.push(Planned {
            date: date.clamp(self.start, self.end),
            kind: EntryKind::Disbursement,
            fund_id: payer.category.fund_id,
            category_id: Some(payer.category.id),
            source_id: None,
            member_id,
            amount_fen,
            payment_form: payer.form,
            handler: payer.handler,
            note,
        });
    }

    fn receive(
        &mut self,
        source: &SourceRef,
        fund_id: i64,
        date: NaiveDate,
        amount_fen: i64,
        handler: Handler,
        note: u32,
    ) {
        self.plans.push(Planned {
            date: date.clamp(self.start, self.end),
            kind: EntryKind::Income,
            fund_id,
            category_id: None,
            source_id: Some(source.id),
            member_id: None,
            amount_fen,
            payment_form: PaymentForm::Transfer,
            handler,
            note,
        });
    }
}

/// Spring Festival, Dragon Boat and Mid-Autumn dates for 2015–2033 (month, day). Other
/// years reuse the year 19 years away in the table: lunar dates repeat on the same
/// solar dates every 19 years to within a day or two (the Metonic cycle).
const LUNAR_TABLE: [[(u32, u32); 3]; 19] = [
    [(2, 19), (6, 20), (9, 27)], // 2015
    [(2, 8), (6, 9), (9, 15)],   // 2016
    [(1, 28), (5, 30), (10, 4)], // 2017
    [(2, 16), (6, 18), (9, 24)], // 2018
    [(2, 5), (6, 7), (9, 13)],   // 2019
    [(1, 25), (6, 25), (10, 1)], // 2020
    [(2, 12), (6, 14), (9, 21)], // 2021
    [(2, 1), (6, 3), (9, 10)],   // 2022
    [(1, 22), (6, 22), (9, 29)], // 2023
    [(2, 10), (6, 10), (9, 17)], // 2024
    [(1, 29), (5, 31), (10, 6)], // 2025
    [(2, 17), (6, 19), (9, 25)], // 2026
    [(2, 6), (6, 9), (9, 15)],   // 2027
    [(1, 26), (5, 28), (10, 3)], // 2028
    [(2, 13), (6, 16), (9, 22)], // 2029
    [(2, 3), (6, 5), (9, 12)],   // 2030
    [(1, 23), (6, 24), (10, 1)], // 2031
    [(2, 11), (6, 12), (9, 19)], // 2032
    [(1, 31), (6, 1), (9, 8)],   // 2033
];

/// Spring Festival, Dragon Boat Festival and Mid-Autumn Festival in a year.
fn lunar_holidays(year: i32) -> (NaiveDate, NaiveDate, NaiveDate) {
    // rem_euclid(19) is always 0..19, a valid index into the 19 rows.
    let row = LUNAR_TABLE[(i64::from(year) - 2015).rem_euclid(19) as usize];
    let date =
        |(month, day): (u32, u32)| NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
    (date(row[0]), date(row[1]), date(row[2]))
}

// ---------------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------------

/// A list to draw from with relative weights.
struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<u32>,
}

impl<T: Copy> Weighted<T> {
    fn new(pairs: &[(T, u32)]) -> Self {
        let mut total = 0u32;
        let mut items = Vec::with_capacity(pairs.len());
        let mut cumulative = Vec::with_capacity(pairs.len());
        for &(item, weight) in pairs {
            total = total.saturating_add(weight);
            items.push(item);
            cumulative.push(total);
        }
        Weighted { items, cumulative }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> Option<&T> {
        let total = *self.cumulative.last()?;
        if total == 0 {
            return None;
        }
        let draw = rng.random_range(0..total);
        self.items
            .get(self.cumulative.partition_point(|&bound| bound <= draw))
    }
}

/// A random character of a string of single characters. Only used for the roster, so
/// walking the string is cheap enough.
fn pick_char(rng: &mut ChaCha8Rng, chars: &str) -> Option<char> {
    let count = chars.chars().count();
    if count == 0 {
        return None;
    }
    chars.chars().nth(rng.random_range(0..count))
}

fn pick<'s, T>(rng: &mut ChaCha8Rng, items: &'s [T]) -> Option<&'s T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.random_range(0..items.len()))
}

/// SplitMix64 of a seed and a salt: independent-looking seeds for each stream and year.
fn mix(seed: u64, salt: u64) -> u64 {
    let mut z = seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const fn yuan(amount: i64) -> i64 {
    amount * 100
}

/// Rounds a positive amount up to a multiple of `step`.
fn round_up(amount: i64, step: i64) -> i64 {
    if step <= 0 {
        return amount;
    }
    (amount + step - 1).div_euclid(step) * step
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(date)
}

fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(date)
}

fn years_after(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::seed;
    use std::collections::{HashMap, HashSet};

    /// The seed chart with ids assigned by hand, as a store would.
    fn test_chart() -> (Vec<Fund>, Vec<Category>, Vec<IncomeSource>) {
        let funds: Vec<Fund> = seed::FUNDS
            .iter()
            .enumerate()
            .map(|(index, fund)| Fund {
                id: index as i64 + 1,
                name: fund.name.to_string(),
                is_active: true,
                sort_order: index as i64,
            })
            .collect();
        let fund_id = |name: &str| funds.iter().find(|f| f.name == name).map(|f| f.id);
        let mut categories = Vec::new();
        for (group_index, group) in seed::CATEGORIES.iter().enumerate() {
            let group_id = (group_index as i64 + 1) * 100;
            categories.push(Category {
                id: group_id,
                parent_id: None,
                name: group.name.to_string(),
                default_fund_id: fund_id(group.fund),
                standard_amount_fen: None,
                account_code: group.account_code.to_string(),
                default_payment_form: None,
                requires_member: group.requires_member,
                is_active: true,
                sort_order: group_index as i64,
            });
            for (item_index, item) in group.items.iter().enumerate() {
                categories.push(Category {
                    id: group_id + item_index as i64 + 1,
                    parent_id: Some(group_id),
                    name: item.name.to_string(),
                    default_fund_id: fund_id(group.fund),
                    standard_amount_fen: item.standard_yuan.map(|yuan| yuan * 100),
                    account_code: item.account_code.unwrap_or(group.account_code).to_string(),
                    default_payment_form: Some(item.payment_form),
                    requires_member: group.requires_member,
                    is_active: true,
                    sort_order: item_index as i64,
                });
            }
        }
        let sources = seed::INCOME_SOURCES
            .iter()
            .enumerate()
            .map(|(index, source)| IncomeSource {
                id: 1000 + index as i64,
                name: source.name.to_string(),
                default_fund_id: fund_id(source.fund),
                account_code: source.account_code.to_string(),
                sort_order: index as i64,
            })
            .collect();
        (funds, categories, sources)
    }

    fn stored(drafts: Vec<MemberDraft>) -> Vec<Member> {
        drafts
            .into_iter()
            .enumerate()
            .map(|(index, draft)| Member {
                id: 7 + 3 * index as i64,
                draft,
            })
            .collect()
    }

    fn spec(members: usize, years: u32, seed: u64) -> DemoSpec {
        DemoSpec {
            members,
            years,
            seed,
            last_year: 2025,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn run(spec: &DemoSpec, today: NaiveDate) -> (Vec<Member>, Vec<NewEntry>) {
        let (funds, categories, sources) = test_chart();
        let chart = DemoChart {
            funds: &funds,
            categories: &categories,
            sources: &sources,
        };
        let members = stored(demo_members(spec));
        let entries = demo_entries(spec, &members, &chart, today).collect();
        (members, entries)
    }

    #[test]
    fn same_seed_same_output_and_different_seed_differs() {
        let today = date(2025, 12, 31);
        let (members_a, entries_a) = run(&spec(300, 2, 42), today);
        let (members_b, entries_b) = run(&spec(300, 2, 42), today);
        assert_eq!(members_a, members_b);
        assert_eq!(entries_a, entries_b);
        let (members_c, entries_c) = run(&spec(300, 2, 43), today);
        assert_ne!(members_a, members_c);
        assert_ne!(entries_a, entries_c);
    }

    #[test]
    fn roster_has_requested_size_and_unique_numbers() {
        for count in [0, 1, 7, 2_000, 20_000] {
            let drafts = demo_members(&spec(count, 1, 9));
            assert_eq!(drafts.len(), count);
            let numbers: HashSet<&str> = drafts.iter().map(|d| d.employee_no.as_str()).collect();
            assert_eq!(numbers.len(), count);
            assert!(
                drafts
                    .windows(2)
                    .all(|w| w[0].employee_no < w[1].employee_no)
            );
        }
        let drafts = demo_members(&spec(20_000, 1, 9));
        assert_eq!(drafts[0].employee_no, "H00001");
        assert_eq!(drafts[19_999].employee_no, "H20000");
        let share = |test: &dyn Fn(&MemberDraft) -> bool| {
            drafts.iter().filter(|d| test(d)).count() as f64 / drafts.len() as f64
        };
        let female = share(&|d| d.gender == Some(Gender::Female));
        assert!((0.5..0.65).contains(&female), "{female}");
        let retired = share(&|d| d.status == MemberStatus::Retired);
        assert!((0.19..0.25).contains(&retired), "{retired}");
        assert!((0.02..0.045).contains(&share(&|d| d.hardship.is_some())));
        assert!((0.02..0.04).contains(&share(&|d| !d.is_union_member)));
        for draft in &drafts {
            let name_chars = draft.name.chars().count();
            assert!((2..=4).contains(&name_chars), "{}", draft.name);
            assert_eq!(draft.phone.len(), 11);
            assert!(draft.phone.starts_with("13"));
            let birth = draft.birth_date.unwrap();
            assert!(draft.join_date.unwrap() > birth);
            match draft.status {
                MemberStatus::InService => {
                    assert_eq!(draft.bank_card.len(), 19);
                    assert!(draft.bank_card.chars().all(|c| c.is_ascii_digit()));
                    assert!(draft.retirement_date.is_none());
                    assert!(2025 - birth.year() < 61);
                }
                MemberStatus::Retired | MemberStatus::Veteran => {
                    let retired = draft.retirement_date.unwrap();
                    let age = retired.year() - birth.year();
                    assert!((50..=60).contains(&age), "{age}");
                }
                _ => {}
            }
        }
    }

    #[test]
    fn entries_are_sorted_within_the_years_and_never_after_today() {
        let today = date(2025, 6, 30);
        let (_, entries) = run(&spec(500, 3, 1), today);
        assert!(!entries.is_empty());
        assert!(entries.windows(2).all(|w| w[0].date <= w[1].date));
        assert!(entries.iter().all(|e| e.date <= today));
        assert!(entries.iter().all(|e| e.date >= date(2023, 1, 1)));
        assert!(entries.iter().any(|e| e.date.year() == 2025));
        assert!(entries.iter().all(|e| e.amount_fen > 0));
        // A today before the first year gives nothing.
        let (_, none) = run(&spec(50, 3, 1), date(2020, 1, 1));
        assert!(none.is_empty());
    }

    #[test]
    fn ids_exist_and_holiday_goods_reach_only_eligible_members() {
        let (funds, categories, sources) = test_chart();
        let (members, entries) = run(&spec(2_000, 2, 5), date(2025, 12, 31));
        let by_id: HashMap<i64, &Member> = members.iter().map(|m| (m.id, m)).collect();
        let category_name: HashMap<i64, &str> =
            categories.iter().map(|c| (c.id, c.name.as_str())).collect();
        let holiday_group = categories.iter().find(|c| c.name == "节日慰问").unwrap().id;
        let mut seen_holidays = HashSet::new();
        for entry in &entries {
            assert!(funds.iter().any(|f| f.id == entry.fund_id));
            match entry.kind {
                EntryKind::Income => {
                    assert!(entry.category_id.is_none());
                    let source = entry.source_id.unwrap();
                    assert!(sources.iter().any(|s| s.id == source));
                }
                EntryKind::Disbursement => {
                    assert!(entry.source_id.is_none());
                    let category = categories
                        .iter()
                        .find(|c| Some(c.id) == entry.category_id)
                        .unwrap();
                    assert!(category.parent_id.is_some());
                    if category.requires_member {
                        assert!(entry.member_id.is_some(), "{}", category.name);
                    }
                    if category.parent_id == Some(holiday_group) {
                        seen_holidays.insert(category.name.clone());
                        assert!(matches!(
                            entry.payment_form,
                            PaymentForm::Goods | PaymentForm::GoodsVoucher
                        ));
                        let member = by_id[&entry.member_id.unwrap()];
                        assert!(member.is_union_member);
                        assert!(!matches!(
                            member.status,
                            MemberStatus::Deceased | MemberStatus::Left
                        ));
                        match category_name[&category.id] {
                            "三八妇女节" => assert_eq!(member.gender, Some(Gender::Female)),
                            "重阳节" => assert!(matches!(
                                member.status,
                                MemberStatus::Retired | MemberStatus::Veteran
                            )),
                            _ => {}
                        }
                    }
                }
            }
            assert!(!entry.handler.is_empty());
            assert!(!entry.note.is_empty());
            if let Some(member) = entry.member_id {
                assert!(by_id.contains_key(&member));
            }
        }
        for name in ["春节", "端午", "中秋", "三八妇女节", "重阳节", "防暑降温"] {
            assert!(seen_holidays.contains(name), "{name}");
        }
        // One holiday entry per eligible member per batch.
        let spring = categories.iter().find(|c| c.name == "春节").unwrap().id;
        let spring_2025: Vec<i64> = entries
            .iter()
            .filter(|e| e.category_id == Some(spring) && e.date.year() == 2025)
            .map(|e| e.member_id.unwrap())
            .collect();
        let unique: HashSet<i64> = spring_2025.iter().copied().collect();
        assert_eq!(unique.len(), spring_2025.len());
    }

    #[test]
    fn income_covers_spending_and_balances_stay_positive() {
        let (funds, categories, sources) = test_chart();
        let chart = DemoChart {
            funds: &funds,
            categories: &categories,
            sources: &sources,
        };
        let spec = spec(2_000, 2, 11);
        let members = stored(demo_members(&spec));
        let mut per_year: HashMap<i32, (i64, i64)> = HashMap::new();
        let opening = demo_opening_balances(&spec, &members, &chart);
        assert_eq!(opening.len(), funds.len());
        assert!(opening.windows(2).all(|w| w[0].0 < w[1].0));
        let mut balances: HashMap<i64, i64> = opening.into_iter().collect();
        for entry in demo_entries(&spec, &members, &chart, date(2025, 12, 31)) {
            let year = per_year.entry(entry.date.year()).or_default();
            let balance = balances.get_mut(&entry.fund_id).unwrap();
            match entry.kind {
                EntryKind::Income => {
                    year.0 += entry.amount_fen;
                    *balance += entry.amount_fen;
                }
                EntryKind::Disbursement => {
                    year.1 += entry.amount_fen;
                    *balance -= entry.amount_fen;
                }
            }
            assert!(
                *balance >= 0,
                "fund {} negative on {}",
                entry.fund_id,
                entry.date
            );
        }
        assert_eq!(per_year.len(), 2);
        for (year, (income, spending)) in per_year {
            assert!(income * 10 >= spending * 9, "{year}: {income} < {spending}");
        }
    }

    #[test]
    fn balances_stay_positive_over_many_years() {
        let (funds, categories, sources) = test_chart();
        let chart = DemoChart {
            funds: &funds,
            categories: &categories,
            sources: &sources,
        };
        for seed in [1, 2, 3] {
            let spec = spec(400, 8, seed);
            let members = stored(demo_members(&spec));
            let mut balances: HashMap<i64, i64> = demo_opening_balances(&spec, &members, &chart)
                .into_iter()
                .collect();
            for entry in demo_entries(&spec, &members, &chart, date(2025, 12, 31)) {
                let balance = balances.get_mut(&entry.fund_id).unwrap();
                *balance += match entry.kind {
                    EntryKind::Income => entry.amount_fen,
                    EntryKind::Disbursement => -entry.amount_fen,
                };
                assert!(
                    *balance >= 0,
                    "seed {seed}: fund {} on {}",
                    entry.fund_id,
                    entry.date
                );
            }
        }
    }

    #[test]
    fn missing_streams_are_skipped() {
        let (funds, categories, sources) = test_chart();
        let kept: Vec<Category> = categories
            .into_iter()
            .filter(|c| !["生日", "春节", "保费", "赔付"].contains(&c.name.as_str()))
            .collect();
        let spec = spec(200, 1, 3);
        let members = stored(demo_members(&spec));
        let chart = DemoChart {
            funds: &funds,
            categories: &kept,
            sources: &sources[..2],
        };
        let entries: Vec<NewEntry> =
            demo_entries(&spec, &members, &chart, date(2025, 12, 31)).collect();
        assert!(!entries.is_empty());
        for entry in &entries {
            assert!(funds.iter().any(|f| f.id == entry.fund_id));
            if let Some(category) = entry.category_id {
                assert!(kept.iter().any(|c| c.id == category));
            }
            if let Some(source) = entry.source_id {
                assert!(sources[..2].iter().any(|s| s.id == source));
            }
        }
        // An empty chart gives nothing and does not panic.
        let empty = DemoChart {
            funds: &[],
            categories: &[],
            sources: &[],
        };
        assert_eq!(
            demo_entries(&spec, &members, &empty, date(2025, 12, 31)).count(),
            0
        );
        assert!(demo_opening_balances(&spec, &members, &empty).is_empty());
    }

    #[test]
    fn volume_is_realistic_for_a_large_hospital() {
        let (_, entries) = run(&spec(10_000, 1, 8), date(2025, 12, 31));
        assert!(
            (40_000..=160_000).contains(&entries.len()),
            "{}",
            entries.len()
        );
    }

    /// Run with `cargo test --release --lib demo -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn streaming_speed() {
        let (funds, categories, sources) = test_chart();
        let chart = DemoChart {
            funds: &funds,
            categories: &categories,
            sources: &sources,
        };
        let spec = DemoSpec {
            members: 10_000,
            years: 40,
            seed: 1,
            last_year: 2025,
        };
        let members = stored(demo_members(&spec));
        let started = std::time::Instant::now();
        let count = demo_entries(&spec, &members, &chart, date(2025, 12, 31))
            .take(2_000_000)
            .count();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{count} entries in {seconds:.2}s: {:.0}/s",
            count as f64 / seconds
        );
    }
}
