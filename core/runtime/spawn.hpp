#pragma once
// Detached tasks: started at once, destroyed when done; an escaping exception is logged.
#include <string>

#include "core/runtime/task.hpp"

namespace core {

/// Starts task now on the calling loop and forgets it. `cancel` (may be null) is the token the
/// task and everything it awaits will observe. `what` names the task in the error log.
void spawn(Task<void> task, CancelToken* cancel = nullptr, std::string what = "task");

}  // namespace core
