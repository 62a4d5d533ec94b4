#pragma once
// A relay that misbehaves on purpose, for the SMTP client's tests: it runs on the test's own
// loop (core::TcpListener), so were the client to block that loop the relay would freeze too
// and the test would end at its deadline instead of passing.
#include <algorithm>
#include <memory>
#include <string>

#include "core/net/tcp_listener.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace fake_relay {

struct Script {
  bool pipelining = false;         // offer PIPELINING
  bool hang_after_data = false;    // take the message, never answer its final dot
  std::size_t drop_after = 0;      // close after this many bytes of message (0: never)
  int refuse_mail_of = 0;          // answer the MAIL FROM of this transaction (per connection) with 421 and close
  bool close_idle_after_mail = false;  // after each accepted mail: "421 idle", close
  core::Duration delay{0};         // before every reply
  int rcpt_code = 250;             // the answer to every RCPT TO
  int data_end_code = 250;         // the answer to the final dot
};

// What the relay counts, shared with its connection tasks (they may outlive the Relay
// object by a turn of the loop).
struct State {
  Script script;
  core::CancelToken stop;  // hangs up on every connection
  int connections = 0;
  int serving = 0;
  int mails = 0;           // messages accepted (250 to the final dot)
  int messages_begun = 0;  // 354 answers given
  int rsets = 0;
  int peer_closes = 0;     // connections the client closed
  std::size_t most_commands_at_once = 0;
};

class Relay {
 public:
  explicit Relay(Script script) : state_(std::make_shared<State>()) {
    state_->script = script;
    listener_.listen("127.0.0.1", 0, false, [st = state_](core::TcpStream stream) {
      ++st->connections;
      core::spawn(serve(st, std::move(stream)), &st->stop, "fake relay");
    });
  }
  ~Relay() { state_->stop.cancel(); }
  int port() const { return listener_.port(); }
  State* operator->() const { return state_.get(); }

  /// Stops listening, hangs up on every connection and waits until each one has ended.
  core::Task<void> close() {
    listener_.close();
    state_->stop.cancel();
    for (int i = 0; i < 10000 && state_->serving > 0; ++i) co_await core::sleep(core::Duration(1));
  }

 private:
  std::shared_ptr<State> state_;
  core::TcpListener listener_;

  static core::Task<void> reply(State& st, core::TcpStream& s, std::string text) {
    if (st.script.delay.count() > 0) co_await core::sleep(st.script.delay);
    co_await s.write(text);
  }

  static core::Task<void> serve(std::shared_ptr<State> state, core::TcpStream s) {
    State& st = *state;
    const Script& script = st.script;
    ++st.serving;
    struct Done {
      State* st;
      ~Done() { --st->serving; }
    } done{&st};
    co_await reply(st, s, "220 fake ESMTP\r\n");
    std::string pending;
    bool in_data = false;
    std::size_t data_bytes = 0;
    int transactions = 0;
    for (;;) {
      if (co_await s.read_some() == 0) {
        ++st.peer_closes;
        co_return;
      }
      core::Buffer& in = s.input();
      pending.append(in.readable());
      in.consume(in.size());
      std::size_t commands = 0;
      for (;;) {
        if (in_data) {
          std::size_t end = pending.find("\r\n.\r\n");
          if (script.drop_after > 0 && data_bytes + pending.size() >= script.drop_after) {
            co_return;  // hangs up mid-message (the stream closes with the frame)
          }
          if (end == std::string::npos) {
            data_bytes += pending.size() > 4 ? pending.size() - 4 : 0;
            pending.erase(0, pending.size() > 4 ? pending.size() - 4 : 0);
            break;
          }
          pending.erase(0, end + 5);
          in_data = false;
          data_bytes = 0;
          if (script.hang_after_data) continue;  // never answers; keeps reading
          if (script.data_end_code != 250) {
            co_await reply(st, s, std::to_string(script.data_end_code) + " 5.7.1 no thanks\r\n");
            continue;
          }
          ++st.mails;
          co_await reply(st, s, "250 2.0.0 queued\r\n");
          if (script.close_idle_after_mail) {
            co_await reply(st, s, "421 4.4.2 idle too long\r\n");
            co_return;
          }
          continue;
        }
        std::size_t eol = pending.find("\r\n");
        if (eol == std::string::npos) break;
        std::string verb = pending.substr(0, 4);
        pending.erase(0, eol + 2);
        st.most_commands_at_once = std::max(st.most_commands_at_once, ++commands);
        if (verb == "EHLO") {
          co_await reply(st, s, script.pipelining ? "250-fake\r\n250-PIPELINING\r\n250 SIZE 100000\r\n"
                                              : "250-fake\r\n250 SIZE 100000\r\n");
        } else if (verb == "MAIL") {
          if (++transactions == script.refuse_mail_of) {
            co_await reply(st, s, "421 4.3.2 closing\r\n");
            co_return;
          }
          co_await reply(st, s, "250 ok\r\n");
        } else if (verb == "RCPT") {
          co_await reply(st, s, std::to_string(script.rcpt_code) + " rcpt\r\n");
        } else if (verb == "DATA") {
          ++st.messages_begun;
          in_data = true;
          co_await reply(st, s, "354 go ahead\r\n");
        } else if (verb == "RSET") {
          ++st.rsets;
          co_await reply(st, s, "250 reset\r\n");
        } else if (verb == "QUIT") {
          co_await reply(st, s, "221 bye\r\n");
          co_return;
        } else {
          co_await reply(st, s, "500 what\r\n");
        }
      }
    }
  }
};

}  // namespace fake_relay
