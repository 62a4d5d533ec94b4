#pragma once
/// @file
/// The live connections of one server on one loop: the cap on their number, which of them are
/// busy, the graceful end of them all (drain), and the hard end when the server goes first.
/// A server's per-connection state derives from ConnectionSet::Member; the connection's
/// coroutine owns it, and it leaves the set when it is destroyed.
#include <cstddef>

#include "core/runtime/task.hpp"
#include "core/runtime/wait_list.hpp"

namespace core {

class ConnectionSet {
 public:
  class Member {
   public:
    Member() = default;
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;
    ~Member();

    /// Cancelling it cuts the connection: spawn the connection's work under it (or a child).
    CancelToken token;
    /// A busy member is left to finish by drain(); an idle one is cut at once.
    bool busy = false;

    /// True once the set was destroyed (its server is gone): a connection coroutine that
    /// resumes then must not touch its server.
    bool detached() const noexcept { return set_ == nullptr; }

   private:
    friend class ConnectionSet;
    ConnectionSet* set_ = nullptr;
    Member* prev_ = nullptr;
    Member* next_ = nullptr;
  };

  /// What drain() does to each member when it starts.
  using StopAtDrain = void (*)(Member&);
  /// The default: an idle member is cut at once, a busy one finishes.
  static void cut_if_idle(Member& m);

  explicit ConnectionSet(std::size_t capacity) noexcept : capacity_(capacity) {}
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;
  /// Cuts every member and detaches it first: its coroutine unwinds on a later turn, after
  /// the set (and its server) are gone. A drain in progress must have ended before.
  ~ConnectionSet();

  /// False at the cap or once draining: a new connection is to be refused.
  bool accepting() const noexcept { return !draining_ && size_ < capacity_; }
  bool draining() const noexcept { return draining_; }
  std::size_t size() const noexcept { return size_; }

  /// Adds a member (not yet in any set); it leaves when destroyed.
  void add(Member& m) noexcept;

  /// Refuses new members from now on, applies `stop` to every member, then waits until none
  /// is left. Run it under a deadline: cancelled, it cuts every member still there and throws
  /// Cancelled.
  Task<void> drain(StopAtDrain stop = &ConnectionSet::cut_if_idle);

  /// Cancels every member's token.
  void cut_all();

 private:
  void remove(Member& m) noexcept;

  std::size_t capacity_;
  std::size_t size_ = 0;
  Member* head_ = nullptr;
  bool draining_ = false;
  WaitList drained_;  // drain(), waiting for the last member to leave
};

}  // namespace core
