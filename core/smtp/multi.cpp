#include "core/smtp/multi.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <string>

namespace core::smtp::detail {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

// The poll of one socket. Its uv_poll_t is freed by libuv's close callback, this struct at once.
struct Multi::SocketWatch {
  Multi* multi;
  curl_socket_t fd;
  uv_poll_t* poll;
};

Multi::Multi(std::size_t max_connections, std::atomic<std::int64_t>* longest_stall_us, Done done,
             void* done_arg)
    : loop_(&Loop::current()),
      longest_stall_us_(longest_stall_us),
      done_(done),
      done_arg_(done_arg) {
  global_init();
  note_curl_thread();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Multi::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Multi::on_timer_change);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  long max = static_cast<long>(max_connections > 0 ? max_connections : 1);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, max);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max);
  timer_ = new_handle<uv_timer_t>();
  uv_timer_init(loop_->uv(), timer_);
  timer_->data = this;
}

Multi::~Multi() {
  note_curl_thread();
  // Closing the cached connections calls back on_socket / on_close_socket: they still work.
  curl_multi_cleanup(multi_);
  while (!watches_.empty()) unwatch(watches_.begin()->second);
  timer_->data = nullptr;
  close_handle(timer_);
}

void Multi::prepare(CURL* easy) noexcept {
  // The connection outlives the transfer (connection cache), so its close hook points at the
  // multi, which owns the cache, not at the transfer.
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Multi::on_close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
}

CURLMcode Multi::add(CURL* easy, void* priv) noexcept {
  note_curl_thread();
  curl_easy_setopt(easy, CURLOPT_PRIVATE, priv);
  auto start = std::chrono::steady_clock::now();
  CURLMcode rc = curl_multi_add_handle(multi_, easy);
  note_stall(start);
  return rc;
}

int Multi::on_socket(CURL*, curl_socket_t fd, int what, void* self, void* watch) {
  note_curl_thread();
  auto* m = static_cast<Multi*>(self);
  auto* w = static_cast<SocketWatch*>(watch);
  if (what == CURL_POLL_REMOVE) {
    if (w) m->unwatch(w);
    return 0;
  }
  return m->watch(fd, what, w);
}

int Multi::watch(curl_socket_t fd, int what, SocketWatch* w) {
  if (w == nullptr) {
    // A socket curl has not shown us yet: a new connection, possibly for an easy handle that
    // had another one before. A watch left on the same fd number belongs to a socket that is
    // gone (its number was reused): drop it before polling the new one.
    if (auto it = watches_.find(fd); it != watches_.end()) unwatch(it->second);
    auto* poll = new_handle<uv_poll_t>();
    if (uv_poll_init_socket(loop_->uv(), poll, fd) != 0) {
      ::operator delete(poll);  // never initialised: no close callback will free it
      return -1;
    }
    w = new SocketWatch{this, fd, poll};
    poll->data = w;
    watches_.emplace(fd, w);
    curl_multi_assign(multi_, fd, w);
  }
  int events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= UV_READABLE;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= UV_WRITABLE;
  return uv_poll_start(w->poll, events, &Multi::on_poll) == 0 ? 0 : -1;
}

void Multi::unwatch(SocketWatch* w) noexcept {
  w->poll->data = nullptr;
  close_handle(w->poll);  // stops the poll at once; frees it in the close callback
  watches_.erase(w->fd);
  delete w;
}

int Multi::on_close_socket(void* self, curl_socket_t fd) {
  note_curl_thread();
  // Never close a polled fd: stop its poll first (curl normally said REMOVE already).
  auto* m = static_cast<Multi*>(self);
  if (auto it = m->watches_.find(fd); it != m->watches_.end()) {
    curl_multi_assign(m->multi_, fd, nullptr);  // curl must not hand us the freed watch
    m->unwatch(it->second);
  }
  return ::close(fd);
}

int Multi::on_timer_change(CURLM*, long timeout_ms, void* self) {
  note_curl_thread();
  auto* m = static_cast<Multi*>(self);
  if (timeout_ms < 0) {
    uv_timer_stop(m->timer_);
  } else {
    // 0 means "as soon as possible": curl must not be re-entered from inside this callback,
    // so it runs from the timer on the next turn.
    uv_timer_start(m->timer_, &Multi::on_timer, static_cast<std::uint64_t>(timeout_ms), 0);
  }
  return 0;
}

void Multi::on_timer(uv_timer_t* timer) {
  auto* m = static_cast<Multi*>(timer->data);
  if (m == nullptr) return;
  m->socket_action(CURL_SOCKET_TIMEOUT, 0);
  m->report_finished();
}

void Multi::on_poll(uv_poll_t* poll, int status, int events) {
  auto* w = static_cast<SocketWatch*>(poll->data);
  if (w == nullptr) return;
  Multi* m = w->multi;  // w may be gone after socket_action
  int flags = 0;
  if (status < 0) {
    flags = CURL_CSELECT_ERR;
  } else {
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  }
  m->socket_action(w->fd, flags);
  m->report_finished();
}

void Multi::socket_action(curl_socket_t fd, int flags) noexcept {
  note_curl_thread();
  int running = 0;
  auto start = std::chrono::steady_clock::now();
  curl_multi_socket_action(multi_, fd, flags, &running);
  note_stall(start);
}

void Multi::note_stall(std::chrono::steady_clock::time_point start) noexcept {
  if (longest_stall_us_ == nullptr) return;
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  // Only this (the SMTP) thread writes; others read.
  if (took > longest_stall_us_->load(std::memory_order_relaxed)) {
    longest_stall_us_->store(took, std::memory_order_relaxed);
  }
}

void Multi::report_finished() noexcept {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode result = msg->data.result;  // msg dies with curl_multi_remove_handle
    void* priv = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
    finish(easy, result);
    if (priv) done_(done_arg_, easy, priv, result);
  }
}

void Multi::finish(CURL* easy, CURLcode result) noexcept {
  // A transfer that timed out must not leave its connection in the cache. When libcurl's
  // blocking wait for the reply to the end of DATA gives up, it keeps the connection although
  // that reply is still owed: the next transaction on it would read it as the answer to its
  // own MAIL FROM, and closing it from the cache would block again, waiting for the reply to
  // QUIT. Shutting the socket down (curl still owns and closes the fd) makes curl find it
  // dead: never reused, closed without QUIT. (ACTIVESOCKET only answers while in the multi.)
  if (result == CURLE_OPERATION_TIMEDOUT) {
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
        fd != CURL_SOCKET_BAD) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  auto start = std::chrono::steady_clock::now();
  curl_multi_remove_handle(multi_, easy);
  note_stall(start);
}

// libcurl's SMTP "done" step waits for the reply to the end of DATA with a blocking poll, and
// a handle removed mid-transaction runs that step too (curl issue #4015): it would wait for a
// reply that never comes, up to the transfer's timeout. A 1 ms timeout makes that wait give up
// at once; the connection is closed, never reused.
void Multi::abort(CURL* easy) noexcept {
  note_curl_thread();
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 1L);
  auto start = std::chrono::steady_clock::now();
  curl_multi_remove_handle(multi_, easy);
  note_stall(start);
}

// --- which threads ran curl ------------------------------------------------------------------

namespace {
std::mutex curl_threads_mu;
std::vector<std::thread::id>& curl_thread_list() {
  static auto* list = new std::vector<std::thread::id>();  // never destroyed: any thread may ask
  return *list;
}
}  // namespace

void note_curl_thread() noexcept {
  thread_local bool noted = false;
  if (noted) return;
  noted = true;
  try {
    std::lock_guard lock(curl_threads_mu);
    curl_thread_list().push_back(std::this_thread::get_id());
  } catch (...) {
    // bookkeeping only
  }
}

std::vector<std::thread::id> curl_threads() {
  std::lock_guard lock(curl_threads_mu);
  return curl_thread_list();
}

}  // namespace core::smtp::detail
