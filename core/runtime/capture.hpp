#pragma once
/// @file
/// A task's end as a value, for code that turns any failure into an answer:
///
///     auto added = co_await capture(store.add(entry));
///     if (added.error) co_return answer_for(added.error);
///
/// A cancellation is not captured: it goes on up the chain (whoever awaited is being
/// cancelled too, so there is nobody to answer).
#include <exception>
#include <optional>
#include <type_traits>

#include "core/runtime/cancel.hpp"
#include "core/runtime/task.hpp"

namespace core {

template <class T>
struct Captured {
  std::optional<T> value;  // set when the task returned
  std::exception_ptr error;  // set when it threw
};

template <>
struct Captured<void> {
  std::exception_ptr error;
};

template <class T>
Task<Captured<T>> capture(Task<T> task) {
  Captured<T> out;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
    } else {
      out.value.emplace(co_await std::move(task));
    }
  } catch (const Cancelled&) {
    throw;
  } catch (...) {
    out.error = std::current_exception();
  }
  co_return out;
}

}  // namespace core
