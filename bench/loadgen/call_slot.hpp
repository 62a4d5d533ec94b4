#pragma once
// One call slot of a request/reply load other than HTTP (the logger's RPC, AMQP publishes
// with confirms): the slot makes one call at a time through a shared CallTarget, so a target
// with C connections and D slots per connection has about D calls in flight on each.
#include <cstdint>
#include <stdexcept>

#include "bench/loadgen/worker_context.hpp"
#include "core/runtime/task.hpp"

namespace loadgen {

/// What a failed call was, in loadgen's error kinds; targets throw it for driver errors.
struct CallFailed : std::runtime_error {
  CallFailed(std::uint64_t ErrorCounts::*kind, const std::string& what)
      : std::runtime_error(what), kind(kind) {}
  std::uint64_t ErrorCounts::*kind;
};

/// Something a slot calls. call() returns the status slot of the answer (kRpcOk, or
/// kRpcErrorReply for a refusal the server sent back) or throws CallFailed.
class CallTarget {
 public:
  virtual ~CallTarget() = default;
  virtual core::Task<int> call(std::uint64_t counter) = 0;
  /// Lets go of the connections before the thread's loop ends.
  virtual core::Task<void> close() = 0;
};

/// Slot `index` (0 .. connections*depth-1 over all threads). Decrements w->running when done.
core::Task<void> call_slot(WorkerContext* w, CallTarget* target, int index);

}  // namespace loadgen
