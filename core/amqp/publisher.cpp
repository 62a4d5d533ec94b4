#include "core/amqp/publisher.hpp"

#include <fmt/format.h>

#include <iterator>
#include <mutex>
#include <random>

#include "core/amqp/connection_core.hpp"
#include "core/metrics/registry.hpp"
#include "core/amqp/error.hpp"

namespace core::amqp {

/// Suspends a publish until its delivery tag is confirmed (or the connection is lost).
class Publisher::ConfirmAwaiter final : public CallbackAwaiter<void> {
 public:
  ConfirmAwaiter(Publisher& p, std::uint64_t tag) : p_(p), tag_(tag) {}
  ~ConfirmAwaiter() { detach(); }

  void resolve(Result r, const std::string& text, std::exception_ptr error) {
    switch (r) {
      case Result::acked:
        return complete(Resume::next_turn);
      case Result::nacked:
        return fail(Resume::next_turn, std::make_exception_ptr(Nacked()));
      case Result::returned:
        return fail(Resume::next_turn, std::make_exception_ptr(Unroutable(text)));
      case Result::lost:
        break;
    }
    if (!error) error = std::make_exception_ptr(ConnectionError("amqp: connection lost before the confirm"));
    fail(Resume::next_turn, std::move(error));
  }

 private:
  void start() override {
    if (Slot* s = p_.find(tag_)) s->waiter = this;
  }
  // The caller stopped waiting; the message is in flight and its confirm still frees the slot.
  void stop() noexcept override { detach(); }
  void detach() noexcept {
    if (Slot* s = p_.find(tag_); s && s->waiter == this) s->waiter = nullptr;
  }

  Publisher& p_;
  std::uint64_t tag_;
};

Publisher::Publisher(detail::ConnectionCore& core, std::size_t window)
    : core_(core),
      window_(window == 0 ? 1 : window),
      unconfirmed_(metrics::registry().gauge("amqp_publish_unconfirmed",
                                             "Published messages whose confirm has not arrived yet")) {
  std::random_device rd;
  id_prefix_ = fmt::format("{:08x}{:08x}-", rd(), rd());
}

Task<void> Publisher::publish(std::string exchange, std::string routing_key, std::string body,
                              Properties props, bool mandatory) {
  detail::Transport* transport = &core_.publishable();
  while (outstanding_ >= window_) {
    co_await window_waiters_.wait();
    transport = &core_.publishable();  // the connection may have changed meanwhile
  }
  if (props.message_id.empty()) props.message_id = next_message_id();
  amqp_basic_publish_t method{};
  method.exchange = detail::bytes_of(exchange);
  method.routing_key = detail::bytes_of(routing_key);
  method.mandatory = mandatory ? 1 : 0;
  transport->send_message(detail::kPublishChannel, AMQP_BASIC_PUBLISH_METHOD, &method, props, body);
  const std::uint64_t tag = next_tag_++;
  Slot slot;
  slot.tag = tag;
  slot.message_id = std::move(props.message_id);
  slots_.push_back(std::move(slot));
  ++outstanding_;
  unconfirmed_.set(static_cast<double>(outstanding_));
  co_await ConfirmAwaiter(*this, tag);
}

Task<void> Publisher::wait_drained() {
  while (outstanding_ > 0) co_await drained_.wait();
}

void Publisher::count_confirm(Result result) {
  static constexpr const char* kNames[] = {"acked", "nacked", "returned", "lost"};
  static metrics::Counter* cells[std::size(kNames)] = {};
  const auto i = static_cast<std::size_t>(result);
  if (i >= std::size(kNames)) return;
  // Registered once per process (first use, under the registry's lock); cells never move.
  static std::once_flag once;
  std::call_once(once, [] {
    for (std::size_t k = 0; k < std::size(kNames); ++k) {
      cells[k] = &metrics::registry().counter("amqp_publish_confirms_total",
                                              "Publisher confirms by result", {{"result", kNames[k]}});
    }
  });
  cells[i]->inc();
}

Publisher::Slot* Publisher::find(std::uint64_t tag) {
  if (slots_.empty() || tag < slots_.front().tag) return nullptr;
  const std::uint64_t index = tag - slots_.front().tag;
  return index < slots_.size() ? &slots_[index] : nullptr;
}

std::string Publisher::next_message_id() { return id_prefix_ + std::to_string(++id_counter_); }

void Publisher::complete(Slot& slot, Result result, std::exception_ptr error) {
  if (slot.done) return;
  slot.done = true;
  --outstanding_;
  unconfirmed_.set(static_cast<double>(outstanding_));
  if (result == Result::acked && slot.returned) result = Result::returned;
  if (result == Result::acked) ++confirmed_total_;
  count_confirm(result);
  if (ConfirmAwaiter* w = std::exchange(slot.waiter, nullptr)) {
    w->resolve(result, slot.return_text, std::move(error));
  }
  window_waiters_.notify_one();
}

void Publisher::on_open() {
  // A new channel numbers its deliveries from 1 again.
  next_tag_ = 1;
}

void Publisher::on_ack(std::uint64_t tag, bool multiple, bool nack) {
  const Result r = nack ? Result::nacked : Result::acked;
  if (multiple) {
    for (Slot& s : slots_) {
      if (s.tag > tag) break;
      complete(s, r);
    }
  } else if (Slot* s = find(tag)) {
    complete(*s, r);
  }
  while (!slots_.empty() && slots_.front().done) slots_.pop_front();
  if (outstanding_ == 0) drained_.notify_all();
}

void Publisher::on_return(const std::string& message_id, std::string text) {
  // A return precedes the ack of the same message; match it by message_id, oldest first.
  for (Slot& s : slots_) {
    if (!s.done && !s.returned && s.message_id == message_id) {
      s.returned = true;
      s.return_text = std::move(text);
      return;
    }
  }
}

void Publisher::on_lost(std::exception_ptr error) {
  for (Slot& s : slots_) complete(s, Result::lost, error);
  slots_.clear();
  outstanding_ = 0;
  unconfirmed_.set(0);
  window_waiters_.notify_all();  // they find the connection gone and throw
  drained_.notify_all();
}

}  // namespace core::amqp
