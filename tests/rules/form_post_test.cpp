// Posts as people really write them: decorated titles, no title, extra "label：value" lines,
// colons inside free text, two forms in one message, over-long fields.
#include <gtest/gtest.h>

#include "rules/form_lines.hpp"
#include "rules/forms.hpp"
#include "rules/text.hpp"

namespace {

const core::zone& tz() {
    static core::zone z("Asia/Shanghai");
    return z;
}

core::instant posted() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

rules::post_parse_result parse_post(const std::string& text) {
    return rules::parse_post(text, posted(), tz());
}

rules::form_parse_result parse(const std::string& text) {
    return rules::parse_complaint(text, posted(), tz());
}

std::vector<std::string> problems(const rules::form_parse_result& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(p.field + "：" + p.problem);
    return out;
}

std::string field(const rules::form_parse_result& r, const std::string& key) {
    if (!r.form) return "<no form: " + testing::PrintToString(problems(r)) + ">";
    const auto* v = r.form->field(key);
    return v ? *v : "<missing>";
}

std::vector<std::string> keys(const rules::form_parse_result& r) {
    std::vector<std::string> out;
    if (r.form)
        for (const auto& [k, v] : r.form->fields) out.push_back(k);
    return out;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    if (pos == std::string::npos) throw std::runtime_error("no " + from);
    return s.replace(pos, from.size(), to);
}

// The body of a form (its title line removed).
std::string body(const std::string& form) {
    return form.substr(form.find('\n') + 1);
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

const std::vector<std::string> product_keys{"投诉人",     "客户名称",           "发货日期", "品牌",
                                            "规格及数量", "产品存在的质量问题", "客户要求", "投诉时间"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Titles as people decorate them

struct decorated_title {
    std::string line;
    const char* kind;  // "product", "service" or nullptr (not a title)
};

void PrintTo(const decorated_title& c, std::ostream* os) {
    *os << "\"" << c.line << "\"";
}

class DecoratedTitles : public testing::TestWithParam<decorated_title> {};

TEST_P(DecoratedTitles, AreTheFormOrNot) {
    const auto& c = GetParam();
    const auto* form = rules::match_title(c.line);
    if (!c.kind) {
        EXPECT_EQ(form, nullptr) << c.line;
        return;
    }
    ASSERT_NE(form, nullptr) << c.line;
    EXPECT_EQ(rules::kind_name(form->kind), c.kind) << c.line;
    // And the whole post under that title registers.
    const auto& base = std::string(c.kind) == "product" ? product : service;
    auto r = parse(c.line + "\n" + body(base));
    EXPECT_TRUE(r.form) << c.line << " " << testing::PrintToString(problems(r));
}

INSTANTIATE_TEST_SUITE_P(
    PeoplesTitles, DecoratedTitles,
    testing::Values(
        decorated_title{"「产品质量投诉」", "product"}, decorated_title{"『产品质量投诉』", "product"},
        decorated_title{"〖产品质量投诉〗", "product"}, decorated_title{"（产品质量投诉）", "product"},
        decorated_title{"(产品质量投诉)", "product"}, decorated_title{"＜产品质量投诉＞", "product"},
        decorated_title{"产品质量投诉单", "product"}, decorated_title{"产品质量投诉表", "product"},
        decorated_title{"产品质量投诉表单", "product"}, decorated_title{"【产品质量投诉单】", "product"},
        decorated_title{"【产品质量投诉单】：", "product"}, decorated_title{"📣产品质量投诉📣", "product"},
        decorated_title{"⚠️ 产品质量投诉", "product"},
        decorated_title{"🔴【产品质量投诉】🔴", "product"}, decorated_title{"★产品质量投诉★", "product"},
        decorated_title{"**产品质量投诉**", "product"}, decorated_title{"=== 产品质量投诉 ===", "product"},
        decorated_title{"——产品质量投诉——", "product"}, decorated_title{"产品质量 投诉", "product"},
        decorated_title{"　　产品质量投诉　", "product"}, decorated_title{"【《产品质量投诉》】", "product"},
        decorated_title{"產品質量投訴單", "product"}, decorated_title{"【產品質量投訴表】：", "product"},
        decorated_title{"「服務質量投訴」", "service"}, decorated_title{"服务质量投诉单：", "service"},
        decorated_title{"✅ 服务质量投诉表 ✅", "service"}, decorated_title{"产品质量投诉单号", nullptr},
        decorated_title{"关于产品质量投诉的说明", nullptr}, decorated_title{"产品质量投诉？", nullptr},
        decorated_title{"我要产品质量投诉", nullptr}, decorated_title{"产品质量投诉 张三", nullptr},
        decorated_title{"【产品质量投诉", nullptr}, decorated_title{"产品质量", nullptr},
        decorated_title{"📣📣📣", nullptr}, decorated_title{"", nullptr}));

// ---------------------------------------------------------------------------------------------
// No title, but most of one form's labels

TEST(UntitledForms, AllProductLabelsWithoutTitleAreAnsweredNotRegistered) {
    auto r = parse(body(product));
    ASSERT_TRUE(r.is_complaint);
    EXPECT_TRUE(r.untitled);
    EXPECT_EQ(r.kind, rules::complaint_kind::product);
    EXPECT_FALSE(r.form);
    EXPECT_EQ(problems(r),
              std::vector<std::string>{"标题：缺少标题行，请在第一行写上“产品质量投诉”，其余内容不变再发送"});
    auto reply = rules::describe_problems(r);
    EXPECT_NE(reply.find("· 标题：缺少标题行"), std::string::npos) << reply;
    EXPECT_NE(reply.find(rules::blank_template(rules::complaint_kind::product)), std::string::npos);
}

TEST(UntitledForms, FiveOfEightProductLabelsNameTheTitleAndTheMissingFields) {
    auto text =
        "投诉人：张三\n客户名称：华东五金\n发货日期：2026-11-18\n产品存在的质量问题：滑牙\n"
        "投诉时间：2026-11-23 08:55";
    auto r = parse(text);
    ASSERT_TRUE(r.untitled);
    EXPECT_EQ(problems(r),
              (std::vector<std::string>{"标题：缺少标题行，请在第一行写上“产品质量投诉”，其余内容不变再发送",
                                        "品牌：缺少此项", "规格及数量：缺少此项", "客户要求：缺少此项"}));
}

TEST(UntitledForms, ThreeOfFiveServiceLabelsInTraditionalAreAService) {
    auto r = parse("投訴人：林芳\n投訴對象：物流部\n投訴時間：２０２６年１１月２３日８時３０分");
    ASSERT_TRUE(r.untitled);
    EXPECT_EQ(r.kind, rules::complaint_kind::service);
    EXPECT_EQ(problems(r),
              (std::vector<std::string>{"标题：缺少标题行，请在第一行写上“服务质量投诉”，其余内容不变再发送",
                                        "投诉事件：缺少此项", "投诉目的：缺少此项"}));
}

TEST(UntitledForms, HalfOfTheLabelsIsNotAForm) {
    // 4 of 8 product labels (50 %), 2 of 5 service labels (40 %).
    auto r = parse_post("投诉人：张三\n客户名称：华东五金\n品牌：金虎\n投诉时间：2026-11-23 08:55");
    EXPECT_FALSE(r.is_complaint());
}

class ChatMessages : public testing::TestWithParam<std::string> {};

TEST_P(ChatMessages, AreNotComplaints) {
    EXPECT_FALSE(parse_post(GetParam()).is_complaint()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(PlainChat, ChatMessages,
                         testing::Values("明天开会时间：下午3点，地点：二楼会议室", "投诉人：张三",
                                         "客户要求：尽快发货\n谢谢大家",
                                         "投诉人：张三\n投诉时间：2026年11月23日8时55分",
                                         "备注：今天的产品质量投诉我晚点发", "订单号：SO-1027\n品牌：金虎",
                                         "大家好：\n下午3:30开会"));

// ---------------------------------------------------------------------------------------------
// Extra "label：value" lines

TEST(ExtraFields, AnOrderNumberIsItsOwnFieldNotPartOfTheCustomer) {
    auto r = parse(replace(product, "客户名称：华东五金有限公司\n",
                           "客户名称：华东五金有限公司\n订单号：SO-20261118-07\n"));
    EXPECT_EQ(field(r, "客户名称"), "华东五金有限公司");
    EXPECT_EQ(field(r, "订单号"), "SO-20261118-07");
    auto expected = product_keys;
    expected.push_back("订单号");  // after the form's fields
    EXPECT_EQ(keys(r), expected);
}

TEST(ExtraFields, KeepPostOrderHintsContinuationsAndTheirSpelling) {
    auto r = parse(product +
                   "\n联系电话（手机）：13800138000\n訂單號：SO-1027\n备注：客户很急，\n周五前必须补发\n"
                   "訂單號：SO-1028\nPO号：4500012345\n联系人2：李四");
    EXPECT_EQ(field(r, "投诉时间"), "2026年11月23日8时55分");
    std::vector<std::string> expected = product_keys;
    for (auto k : {"联系电话（手机）", "訂單號", "备注", "訂單號（2）", "PO号", "联系人2"})
        expected.push_back(k);
    EXPECT_EQ(keys(r), expected);
    EXPECT_EQ(field(r, "联系电话（手机）"), "13800138000");
    EXPECT_EQ(field(r, "訂單號"), "SO-1027");  // kept as typed
    EXPECT_EQ(field(r, "备注"), "客户很急，\n周五前必须补发");
    EXPECT_EQ(field(r, "訂單號（2）"), "SO-1028");  // a repeated label keeps both values
}

TEST(ExtraFields, ANumberedLabelNeverCollidesWithATypedOne) {
    auto r = parse(product + "\n订单号：A\n订单号：B\n订单号（2）：C");
    EXPECT_EQ(field(r, "订单号"), "A");
    EXPECT_EQ(field(r, "订单号（3）"), "B");
    EXPECT_EQ(field(r, "订单号（2）"), "C");
}

TEST(ExtraFields, AnEmptyExtraFieldIsDropped) {
    auto r = parse(product + "\n订单号：");
    EXPECT_EQ(keys(r), product_keys);
}

TEST(ExtraFields, TextAfterTheComplaintTimeIsANoteNotABadTime) {
    auto r = parse(product + "\n谢谢，请尽快处理！");
    EXPECT_EQ(field(r, "投诉时间"), "2026年11月23日8时55分");
    EXPECT_EQ(field(r, "附言"), "谢谢，请尽快处理！");
}

TEST(ExtraFields, ADateOnTheLineAfterItsLabelIsStillTheValue) {
    auto r = parse(replace(product, "投诉时间：2026年11月23日8时55分", "投诉时间：\n2026年11月23日8时55分"));
    EXPECT_EQ(field(r, "投诉时间"), "2026年11月23日8时55分");
}

TEST(ExtraFields, TextBeforeTheTitleAndAnExplicitNoteShareTheNote) {
    auto r = parse("经理已批准\n" + product + "\n附言：客户是老客户");
    EXPECT_EQ(field(r, "附言"), "经理已批准\n客户是老客户");
}

struct free_text_case {
    std::string line;
    bool continues;  // true: part of the field above; false: an extra field
};

void PrintTo(const free_text_case& c, std::ostream* os) {
    *os << "\"" << c.line << "\"";
}

class ColonsInFreeText : public testing::TestWithParam<free_text_case> {};

// Each line is put inside 投诉事件 of a service complaint.
TEST_P(ColonsInFreeText, ContinueTheFieldAboveOrStartAnExtraField) {
    const auto& c = GetParam();
    auto s = parse(replace(service, "未提前通知客户\n", "未提前通知客户\n" + c.line + "\n"));
    ASSERT_TRUE(s.form) << c.line << testing::PrintToString(problems(s));
    auto event = field(s, "投诉事件");
    bool continued = event == "11月20日下午送货迟到三小时，未提前通知客户\n" + c.line;
    EXPECT_EQ(continued, c.continues) << c.line << " → " << event;
    EXPECT_EQ(s.form->fields.size(), c.continues ? 5u : 6u) << c.line;
}

INSTANTIATE_TEST_SUITE_P(
    AmbiguousLines, ColonsInFreeText,
    testing::Values(free_text_case{"9:30到达现场后才发现", true}, free_text_case{"上午9:30司机才到", true},
                    free_text_case{"下午3：30客户来电催货", true},
                    free_text_case{"2026年11月20日：第一次送货", true},
                    free_text_case{"客户说：你们这批货有问题", true},
                    free_text_case{"司机表示：路上堵车", true},
                    free_text_case{"http://pan.example.com/s/abc", true},
                    free_text_case{"起因：司机走错路", true},  // 投诉事件's hint names 起因
                    free_text_case{"结果：客户拒收", true},
                    free_text_case{"约三成滑牙，比例：3成", true},  // a colon deep inside a sentence
                    free_text_case{"客户原话是这样的非常不满意：要求赔偿", true},  // 13 characters
                    free_text_case{"客户 原话：太差了", true},                     // a space inside
                    free_text_case{"📌注意：仓库已下班", true}, free_text_case{"1. 送货单：已签收", true},
                    free_text_case{"订单号：SO-1027", false}, free_text_case{"联系电话：13800138000", false},
                    free_text_case{"联系人2：李四", false}, free_text_case{"PO号：4500012345", false},
                    free_text_case{"備註：客戶很急", false}));

TEST(ExtraFields, AProportionLineInsideTheQualityProblemContinuesIt) {
    auto r = parse(
        replace(product, "客户装配时无法拧紧\n", "客户装配时无法拧紧\n比例：约3成\n原因：疑似模具磨损\n"));
    EXPECT_EQ(field(r, "产品存在的质量问题"),
              "约三成螺纹滑牙，客户装配时无法拧紧\n比例：约3成\n原因：疑似模具磨损");
    EXPECT_EQ(keys(r), product_keys);
}

// ---------------------------------------------------------------------------------------------
// Two forms in one message

TEST(TwoForms, AProductAndAServiceAreTwoForms) {
    auto post = parse_post(product + "\n\n" + service);
    ASSERT_EQ(post.forms.size(), 2u);
    ASSERT_TRUE(post.forms[0].form);
    ASSERT_TRUE(post.forms[1].form);
    EXPECT_EQ(post.forms[0].kind, rules::complaint_kind::product);
    EXPECT_EQ(post.forms[1].kind, rules::complaint_kind::service);
    EXPECT_EQ(field(post.forms[0], "客户名称"), "华东五金有限公司");
    EXPECT_EQ(field(post.forms[1], "投诉对象"), "物流部 司机小王");
    EXPECT_EQ(keys(post.forms[0]), product_keys);  // nothing of the second glued onto the first
}

TEST(TwoForms, TwoProductsForTwoCustomers) {
    auto second =
        replace(replace(product, "华东五金有限公司", "江南建材"), "产品质量投诉", "【产品质量投诉】");
    auto post = parse_post(product + "\n" + second);
    ASSERT_EQ(post.forms.size(), 2u);
    EXPECT_EQ(field(post.forms[0], "客户名称"), "华东五金有限公司");
    EXPECT_EQ(field(post.forms[1], "客户名称"), "江南建材");
    EXPECT_EQ(post.forms[1].duplicate_of, -1);
}

TEST(TwoForms, ABadSecondFormIsNamedAsTheSecond) {
    auto bad = replace(service, "投诉对象：物流部 司机小王\n", "");
    auto post = parse_post("两件投诉，请处理\n" + product + "\n" + bad);
    ASSERT_EQ(post.forms.size(), 2u);
    ASSERT_TRUE(post.forms[0].form);
    EXPECT_EQ(field(post.forms[0], "附言"), "两件投诉，请处理");  // the text before the first title
    EXPECT_FALSE(post.forms[1].form);
    EXPECT_EQ(problems(post.forms[1]), std::vector<std::string>{"投诉对象：缺少此项"});
    EXPECT_EQ(rules::describe_problems(post.forms[1], 2)
                  .rfind("第2份投诉未登记：服务质量投诉以下内容需补全或更正\n· 投诉对象：缺少此项", 0),
              0u);
}

TEST(TwoForms, TheSameFormWithAnotherTitleDecorationIsStillADuplicate) {
    auto post = parse_post(product + "\n" + replace(product, "产品质量投诉", "【产品质量投诉】"));
    ASSERT_EQ(post.forms.size(), 2u);
    EXPECT_EQ(post.forms[1].duplicate_of, 0);
}

TEST(TwoForms, TenFormsAreTenElevenAreOneRefusal) {
    std::string ten;
    for (int i = 0; i < 10; ++i)
        ten += replace(product, "华东五金有限公司", "客户" + std::to_string(i)) + "\n";
    auto post = parse_post(ten);
    ASSERT_EQ(post.forms.size(), 10u);
    for (const auto& f : post.forms) EXPECT_TRUE(f.form);
    auto eleven = parse_post(ten + replace(product, "华东五金有限公司", "客户10"));
    ASSERT_EQ(eleven.forms.size(), 1u);
    EXPECT_FALSE(eleven.forms[0].form);
    EXPECT_EQ(
        problems(eleven.forms[0]),
        std::vector<std::string>{"投诉份数：本条消息共 11 份投诉，超过 10 份的上限，全部未登记，请分开发送"});
}

// ---------------------------------------------------------------------------------------------
// Length caps

std::string chars(std::size_t n, const std::string& one = "滑") {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += one;
    return s;
}

TEST(FieldCaps, TwoThousandCharactersAreAcceptedOneMoreIsRefusedNamingTheField) {
    auto at_cap = parse(replace(product, "约三成螺纹滑牙，客户装配时无法拧紧", chars(2000)));
    EXPECT_TRUE(at_cap.form) << testing::PrintToString(problems(at_cap));
    auto over = parse(replace(product, "约三成螺纹滑牙，客户装配时无法拧紧", chars(2001)));
    EXPECT_FALSE(over.form);
    EXPECT_EQ(problems(over),
              std::vector<std::string>{
                  "产品存在的质量问题：共 2001 字，超过 2000 字的上限，请精简后重发（详细材料可另发）"});
}

TEST(FieldCaps, AMultiLineValueCountsAsAWhole) {
    std::string lines;
    for (int i = 0; i < 300; ++i) lines += "\n第" + std::to_string(i) + "箱破损";  // ~ 2,000+ characters
    auto r = parse(replace(service, "未提前通知客户", "未提前通知客户" + lines));
    ASSERT_FALSE(r.form);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].field, "投诉事件");
}

TEST(FieldCaps, AnOverLongExtraFieldIsNamed) {
    auto r = parse(product + "\n订单说明：" + chars(2500, "a"));
    EXPECT_EQ(problems(r), std::vector<std::string>{
                               "订单说明：共 2500 字，超过 2000 字的上限，请精简后重发（详细材料可另发）"});
}

TEST(FieldCaps, TheWholeComplaintIsBoundedToo) {
    auto text = product;
    for (auto v : {"张三", "华东五金有限公司", "金虎", "M8×40 镀锌螺栓 200盒",
                   "约三成螺纹滑牙，客户装配时无法拧紧", "退货并补发合格品"})
        text = replace(text, "：" + std::string(v) + "\n", "：" + chars(1900) + "\n");
    auto r = parse(text);
    EXPECT_EQ(problems(r), std::vector<std::string>{"全文：共 11427 字，超过 10000 字的上限，请精简后重发"});
}

TEST(FieldCaps, TwentyExtraFieldsAreKeptTwentyOneAreRefused) {
    std::string twenty, twenty_one;
    for (int i = 0; i < 20; ++i) twenty += "\n附加信息" + std::string(1, static_cast<char>('a' + i)) + "：x";
    twenty_one = twenty + "\n再多一项：x";
    EXPECT_TRUE(parse(product + twenty).form);
    EXPECT_EQ(problems(parse(product + twenty_one)),
              std::vector<std::string>{"其他信息：共 21 项，超过 20 项的上限，请只保留必要的信息"});
}
