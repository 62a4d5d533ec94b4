#pragma once
// The process's SMTP thread: its own core::Loop drives libcurl's multi interface (Multi), so
// libcurl's blocking steps (its wait for the reply to the end of DATA is a blocking poll, curl
// issue #8555) hold this thread, never a worker's loop. Workers hand it Jobs and get the
// result back on their own loop through Loop::Remote. Private to core/smtp; this header does
// not include curl (the worker side never touches libcurl).
//
// Lifetime: created by the first Client (SmtpThread::acquire), shared by every Client of the
// process (each holds a shared_ptr), stopped and joined when the last Client is destroyed.
// Clients with equal SmtpOptions share one Relay: one multi handle, one connection cache and
// one max_connections cap for the whole process, and one queue bound (queue_capacity).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/runtime/loop.hpp"
#include "core/smtp/options.hpp"

namespace core::smtp::detail {

using Clock = std::chrono::steady_clock;

/// What the Clients with equal options share.
struct Relay {
  Relay(std::uint64_t id, SmtpOptions options, std::string key);
  const std::uint64_t id;
  const SmtpOptions options;
  const std::string url;  ///< smtp[s]://host:port/helo-domain
  const std::string key;
  std::size_t clients = 0;              ///< guarded by the registry's mutex
  std::atomic<std::size_t> pending{0};  ///< jobs submitted and not yet finished
};

/// One send, shared by the worker that awaits it and the SMTP thread that runs it.
struct Job {
  // Set by the worker before submit, read-only afterwards.
  std::shared_ptr<Relay> relay;
  std::string mail_from;                ///< "<address>"
  std::vector<std::string> recipients;  ///< "<address>" each
  std::string message;
  Clock::time_point deadline;
  std::shared_ptr<Loop::Remote> origin;  ///< the worker's loop (safe after it is gone)
  void (*on_result)(void*) = nullptr;    ///< called on the worker's loop, unless abandoned
  void* waiter = nullptr;

  /// The worker stopped waiting (cancelled, deadline, frame destroyed): the SMTP thread drops
  /// the job and posts nothing back that would touch the waiter. Written on the worker only.
  std::atomic<bool> abandoned{false};

  // The result, written on the SMTP thread before it is posted back.
  enum class Outcome {
    ok,         ///< the relay accepted the DATA
    timed_out,  ///< SmtpOptions::timeout passed
    failed,     ///< a libcurl / relay failure: smtp::Error(curl_code, smtp_code, error)
    internal,   ///< not the relay's doing (setup failed, thread stopped): std::runtime_error
  };
  Outcome outcome = Outcome::failed;
  int curl_code = 0;
  long smtp_code = 0;
  std::string error;         ///< a complete message for smtp::Error / std::runtime_error
  std::size_t connects = 0;  ///< connections this transfer opened
};

class SmtpThread {
 public:
  /// The process's SMTP thread, started on first use. Throws std::runtime_error when the
  /// thread, its loop or libcurl cannot be set up. Blocks the caller only while the thread
  /// starts (once per process lifetime of the thread, when a Client is constructed).
  static std::shared_ptr<SmtpThread> acquire();
  /// Stops the loop, aborts what is left (abandoned sends), closes cached connections, joins.
  ~SmtpThread();
  SmtpThread(const SmtpThread&) = delete;
  SmtpThread& operator=(const SmtpThread&) = delete;

  /// The relay for these options (shared with every other Client that has equal ones).
  std::shared_ptr<Relay> attach(const SmtpOptions& options);
  /// A Client of `relay` is going away; the last one retires it on the SMTP thread.
  void detach(const std::shared_ptr<Relay>& relay);

  /// Queues the job (any thread). Throws core::PoolFull when its relay already has
  /// queue_capacity jobs pending.
  void submit(std::shared_ptr<Job> job);
  /// Stops the job's transfer on the SMTP thread, if it still runs (any thread; set
  /// job->abandoned first).
  void cancel(std::shared_ptr<Job> job);

  /// The longest single call into libcurl on this thread so far.
  std::chrono::microseconds longest_stall() const noexcept {
    return std::chrono::microseconds(longest_stall_us_.load(std::memory_order_relaxed));
  }
  std::thread::id id() const noexcept { return thread_.get_id(); }

 private:
  SmtpThread();
  struct Engine;
  struct Running;
  void main(std::promise<void>* ready);
  void post(std::function<void()> fn);

  // SMTP thread only.
  void start(const std::shared_ptr<Job>& job);
  void abort(const std::shared_ptr<Job>& job);
  void retire(std::uint64_t relay_id);
  void collect(std::uint64_t relay_id);
  void shutdown() noexcept;
  void finish(Engine& engine, Running* running) noexcept;
  void complete(const std::shared_ptr<Job>& job) noexcept;
  Engine& engine_for(const std::shared_ptr<Relay>& relay);

  std::thread thread_;
  std::shared_ptr<Loop::Remote> remote_;
  std::atomic<std::int64_t> longest_stall_us_{0};

  std::mutex registry_mu_;
  std::unordered_map<std::string, std::shared_ptr<Relay>> registry_;
  std::uint64_t next_relay_id_ = 1;

  // SMTP thread only.
  Loop* loop_ = nullptr;
  std::unordered_map<std::uint64_t, std::unique_ptr<Engine>> engines_;
};

}  // namespace core::smtp::detail
