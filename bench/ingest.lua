-- wrk script for bench/ingest.sh: signed DingTalk HTTP-mode callbacks (PROTOCOLS 3.3), each a full
-- Chinese complaint post or a command, each with a unique msgId.
--
-- Environment (set by ingest.sh):
--   BENCH_TS, BENCH_SIGN  one timestamp (ms) and its sign = Base64(HMAC-SHA256(secret,
--                         timestamp + "\n" + secret)), computed with openssl before wrk starts; the
--                         bot accepts it for ±1 h, far longer than a run
--   BENCH_LEG             prefix of every msgId of this run (the script counts rows by it afterwards)
--   BENCH_SENDERS         how many salespeople post (DingTalk ids dt-2001 …)
--   BENCH_DELAY_MS        pause after each response (0 = closed loop as fast as possible); with
--                         c connections the rate is at most c * 1000 / BENCH_DELAY_MS per second
--   BENCH_COMMAND_EVERY   every Nth request is a command (查询) instead of a post; 0 = posts only

local ts = os.getenv("BENCH_TS") or "0"
local sign = os.getenv("BENCH_SIGN") or ""
local leg = os.getenv("BENCH_LEG") or "run"
local senders = tonumber(os.getenv("BENCH_SENDERS") or "30")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local command_every = tonumber(os.getenv("BENCH_COMMAND_EVERY") or "10")

local next_thread = 0

-- Runs once per wrk thread, in the main Lua state: gives each thread its number, which makes the
-- msgIds unique across threads (thread number + per-thread counter).
function setup(thread)
   next_thread = next_thread + 1
   thread:set("thread_no", next_thread)
end

local counter = 0
local headers = {
   ["Content-Type"] = "application/json",
   ["timestamp"] = ts,
   ["sign"] = sign,
}

local customers = { "华东五金有限公司", "苏州精工机械厂", "宁波海达贸易公司", "广州南方建材", "天津北辰装备" }
local problems = { "约三成螺纹滑牙，客户装配时无法拧紧", "镀锌层起皮，盐雾试验不合格", "包装箱破损，部分产品变形",
                   "尺寸超差，M8 螺栓实测 7.6 mm", "混入其他规格产品约 20 盒" }

local function post_text(n)
   local customer = customers[n % #customers + 1]
   local problem = problems[math.floor(n / 7) % #problems + 1]
   if n % 5 == 0 then
      return "服务质量投诉\\n投诉人：业务员" .. (n % senders + 1) .. "\\n投诉对象：物流部 司机小王\\n" ..
         "投诉事件(时间、起因、过程、结果)：11月20日下午送货迟到三小时，未提前通知" .. customer ..
         "，客户仓库已下班，只能次日重新卸货。\\n投诉目的(希望达到的结果:如索赔、处理、改进服务质量)：改进服务质量，书面道歉\\n" ..
         "投诉时间：2026年11月23日7时50分"
   end
   return "产品质量投诉\\n投诉人：业务员" .. (n % senders + 1) .. "\\n客户名称：" .. customer ..
      "\\n发货日期：2026年11月18日\\n品牌：金虎\\n规格及数量：M8×40 镀锌螺栓 " .. (n % 500 + 1) .. "盒\\n" ..
      "产品存在的质量问题：" .. problem .. "\\n客户要求：退货并补发合格品\\n投诉时间：2026年11月23日8时55分"
end

function request()
   counter = counter + 1
   local n = counter * 16 + (thread_no or 0)
   local id = leg .. "-" .. (thread_no or 0) .. "-" .. counter
   local text
   if command_every > 0 and counter % command_every == 0 then
      text = "查询 P" .. math.floor(counter / command_every)
   else
      text = post_text(n)
   end
   local sender = "dt-" .. (2001 + n % senders)
   local body = '{"msgtype":"text","text":{"content":" ' .. text .. '"},"msgId":"' .. id ..
      '","conversationType":"2","conversationId":"cidBENCH==","senderStaffId":"' .. sender .. '"}'
   return wrk.format("POST", "/hooks/dingtalk", headers, body)
end

if delay_ms > 0 then
   function delay()
      return delay_ms
   end
end
