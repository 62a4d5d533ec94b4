#pragma once
// One HTTP/1.1 keep-alive connection of the load: sends up to `depth` requests ahead
// (pipelining), reads the responses in order, reconnects after an error or a close, and stops
// at the end of the plan or when its share of --requests is answered.
#include "bench/loadgen/worker_context.hpp"
#include "core/runtime/task.hpp"

namespace loadgen {

/// Sender `index` (0 .. connections-1 over all threads). Decrements w->running when done.
core::Task<void> http_connection(WorkerContext* w, int index);

}  // namespace loadgen
