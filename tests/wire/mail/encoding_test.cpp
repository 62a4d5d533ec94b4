#include "wire/mail/encoding.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include <string>
#include <vector>

#include "wire/json/utf8.hpp"

namespace wire::mail {
namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t crlf = s.find("\r\n", start);
    if (crlf == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, crlf - start));
    start = crlf + 2;
  }
}

// Every line within 76 characters, only CRLF breaks, 7-bit, and no =XX split by a soft break.
void expect_well_formed_qp(const std::string& qp) {
  for (char c : qp) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  }
  for (std::size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '\n') EXPECT_TRUE(i > 0 && qp[i - 1] == '\r') << "bare LF at " << i;
    if (qp[i] == '\r') EXPECT_TRUE(i + 1 < qp.size() && qp[i + 1] == '\n') << "bare CR at " << i;
  }
  for (const std::string& line : lines_of(qp)) {
    EXPECT_LE(line.size(), 76u) << line;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '=') continue;
      if (i + 1 == line.size()) break;  // soft break
      ASSERT_LT(i + 2, line.size() + 0) << "split escape in: " << line;
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(line[i + 1])) &&
                  std::isxdigit(static_cast<unsigned char>(line[i + 2])))
          << line;
      i += 2;
    }
    if (!line.empty()) EXPECT_NE(line.back(), ' ') << "trailing space in: " << line;
  }
}

TEST(QuotedPrintable, Basics) {
  EXPECT_EQ(encode_quoted_printable("plain text"), "plain text");
  EXPECT_EQ(encode_quoted_printable("a=b"), "a=3Db");
  EXPECT_EQ(encode_quoted_printable("trailing space "), "trailing space=20");
  EXPECT_EQ(encode_quoted_printable("tab\t\nx"), "tab=09\r\nx");
  EXPECT_EQ(encode_quoted_printable("h\xc3\xa9llo"), "h=C3=A9llo");
  EXPECT_EQ(encode_quoted_printable(std::string("\0\x7f", 2)), "=00=7F");
  EXPECT_EQ(encode_quoted_printable(""), "");
}

TEST(QuotedPrintable, LineBreaksBecomeCrlf) {
  EXPECT_EQ(encode_quoted_printable("a\nb\r\nc\rd\n"), "a\r\nb\r\nc\r\nd\r\n");
  EXPECT_EQ(encode_quoted_printable("\n\n"), "\r\n\r\n");
}

TEST(QuotedPrintable, NoDotStuffing) {
  // wire::smtp::data_payload dot-stuffs the DATA: a lone dot stays a lone dot here.
  EXPECT_EQ(encode_quoted_printable("one\n.\ntwo\n..x"), "one\r\n.\r\ntwo\r\n..x");
}

TEST(QuotedPrintable, LongLinesGetSoftBreaks) {
  EXPECT_EQ(encode_quoted_printable(std::string(76, 'a')), std::string(76, 'a'));
  EXPECT_EQ(encode_quoted_printable(std::string(77, 'a')),
            std::string(75, 'a') + "=\r\n" + "aa");
  std::string long_line(200, 'x');
  std::string qp = encode_quoted_printable(long_line);
  EXPECT_EQ(qp, std::string(75, 'x') + "=\r\n" + std::string(75, 'x') + "=\r\n" +
                    std::string(50, 'x'));
  expect_well_formed_qp(qp);
  EXPECT_EQ(decode_quoted_printable(qp), long_line);
}

TEST(QuotedPrintable, EscapesAreNeverSplit) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xc3\xa9";  // 80 bytes, 240 encoded characters
  for (int shift = 0; shift < 3; ++shift) {
    std::string shifted = std::string(shift, 'a') + text + " end ";
    std::string qp = encode_quoted_printable(shifted);
    expect_well_formed_qp(qp);
    EXPECT_EQ(decode_quoted_printable(qp), shifted);
  }
}

TEST(QuotedPrintable, SpaceBeforeASoftBreakIsKept) {
  std::string text = std::string(74, 'a') + " b";
  std::string qp = encode_quoted_printable(text);
  expect_well_formed_qp(qp);
  EXPECT_EQ(decode_quoted_printable(qp), text);
}

TEST(QuotedPrintable, RoundTripsMixedText) {
  std::string text =
      "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln!\n"
      "A line with = signs = and trailing tab\t\n" +
      std::string(300, '-') + "\n.\n" + std::string(100, ' ') + "\nend";
  std::string qp = encode_quoted_printable(text);
  expect_well_formed_qp(qp);
  EXPECT_EQ(decode_quoted_printable(qp), normalize_newlines(text));
}

TEST(Base64, Lines) {
  EXPECT_EQ(encode_base64(""), "");
  EXPECT_EQ(encode_base64("f"), "Zg==");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(encode_base64("foo"), "Zm9v");
  std::string data(200, '\xff');
  std::string b64 = encode_base64(data);
  auto lines = lines_of(b64);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].size(), 76u);
  EXPECT_EQ(lines[3].size(), 268u - 3 * 76);
  EXPECT_EQ(decode_base64(b64), data);
  EXPECT_FALSE(decode_base64("Zm9v!").has_value());
}

TEST(EncodedWords, Short) {
  EXPECT_EQ(encode_words("Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln"),
            "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=");
  EXPECT_EQ(encode_words(""), "");
}

TEST(EncodedWords, LongTextIsSplitOnCharacterBoundaries) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "\xe2\x82\xac x ";  // euro sign: three bytes
  std::string encoded = encode_words(text, 9);             // after "Subject: "
  auto lines = lines_of(encoded);
  ASSERT_GT(lines.size(), 3u);
  std::string decoded;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    EXPECT_LE(line.size() + (i == 0 ? 9 : 0), 76u);
    if (i > 0) {
      ASSERT_EQ(line[0], ' ');
      line.erase(0, 1);
    }
    EXPECT_LE(line.size(), 75u);
    ASSERT_EQ(line.rfind("=?UTF-8?B?", 0), 0u) << line;
    ASSERT_EQ(line.substr(line.size() - 2), "?=");
    auto piece = decode_base64(line.substr(10, line.size() - 12));
    ASSERT_TRUE(piece.has_value());
    EXPECT_TRUE(json::is_valid_utf8(*piece)) << "a word splits a character";
    decoded += *piece;
  }
  EXPECT_EQ(decoded, text);
}

TEST(Newlines, Normalize) {
  EXPECT_EQ(normalize_newlines("a\nb\rc\r\nd"), "a\r\nb\r\nc\r\nd");
  EXPECT_EQ(normalize_newlines("\r\r\n\n"), "\r\n\r\n\r\n");
}

}  // namespace
}  // namespace wire::mail
