#include "bench/loadgen/options.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/http/client.hpp"

namespace loadgen {

namespace {

constexpr std::string_view kUsage = R"(loadgen: HTTP/1.1 and logger-RPC load on the project's own runtime

  loadgen [options] http://HOST:PORT/PATH
  loadgen [options] rpc://HOST:PORT            (the logger's RPCServer.LogInfo)
  loadgen [options] amqp://USER:PASS@HOST:PORT/VHOST   (publishes with confirms)

  -c, --connections N   connections, spread over the threads (default 16)
  -t, --threads N       worker threads, one loop each (default 1)
  -d, --duration T      measured time after the warm-up (default 10s; 500ms, 2m, ...)
  -n, --requests N      measure N answered requests instead of a duration (-d then caps
                        the run; without it 10 minutes do)
      --warmup T        load before measuring, not counted (default 0)
  -R, --rate R          open loop: R requests/s over all connections, latency counted from
                        each request's intended send time (default: closed loop)
  -p, --pipeline D      HTTP requests / RPC calls / unconfirmed publishes in flight per
                        connection (default 1)
  -m, --method M        HTTP method (default GET, POST when a body is given)
  -H, --header "N: V"   request header (repeatable)
  -b, --body TEXT       body; each {{counter}} becomes a number unique in the run
      --body-file PATH  body from a file (same placeholders)
      --codec gob|json  RPC codec (default gob)
      --rpc-name NAME   RPC payload Name (default bench); Data is the body
      --exchange X      AMQP exchange (default logs_topic, whose topology is declared)
      --routing-key K   AMQP routing key (default log.INFO)
      --queue Q         AMQP: declare topic exchange X and durable queue Q bound with K
      --timeout T       a request without an answer for T is an error (default 10s)
      --json            print the result as one JSON object
  -q, --quiet           no live progress line
)";

int parse_int(std::string_view text, std::string_view option, long min, long max) {
  long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < min || v > max) {
    throw UsageError(std::string(option) + " wants a whole number from " + std::to_string(min) +
                     " to " + std::to_string(max) + ", got \"" + std::string(text) + "\"");
  }
  return static_cast<int>(v);
}

double parse_positive(std::string_view text, std::string_view option) {
  double v = 0;
  try {
    std::size_t used = 0;
    v = std::stod(std::string(text), &used);
    if (used != text.size()) v = -1;
  } catch (const std::exception&) {
    v = -1;
  }
  if (!(v > 0) || !std::isfinite(v)) {
    throw UsageError(std::string(option) + " wants a positive number, got \"" + std::string(text) +
                     "\"");
  }
  return v;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("--body-file: cannot read " + path);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

void parse_target(Options& o, std::string_view url) {
  o.url = std::string(url);
  if (url.starts_with("amqp://")) {
    auto u = core::amqp::parse_amqp_url(url);
    if (!u) throw UsageError("amqp URL wants amqp://USER:PASS@HOST:PORT/VHOST, got \"" + o.url + "\"");
    o.protocol = Protocol::amqp;
    o.amqp_url = *u;
    o.host = u->host;
    o.port = u->port;
    return;
  }
  if (url.starts_with("rpc://")) {
    o.protocol = Protocol::rpc;
    std::string_view rest = url.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw UsageError("rpc URL wants rpc://HOST:PORT, got \"" + o.url + "\"");
    }
    o.host = std::string(rest.substr(0, colon));
    o.port = parse_int(rest.substr(colon + 1), "rpc port", 1, 65535);
    return;
  }
  try {
    auto u = core::http::HttpUrl::parse(url);
    o.protocol = Protocol::http;
    o.host = u.host;
    o.port = u.port;
    o.authority = u.authority;
    o.target = u.target;
  } catch (const std::invalid_argument& e) {
    throw UsageError("URL: " + std::string(e.what()));
  }
}

}  // namespace

std::string_view usage() { return kUsage; }

std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view option) {
  double scale = 1e9;
  std::string_view number = text;
  if (number.ends_with("ms")) {
    scale = 1e6;
    number.remove_suffix(2);
  } else if (number.ends_with("s")) {
    number.remove_suffix(1);
  } else if (number.ends_with("m")) {
    scale = 60e9;
    number.remove_suffix(1);
  }
  double v = -1;
  try {
    std::size_t used = 0;
    v = std::stod(std::string(number), &used);
    if (used != number.size()) v = -1;
  } catch (const std::exception&) {
  }
  if (!(v >= 0) || !std::isfinite(v) || v * scale > 1e15) {
    throw UsageError(std::string(option) + " wants a duration like 10s or 250ms, got \"" +
                     std::string(text) + "\"");
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(v * scale));
}

Options parse_options(const std::vector<std::string_view>& args) {
  Options o;
  bool have_url = false;
  bool have_body = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    std::string_view inline_value;
    bool has_inline = false;
    if (a.starts_with("--") && a.find('=') != std::string_view::npos) {
      inline_value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_inline = true;
    } else if (a.size() > 2 && a[0] == '-' && a[1] != '-' &&
               std::string_view("ctdnRpmHb").find(a[1]) != std::string_view::npos) {
      inline_value = a.substr(2);  // wrk style: -c256, -d5s
      a = a.substr(0, 2);
      has_inline = true;
    }
    auto value = [&]() -> std::string_view {
      if (has_inline) return inline_value;
      if (i + 1 >= args.size()) throw UsageError(std::string(a) + " wants a value");
      return args[++i];
    };
    if (a == "-c" || a == "--connections") {
      o.connections = parse_int(value(), a, 1, 1'000'000);
    } else if (a == "-t" || a == "--threads") {
      o.threads = parse_int(value(), a, 1, 256);
    } else if (a == "-d" || a == "--duration") {
      o.duration = parse_duration(value(), a);
      if (o.duration.count() == 0) throw UsageError(std::string(a) + " must be above zero");
      o.duration_set = true;
    } else if (a == "-n" || a == "--requests") {
      o.requests = static_cast<std::uint64_t>(parse_int(value(), a, 1, 2'000'000'000));
    } else if (a == "--warmup") {
      o.warmup = parse_duration(value(), a);
    } else if (a == "-R" || a == "--rate") {
      o.rate = parse_positive(value(), a);
    } else if (a == "-p" || a == "--pipeline") {
      o.depth = parse_int(value(), a, 1, 1024);
    } else if (a == "-m" || a == "--method") {
      o.method = std::string(value());
      if (o.method.empty() || o.method.find_first_of(" \r\n") != std::string::npos) {
        throw UsageError("--method wants a token, got \"" + o.method + "\"");
      }
    } else if (a == "-H" || a == "--header") {
      std::string_view h = value();
      const std::size_t colon = h.find(':');
      if (colon == std::string_view::npos || colon == 0 ||
          h.find_first_of("\r\n") != std::string_view::npos) {
        throw UsageError("--header wants \"Name: value\", got \"" + std::string(h) + "\"");
      }
      std::string_view v = h.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      o.headers.push_back({std::string(h.substr(0, colon)), std::string(v)});
    } else if (a == "-b" || a == "--body") {
      o.body = std::string(value());
      have_body = true;
    } else if (a == "--body-file") {
      o.body = read_file(std::string(value()));
      have_body = true;
    } else if (a == "--codec") {
      std::string_view c = value();
      if (c == "gob") o.codec = wire::rpc::Codec::gob;
      else if (c == "json") o.codec = wire::rpc::Codec::json;
      else throw UsageError("--codec wants gob or json, got \"" + std::string(c) + "\"");
    } else if (a == "--exchange") {
      o.exchange = std::string(value());
    } else if (a == "--routing-key") {
      o.routing_key = std::string(value());
    } else if (a == "--queue") {
      o.amqp_queue = std::string(value());
    } else if (a == "--rpc-name") {
      o.rpc_name = std::string(value());
    } else if (a == "--timeout") {
      o.timeout = parse_duration(value(), a);
      if (o.timeout < std::chrono::milliseconds(1)) throw UsageError("--timeout must be at least 1ms");
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "-q" || a == "--quiet") {
      o.progress = false;
    } else if (a.starts_with("-") && a.size() > 1) {
      throw UsageError("unknown option " + std::string(a));
    } else if (have_url) {
      throw UsageError("one URL only, got a second: \"" + std::string(a) + "\"");
    } else {
      parse_target(o, a);
      have_url = true;
    }
  }
  if (!have_url) throw UsageError("a URL is required (http://HOST:PORT/PATH or rpc://HOST:PORT)");
  if (o.connections < o.threads) {
    throw UsageError("--connections (" + std::to_string(o.connections) +
                     ") must be at least --threads (" + std::to_string(o.threads) + ")");
  }
  if (o.method.empty()) o.method = have_body ? "POST" : "GET";
  if (o.protocol == Protocol::rpc && !have_body) o.body = "load {{counter}}";
  if (o.protocol == Protocol::amqp && !have_body) {
    o.body = "{\"name\":\"bench\",\"data\":\"load {{counter}}\"}";
  }
  return o;
}

}  // namespace loadgen
