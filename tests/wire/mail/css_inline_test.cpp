#include "wire/mail/css_inline.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wire::mail {
namespace {

std::string inlined(std::string_view html) {
  auto r = inline_css(html);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : std::string();
}

TEST(CssInline, ElementSelector) {
  EXPECT_EQ(inlined("<style>p { color: red; margin: 0 }</style><p>x</p><div>y</div>"),
            "<p style=\"color: red; margin: 0\">x</p><div>y</div>");
}

// Found by the css_inline fuzz target: a declaration whose text holds markup ("<style>") was
// copied into every matching tag's style attribute as it was.
TEST(CssInline, MarkupInADeclarationStaysTextInTheAttribute) {
  std::string out = inlined("<style>p{font-family:a<style>b}</style><p>x</p><p>y</p>");
  EXPECT_EQ(out.find("<style"), std::string::npos) << out;
  EXPECT_NE(out.find("&lt;style&gt;"), std::string::npos) << out;
}

TEST(CssInline, ClassAndIdSelectors) {
  EXPECT_EQ(inlined("<style>.note{font-weight:bold} #top{padding:4px}</style>"
                    "<p class=\"intro note\">a</p><p class=\"notes\">b</p><div id=\"top\">c</div>"),
            "<p class=\"intro note\" style=\"font-weight: bold\">a</p><p class=\"notes\">b</p>"
            "<div id=\"top\" style=\"padding: 4px\">c</div>");
}

TEST(CssInline, CommaListsAndCompounds) {
  EXPECT_EQ(inlined("<style>h1, h2 ,.big { font-size: 20px }\np.x { color: blue }</style>"
                    "<h1>a</h1><h2>b</h2><span class=big>c</span><p>d</p><p class='x'>e</p>"),
            "<h1 style=\"font-size: 20px\">a</h1><h2 style=\"font-size: 20px\">b</h2>"
            "<span class=big style=\"font-size: 20px\">c</span><p>d</p>"
            "<p class='x' style=\"color: blue\">e</p>");
}

TEST(CssInline, SpecificityElementClassId) {
  // Written most specific first: the order in the sheet must not matter.
  EXPECT_EQ(inlined("<style>#i { color: green } .c { color: blue; margin: 1px } "
                    "p { color: red; padding: 2px }</style><p class=\"c\" id=\"i\">x</p>"),
            "<p class=\"c\" id=\"i\" style=\"color: green; padding: 2px; margin: 1px\">x</p>");
}

TEST(CssInline, LaterRuleWinsAtEqualSpecificity) {
  EXPECT_EQ(inlined("<style>p { color: red } p { color: blue }</style><p>x</p>"),
            "<p style=\"color: blue\">x</p>");
}

TEST(CssInline, ExistingInlineStyleIsKeptAndWins) {
  EXPECT_EQ(inlined("<style>#i.c { color: red; margin: 0 }</style>"
                    "<p id=\"i\" class=\"c\" style=\"color: black; border: none\">x</p>"),
            "<p id=\"i\" class=\"c\" style=\"color: black; margin: 0; border: none\">x</p>");
}

TEST(CssInline, ImportantBeatsInline) {
  EXPECT_EQ(inlined("<style>p { color: red !important; margin: 0 }</style>"
                    "<p style=\"color: black; margin: 5px\">x</p>"),
            "<p style=\"margin: 5px; color: red !important\">x</p>");
}

TEST(CssInline, QuotesInValuesAreEscaped) {
  EXPECT_EQ(inlined("<style>body { font-family: \"Helvetica Neue\", Arial; background: "
                    "url(data:image/png;base64,AA==) }</style><body>x</body>"),
            "<body style=\"font-family: &quot;Helvetica Neue&quot;, Arial; background: "
            "url(data:image/png;base64,AA==)\">x</body>");
  // An existing style attribute with entities is decoded, merged, and escaped again.
  EXPECT_EQ(inlined("<style>p{margin:0}</style><p style=\"font-family: &quot;A B&quot;\">x</p>"),
            "<p style=\"margin: 0; font-family: &quot;A B&quot;\">x</p>");
}

TEST(CssInline, SelfClosingAndUnquotedAttributes) {
  EXPECT_EQ(inlined("<style>img { border: 0 } br{clear:both}</style><img src=a.png /><br/><br>"),
            "<img src=a.png style=\"border: 0\" /><br style=\"clear: both\"/>"
            "<br style=\"clear: both\">");
}

TEST(CssInline, UnsupportedRulesStayInAStyleBlock) {
  EXPECT_EQ(inlined("<head><style type=\"text/css\">/* c */ a:hover { color: red } p, div p "
                    "{ margin: 0 } @media (max-width: 600px) { p { width: 100% } }</style></head>"
                    "<p>x</p>"),
            "<head><style type=\"text/css\">\na:hover { color: red }\ndiv p { margin: 0 }\n"
            "@media (max-width: 600px) { p { width: 100% } }\n</style></head>"
            "<p style=\"margin: 0\">x</p>");
}

TEST(CssInline, StyleBlocksRemovedAndRulesApplyBeforeThem) {
  EXPECT_EQ(inlined("<p>a</p><style>p{color:red}</style><style>.k{margin:0}</style>"
                    "<p class=k>b</p>"),
            "<p style=\"color: red\">a</p><p class=k style=\"color: red; margin: 0\">b</p>");
}

TEST(CssInline, CommentsDoctypeAndCaseAreHandled) {
  EXPECT_EQ(inlined("<!DOCTYPE html><!-- <p> not a tag --><STYLE>P{Color:red}</STYLE><P>x</P>"
                    "</p>"),
            "<!DOCTYPE html><!-- <p> not a tag --><P style=\"color: red\">x</P></p>");
}

TEST(CssInline, NoStyleBlockLeavesHtmlAlone) {
  const std::string html = "<html><body class=\"a\"><p>x &lt; y</p> a < b</body></html>";
  EXPECT_EQ(inlined(html), html);
}

TEST(CssInline, Errors) {
  EXPECT_FALSE(inline_css("<style>p { color: red </style>").ok());
  EXPECT_FALSE(inline_css("<style>p { color: red }").ok());
  EXPECT_EQ(inline_css("<style>p { color: red } } </style>").error().code, 500);
}

}  // namespace
}  // namespace wire::mail
