#include "core/runtime/spawn.hpp"

#include <exception>

#include "core/log/log.hpp"
#include "core/log/trace_ids.hpp"

namespace core {

namespace {

// A coroutine that runs eagerly and frees itself at the end.
struct Detached {
  struct promise_type : detail::CancelCarrier {
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}  // run_detached catches everything itself
  };
};

Detached run_detached(Task<void> task, CancelToken* cancel, std::string what) {
  // The promise's token is what `task` inherits when awaited.
  co_await detail::SetToken{cancel};
  try {
    co_await std::move(task);
  } catch (const Cancelled&) {
    log::debug("{} cancelled", what);
  } catch (const std::exception& e) {
    log::error("{} failed: {}", what, e.what());
  } catch (...) {
    log::error("{} failed with an unknown exception", what);
  }
}

}  // namespace

void spawn(Task<void> task, CancelToken* cancel, std::string what) {
  log::KeepTraceIds keep;  // the task runs until its first wait: the caller's ids come back
  run_detached(std::move(task), cancel, std::move(what));
}

}  // namespace core
