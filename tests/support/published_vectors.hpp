// The platforms' published message-crypt samples (PROTOCOLS section 1): WeCom's official callback
// samples and wechatpy's tests, DingTalk's event-subscription crypto. The crypto tests decrypt
// them byte for byte; tests/cli/published_vectors_test.cpp sends each through the live hooks of a
// running `complaint-bot serve` (its clock set to the sample's moment).
#pragma once

#include <string>

namespace published {

// One published (token, key, signature, timestamp, nonce, ciphertext) → plaintext sample.
struct published_sample {
    const char* name;
    const char* token;
    const char* encoding_aes_key;
    const char* msg_signature;
    const char* timestamp;
    const char* nonce;
    const char* encrypted;
    const char* msg;
    const char* receive_id;
};

// [V:wecom-urlverify-wechatpy]: wechatpy/wechatpy tests/test_crypto.py test_check_signature_should_ok.
// [V:wecom-decrypt-xml-wechatpy]: same file, test_decrypt_message.
// [V:wecom-urlverify-official-go-json-sample], [V:wecom-decrypt-json-official-go-sample]:
//   workweixin/weworkapi_golang json_callback/sample.go.
// The official Python callback sample (sbzhu/weworkapi_python callback/Sample.py): URL verification
//   and [V:wecom-decrypt-xml-official-sample] (ChenJiaShun sent 你好; 22 bytes of padding).
// [V:dingtalk-event-callback-decrypt-suite]: open-dingtalk/DingTalk-Callback-Crypto
//   dingtalk_callback_crypto.rs test_msg_decrypt (22 bytes of padding).
// [V:dingtalk-event-callback-decrypt-check-url]: same repository, DingCallbackCrypto3.py __main__
//   (31 bytes of padding).
inline const published_sample samples[] = {
    {"wechatpy url verify", "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
     "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425",
     "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==",
     "5927782489442352469", "wx49f0ab532d5d035a"},
    {"wechatpy xml", "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
     "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294",
     "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/"
     "gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dG"
     "ymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/"
     "nPwBiT+"
     "P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/"
     "54SNdsh"
     "oQgWYEvccTKe7FS709/"
     "5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCR"
     "xthuL0=",
     "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></"
     "FromUserName>\n<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></"
     "MsgType>\n<Content><![CDATA["
     "test]]></Content>\n<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>",
     "wx49f0ab532d5d035a"},
    {"official python url verify", "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
     "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373",
     "47744683", "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
     "1288432023552776189", "ww1436e0e65a779aee"},
    {"official xml sample", "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
     "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914",
     "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw"
     "2AE"
     "ew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+"
     "3JWcoD4Z5jaU0y9GSh010wsHF8KZD2"
     "4YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCW"
     "jay"
     "JOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+",
     "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>"
     "1476422779</CreateTime><MsgType>text</MsgType><Content>\xe4\xbd\xa0\xe5\xa5\xbd</"
     "Content><MsgId>1456453720</"
     "MsgId><AgentID>1000002</AgentID></xml>",
     "ww1436e0e65a779aee"},
    {"official go url verify", "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
     "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
     "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
     "1616140317555161061", "wx5823bf96d3bd56c7"},
    {"official go json", "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
     "0623cbc5a8cbee5bcc137c70de99575366fc2af3", "1409659813", "1372623149",
     "CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/"
     "8+w/y"
     "WriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/"
     "A2VjNbV1E8BtEbRxYYcQ"
     "ippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=",
     R"({"ToUserName":"wx5823bf96d3bd56c7","FromUserName":"mycreate","CreateTime": 1409659813,"MsgType":"text","Content":"hello","MsgId":4561255354251345929,"AgentID": 218})",
     "wx5823bf96d3bd56c7"},
    {"dingtalk suite", "123456", "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij",
     "5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0", "1445827045067", "nEXhMP4r",
     "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+"
     "OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9"
     "VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/"
     "D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ"
     "==",
     R"({"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"})",
     "suite4xxxxxxxxxxxxxxx"},
    {"dingtalk check_url", "mryue", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
     "03044561471240d4a14bb09372dfcfd4fd0e40cb", "1608001896814", "WL4PK6yA",
     "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+"
     "HZeKju4yhELOFc"
     "hzNukR+t8SB/qk4ROMu3",
     R"({"EventType":"check_url"})", "ding6ccabc44d2c8d38b"},
};

// [V:slack-v0-signature]: Slack's signing example (python-slack-sdk
// tests/slack_sdk/signature/test_signature_verifier.py): a slash command signed at doc_timestamp.
inline const std::string slack_doc_secret = "8f742231b10e8888abcd99yyyzzz85a5";
inline const std::string slack_doc_timestamp = "1531420618";
inline const std::string slack_doc_body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
    "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
    "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%"
    "2F96rGlfmibIGlgcZRskXaIFfN&"
    "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
inline const std::string slack_doc_signature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

}  // namespace published
