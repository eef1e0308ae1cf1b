// The two complaint formats: realistic posts, well-formed and malformed, each with its outcome.
#include "rules/forms.hpp"

#include <gtest/gtest.h>

#include "rules/text.hpp"

namespace {

const core::zone& tz() {
    static core::zone z("Asia/Shanghai");
    return z;
}

core::instant posted() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

rules::form_parse_result parse(const std::string& text) {
    return rules::parse_complaint(text, posted(), tz());
}

std::string field(const rules::form_parse_result& r, const std::string& key) {
    if (!r.form) return "<no form>";
    const auto* v = r.form->field(key);
    return v ? *v : "<missing>";
}

std::vector<std::string> problems(const rules::form_parse_result& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(p.field + "：" + p.problem);
    return out;
}

const std::string product =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙，客户装配时无法拧紧\n"
    "客户要求：退货并补发合格品\n投诉时间：2026年11月23日8时55分";

const std::string service =
    "服务质量投诉\n投诉人：林芳\n投诉对象：物流部 司机小王\n"
    "投诉事件（时间、起因、过程、结果）：11月20日下午送货迟到三小时，未提前通知客户\n"
    "投诉目的（希望达到的结果：如索赔、处理、改进服务质量）：改进服务质量，书面道歉\n"
    "投诉时间：2026年11月23日8时30分";

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    if (pos == std::string::npos) throw std::runtime_error("no " + from);
    return s.replace(pos, from.size(), to);
}

std::string drop_line(const std::string& s, const std::string& label) {
    std::string out;
    for (auto line : rules::split_lines(s))
        if (std::string(line).rfind(label, 0) != 0) out += std::string(line) + "\n";
    return out;
}

}  // namespace

TEST(Forms, ParsesTheProductTemplate) {
    auto r = parse(product);
    ASSERT_TRUE(r.is_complaint);
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(r.kind, rules::complaint_kind::product);
    EXPECT_EQ(field(r, "投诉人"), "张三");
    EXPECT_EQ(field(r, "客户名称"), "华东五金有限公司");
    EXPECT_EQ(field(r, "规格及数量"), "M8×40 镀锌螺栓 200盒");
    EXPECT_EQ(field(r, "客户要求"), "退货并补发合格品");
    EXPECT_EQ(r.form->complained_at, *core::parse_iso8601("2026-11-23T08:55:00+08:00"));
    EXPECT_EQ(r.form->shipped_on, (core::local_date{2026, 11, 18}));
    EXPECT_EQ(r.form->fields.size(), 8u);
    EXPECT_EQ(r.form->fields.front().first, "投诉人");
    EXPECT_EQ(r.form->fields.back().first, "投诉时间");
}

TEST(Forms, ParsesTheServiceTemplateWithHintsInLabels) {
    auto r = parse(service);
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(r.kind, rules::complaint_kind::service);
    EXPECT_EQ(field(r, "投诉事件"), "11月20日下午送货迟到三小时，未提前通知客户");
    EXPECT_EQ(field(r, "投诉目的"), "改进服务质量，书面道歉");
}

TEST(Forms, LabelsWithoutHintsAndAsciiHints) {
    auto r = parse(
        "服务质量投诉\n投诉人: 林芳\n投诉对象: 物流部\n投诉事件: 送货迟到\n"
        "投诉目的(希望达到的结果:如索赔、处理、改进服务质量): 书面道歉\n投诉时间: 2026-11-23 08:30");
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(field(r, "投诉事件"), "送货迟到");
    EXPECT_EQ(field(r, "投诉目的"), "书面道歉");
}

TEST(Forms, MultiLineValuesContinueUntilTheNextLabel) {
    auto r = parse(
        "【服务质量投诉】\n投诉人: 林芳\n投诉对象: 物流部 司机小王\n"
        "投诉事件(时间、起因、过程、结果): "
        "11月20日下午送货迟到三小时，\n未提前通知客户，\n\n客户仓库已下班。\n"
        "投诉目的(希望达到的结果:如索赔、处理、改进服务质量): 改进服务质量\n投诉时间: 2026-11-23 07:50");
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(field(r, "投诉事件"), "11月20日下午送货迟到三小时，\n未提前通知客户，\n客户仓库已下班。");
}

TEST(Forms, TraditionalTemplateWithTheTypoAndFullWidth) {
    auto r = parse(
        "產品質量投訴\n投拆人：張三\n客戶名稱：華東五金有限公司\n發貨日期：２０２６年１１月１８日\n品牌：金虎"
        "\n"
        "規格及數量：M8×40 "
        "200盒\n產品存在的質量問題：螺紋滑牙\n客戶要求：退貨\n投訴時間：２０２６年１１月２３日８時５５分");
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(field(r, "投诉人"), "張三");  // values are kept as typed
    EXPECT_EQ(field(r, "客户要求"), "退貨");
    EXPECT_EQ(r.form->complained_at, *core::parse_iso8601("2026-11-23T08:55:00+08:00"));
}

struct title_case {
    std::string title;
    bool complaint;
};

class FormTitles : public testing::TestWithParam<title_case> {};

TEST_P(FormTitles, RecognizesTheTitleVariants) {
    auto text = replace(product, "产品质量投诉", GetParam().title);
    auto r = parse(text);
    EXPECT_TRUE(r.is_complaint) << GetParam().title;
    // Not a title: the post still carries every label of the form, so it is answered as an
    // untitled form (naming the missing title) and not registered.
    EXPECT_EQ(r.untitled, !GetParam().complaint) << GetParam().title;
    EXPECT_EQ(r.form.has_value(), GetParam().complaint) << GetParam().title;
}

INSTANTIATE_TEST_SUITE_P(
    Titles, FormTitles,
    testing::Values(title_case{"产品质量投诉", true}, title_case{"《产品质量投诉》", true},
                    title_case{"【产品质量投诉】", true}, title_case{"[产品质量投诉]", true},
                    title_case{"产品质量投诉：", true}, title_case{"产品质量投诉:", true},
                    title_case{"  产品质量投诉  ", true}, title_case{"產品質量投訴", true},
                    title_case{"【產品質量投訴】：", true}, title_case{"产品投诉", false},
                    title_case{"关于产品质量投诉的说明", false}, title_case{"大家好", false}));

struct date_case {
    std::string text;
    bool ok;
    std::string iso;  // expected complaint time
};

class ComplaintTimes : public testing::TestWithParam<date_case> {};

TEST_P(ComplaintTimes, AcceptsEveryDateStyle) {
    const auto& c = GetParam();
    auto r = parse(replace(product, "2026年11月23日8时55分", c.text));
    if (c.ok) {
        ASSERT_TRUE(r.form) << c.text << " " << testing::PrintToString(problems(r));
        EXPECT_EQ(r.form->complained_at, *core::parse_iso8601(c.iso)) << c.text;
    } else {
        ASSERT_FALSE(r.form) << c.text;
        ASSERT_EQ(r.problems.size(), 1u) << c.text;
        EXPECT_EQ(r.problems[0].field, "投诉时间");
    }
}

INSTANTIATE_TEST_SUITE_P(
    Styles, ComplaintTimes,
    testing::Values(date_case{"2026年11月23日8时55分", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"2026年11月23日08时05分", true, "2026-11-23T08:05:00+08:00"},
                    date_case{"2026-11-23 08:55", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"2026/11/23 8:55", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"2026.11.23 8:55", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"11月23日8时55分", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"2026年11月23日 8点55分", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"2026年11月23日8时", true, "2026-11-23T08:00:00+08:00"},
                    date_case{"2026-11-23 08:55:30", true, "2026-11-23T08:55:30+08:00"},
                    date_case{"２０２６年１１月２３日８时５５分", true, "2026-11-23T08:55:00+08:00"},
                    date_case{"2026年11月22日下午3点10分", true, "2026-11-22T15:10:00+08:00"},
                    date_case{"2026年11月23日9时05分", false, ""},   // after the post (09:00)
                    date_case{"2026年11月24日8时00分", false, ""},   // tomorrow
                    date_case{"2026年2月30日8时00分", false, ""},    // no such day
                    date_case{"2026年11月23日25时00分", false, ""},  // no such hour
                    date_case{"2026年11月23日", false, ""},          // no time
                    date_case{"昨天上午", false, ""},                // garbage
                    date_case{"*年*月*日*时*分", false, ""},         // the template left as is
                    date_case{"2026-11-23T08:55", false, ""}));

TEST(Forms, FutureComplaintTimeIsNamed) {
    auto r = parse(replace(product, "2026年11月23日8时55分", "2026年11月23日9时05分"));
    EXPECT_EQ(problems(r),
              std::vector<std::string>{"投诉时间：晚于发帖时间“2026年11月23日9时05分”，请填写实际投诉时间"});
}

TEST(Forms, ShipDateAfterComplaintTimeIsAnError) {
    auto r = parse(replace(product, "2026年11月18日", "2026年11月24日"));
    EXPECT_EQ(problems(r), std::vector<std::string>{"发货日期：发货日期晚于投诉时间"});
}

TEST(Forms, GarbageShipDateIsNamed) {
    auto r = parse(replace(product, "2026年11月18日", "上周五左右"));
    EXPECT_EQ(problems(r),
              std::vector<std::string>{"发货日期：无法识别的日期“上周五左右”，请写成 2026年11月18日"});
}

TEST(Forms, ShipDateStyles) {
    for (std::string d :
         {"2026-11-18", "2026/11/18", "11月18日", "2026年11月18号", "２０２６年１１月１８日"}) {
        auto r = parse(replace(product, "2026年11月18日", d));
        ASSERT_TRUE(r.form) << d;
        EXPECT_EQ(r.form->shipped_on, (core::local_date{2026, 11, 18})) << d;
    }
}

class MissingProductField : public testing::TestWithParam<std::string> {};

TEST_P(MissingProductField, IsNamedAndNothingElse) {
    auto r = parse(drop_line(product, GetParam()));
    ASSERT_TRUE(r.is_complaint);
    EXPECT_FALSE(r.form);
    EXPECT_EQ(problems(r), std::vector<std::string>{GetParam() + "：缺少此项"});
}

INSTANTIATE_TEST_SUITE_P(EveryField, MissingProductField,
                         testing::Values("投诉人", "客户名称", "发货日期", "品牌", "规格及数量",
                                         "产品存在的质量问题", "客户要求", "投诉时间"));

class MissingServiceField : public testing::TestWithParam<std::string> {};

TEST_P(MissingServiceField, IsNamedAndNothingElse) {
    auto r = parse(drop_line(service, GetParam()));
    EXPECT_FALSE(r.form);
    EXPECT_EQ(problems(r), std::vector<std::string>{GetParam() + "：缺少此项"});
}

INSTANTIATE_TEST_SUITE_P(EveryField, MissingServiceField,
                         testing::Values("投诉人", "投诉对象", "投诉事件", "投诉目的", "投诉时间"));

TEST(Forms, EmptyValuesAreNamed) {
    auto r = parse(
        replace(replace(product, "品牌：金虎", "品牌："), "客户要求：退货并补发合格品", "客户要求：   "));
    EXPECT_EQ(problems(r), (std::vector<std::string>{"品牌：不能为空", "客户要求：不能为空"}));
}

TEST(Forms, ATitleWithNoFieldsNamesEveryField) {
    auto r = parse("产品质量投诉");
    EXPECT_TRUE(r.is_complaint);
    EXPECT_EQ(r.problems.size(), 8u);
    for (const auto& p : r.problems) EXPECT_EQ(p.problem, "缺少此项");
}

TEST(Forms, FieldsPastedTwiceUnderOneTitleAreRefused) {
    auto body = product.substr(product.find('\n') + 1);
    auto r = parse(product + "\n" + body);
    EXPECT_FALSE(r.form);
    EXPECT_EQ(r.problems.size(), 8u);
    EXPECT_EQ(r.problems[0].problem, "重复填写（是否把投诉粘贴了两遍？）");
}

TEST(Forms, AWholeFormPastedTwiceIsOneFormAndADuplicate) {
    auto post = rules::parse_post(product + "\n\n" + product, posted(), tz());
    ASSERT_EQ(post.forms.size(), 2u);
    EXPECT_TRUE(post.forms[0].form);
    EXPECT_EQ(post.forms[0].duplicate_of, -1);
    EXPECT_FALSE(post.forms[1].form);
    EXPECT_EQ(post.forms[1].duplicate_of, 0);
}

TEST(Forms, TenKilobytesOfNoiseIsNotAComplaint) {
    std::string noise;
    for (int i = 0; i < 1000; ++i) noise += "噪声abc：123\n";
    auto r = parse(noise);
    EXPECT_FALSE(r.is_complaint);
    // Under a title the noise lines are extra fields: every form field is missing and the extras
    // are over their cap.
    auto titled = parse("产品质量投诉\n" + noise);
    EXPECT_TRUE(titled.is_complaint);
    ASSERT_EQ(titled.problems.size(), 9u);
    EXPECT_EQ(titled.problems.back().field, "其他信息");
    EXPECT_EQ(titled.problems.back().problem, "共 1000 项，超过 20 项的上限，请只保留必要的信息");
}

TEST(Forms, InvalidUtf8NeverCrashes) {
    std::string bad =
        "产品质量投诉\n投诉人：\xFF\xFE张三\n客户名称：\xE5\x8D\n" + std::string(1, '\0') + "\xC0\x80";
    auto r = parse(bad);
    EXPECT_TRUE(r.is_complaint);
    EXPECT_FALSE(r.form);
    auto t = parse(std::string("\xE4\xBA") + "产品质量投诉");
    EXPECT_FALSE(t.is_complaint);
}

TEST(Forms, GreetingBeforeTheFirstLabelIsKeptAsANote) {
    auto r = parse(replace(product, "产品质量投诉\n", "产品质量投诉\n经理已批准，请打单部处理\n"));
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(field(r, "投诉人"), "张三");
    EXPECT_EQ(field(r, "附言"), "经理已批准，请打单部处理");
    EXPECT_EQ(r.form->fields.back().first, "附言");  // after the form's fields
}

TEST(Forms, SpacesAroundColonsAndLabels) {
    auto r = parse(
        "  产品质量投诉 \n  投诉人 ： 张三 \n客户名称 "
        ":华东五金\n发货日期：　2026-11-18\n品牌:金虎\n规格及数量：200盒\n"
        "产品存在的质量问题 ：滑牙\n客户要求：换货\n投诉时间：2026-11-23 8:55");
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(field(r, "投诉人"), "张三");
    EXPECT_EQ(field(r, "客户名称"), "华东五金");
}

TEST(Forms, TheBlankTemplatesAreTheRuleBooks) {
    EXPECT_EQ(rules::blank_template(rules::complaint_kind::product),
              "产品质量投诉\n投诉人：\n客户名称：\n发货日期：\n品牌：\n规格及数量：\n产品存在的质量问题：\n客"
              "户要求：\n"
              "投诉时间：*年*月*日*时*分");
    EXPECT_EQ(rules::blank_template(rules::complaint_kind::service),
              "服务质量投诉\n投诉人：\n投诉对象：\n投诉事件（时间、起因、过程、结果）：\n"
              "投诉目的（希望达到的结果:如索赔、处理、改进服务质量）：\n投诉时间：*年*月*日*时*分");
}

TEST(Forms, TheReplyNamesEachProblemAndShowsTheTemplate) {
    auto r = parse(drop_line(drop_line(product, "品牌"), "投诉时间"));
    EXPECT_EQ(rules::describe_problems(r),
              "投诉未登记：产品质量投诉以下内容需补全或更正\n· 品牌：缺少此项\n· 投诉时间：缺少此项\n\n"
              "请复制下面的模板重新发送：\n" +
                  rules::blank_template(rules::complaint_kind::product));
}

TEST(Forms, TheTemplateItselfParsesBackWhenFilled) {
    auto t = rules::blank_template(rules::complaint_kind::service);
    t = replace(t, "投诉人：", "投诉人：林芳");
    t = replace(t, "投诉对象：", "投诉对象：物流部");
    t = replace(t, "结果）：", "结果）：迟到");
    t = replace(t, "质量）：", "质量）：道歉");
    t = replace(t, "*年*月*日*时*分", "2026年11月23日8时00分");
    auto r = parse(t);
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(field(r, "投诉目的"), "道歉");
}

TEST(Forms, AnOmittedYearMeansTheLatestSuchTimeBeforeThePost) {
    auto january = *core::parse_iso8601("2027-01-02T09:00:00+08:00");
    auto text =
        replace(replace(product, "2026年11月23日8时55分", "12月30日8时55分"), "2026年11月18日", "12月18日");
    auto r = rules::parse_complaint(text, january, tz());
    ASSERT_TRUE(r.form) << testing::PrintToString(problems(r));
    EXPECT_EQ(r.form->complained_at, *core::parse_iso8601("2026-12-30T08:55:00+08:00"));
    // With the year written, a future time is still refused.
    auto explicit_year = rules::parse_complaint(
        replace(product, "2026年11月23日8时55分", "2027年12月30日8时55分"), january, tz());
    EXPECT_FALSE(explicit_year.form);
}
