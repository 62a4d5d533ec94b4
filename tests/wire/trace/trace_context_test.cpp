#include "wire/trace/trace_context.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wire::trace {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

struct Case {
  const char* name;
  std::string header;
  bool ok;
  std::uint8_t flags = 0;
};

TEST(TraceParent, Table) {
  const std::vector<Case> cases{
      {"valid, sampled", kValid, true, 0x01},
      {"valid, not sampled", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true, 0x00},
      {"unknown flags kept", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", true, 0x09},
      {"optional whitespace around", " \t00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
       true, 0x01},
      {"later version, longer",
       "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds", true, 0x01},
      {"later version, same length", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       true, 0x01},
      {"empty", "", false},
      {"garbage", "hello", false},
      {"version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
      {"version 00, too long", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-00", false},
      {"later version, extra without dash",
       "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", false},
      {"too short", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", false},
      {"upper-case hex", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", false},
      {"all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},
      {"all-zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false},
      {"non-hex trace id", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", false},
      {"non-hex flags", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x", false},
      {"wrong separator", "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
      {"separators moved", "00-4bf92f3577b34da6a3ce929d0e0e47360-0f067aa0ba902b7-01", false},
  };
  for (const Case& c : cases) {
    auto parsed = parse_traceparent(c.header);
    EXPECT_EQ(parsed.has_value(), c.ok) << c.name << ": " << c.header;
    if (parsed && c.ok) {
      EXPECT_EQ(parsed->flags, c.flags) << c.name;
      EXPECT_EQ(to_hex(parsed->trace_id), "4bf92f3577b34da6a3ce929d0e0e4736") << c.name;
      EXPECT_EQ(to_hex(parsed->span_id), "00f067aa0ba902b7") << c.name;
    }
  }
}

TEST(TraceParent, FormatsVersion00AndRoundTrips) {
  auto parsed = parse_traceparent(kValid);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->sampled());
  EXPECT_EQ(format_traceparent(*parsed), kValid);
  auto later = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra");
  ASSERT_TRUE(later);
  EXPECT_EQ(format_traceparent(*later), kValid);  // we speak version 00 onwards
}

TEST(TraceParent, EveryTruncationAndByteFlipIsRejectedOrStillValid) {
  // Garbage never crashes, and a value that parses still formats to 55 characters.
  const std::string v = kValid;
  for (std::size_t n = 0; n < v.size(); ++n) EXPECT_FALSE(parse_traceparent(v.substr(0, n))) << n;
  for (std::size_t i = 0; i < v.size(); ++i) {
    for (char c : {'\0', '-', 'G', 'z', '0', ' '}) {
      std::string m = v;
      m[i] = c;
      if (auto p = parse_traceparent(m)) EXPECT_EQ(format_traceparent(*p).size(), 55u) << m;
    }
  }
}

struct StateCase {
  const char* name;
  std::string header;
  std::string kept;
};

TEST(TraceState, Table) {
  const std::string long_value(257, 'a');
  std::string many;
  for (int i = 0; i < 33; ++i) many += (i ? "," : "") + std::string("k") + std::to_string(i) + "=v";
  const std::vector<StateCase> cases{
      {"one member", "rojo=00f067aa0ba902b7", "rojo=00f067aa0ba902b7"},
      {"two members", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
       "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
      {"tenant@system key", "fw529a3039@dt=abc", "fw529a3039@dt=abc"},
      {"empty members allowed", "a=1,,b=2", "a=1,,b=2"},
      {"trimmed", "  a=1 ", "a=1"},
      {"empty", "", ""},
      {"no equals", "rojo", ""},
      {"upper-case key", "Rojo=1", ""},
      {"value with comma inside member", "a=1=2", ""},
      {"value too long", "a=" + long_value, ""},
      {"33 members", many, ""},
      {"over 512 characters", std::string(513, 'a'), ""},
  };
  for (const StateCase& c : cases) EXPECT_EQ(parse_tracestate(c.header), c.kept) << c.name;
}

}  // namespace
}  // namespace wire::trace
