#pragma once
// Runs one task to completion on a fresh loop on the calling thread: for tests, tools and
// start-up steps that happen before the workers run.
#include <exception>
#include <optional>

#include "core/runtime/loop.hpp"
#include "core/runtime/spawn.hpp"

namespace core {

namespace detail {
template <class T>
Task<void> capture(Task<T> task, std::optional<T>* out, std::exception_ptr* error, Loop* loop) {
  try {
    out->emplace(co_await std::move(task));
  } catch (...) {
    *error = std::current_exception();
  }
  loop->stop();
}
inline Task<void> capture_void(Task<void> task, std::exception_ptr* error, Loop* loop) {
  try {
    co_await std::move(task);
  } catch (...) {
    *error = std::current_exception();
  }
  loop->stop();
}
}  // namespace detail

/// Runs task on a new loop until it finishes; returns its value or rethrows its exception.
template <class T>
T run_sync(Task<T> task) {
  Loop loop;
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    spawn(detail::capture_void(std::move(task), &error, &loop));
    loop.run();
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<T> out;
    spawn(detail::capture(std::move(task), &out, &error, &loop));
    loop.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
  }
}

}  // namespace core
