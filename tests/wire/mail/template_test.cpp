#include "wire/mail/template.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wire::mail {
namespace {

TEST(Template, FillsHtmlEscaped) {
  std::vector<TemplateValue> values = {{"Message", "<b>Tom & \"Jerry\"</b>"}};
  auto r = fill_template("<p>{{.Message}}</p><p>{{ .Message }}</p>", values, Escaping::html);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r,
            "<p>&lt;b&gt;Tom &amp; &#34;Jerry&#34;&lt;/b&gt;</p>"
            "<p>&lt;b&gt;Tom &amp; &#34;Jerry&#34;&lt;/b&gt;</p>");
}

TEST(Template, FillsPlainRaw) {
  std::vector<TemplateValue> values = {{"Message", "a < b & c"}, {"From", "x@y.z"}};
  auto r = fill_template("{{.From}} says:\n{{.Message}}\n", values, Escaping::none);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "x@y.z says:\na < b & c\n");
}

TEST(Template, ValuesAreNotReexpanded) {
  std::vector<TemplateValue> values = {{"Message", "{{.Message}}"}};
  EXPECT_EQ(fill_template("{{.Message}}", values, Escaping::none).value(), "{{.Message}}");
}

TEST(Template, Errors) {
  std::vector<TemplateValue> values = {{"Message", "m"}};
  EXPECT_EQ(fill_template("{{.Other}}", values, Escaping::html).error().message,
            "template: no value for {{.Other}}");
  EXPECT_EQ(fill_template("{{.Message", values, Escaping::html).error().code, 500);
  EXPECT_FALSE(fill_template("{{if .Message}}", values, Escaping::html).ok());
  EXPECT_FALSE(fill_template("{{.}}", values, Escaping::html).ok());
}

}  // namespace
}  // namespace wire::mail
