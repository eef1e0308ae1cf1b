// Tests for adapters/crypto.cpp: primitives against standard vectors, and msg_crypt (PROTOCOLS
// section 1) against the platforms' published samples, byte for byte.
#include "adapters/crypto.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "support/published_vectors.hpp"

namespace {

using namespace adapters::crypto;
using published::samples;

std::string hex(std::string_view raw) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : raw) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

TEST(Crypto, Sha1HexMatchesFips180Vector) {
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(Crypto, Sha256MatchesFips180Vector) {
    EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256MatchesRfc4231Vector) {
    // RFC 4231 test case 2.
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64RoundTripsRfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(plain), encoded);
        EXPECT_EQ(base64_decode(encoded), std::optional<std::string>(plain)) << encoded;
    }
    const std::string binary("\x00\xff\xfe\x01", 4);
    EXPECT_EQ(base64_decode(base64_encode(binary)), binary);
}

TEST(Crypto, Base64DecodeRejectsBadInput) {
    EXPECT_FALSE(base64_decode("Zm9"));       // length not a multiple of 4
    EXPECT_FALSE(base64_decode("Zm9v\n"));    // whitespace
    EXPECT_FALSE(base64_decode("Zm 9"));      // space
    EXPECT_FALSE(base64_decode("Zm*v"));      // outside the alphabet
    EXPECT_FALSE(base64_decode("Zm-v"));      // URL-safe alphabet is not ours
    EXPECT_FALSE(base64_decode("Z=9v"));      // '=' in the middle
    EXPECT_FALSE(base64_decode("Zm9v===="));  // too much padding
    EXPECT_FALSE(base64_decode("Zg=a"));      // '=' before data
    EXPECT_FALSE(base64_decode("Zh=="));      // non-zero spare bits (canonical is "Zg==")
    EXPECT_TRUE(base64_decode("Zh==", /*allow_trailing_bits=*/true));
}

TEST(Crypto, Pkcs7PadsToThirtyTwoBytesWithAFullBlockWhenAligned) {
    EXPECT_EQ(pkcs7_pad(std::string(31, 'a'), 32).size(), 32U);
    const auto aligned = pkcs7_pad(std::string(32, 'a'), 32);
    ASSERT_EQ(aligned.size(), 64U);
    EXPECT_EQ(aligned.back(), '\x20');
    EXPECT_EQ(pkcs7_unpad(aligned, 32), std::string(32, 'a'));
}

TEST(Crypto, Pkcs7UnpadRejectsBadPadding) {
    std::string block(32, 'x');
    block.back() = '\x00';
    EXPECT_FALSE(pkcs7_unpad(block, 32));  // p = 0
    block.back() = '\x21';
    EXPECT_FALSE(pkcs7_unpad(block, 32));  // p = 33 > 32
    block.replace(28, 4, "\x04\x04\x05\x04");
    EXPECT_FALSE(pkcs7_unpad(block, 32));                    // inconsistent bytes
    EXPECT_FALSE(pkcs7_unpad(std::string(31, '\x01'), 32));  // not a multiple of the block
    EXPECT_FALSE(pkcs7_unpad("", 32));
    // 22 bytes of padding (the official WeCom sample) is valid for 32-byte blocks only.
    std::string wecom(64, 'y');
    wecom.replace(42, 22, std::string(22, '\x16'));
    EXPECT_TRUE(pkcs7_unpad(wecom, 32));
    EXPECT_FALSE(pkcs7_unpad(wecom, 16));
}

TEST(Crypto, AesRejectsUnalignedInputAndWrongKeySizes) {
    const std::string key(32, 'k');
    const std::string iv(16, 'i');
    EXPECT_FALSE(aes_256_cbc_encrypt(key, iv, std::string(15, 'a')));
    EXPECT_FALSE(aes_256_cbc_decrypt(key, iv, ""));
    EXPECT_FALSE(aes_256_cbc_decrypt(std::string(16, 'k'), iv, std::string(16, 'a')));
    EXPECT_FALSE(aes_256_cbc_decrypt(key, std::string(8, 'i'), std::string(16, 'a')));
    const auto cipher = aes_256_cbc_encrypt(key, iv, std::string(48, 'a'));
    ASSERT_TRUE(cipher);
    EXPECT_EQ(cipher->size(), 48U);  // no padding block added by OpenSSL
    EXPECT_EQ(aes_256_cbc_decrypt(key, iv, *cipher), std::string(48, 'a'));
}

TEST(Crypto, ConstantTimeEqualComparesContentAndLength) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(Crypto, UrlEncodeEscapesReservedCharacters) {
    EXPECT_EQ(url_encode("a+b/c=d e~_-."), "a%2Bb%2Fc%3Dd%20e~_-.");
    EXPECT_EQ(url_encode("\xe4\xbd\xa0"), "%E4%BD%A0");
}

TEST(MsgCrypt, VerifiesAndDecryptsEveryPublishedSample) {
    for (const auto& s : samples) {
        SCOPED_TRACE(s.name);
        const msg_crypt crypt(s.token, s.encoding_aes_key);
        EXPECT_EQ(crypt.signature(s.timestamp, s.nonce, s.encrypted), s.msg_signature);
        EXPECT_TRUE(crypt.verify(s.msg_signature, s.timestamp, s.nonce, s.encrypted));
        const auto opened = crypt.decrypt(s.encrypted);
        ASSERT_TRUE(opened);
        EXPECT_EQ(opened->msg, s.msg);
        EXPECT_EQ(opened->receive_id, s.receive_id);
    }
}

TEST(MsgCrypt, RejectsTamperedCopiesOfEveryPublishedSample) {
    for (const auto& s : samples) {
        SCOPED_TRACE(s.name);
        const msg_crypt crypt(s.token, s.encoding_aes_key);
        std::string signature = s.msg_signature;
        signature[0] = signature[0] == 'a' ? 'b' : 'a';
        EXPECT_FALSE(crypt.verify(signature, s.timestamp, s.nonce, s.encrypted));
        EXPECT_FALSE(crypt.verify(s.msg_signature, s.timestamp, std::string(s.nonce) + "1", s.encrypted));
        std::string encrypted = s.encrypted;
        encrypted[5] = encrypted[5] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(crypt.verify(s.msg_signature, s.timestamp, s.nonce, encrypted));
        // Decrypting with another key: garbage padding or length, never a crash.
        const msg_crypt other(s.token, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        EXPECT_FALSE(other.decrypt(s.encrypted));
    }
}

TEST(MsgCrypt, OfficialXmlSampleNeedsThirtyTwoBytePadding) {
    // PROTOCOLS 1.3: the sample carries 22 bytes of padding; 16-byte PKCS#7 rejects it.
    const auto& s = samples[3];
    const auto key = base64_decode(std::string(s.encoding_aes_key) + "=", true);
    ASSERT_TRUE(key);
    const auto padded = aes_256_cbc_decrypt(*key, key->substr(0, 16), *base64_decode(s.encrypted));
    ASSERT_TRUE(padded);
    EXPECT_EQ(padded->back(), '\x16');
    EXPECT_FALSE(pkcs7_unpad(*padded, 16));
    EXPECT_TRUE(pkcs7_unpad(*padded, 32));
}

TEST(MsgCrypt, EncryptMatchesWechatpyReplyVector) {
    // [V:wecom-encrypt-reply-wechatpy]: test_encrypt_message with the random prefix fixed.
    const msg_crypt crypt("123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR");
    const std::string reply =
        "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></"
        "Content>\n<FromUserName><![CDATA["
        "wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</"
        "AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
    const std::string expected =
        "9s4gMv99m88kKTh/"
        "H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAt"
        "ObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/"
        "WIXrx0oyKQmp"
        "B6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/"
        "uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39x"
        "n1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3";
    const std::string encrypted = crypt.encrypt(reply, "wx49f0ab532d5d035a", "1234567890123456");
    EXPECT_EQ(encrypted, expected);
    EXPECT_EQ(crypt.signature("1411525903", "461056294", encrypted),
              "407518b7649e86ef23978113f92d27afa9296533");
}

TEST(MsgCrypt, RoundTripsWhenPlaintextIsBlockAligned) {
    // 16 + 4 + 12 + 0 = 32 bytes: PKCS#7 adds a whole 32-byte block of 0x20.
    const msg_crypt crypt("token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
    const auto encrypted = crypt.encrypt("twelve bytes", "", random_prefix());
    EXPECT_EQ(base64_decode(encrypted)->size(), 64U);
    const auto opened = crypt.decrypt(encrypted);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->msg, "twelve bytes");
    EXPECT_EQ(opened->receive_id, "");
}

TEST(MsgCrypt, DecryptRejectsBadBase64PaddingAndLength) {
    const std::string key43 = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const msg_crypt crypt("token", key43);
    EXPECT_FALSE(crypt.decrypt("not base64!"));
    EXPECT_FALSE(crypt.decrypt(base64_encode(std::string(15, 'a'))));  // not a block multiple
    const auto key = *base64_decode(key43 + "=", true);
    const auto iv = key.substr(0, 16);
    // Padding byte 33, and padding byte 0.
    std::string plain(64, 'p');
    plain.back() = '\x21';
    EXPECT_FALSE(crypt.decrypt(base64_encode(*aes_256_cbc_encrypt(key, iv, plain))));
    plain.back() = '\x00';
    EXPECT_FALSE(crypt.decrypt(base64_encode(*aes_256_cbc_encrypt(key, iv, plain))));
    // Valid padding but msg_len far beyond the data (what a wrong key produces).
    std::string lying = std::string(16, 'r') + std::string("\x00\x00\x10\x00", 4) + "short";
    EXPECT_FALSE(crypt.decrypt(base64_encode(*aes_256_cbc_encrypt(key, iv, pkcs7_pad(lying, 32)))));
    // Fewer than 20 bytes after unpadding.
    EXPECT_FALSE(crypt.decrypt(base64_encode(*aes_256_cbc_encrypt(key, iv, pkcs7_pad("tiny", 32)))));
}

TEST(MsgCrypt, RejectsMalformedEncodingAesKeyWithoutEchoingIt) {
    const std::string good = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const std::string bad_inputs[] = {good.substr(0, 42), good + "H", good.substr(0, 42) + "*",
                                      good.substr(0, 42) + "="};
    for (const auto& key : bad_inputs) {
        try {
            msg_crypt crypt("token", key);
            ADD_FAILURE() << "accepted a bad key of length " << key.size();
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find(key.substr(0, 10)), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("EncodingAESKey"), std::string::npos);
        }
    }
}

TEST(MsgCrypt, RandomPrefixIsSixteenAlphanumerics) {
    const auto a = random_prefix();
    ASSERT_EQ(a.size(), 16U);
    for (const char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
    EXPECT_NE(a, random_prefix());
}

}  // namespace
