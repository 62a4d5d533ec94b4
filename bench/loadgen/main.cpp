// loadgen: HTTP/1.1 and logger-RPC load on the project's runtime (bench/README.md).
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "bench/loadgen/load_run.hpp"
#include "bench/loadgen/report.hpp"
#include "core/log/log.hpp"

namespace {

// 10,000 connections need more descriptors than the usual soft limit of 1024.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  for (auto a : args) {
    if (a == "-h" || a == "--help") {
      std::fwrite(loadgen::usage().data(), 1, loadgen::usage().size(), stdout);
      return 0;
    }
  }
  loadgen::Options options;
  try {
    options = loadgen::parse_options(args);
  } catch (const loadgen::UsageError& e) {
    std::fprintf(stderr, "loadgen: %s (loadgen --help)\n", e.what());
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  core::log::set_service("loadgen");
  core::log::set_level(core::log::Level::warn);  // the drivers' connect notices are not results
  raise_fd_limit();
  const bool live = options.progress && !options.json && isatty(STDOUT_FILENO);
  std::function<void(const loadgen::Progress&)> on_progress;
  if (live) {
    on_progress = [](const loadgen::Progress& p) {
      std::printf("\r%s\033[K", loadgen::format_progress(p).c_str());
      std::fflush(stdout);
    };
  }
  const loadgen::RunResult result = loadgen::run_load(options, on_progress);
  if (live) std::printf("\r\033[K");
  const std::string text = options.json ? loadgen::format_json(options, result)
                                        : loadgen::format_table(options, result);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return result.answered > 0 ? 0 : 1;
}
