#pragma once
/// @file
/// The trace a log line belongs to: every line written while a coroutine serves a traced
/// request carries "trace_id" and "span_id" (the request's server span). The ids travel by
/// value: each Task's promise holds a copy, inherited from its awaiter and from the coroutine
/// that spawned it, and the copy of the running coroutine sits in a thread_local that every
/// resumption of a Task refreshes (core/runtime/task.hpp). No pointer outlives its request.
#include <array>
#include <cstdint>

namespace core::log {

struct TraceIds {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> span_id{};
  bool set = false;
};

namespace detail {
inline thread_local TraceIds t_trace_ids{};
}  // namespace detail

/// What the running coroutine serves (set == false: no trace).
inline const TraceIds& current_trace_ids() noexcept { return detail::t_trace_ids; }
inline void set_current_trace_ids(const TraceIds& ids) noexcept { detail::t_trace_ids = ids; }

/// Keeps the thread's ids across a resumption from outside the coroutine (a loop callback, a
/// spawn): whatever the resumed coroutine sets, the caller's ids are back afterwards, so code
/// that is no coroutine of a request never logs with a request's ids.
class KeepTraceIds {
 public:
  KeepTraceIds() noexcept : saved_(detail::t_trace_ids) {}
  KeepTraceIds(const KeepTraceIds&) = delete;
  KeepTraceIds& operator=(const KeepTraceIds&) = delete;
  ~KeepTraceIds() { detail::t_trace_ids = saved_; }

 private:
  TraceIds saved_;
};

}  // namespace core::log
