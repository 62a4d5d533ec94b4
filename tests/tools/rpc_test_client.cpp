// Our RPC client for interop tests and benchmarks:
//   rpc_test_client HOST:PORT gob|json [--calls N] [--inflight K] [--connections C]
//                   [--seconds S] [--method M] [--quiet]
// makes N calls (or as many as fit in S seconds) of M (default RPCServer.LogInfo) with
// {Name: "n<i>", Data: "d<i>"}, at most K at once (default: all), over C connections
// (default 1). Prints one line per call, in completion order:
//   <i>\tok\t<result>   or   <i>\t<error|timeout|unavailable|protocol>\t<message>
// (not with --quiet), then a summary line:
//   calls=<n> ok=<n> failed=<n> seconds=<s> calls_per_sec=<r>
// Exit status 0 when every call succeeded, 1 otherwise, 2 on bad usage.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/net/tcp_stream.hpp"
#include "core/rpc/client.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"

namespace {

using core::Task;
using Clock = std::chrono::steady_clock;

struct Run {
  core::rpc::Client* client = nullptr;
  std::string method = "RPCServer.LogInfo";
  long calls = -1;  // -1: until the deadline
  Clock::time_point deadline = Clock::time_point::max();
  bool quiet = false;
  long next = 0;
  long ok = 0;
  long failed = 0;
  int running = 0;
};

bool more(Run* r) {
  if (r->calls >= 0) return r->next < r->calls;
  return Clock::now() < r->deadline;
}

Task<void> caller(Run* r) {
  while (more(r)) {
    long i = r->next++;
    const std::string n = std::to_string(i);
    std::string_view kind = "ok";
    std::string text;
    try {
      // Every call carries a request id and a traceparent (JSON: "meta"; gob: two extra header
      // fields), so the interop tests prove that unmodified Go servers accept them.
      text = co_await r->client->call(r->method,
                                      {"n" + n, "d" + n, "rid-" + n,
                                       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"});
    } catch (const core::rpc::Error& e) {
      kind = "error", text = e.what();
    } catch (const core::TimeoutError& e) {
      kind = "timeout", text = e.what();
    } catch (const core::NetError& e) {
      kind = "unavailable", text = e.what();
    } catch (const std::exception& e) {
      kind = "protocol", text = e.what();
    }
    if (kind == "ok")
      ++r->ok;
    else
      ++r->failed;
    if (!r->quiet)
      std::printf("%ld\t%.*s\t%s\n", i, static_cast<int>(kind.size()), kind.data(), text.c_str());
  }
  --r->running;
}

Task<int> run(core::rpc::ClientOptions options, Run r, int inflight) {
  core::rpc::Client client(options);
  r.client = &client;
  auto started = Clock::now();
  r.running = inflight;
  for (int k = 0; k < inflight; ++k) core::spawn(caller(&r));
  while (r.running > 0) co_await core::sleep(core::Duration(1));
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("calls=%ld ok=%ld failed=%ld seconds=%.3f calls_per_sec=%.0f\n", r.ok + r.failed,
              r.ok, r.failed, seconds, static_cast<double>(r.ok + r.failed) / seconds);
  std::fflush(stdout);
  co_return r.failed == 0 ? 0 : 1;
}

int usage() {
  std::fprintf(
      stderr,
      "usage: rpc_test_client HOST:PORT gob|json [--calls N] [--inflight K] [--connections C] "
      "[--seconds S] [--method M] [--quiet]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string_view addr = argv[1];
  auto colon = addr.rfind(':');
  auto codec = wire::rpc::parse_codec(argv[2]);
  if (colon == std::string_view::npos || !codec) return usage();
  core::rpc::ClientOptions options;
  options.host = std::string(addr.substr(0, colon));
  options.port = std::atoi(std::string(addr.substr(colon + 1)).c_str());
  options.codec = *codec;
  options.connections = 1;
  Run r;
  r.calls = 1;
  int inflight = 0;
  for (int i = 3; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--quiet") {
      r.quiet = true;
      continue;
    }
    if (i + 1 >= argc) return usage();
    const char* v = argv[++i];
    if (a == "--calls")
      r.calls = std::atol(v);
    else if (a == "--inflight")
      inflight = std::atoi(v);
    else if (a == "--connections")
      options.connections = static_cast<std::size_t>(std::atoi(v));
    else if (a == "--seconds")
      r.calls = -1,
      r.deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(std::atof(v) * 1000));
    else if (a == "--method")
      r.method = v;
    else
      return usage();
  }
  if (inflight <= 0) inflight = r.calls > 0 ? static_cast<int>(r.calls) : 1;
  options.max_in_flight = static_cast<std::size_t>(inflight) + 1;
  return core::run_sync(run(options, std::move(r), inflight));
}
