#include "core/runtime/poll_handle.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/coro_test.hpp"

namespace {

using core::Poll;
using core::Resume;

// A connected pair of stream sockets, closed at the end of the test.
struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0); }
  ~SocketPair() {
    for (int f : fd) {
      if (f >= 0) ::close(f);
    }
  }
};

// Waits for one wake-up of a poll of fd and yields its events.
class FirstWakeUp final : public core::CallbackAwaiter<int> {
 public:
  FirstWakeUp(int fd, int events) : fd_(fd), events_(events) {}

 private:
  void start() override {
    if (int rc = poll_.open(fd_); rc < 0) throw std::runtime_error("poll open failed");
    poll_.start(events_, &FirstWakeUp::on_poll, this);
  }
  void stop() noexcept override { poll_.close(); }
  static void on_poll(void* arg, int status, int events) {
    auto* self = static_cast<FirstWakeUp*>(arg);
    self->poll_.close();
    self->complete(Resume::now, status < 0 ? status : events);
  }

  int fd_;
  int events_;
  Poll poll_;
};

CORO_TEST(Poll, WakesWhenThePeerWrites) {
  SocketPair s;
  EXPECT_EQ(::write(s.fd[1], "x", 1), 1);
  const int events = co_await FirstWakeUp(s.fd[0], Poll::readable);
  EXPECT_TRUE(events & Poll::readable);
}

CORO_TEST(Poll, WakesWritableOnAFreshSocket) {
  SocketPair s;
  const int events = co_await FirstWakeUp(s.fd[0], Poll::readable | Poll::writable);
  EXPECT_TRUE(events & Poll::writable);
  EXPECT_FALSE(events & Poll::readable);  // nothing was written to it
}

void count_wake_up(void* calls, int, int) { ++*static_cast<int*>(calls); }

CORO_TEST(Poll, NoCallbackAfterClose) {
  SocketPair s;
  int calls = 0;
  Poll poll;
  EXPECT_EQ(poll.open(s.fd[0]), 0);
  poll.start(Poll::readable, &count_wake_up, &calls);
  EXPECT_EQ(poll.events(), Poll::readable);
  poll.close();
  EXPECT_FALSE(poll.is_open());
  EXPECT_EQ(poll.events(), 0);
  EXPECT_EQ(::write(s.fd[1], "x", 1), 1);
  for (int turn = 0; turn < 5; ++turn) co_await core::yield();
  EXPECT_EQ(calls, 0);
}

CORO_TEST(Poll, StopKeepsTheHandleForTheNextStart) {
  SocketPair s;
  int calls = 0;
  Poll poll;
  EXPECT_EQ(poll.open(s.fd[0]), 0);
  poll.start(Poll::readable, &count_wake_up, &calls);
  poll.stop();
  EXPECT_TRUE(poll.is_open());
  EXPECT_EQ(::write(s.fd[1], "x", 1), 1);
  for (int turn = 0; turn < 5; ++turn) co_await core::yield();
  EXPECT_EQ(calls, 0);
  const int events = co_await FirstWakeUp(s.fd[0], Poll::readable);
  EXPECT_TRUE(events & Poll::readable);
}

CORO_TEST(Poll, RefusesABadDescriptor) {
  Poll poll;
  EXPECT_LT(poll.open(-1), 0);
  EXPECT_FALSE(poll.is_open());
  poll.start(Poll::readable, &count_wake_up, nullptr);  // a no-op on a poll that is not open
  EXPECT_EQ(poll.events(), 0);
  co_return;
}

}  // namespace
