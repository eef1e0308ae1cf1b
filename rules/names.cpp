// Matching a typed person name (投诉人, `投诉人 P1 <姓名>`) against the organization: the name
// folded as people type it (Traditional/Simplified, full-width, spaces, case), a department or
// title written around it ignored, tried against each person's name, aliases and id.
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>

#include "rules/config.hpp"
#include "rules/text.hpp"

namespace rules {

namespace {

// Traditional → Simplified for characters of personal names (surnames and common given-name
// characters) beyond the rule book's vocabulary that fold() knows. Pairs: Traditional, Simplified.
constexpr std::string_view name_pairs =
    "亞亚倫伦偉伟傑杰傳传僑侨儀仪億亿儉俭優优兒儿兩两剛刚劉刘劍剑勁劲勝胜勳勋勵励厲厉吳吴員员啟启喬乔單单嘯啸"
    "嚴严國国園园圓圆"
    "圖图團团堅坚場场塗涂壯壮壽寿夢梦奮奋姍姗婁娄婭娅嫻娴嬋婵嬌娇嬪嫔孫孙學学實实寧宁寬宽寶宝尋寻岡冈峽峡嶺岭"
    "嶽岳帥帅師师廣广"
    "張张強强彌弥彥彦從从徵征愛爱慶庆憑凭憲宪憶忆懷怀戰战擁拥敘叙斂敛昇升晉晋暉晖暢畅曄晔曆历曉晓書书會会朧胧"
    "東东棟栋楊杨楓枫"
    "榮荣樂乐樓楼樹树橋桥櫻樱權权歐欧歡欢歲岁歷历淵渊湯汤溫温滄沧滿满漢汉潔洁潤润澤泽濃浓濟济濤涛濱滨瀅滢瀏浏"
    "灑洒灝灏灣湾煥焕"
    "熾炽燁烨燦灿爍烁爐炉爭争爾尔獅狮獨独現现瑋玮瑤瑶瑩莹瑪玛璉琏璣玑環环瓊琼畢毕畫画盡尽盤盘盧卢眾众碩硕礦矿"
    "祿禄禪禅禮礼種种"
    "穎颖穩稳竇窦競竞筆笔築筑簡简簫箫糧粮紀纪紅红紋纹納纳純纯紹绍絢绚統统絲丝綠绿維维綱纲綺绮緒绪緣缘緯纬練练"
    "縱纵繡绣繼继續续"
    "纓缨羅罗義义習习翹翘聖圣聞闻聰聪聲声聶聂肅肃臨临臺台興兴舉举艷艳莊庄莖茎華华萊莱萬万葉叶葦苇蒼苍蓋盖蓮莲"
    "蔣蒋蔭荫蕓芸蕭萧"
    "薈荟薔蔷薩萨藍蓝藝艺藥药藹蔼蘆芦蘇苏蘊蕴蘋苹蘭兰虛虚蟬蝉衛卫衝冲親亲覺觉訊讯訓训訪访設设許许詠咏詩诗詳详"
    "誌志誕诞誠诚談谈"
    "諸诸諾诺謀谋謙谦講讲謝谢謹谨譚谭譯译變变豐丰豔艳貝贝貞贞貢贡貫贯費费賀贺賈贾賓宾賜赐賞赏賢贤賦赋賴赖賽赛"
    "贈赠贊赞贏赢趙赵"
    "軌轨軍军軒轩載载輔辅輝辉輪轮輯辑辭辞連连遙遥遜逊適适遷迁遺遗鄒邹鄔邬鄧邓鄭郑鄰邻鄺邝釋释釗钊釧钏鈞钧鈴铃"
    "銀银銅铜銘铭銳锐"
    "鋒锋鋼钢錢钱錦锦錫锡鍾钟鎖锁鎧铠鎮镇鏈链鏡镜鐘钟鐳镭鐵铁鑄铸鑒鉴長长門门閃闪閏闰閔闵閣阁閩闽閻阎闊阔關关"
    "陣阵陳陈陸陆陽阳"
    "階阶雋隽雖虽雙双雲云霧雾靈灵靜静鞏巩韋韦韓韩頂顶項项順顺頌颂預预頓顿頤颐顏颜願愿顧顾風风颯飒颱台飄飘飛飞"
    "飯饭飾饰饒饶馬马"
    "馮冯馳驰駐驻駕驾駱骆駿骏騎骑騰腾驕骄驚惊驥骥魯鲁鮑鲍鮮鲜鯨鲸鳳凤鳴鸣鴻鸿鵬鹏鶯莺鶴鹤鷗鸥鷹鹰鷺鹭麗丽麥麦"
    "黃黄黨党齊齐齡龄"
    "龍龙龐庞龔龚龜龟";

// The code points of `s`, folded as fold() does.
std::u32string folded_cps(std::string_view s) {
    std::u32string out;
    for (auto cp : fold_cps(s).cps) out.push_back(cp);
    return out;
}

const std::vector<std::pair<char32_t, char32_t>>& name_table() {
    static const auto table = [] {
        std::vector<std::pair<char32_t, char32_t>> t;
        // Decoding folds: a Traditional character fold() already knows becomes an identity pair.
        auto cps = folded_cps(name_pairs);
        for (std::size_t i = 0; i + 1 < cps.size(); i += 2)
            if (cps[i] != cps[i + 1]) t.emplace_back(cps[i], cps[i + 1]);
        std::sort(t.begin(), t.end());
        return t;
    }();
    return table;
}

char32_t fold_name_cp(char32_t cp) {
    cp = fold_cp(cp);
    if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
    const auto& t = name_table();
    auto it = std::lower_bound(t.begin(), t.end(), std::make_pair(cp, char32_t{0}));
    return it != t.end() && it->first == cp ? it->second : cp;
}

bool is_dot(char32_t cp) {
    return cp == U'·' || cp == U'•' || cp == U'・' || cp == '.';
}

// A name as compared: folded, lower case, without spaces and middle dots.
std::u32string name_key(std::u32string_view cps) {
    std::u32string out;
    for (auto cp : cps) {
        cp = fold_name_cp(cp);
        if (!is_space(cp) && !is_dot(cp)) out.push_back(cp);
    }
    return out;
}

std::u32string name_key(std::string_view s) {
    return name_key(std::u32string_view(folded_cps(s)));
}

// Titles written before or after a name (folded form), longest first.
const std::vector<std::u32string>& titles() {
    static const std::vector<std::u32string> t = [] {
        std::vector<std::u32string> v;
        for (std::string_view w :
             {"业务经理", "销售经理", "部门经理", "副总经理", "总经理", "副经理", "经理", "主管",
              "业务员",   "销售员",   "跟单员",   "跟单",     "专员",   "助理",   "总监", "部长",
              "主任",     "组长",     "科长",     "厂长",     "负责人", "副总",   "老师", "师傅",
              "先生",     "女士",     "小姐",     "同事",     "业务",   "销售",   "总"})
            v.push_back(name_key(w));
        std::stable_sort(v.begin(), v.end(),
                         [](const auto& a, const auto& b) { return a.size() > b.size(); });
        return v;
    }();
    return t;
}

bool is_open_bracket(char32_t cp) {
    return cp == '(' || cp == '[' || cp == U'【' || cp == U'〔' || cp == U'［' || cp == U'《' || cp == '<';
}
bool is_close_bracket(char32_t cp) {
    return cp == ')' || cp == ']' || cp == U'】' || cp == U'〕' || cp == U'］' || cp == U'》' || cp == '>';
}
bool is_separator(char32_t cp) {
    return is_space(cp) || cp == '/' || cp == '\\' || cp == U'、' || cp == ',' || cp == U'，' || cp == ';' ||
           cp == U'；' || cp == '-' || cp == U'—' || cp == U'－' || cp == '|' || cp == ':' || cp == '_';
}

void add_unique(std::vector<std::u32string>& v, std::u32string s) {
    if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// Every spelling of the organization's people (name, id, aliases) and departments, folded once per
// organization rather than on every match (a company of a thousand people folds ~3,000 names).
struct folded_organization {
    std::uint64_t fingerprint = 0;
    std::unordered_map<std::u32string, std::vector<const person*>> people;
    std::vector<std::u32string> departments;  // in organization::departments order
};

// FNV-1a over what the folded keys depend on, with where the people live (the pointers kept).
std::uint64_t fingerprint_of(const organization& org) {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](std::string_view s) {
        for (char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
        h = (h ^ 0xFFu) * 1099511628211ull;
    };
    mix(std::to_string(reinterpret_cast<std::uintptr_t>(org.people.data())));
    mix(std::to_string(org.people.size()));
    for (const auto& p : org.people) {
        mix(p.name);
        mix(p.id);
        for (const auto& a : p.aliases) mix(a);
    }
    for (const auto& d : org.departments) mix(d.name);
    return h;
}

const folded_organization& folded(const organization& org) {
    thread_local folded_organization cache;
    auto fp = fingerprint_of(org);
    if (cache.fingerprint == fp && fp != 0) return cache;
    cache = {};
    cache.fingerprint = fp;
    for (const auto& p : org.people) {
        auto add = [&](std::string_view spelling) {
            auto& hits = cache.people[name_key(spelling)];
            if (std::find(hits.begin(), hits.end(), &p) == hits.end()) hits.push_back(&p);
        };
        add(p.name);
        add(p.id);
        for (const auto& a : p.aliases) add(a);
    }
    for (const auto& d : org.departments) cache.departments.push_back(name_key(d.name));
    return cache;
}

}  // namespace

person_match organization::match_person(std::string_view text) const {
    const auto& org = folded(*this);
    person_match result;
    auto typed = folded_cps(trim(text));
    std::u32string folded;
    for (auto cp : typed) folded.push_back(fold_name_cp(cp));

    // Departments named anywhere in the text: they tell two people of the same name apart.
    const auto& dept_keys = org.departments;
    std::vector<std::string> named_departments;
    auto compact = name_key(std::u32string_view(typed));
    for (std::size_t i = 0; i < departments.size(); ++i)
        if (!dept_keys[i].empty() && compact.find(dept_keys[i]) != std::u32string::npos)
            named_departments.push_back(departments[i].name);

    // Candidate spellings, best first: the whole text; the text without bracketed parts; each
    // word of it; then each of those with departments and titles taken off either end.
    std::vector<std::vector<std::u32string>> levels(3);
    add_unique(levels[0], name_key(std::u32string_view(folded)));
    std::u32string unbracketed;
    int depth = 0;
    for (auto cp : folded) {
        if (is_open_bracket(cp)) {
            ++depth;
            unbracketed.push_back(' ');
        } else if (is_close_bracket(cp)) {
            if (depth > 0) --depth;
            unbracketed.push_back(' ');
        } else if (depth == 0) {
            unbracketed.push_back(cp);
        }
    }
    add_unique(levels[0], name_key(std::u32string_view(unbracketed)));
    std::u32string word;
    for (std::size_t i = 0; i <= unbracketed.size(); ++i) {
        if (i == unbracketed.size() || is_separator(unbracketed[i])) {
            add_unique(levels[1], name_key(std::u32string_view(word)));
            word.clear();
        } else {
            word.push_back(unbracketed[i]);
        }
    }
    for (int from = 0; from < 2; ++from)
        for (const auto& base : levels[static_cast<std::size_t>(from)]) {
            std::vector<std::u32string> todo{base};
            while (!todo.empty()) {
                auto s = todo.back();
                todo.pop_back();
                auto strip = [&](const std::u32string& affix) {
                    if (affix.empty() || affix.size() >= s.size()) return;
                    if (s.compare(0, affix.size(), affix) == 0) {
                        auto rest = s.substr(affix.size());
                        if (std::find(levels[2].begin(), levels[2].end(), rest) == levels[2].end()) {
                            add_unique(levels[2], rest);
                            todo.push_back(rest);
                        }
                    }
                    if (s.compare(s.size() - affix.size(), affix.size(), affix) == 0) {
                        auto rest = s.substr(0, s.size() - affix.size());
                        if (std::find(levels[2].begin(), levels[2].end(), rest) == levels[2].end()) {
                            add_unique(levels[2], rest);
                            todo.push_back(rest);
                        }
                    }
                };
                for (const auto& d : dept_keys) strip(d);
                for (const auto& t : titles()) strip(t);
            }
        }

    for (const auto& level : levels) {
        std::vector<const person*> hits;
        for (const auto& cand : level) {
            auto it = org.people.find(cand);
            if (it == org.people.end()) continue;
            for (const auto* p : it->second)
                if (std::find(hits.begin(), hits.end(), p) == hits.end()) hits.push_back(p);
        }
        if (hits.empty()) continue;
        if (hits.size() > 1 && !named_departments.empty()) {
            std::vector<const person*> in_dept;
            for (const auto* p : hits)
                if (std::find(named_departments.begin(), named_departments.end(), p->department) !=
                    named_departments.end())
                    in_dept.push_back(p);
            if (in_dept.size() == 1) hits = in_dept;
        }
        if (hits.size() == 1)
            result.found = hits.front();
        else
            result.same_name = hits;
        return result;
    }
    return result;
}

}  // namespace rules
