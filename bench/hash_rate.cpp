// The work one login does on auth's hashing pool, at full speed: verifying the password
// against an argon2id hash (INTERACTIVE parameters), on T threads for S seconds. The ceiling
// of the auth leg in scripts/bench scenario 2.
//   hash_rate [--threads T] [--seconds S]   prints {"threads":T,"seconds":S,"per_second":R}
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "services/auth/password.hpp"

int main(int argc, char** argv) {
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    else if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
  }
  if (threads < 1 || !(seconds > 0)) {
    std::fprintf(stderr, "usage: hash_rate [--threads T] [--seconds S]\n");
    return 2;
  }
  const std::string hash = auth::password::hash("verysecret");
  std::atomic<long> verified{0};
  std::atomic<bool> wrong{false};
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (std::chrono::steady_clock::now() < deadline) {
        if (!auth::password::verify("verysecret", hash)) wrong = true;
        ++verified;
      }
    });
  }
  for (auto& t : pool) t.join();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (wrong) {
    std::fprintf(stderr, "hash_rate: a verification failed\n");
    return 1;
  }
  std::printf("{\"threads\":%d,\"seconds\":%.2f,\"per_second\":%.1f}\n", threads, took,
              static_cast<double>(verified.load()) / took);
  return 0;
}
