// Generator for bench/scale.sh: fills a bot database with open work, every row written by the
// bot's own code — the forms parser, register_complaint, parse_command + apply_command,
// fire_deadline, and the storage layer's schema and repositories (as engine::save does) — on
// virtual times spread around the wall clock. Nothing goes to the outbox: the posts of the past
// were delivered long ago.
//
//   gen_open_work --config C --db F bulk <complaints> <open deadlines>
//       commits every 10,000 complaints. Complaints with open deadlines are product/service complaints in the
//       respond stage (respond:warn + respond:miss, due 35 to 110 minutes from now). The rest are
//       open without a clock: paused while waiting on the customer, answered compensation cases
//       waiting for the sheet, and respond stages already fined with a department still silent.
//   gen_open_work --config C --db F soon <count> <lead ms>
//       <count> product complaints whose respond deadline (the fine) falls due at one instant,
//       now + <lead ms>, their warning already posted. Prints that instant (UTC ms).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "core/message.hpp"
#include "rules/commands.hpp"
#include "rules/forms.hpp"
#include "rules/workflow.hpp"
#include "storage/database.hpp"
#include "storage/sql_console.hpp"

namespace {

using namespace std::chrono_literals;

const char* const customers[] = {"华东五金有限公司", "南方建材集团",   "宏达机电设备厂", "苏州精工紧固件",
                                 "北方重工股份",     "杭州顺发贸易行", "成都蜀建工程",   "青岛海联船舶配件"};
const char* const brands[] = {"金虎", "银狮", "飞鹰", "长城"};
const char* const products[] = {"M8×40 镀锌螺栓 200盒", "M12 不锈钢螺母 50箱", "6分 镀锌水管 300根",
                                "304 不锈钢法兰 80片"};
const char* const problems[] = {"约三成螺纹滑牙，客户装配时无法拧紧", "表面镀层起皮，部分已生锈",
                                "尺寸偏差超过图纸公差 0.3mm", "包装破损，数量短少两箱"};
const char* const demands[] = {"退货并补发合格品", "更换不良品，承担返工费用", "改进包装，下批注意",
                               "书面说明原因"};
const char* const events[] = {"11月20日下午送货迟到三小时，未提前通知客户，客户仓库已下班",
                              "客服电话三次无人接听，客户投诉处理不及时", "送货司机态度恶劣，与客户仓管争吵"};
const char* const purposes[] = {"改进服务质量，书面道歉", "索赔误工损失 2000 元", "处理相关责任人"};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string two(unsigned v) {
    return (v < 10 ? "0" : "") + std::to_string(v);
}

std::string cn_datetime(const core::zone& tz, core::instant t) {
    auto l = tz.to_local(t);
    return std::to_string(l.date.year) + "年" + std::to_string(l.date.month) + "月" +
           std::to_string(l.date.day) + "日" + std::to_string(l.hour) + "时" + two(l.minute) + "分";
}

std::string cn_date(const core::zone& tz, core::instant t) {
    auto d = tz.date_of(t);
    return std::to_string(d.year) + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) + "日";
}

class generator {
  public:
    generator(const rules::config& cfg, storage::database& db) : cfg_(cfg), db_(db), tz_(cfg.timezone) {
        order_desk_ = member_of(cfg.roles.order_desk);
        hr_ = member_of(cfg.roles.hr);
        for (const auto& [dept, vp] : cfg.roles.vice_presidents)
            for (const auto& p : cfg.org.people)
                if (p.department == dept) sales_.push_back(&p);
        if (sales_.empty() || order_desk_.empty() || hr_.empty())
            throw std::runtime_error("the config needs salespeople (vice_presidents), an order desk and HR");
        product_seq_ = db_.next_complaint_seq(rules::complaint_kind::product);
        service_seq_ = db_.next_complaint_seq(rules::complaint_kind::service);
        fine_seq_ = db_.next_fine_seq();
    }

    // A product complaint posted at t0, accepted and published (生产部 采购部); respond armed.
    rules::complaint product(core::instant t0, std::size_t i) {
        const auto& who = *sales_[i % sales_.size()];
        std::string text = "产品质量投诉\n投诉人：" + who.name + "\n客户名称：" + customers[i % 8] +
                           "\n发货日期：" + cn_date(tz_, t0 - 24h * (3 + i % 5)) + "\n品牌：" +
                           brands[i % 4] + "\n规格及数量：" + products[(i / 4) % 4] +
                           "\n产品存在的质量问题：" + problems[(i / 3) % 4] + "\n客户要求：" +
                           demands[(i / 7) % 4] + "\n投诉时间：" + cn_datetime(tz_, t0 - 5min);
        auto c = registered(text, who.id, t0, product_seq_++);
        command(c, "受理 " + c.id, order_desk_, t0 + 2min);
        command(c,
                "工艺 " + c.id + " 批号B2611-" + std::to_string(i % 97) +
                    "，2号冷镦机生产，顺丰干线发货 调查: 生产部 采购部",
                order_desk_, t0 + 10min);
        return c;
    }

    // A service complaint posted at t0, accepted and routed to 物流部; respond armed.
    rules::complaint service(core::instant t0, std::size_t i) {
        const auto& who = *sales_[i % sales_.size()];
        std::string text = "【服务质量投诉】\n投诉人: " + who.name + "\n投诉对象: 物流部 司机小王\n" +
                           "投诉事件(时间、起因、过程、结果): " + events[i % 3] + "\n" +
                           "投诉目的(希望达到的结果:如索赔、处理、改进服务质量): " + purposes[(i / 3) % 3] +
                           "\n投诉时间: " + cn_datetime(tz_, t0 - 5min);
        auto c = registered(text, who.id, t0, service_seq_++);
        command(c, "受理 " + c.id, hr_, t0 + 3min);
        command(c, "分流 " + c.id + " 物流部", hr_, t0 + 12min);
        return c;
    }

    void command(rules::complaint& c, const std::string& text, const std::string& actor, core::instant at) {
        auto parsed = rules::parse_command(text);
        const auto* cmd = std::get_if<rules::command>(&parsed);
        if (!cmd) throw std::runtime_error("not a command: " + text);
        rules::outcome out;
        int fine_seq = fine_seq_;
        rules::context ctx{cfg_, tz_, at, &fine_seq};
        if (!rules::apply_command(c, *cmd, actor, cfg_.default_chat, ctx, out))
            throw std::runtime_error("refused: " + text + " by " + actor);
        keep(out);
    }

    void fire(rules::complaint& c, const std::string& key, core::instant due) {
        rules::outcome out;
        int fine_seq = fine_seq_;
        rules::context ctx{cfg_, tz_, due, &fine_seq};
        rules::fire_deadline(c, key, due, ctx, out);
        fine_seq_ = fine_seq;
        keep(out);
    }

    // What engine::save and engine::persist write, minus the outbox.
    void save(const rules::complaint& c) {
        db_.append_events(events_);
        for (const auto& f : fines_) db_.insert_fine(f);
        events_.clear();
        fines_.clear();
        db_.save_complaint(c);
        db_.sync_deadlines(c.id, rules::pending_deadlines(c));
    }

    const std::string& hr() const { return hr_; }
    std::string replier(const std::string& dept) const { return member_of(dept); }

  private:
    rules::complaint registered(const std::string& text, const std::string& from, core::instant t0, int seq) {
        auto parsed = rules::parse_complaint(text, t0, tz_);
        if (!parsed.form) throw std::runtime_error("generated post does not parse:\n" + text);
        core::inbound_message msg{"bench", cfg_.default_chat, "", from, text, t0};
        rules::outcome out;
        int fine_seq = fine_seq_;
        rules::context ctx{cfg_, tz_, t0, &fine_seq};
        auto c = rules::register_complaint(*parsed.form, msg, seq, ctx, out);
        keep(out);
        return c;
    }

    void keep(rules::outcome& out) {
        for (auto& e : out.events) events_.push_back(std::move(e));
        for (auto& f : out.new_fines) fines_.push_back(std::move(f));
    }

    std::string member_of(const std::string& dept) const {
        std::string head = cfg_.org.head_of(dept);
        for (const auto& p : cfg_.org.people)
            if (p.department == dept && p.id != head) return p.id;
        return head;
    }

    const rules::config& cfg_;
    storage::database& db_;
    core::zone tz_;
    std::string order_desk_;
    std::string hr_;
    std::vector<const rules::person*> sales_;
    int product_seq_ = 1;
    int service_seq_ = 1;
    int fine_seq_ = 1;
    std::vector<rules::event> events_;
    std::vector<rules::fine> fines_;
};

std::size_t to_count(const char* s) {
    char* end = nullptr;
    auto v = std::strtoull(s, &end, 10);
    if (end == s || *end != '\0') throw std::runtime_error(std::string("not a number: ") + s);
    return static_cast<std::size_t>(v);
}

void bulk(generator& g, storage::database& db, std::size_t complaints, std::size_t deadlines) {
    const auto now = core::from_ms(now_ms());
    const std::size_t armed = deadlines / 2;  // respond:warn + respond:miss each
    auto tx = db.begin();
    for (std::size_t i = 0; i < complaints; ++i) {
        if (i > 0 && i % 10000 == 0) {  // one huge transaction spills and rewrites WAL frames
            tx->commit();
            tx = db.begin();
        }
        const bool is_product = i % 3 != 2;
        if (i < armed) {
            // Posted 12..85 minutes ago: the warning falls 5..78 minutes from now, the fine 35..108.
            auto t0 = now - 12min - std::chrono::milliseconds((i * 7919) % (73 * 60 * 1000));
            g.save(is_product ? g.product(t0, i) : g.service(t0, i));
            continue;
        }
        // Older work without a running clock, posted 3 hours to a year ago.
        auto t0 = now - 3h - std::chrono::minutes((i * 104729) % (365 * 24 * 60));
        auto c = is_product ? g.product(t0, i) : g.service(t0, i);
        switch (i % 10) {
            case 0:  // the respond stage fined, one department still silent
                g.fire(c, "respond:warn", *c.find_stage("respond")->due - c.rules->respond_warning);
                if (is_product)
                    g.command(c, "回复 " + c.id + " 已复检，批次合格", g.replier("生产部"), t0 + 50min);
                g.fire(c, "respond:miss", *c.find_stage("respond")->due);
                break;
            case 1:
            case 2:
            case 3:  // answered; a compensation case waits for the sheet and the signatures
                if (is_product && c.compensation) {
                    g.command(c, "回复 " + c.id + " 模具磨损导致不良，同意退货补发", g.replier("生产部"),
                              t0 + 40min);
                    g.command(c, "回复 " + c.id + " 原材料批次正常", g.replier("采购部"), t0 + 55min);
                    break;
                }
                [[fallthrough]];
            default:  // paused while the company waits on the customer
                g.command(c, "暂停 " + c.id + " 等待客户寄回样品", g.hr(), t0 + 20min);
                break;
        }
        g.save(c);
    }
    tx->commit();
}

std::int64_t soon(generator& g, storage::database& db, std::size_t count, std::int64_t lead_ms) {
    const auto due = core::from_ms(now_ms() + lead_ms);
    auto tx = db.begin();
    for (std::size_t i = 0; i < count; ++i) {
        // respond is due 2 h after the post; the warning 30 minutes before has been posted.
        auto c = g.product(due - 2h, i);
        g.fire(c, "respond:warn", due - c.rules->respond_warning);
        g.save(c);
    }
    tx->commit();
    return core::to_ms(due);
}

}  // namespace

int main(int argc, char** argv) {
    bool facts = argc == 6 && std::string(argv[5]) == "facts";
    if ((argc != 8 && !facts) || std::string(argv[1]) != "--config" || std::string(argv[3]) != "--db") {
        std::cerr << "usage: gen_open_work --config FILE --db FILE bulk <complaints> <deadlines>\n"
                     "       gen_open_work --config FILE --db FILE soon <count> <lead ms>\n"
                     "       gen_open_work --config FILE --db FILE facts   (of the rows copied by SQL)\n";
        return 2;
    }
    try {
        auto loaded = conf::load_config(argv[2]);
        if (!loaded.config) {
            for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
            return 2;
        }
        storage::database db(argv[4]);
        db.set_durability(storage::durability::off);  // a generated file: rerun the script after a crash
        if (!storage::database::is_postgresql(argv[4]))
            storage::sql_console(db).exec("PRAGMA cache_size = -262144");  // 256 MB: a million rows' indexes
        generator g(*loaded.config, db);
        std::string mode = argv[5];
        if (facts) {
            std::cout << db.fill_missing_facts() << "\n";
        } else if (mode == "bulk") {
            bulk(g, db, to_count(argv[6]), to_count(argv[7]));
        } else if (mode == "soon") {
            std::cout << soon(g, db, to_count(argv[6]), static_cast<std::int64_t>(to_count(argv[7]))) << "\n";
        } else {
            std::cerr << "unknown mode " << mode << ": use bulk or soon\n";
            return 2;
        }
    } catch (const std::exception& e) {
        std::cerr << "gen_open_work: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
