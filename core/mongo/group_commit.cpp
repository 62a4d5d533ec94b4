#include "core/mongo/group_commit.hpp"

#include <algorithm>
#include <coroutine>
#include <deque>
#include <exception>
#include <utility>
#include <vector>

#include "core/runtime/loop.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer_handle.hpp"

namespace core::mongo {

using wire::json::Value;

struct GroupCommit::State : std::enable_shared_from_this<State> {
  /// One add() waiting for its outcome; shared by its awaiter and the queue or batch.
  struct Waiter {
    enum class Stage { queued, sent, finished };
    Value doc;
    Stage stage = Stage::queued;
    std::coroutine_handle<> h;
    std::exception_ptr error;
    State* state = nullptr;
    CancelToken::Subscription sub;
  };

  State(Client& c, std::string coll, GroupCommitOptions o)
      : client(&c), collection(std::move(coll)), options(o) {
    if (options.max_batch == 0) options.max_batch = 1;
    if (options.max_in_flight == 0) options.max_in_flight = 1;
  }

  void bind_loop() {
    if (loop != nullptr) return;
    loop = &Loop::current();
  }

  void enqueue(std::shared_ptr<Waiter> w) {
    w->state = this;
    queue.push_back(std::move(w));
    ++queued;
    ++live;
    pump();
  }

  // Sends what the rules allow now and arms the max_wait timer for what is left. Re-entrant
  // calls (a batch that fails synchronously finishes inside send_batch) only ask for a rerun.
  void pump() {
    if (closed) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    do {
      again = false;
      while (in_flight < options.max_in_flight && queued > 0 &&
             (queued >= options.max_batch || send_partial)) {
        send_partial = false;
        send_batch();
      }
    } while (again);
    send_partial = false;
    if (queued > 0 && in_flight < options.max_in_flight && !timer_armed) {
      timer_armed = true;
      timer.start(options.max_wait, &State::on_timer, this);
    }
    pumping = false;
  }

  void send_batch();

  void batch_done() {
    --in_flight;
    send_partial = true;  // whatever accumulated meanwhile goes now
    pump();
  }

  void finish(Waiter& w, std::exception_ptr error) {
    if (w.stage == Waiter::Stage::finished) return;
    w.stage = Waiter::Stage::finished;
    --live;
    w.error = std::move(error);
    w.sub.reset();
    loop->defer(w.h);  // never resume inline: the caller's code runs on the next turn
  }

  static void on_timer(void* state) {
    auto* self = static_cast<State*>(state);
    self->timer_armed = false;
    self->send_partial = true;
    self->pump();
  }

  static void on_cancel(void* p) {
    auto* w = static_cast<Waiter*>(p);
    if (w->stage == Waiter::Stage::queued) --w->state->queued;  // left in the queue, skipped
    w->state->finish(*w, std::make_exception_ptr(Cancelled()));
  }

  void close() {
    closed = true;
    for (auto& w : queue) {
      if (w->stage != Waiter::Stage::queued) continue;
      --queued;
      finish(*w, std::make_exception_ptr(Cancelled()));
    }
    queue.clear();
    timer.close();
  }

  Client* client;
  std::string collection;
  GroupCommitOptions options;
  Loop* loop = nullptr;
  Timer timer;  // max_wait of a partial batch
  std::deque<std::shared_ptr<Waiter>> queue;
  std::size_t queued = 0;     // waiters in queue still waiting to be sent
  std::size_t live = 0;       // waiters not yet finished (queued or sent)
  std::size_t in_flight = 0;  // batches
  std::uint64_t batches = 0;
  std::uint64_t docs = 0;
  bool timer_armed = false;
  bool send_partial = false;
  bool pumping = false;
  bool again = false;
  bool closed = false;
};

namespace {

using State = GroupCommit::State;
using Waiter = State::Waiter;

// One batch: a single insert_batch per collection (two in parallel with a mirror), then each
// waiter gets its own outcome once every write of the batch has returned.
struct BatchRun {
  std::shared_ptr<State> st;
  std::vector<std::shared_ptr<Waiter>> batch;
  std::vector<std::exception_ptr> errors;
  int writes = 0;  // insert_batch calls still out

  void record(std::exception_ptr failure, const BatchOutcome& outcome) {
    for (auto& e : errors) {
      if (!e && failure) e = failure;
    }
    if (!failure) {
      for (const auto& [index, error] : outcome.failed) {
        if (index < errors.size() && !errors[index]) errors[index] = std::make_exception_ptr(error);
      }
    }
    if (--writes > 0) return;
    for (std::size_t i = 0; i < batch.size(); ++i) st->finish(*batch[i], errors[i]);
    st->batch_done();
  }
};

Task<void> write_batch(std::shared_ptr<BatchRun> run, std::string collection, std::vector<Value> docs) {
  std::exception_ptr failure;
  BatchOutcome outcome;
  try {
    outcome = co_await run->st->client->insert_batch(std::move(collection), std::move(docs));
  } catch (...) {
    failure = std::current_exception();
  }
  run->record(failure, outcome);
}

void run_batch(std::shared_ptr<State> st, std::vector<std::shared_ptr<Waiter>> batch) {
  auto run = std::make_shared<BatchRun>();
  run->errors.resize(batch.size());
  std::vector<Value> docs;
  docs.reserve(batch.size());
  for (const auto& w : batch) docs.push_back(w->doc);
  run->st = std::move(st);
  run->batch = std::move(batch);
  const std::string& mirror = run->st->options.mirror;
  run->writes = mirror.empty() ? 1 : 2;
  // No cancel token: a batch serves many callers and is bounded by the client's deadline.
  if (!mirror.empty()) {
    // Shared nodes: both conversions to BSON only read them.
    spawn(write_batch(run, mirror, docs), nullptr, "mongo group commit (mirror)");
  }
  spawn(write_batch(run, run->st->collection, std::move(docs)), nullptr, "mongo group commit");
}

struct AddAwaiter {
  State* st;
  std::shared_ptr<Waiter> w;

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    CancelToken* token = core::detail::token_of(h);
    if (token != nullptr && token->cancelled()) throw Cancelled();
    w->h = h;
    st->enqueue(w);  // may send at once; an outcome is always deferred, never resumed inline
    if (w->stage != Waiter::Stage::finished) w->sub.subscribe(token, &State::on_cancel, w.get());
  }
  void await_resume() const {
    if (w->error) std::rethrow_exception(w->error);
  }
};

}  // namespace

void State::send_batch() {
  std::vector<std::shared_ptr<Waiter>> batch;
  batch.reserve(std::min(queued, options.max_batch));
  while (!queue.empty() && batch.size() < options.max_batch) {
    std::shared_ptr<Waiter> w = std::move(queue.front());
    queue.pop_front();
    if (w->stage != Waiter::Stage::queued) continue;  // cancelled while queued
    w->stage = Waiter::Stage::sent;
    --queued;
    batch.push_back(std::move(w));
  }
  if (batch.empty()) return;
  ++in_flight;
  ++batches;
  docs += batch.size();
  run_batch(shared_from_this(), std::move(batch));
}

GroupCommit::GroupCommit(Client& client, std::string collection, GroupCommitOptions options)
    : state_(std::make_shared<State>(client, std::move(collection), options)) {}

GroupCommit::~GroupCommit() { state_->close(); }

Task<void> GroupCommit::add(Value doc) {
  State* st = state_.get();
  if (st->closed) throw Cancelled();
  if (st->live >= st->options.max_pending) throw PoolFull("mongo group commit");
  st->bind_loop();
  auto w = std::make_shared<Waiter>();
  w->doc = std::move(doc);
  co_await AddAwaiter{st, std::move(w)};
}

std::uint64_t GroupCommit::batches_sent() const noexcept { return state_->batches; }
std::uint64_t GroupCommit::docs_sent() const noexcept { return state_->docs; }
std::size_t GroupCommit::pending() const noexcept { return state_->live; }

}  // namespace core::mongo
