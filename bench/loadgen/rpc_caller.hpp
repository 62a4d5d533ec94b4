#pragma once
// One call slot of the RPC load: calls the logger's method through the thread's rpc::Client
// (which spreads the slots' calls over its connections), one call at a time per slot; a
// thread with C connections and depth D runs C*D slots, so about D calls are in flight on
// each connection.
#include "bench/loadgen/worker_context.hpp"
#include "core/rpc/client.hpp"
#include "core/runtime/task.hpp"

namespace loadgen {

/// Slot `index` (0 .. connections*depth-1 over all threads). Decrements w->running when done.
core::Task<void> rpc_caller(WorkerContext* w, core::rpc::Client* client, int index);

}  // namespace loadgen
