// WeCom in serve: the AI bot's HTTP callback adapter with the group robot for posts.
#include "adapters/wecom.hpp"
#include "cli/platforms.hpp"

namespace app {

std::unique_ptr<adapters::adapter> build_wecom(const rules::platform_settings& p, const env_reader& env) {
    adapters::wecom_config wc;
    wc.token = secret_of(p, env, "token");
    wc.encoding_aes_key = secret_of(p, env, "aes_key");
    wc.receive_id = p.receive_id;
    wc.bot_name = p.bot_name;
    if (auto key = secret_of(p, env, "webhook"); !key.empty()) wc.webhooks["*"] = std::move(key);
    return std::make_unique<adapters::wecom_adapter>(std::move(wc));
}

}  // namespace app
