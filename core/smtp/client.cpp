// The worker's side of the SMTP client: checks the envelope, hands the transfer to the SMTP
// thread (core/smtp/thread.hpp) and waits for the result on its own loop. No libcurl here:
// every call into libcurl happens on the SMTP thread.
#include "core/smtp/client.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/runtime/cancel.hpp"
#include "core/runtime/loop.hpp"
#include "core/smtp/thread.hpp"
#include "wire/mail/address.hpp"

namespace core::smtp {

namespace {

// How long after the send's own deadline the worker stops waiting for the SMTP thread to
// report it. The thread normally reports the timeout itself (and closes that connection);
// this only matters when another transfer holds the thread in libcurl's blocking wait.
constexpr std::chrono::milliseconds kReportGrace{100};

void check_path(const std::string& address, const char* what) {
  if (const char* why = wire::mail::address_problem(address)) {
    throw std::invalid_argument(fmt::format("smtp: invalid {} address: {}", what, why));
  }
}

// Awaits one Job on the SMTP thread. Resumes on the caller's loop with the result, or at once
// (on the next turn) with Cancelled when the awaiting chain is cancelled, or with TimeoutError
// when the send's deadline (plus kReportGrace) passed without a result. Giving up posts an
// abort to the SMTP thread; a result arriving afterwards is dropped.
class SendAwaiter {
 public:
  SendAwaiter(std::shared_ptr<detail::SmtpThread> thread, std::shared_ptr<detail::Job> job,
              std::chrono::milliseconds patience)
      : thread_(std::move(thread)), job_(std::move(job)), patience_(patience) {}
  SendAwaiter(const SendAwaiter&) = delete;
  SendAwaiter& operator=(const SendAwaiter&) = delete;
  ~SendAwaiter() {
    if (state_ == State::waiting) abandon();  // the frame is destroyed while suspended here
    if (timer_) {
      timer_->data = nullptr;
      close_handle(timer_);
    }
  }

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    suspend(h, core::detail::token_of(h));
  }
  void await_resume() const {
    if (state_ == State::cancelled) throw Cancelled();
    if (state_ == State::timed_out) throw TimeoutError();
  }

 private:
  enum class State { idle, waiting, done, cancelled, timed_out };

  void suspend(std::coroutine_handle<> h, CancelToken* token) {
    if (token && token->cancelled()) throw Cancelled();
    loop_ = &Loop::current();
    timer_ = new_handle<uv_timer_t>();
    uv_timer_init(loop_->uv(), timer_);
    timer_->data = this;
    job_->origin = loop_->remote();
    job_->on_result = &SendAwaiter::on_result;
    job_->waiter = this;
    thread_->submit(job_);  // throws PoolFull: not suspended then
    h_ = h;
    state_ = State::waiting;
    uv_timer_start(timer_, &SendAwaiter::on_patience, static_cast<std::uint64_t>(patience_.count()),
                   0);
    sub_.subscribe(token, &SendAwaiter::on_cancel, this);
  }

  // Posted by the SMTP thread; runs on this loop (never once the job was abandoned).
  static void on_result(void* self) {
    auto* a = static_cast<SendAwaiter*>(self);
    a->settle(State::done);
    a->h_.resume();
  }
  static void on_cancel(void* self) { static_cast<SendAwaiter*>(self)->give_up(State::cancelled); }
  static void on_patience(uv_timer_t* timer) {
    if (auto* a = static_cast<SendAwaiter*>(timer->data)) a->give_up(State::timed_out);
  }

  void settle(State s) noexcept {
    state_ = s;
    sub_.reset();
    if (timer_) uv_timer_stop(timer_);
  }
  // Never resumes inline (a cancel callback may run deep inside someone else's call).
  void give_up(State s) {
    settle(s);
    abandon();
    loop_->defer(h_);
  }
  void abandon() noexcept {
    job_->abandoned.store(true);
    try {
      thread_->cancel(job_);
    } catch (...) {
      // out of memory for the message: the transfer ends at its own deadline instead
    }
  }

  std::shared_ptr<detail::SmtpThread> thread_;
  std::shared_ptr<detail::Job> job_;
  std::chrono::milliseconds patience_;
  Loop* loop_ = nullptr;
  uv_timer_t* timer_ = nullptr;
  std::coroutine_handle<> h_;
  State state_ = State::idle;
  CancelToken::Subscription sub_;
};

}  // namespace

struct Client::Impl {
  explicit Impl(SmtpOptions options)
      : thread(detail::SmtpThread::acquire()), relay(thread->attach(options)) {}
  ~Impl() { thread->detach(relay); }  // then relay, then thread (the last one joins it)
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  static Task<void> send(Impl* self, Envelope e) {
    check_path(e.mail_from, "mail_from");
    if (e.recipients.empty()) throw std::invalid_argument("smtp: no recipient");
    auto job = std::make_shared<detail::Job>();
    for (const std::string& r : e.recipients) {
      check_path(r, "recipient");
      job->recipients.push_back("<" + r + ">");
    }
    job->relay = self->relay;
    job->mail_from = "<" + e.mail_from + ">";
    job->message = std::move(e.message);
    const SmtpOptions& o = self->relay->options;
    job->deadline = detail::Clock::now() + o.timeout;

    co_await SendAwaiter(self->thread, job, o.timeout + kReportGrace);

    self->connects += job->connects;
    switch (job->outcome) {
      case detail::Job::Outcome::ok:
        ++self->sent;
        co_return;
      case detail::Job::Outcome::timed_out:
        throw TimeoutError();
      case detail::Job::Outcome::failed:
        throw Error(job->curl_code, job->smtp_code, job->error);
      case detail::Job::Outcome::internal:
        break;
    }
    throw std::runtime_error(job->error);
  }

  std::shared_ptr<detail::SmtpThread> thread;
  std::shared_ptr<detail::Relay> relay;
  std::size_t connects = 0;
  std::size_t sent = 0;
};

Client::Client(SmtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Task<void> Client::send(Envelope envelope) { return Impl::send(impl_.get(), std::move(envelope)); }

std::size_t Client::connections_opened() const noexcept { return impl_->connects; }
std::size_t Client::sent() const noexcept { return impl_->sent; }
std::chrono::microseconds Client::longest_stall() const noexcept {
  return impl_->thread->longest_stall();
}
const SmtpOptions& Client::options() const noexcept { return impl_->relay->options; }

}  // namespace core::smtp
