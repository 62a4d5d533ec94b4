// The dlq tool's command line.
#include "services/listener/dlq/command.hpp"

#include <gtest/gtest.h>

namespace {

using listener::dlq::Command;
using listener::dlq::parse_command;

TEST(DlqCommand, ListWithDefaultsAndOptions) {
  auto c = parse_command({"list"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verb, Command::Verb::list);
  EXPECT_EQ(c->limit, 100u);
  EXPECT_EQ(c->prefix, "");
  EXPECT_EQ(c->timeout_seconds, 30);
  c = parse_command({"list", "--limit", "5", "--prefix", "t1.", "--timeout", "3"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->limit, 5u);
  EXPECT_EQ(c->prefix, "t1.");
  EXPECT_EQ(c->timeout_seconds, 3);
}

TEST(DlqCommand, ReplayOneOrAll) {
  auto one = parse_command({"replay", "--id", "abc-1"});
  ASSERT_TRUE(one);
  EXPECT_EQ(one->verb, Command::Verb::replay);
  EXPECT_EQ(one->id, "abc-1");
  auto all = parse_command({"replay", "--all"});
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->id.has_value());
}

TEST(DlqCommand, Count) {
  auto c = parse_command({"count"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verb, Command::Verb::count);
}

TEST(DlqCommand, MistakesAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"purge"},
      {"replay"},
      {"replay", "--id", "a", "--all"},
      {"replay", "--id"},
      {"replay", "--id", ""},
      {"list", "--all"},
      {"count", "--id", "a"},
      {"count", "--limit", "3"},
      {"list", "--limit", "0"},
      {"list", "--limit", "x"},
      {"list", "--limit", "70000"},
      {"list", "--timeout", "-1"},
      {"list", "--verbose"},
  };
  for (const auto& args : bad) {
    auto c = parse_command(args);
    EXPECT_FALSE(c) << (args.empty() ? "" : args[0]) << " " << args.size();
    if (!c) EXPECT_EQ(c.error().code, 2);
  }
}

}  // namespace
