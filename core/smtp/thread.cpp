#include "core/smtp/thread.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>

#include "core/runtime/thread_pool.hpp"  // core::PoolFull
#include "core/smtp/multi.hpp"

namespace core::smtp::detail {

namespace {

std::string relay_url(const SmtpOptions& o) {
  std::string host = o.host.find(':') != std::string::npos && o.host.front() != '['
                         ? "[" + o.host + "]"
                         : o.host;
  return fmt::format("{}://{}:{}/{}", o.encryption == Encryption::tls ? "smtps" : "smtp", host,
                     o.port, o.helo_domain);
}

// Every field: Clients share a relay only when they would configure it identically.
std::string relay_key(const SmtpOptions& o) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}", o.host, o.port, o.username,
                     o.password, encryption_name(o.encryption), o.ca_file ? "1" + *o.ca_file : "0",
                     o.helo_domain, o.timeout.count(), o.max_connections, o.queue_capacity);
}

}  // namespace

Relay::Relay(std::uint64_t id, SmtpOptions o, std::string k)
    : id(id), options(std::move(o)), url(relay_url(options)), key(std::move(k)) {}

// One transfer in the multi: the libcurl objects it needs, owned by the SMTP thread.
struct SmtpThread::Running {
  std::shared_ptr<Job> job;
  EasyPtr easy;
  SlistPtr recipients;
  std::size_t offset = 0;  // of job->message handed to curl so far
  char errbuf[CURL_ERROR_SIZE] = {0};
};

// The SMTP thread's side of one Relay: its multi handle (connections, cache, cap), the easy
// handles kept for reuse and the transfers running.
struct SmtpThread::Engine {
  Engine(SmtpThread* owner, std::shared_ptr<Relay> r)
      : owner(owner),
        relay(std::move(r)),
        multi(relay->options.max_connections, &owner->longest_stall_us_, &Engine::on_done, this) {}

  static std::size_t read(char* buffer, std::size_t size, std::size_t count, void* self) {
    note_curl_thread();
    auto* r = static_cast<Running*>(self);
    const std::string& data = r->job->message;
    std::size_t n = std::min(size * count, data.size() - r->offset);
    std::memcpy(buffer, data.data() + r->offset, n);
    r->offset += n;
    return n;
  }

  // Easy handles are kept for reuse; the connections themselves live in the multi's cache.
  EasyPtr acquire() {
    if (!idle.empty()) {
      EasyPtr easy = std::move(idle.back());
      idle.pop_back();
      return easy;
    }
    EasyPtr easy(curl_easy_init());
    if (!easy) throw std::bad_alloc();
    return easy;
  }

  void release(EasyPtr easy) noexcept {
    if (!easy) return;
    curl_easy_reset(easy.get());
    if (idle.size() < relay->options.max_connections) idle.push_back(std::move(easy));
  }

  void configure(Running& r) {
    CURL* easy = r.easy.get();
    const SmtpOptions& o = relay->options;
    const Job& job = *r.job;
    multi.prepare(easy);
    curl_easy_setopt(easy, CURLOPT_URL, relay->url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, job.mail_from.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, r.recipients.get());
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Engine::read);
    curl_easy_setopt(easy, CURLOPT_READDATA, &r);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, r.errbuf);
    // What is left of the whole-send deadline (the job may have waited in the queue).
    auto left = std::chrono::ceil<std::chrono::milliseconds>(job.deadline - Clock::now());
    long ms = std::max(1L, static_cast<long>(left.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
    // Also bounds libcurl's blocking wait for the reply to QUIT when the cache closes a
    // connection (120 s by default, outside the transfer's timeout).
    long full = static_cast<long>(o.timeout.count());
    curl_easy_setopt(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, std::max(1L, (full + 999) / 1000));
    if (!o.username.empty()) {
      curl_easy_setopt(easy, CURLOPT_USERNAME, o.username.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, o.password.c_str());
    }
    if (o.encryption == Encryption::starttls) {
      curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (o.ca_file) curl_easy_setopt(easy, CURLOPT_CAINFO, o.ca_file->c_str());
  }

  // A transfer finished (its handle already left the multi): the result goes into the job.
  static void on_done(void* self, CURL* easy, void* priv, CURLcode rc) {
    auto* e = static_cast<Engine*>(self);
    auto* r = static_cast<Running*>(priv);
    Job& job = *r->job;
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    job.connects = static_cast<std::size_t>(connects);
    job.curl_code = static_cast<int>(rc);
    if (rc == CURLE_OK) {
      job.outcome = Job::Outcome::ok;
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
      job.outcome = Job::Outcome::timed_out;
    } else {
      long code = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
      const SmtpOptions& o = e->relay->options;
      job.error = fmt::format("smtp {}:{}: {}", o.host, o.port, curl_easy_strerror(rc));
      if (r->errbuf[0] != '\0') job.error += fmt::format(" ({})", r->errbuf);
      if (code != 0) job.error += fmt::format(", SMTP reply {}", code);
      job.smtp_code = code;
      job.outcome = Job::Outcome::failed;
    }
    e->owner->finish(*e, r);
  }

  SmtpThread* owner;
  std::shared_ptr<Relay> relay;
  Multi multi;
  std::vector<EasyPtr> idle;
  std::unordered_map<Job*, std::unique_ptr<Running>> running;
  bool retired = false;  // no Client is left: destroyed once nothing runs
};

// --- the thread ------------------------------------------------------------------------------

std::shared_ptr<SmtpThread> SmtpThread::acquire() {
  static std::mutex mu;
  static std::weak_ptr<SmtpThread> current;
  std::lock_guard lock(mu);
  if (auto running = current.lock()) return running;
  std::shared_ptr<SmtpThread> created(new SmtpThread());
  current = created;
  return created;
}

SmtpThread::SmtpThread() {
  std::promise<void> ready;
  auto started = ready.get_future();
  thread_ = std::thread([this, &ready] { main(&ready); });
  try {
    started.get();
  } catch (...) {
    thread_.join();
    throw;
  }
}

SmtpThread::~SmtpThread() {
  // Only Clients hold this object, so this never runs on the SMTP thread itself.
  post([this] { loop_->stop(); });
  thread_.join();
}

void SmtpThread::main(std::promise<void>* ready) {
  std::optional<Loop> loop;
  try {
    global_init();
    loop.emplace();
  } catch (...) {
    ready->set_exception(std::current_exception());
    return;
  }
  loop_ = &*loop;
  remote_ = loop->remote();
  ready->set_value();  // `ready` is gone from here on
  loop->run();
  shutdown();
  loop_ = nullptr;
}

void SmtpThread::post(std::function<void()> fn) { remote_->post(std::move(fn)); }

std::shared_ptr<Relay> SmtpThread::attach(const SmtpOptions& options) {
  std::string key = relay_key(options);
  std::lock_guard lock(registry_mu_);
  std::shared_ptr<Relay>& relay = registry_[key];
  if (!relay) relay = std::make_shared<Relay>(next_relay_id_++, options, std::move(key));
  ++relay->clients;
  return relay;
}

void SmtpThread::detach(const std::shared_ptr<Relay>& relay) {
  {
    std::lock_guard lock(registry_mu_);
    if (--relay->clients > 0) return;
    registry_.erase(relay->key);
  }
  post([this, id = relay->id] { retire(id); });
}

void SmtpThread::submit(std::shared_ptr<Job> job) {
  Relay& relay = *job->relay;
  std::size_t capacity = std::max<std::size_t>(1, relay.options.queue_capacity);
  if (relay.pending.fetch_add(1) >= capacity) {
    relay.pending.fetch_sub(1);
    throw PoolFull("smtp");
  }
  post([this, job = std::move(job)] { start(job); });
}

void SmtpThread::cancel(std::shared_ptr<Job> job) {
  post([this, job = std::move(job)] { abort(job); });
}

// --- on the SMTP thread ------------------------------------------------------------------------

SmtpThread::Engine& SmtpThread::engine_for(const std::shared_ptr<Relay>& relay) {
  auto it = engines_.find(relay->id);
  if (it == engines_.end()) {
    it = engines_.emplace(relay->id, std::make_unique<Engine>(this, relay)).first;
  }
  return *it->second;
}

void SmtpThread::start(const std::shared_ptr<Job>& job) {
  note_curl_thread();
  if (job->abandoned.load()) {  // the worker gave up before it started
    complete(job);
    return;
  }
  if (Clock::now() >= job->deadline) {  // it waited in the queue past its deadline
    job->outcome = Job::Outcome::timed_out;
    complete(job);
    return;
  }
  Engine* engine = nullptr;
  auto running = std::make_unique<Running>();
  running->job = job;
  try {
    engine = &engine_for(job->relay);
    running->easy = engine->acquire();
    for (const std::string& r : job->recipients) {
      curl_slist* next = curl_slist_append(running->recipients.get(), r.c_str());
      if (next == nullptr) throw std::bad_alloc();
      running->recipients.release();
      running->recipients.reset(next);
    }
    engine->configure(*running);
  } catch (const std::exception& e) {
    if (engine) engine->release(std::move(running->easy));
    job->outcome = Job::Outcome::internal;
    job->error = fmt::format("smtp: {}", e.what());
    complete(job);
    return;
  }
  CURLMcode rc = engine->multi.add(running->easy.get(), running.get());
  if (rc != CURLM_OK) {
    engine->release(std::move(running->easy));
    job->outcome = Job::Outcome::internal;
    job->error = std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc);
    complete(job);
    return;
  }
  engine->running.emplace(job.get(), std::move(running));
}

void SmtpThread::abort(const std::shared_ptr<Job>& job) {
  auto it = engines_.find(job->relay->id);
  if (it == engines_.end()) return;
  Engine& engine = *it->second;
  auto r = engine.running.find(job.get());
  if (r == engine.running.end()) return;  // finished already, or never started
  engine.multi.abort(r->second->easy.get());
  job->outcome = Job::Outcome::internal;
  job->error = "smtp: send cancelled";
  finish(engine, r->second.get());
}

// The transfer left the multi: recycle its handle, hand the result back, and let a retired
// engine go once nothing runs on it (from the loop: this may run inside the multi's callbacks).
void SmtpThread::finish(Engine& engine, Running* running) noexcept {
  std::shared_ptr<Job> job = std::move(running->job);
  engine.release(std::move(running->easy));
  engine.running.erase(job.get());  // frees `running` (and its recipient list)
  complete(job);
  if (engine.retired && engine.running.empty()) {
    loop_->post([this, id = engine.relay->id] { collect(id); });
  }
}

void SmtpThread::complete(const std::shared_ptr<Job>& job) noexcept {
  job->relay->pending.fetch_sub(1);
  if (job->abandoned.load()) return;
  // To the worker's loop (a no-op if that loop is gone). The worker checks `abandoned` again:
  // it may have given up while this was on its way.
  job->origin->post([job] {
    if (!job->abandoned.load()) job->on_result(job->waiter);
  });
}

void SmtpThread::retire(std::uint64_t relay_id) {
  auto it = engines_.find(relay_id);
  if (it == engines_.end()) return;
  it->second->retired = true;
  collect(relay_id);
}

void SmtpThread::collect(std::uint64_t relay_id) {
  auto it = engines_.find(relay_id);
  if (it == engines_.end() || !it->second->retired || !it->second->running.empty()) return;
  engines_.erase(it);  // closes its cached connections (QUIT, bounded by the relay's timeout)
}

void SmtpThread::shutdown() noexcept {
  // No Client is left; what still runs was abandoned by its worker (or outlived its Client).
  for (auto& [id, engine] : engines_) {
    while (!engine->running.empty()) {
      Running* r = engine->running.begin()->second.get();
      engine->multi.abort(r->easy.get());
      r->job->outcome = Job::Outcome::internal;
      r->job->error = "smtp: the SMTP thread stopped";
      finish(*engine, r);
    }
  }
  engines_.clear();
}

}  // namespace core::smtp::detail
