#pragma once
/// @file
/// One mail transaction on an open SMTP session, as a state machine without I/O: it says
/// what to write, and reads the relay's replies one at a time (RFC 5321 3.3, RFC 2920).
///
///   Transaction t(from, recipients, options);
///   write(t.take_commands());
///   for (;;) switch (t.on_reply(next_reply())) {
///     case Step::write: write(t.take_commands()); break;   // without PIPELINING
///     case Step::read: break;                              // more replies owed
///     case Step::send_data: write(data_payload(message)); break;
///     case Step::accepted / rejected / abandon: done;
///   }
///
/// With PIPELINING the commands (RSET when asked, MAIL FROM, every RCPT TO, DATA) go in one
/// write and every reply is read in order; without it one command waits for the reply to the
/// one before. A refused sender or recipient refuses the whole mail: nothing of the message
/// is sent. Should the relay still answer DATA with 354 (pipelined), the session is given up
/// (abandon: close the connection, the relay discards the unfinished data) rather than
/// ending the data with "." and delivering an empty mail to the recipients it took.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "wire/smtp/reply.hpp"

namespace wire::smtp {

class Transaction {
 public:
  struct Options {
    bool pipelining = false;
    bool reset_first = false;   ///< start with RSET (a reused session)
    std::size_t size = 0;       ///< the SIZE= parameter of MAIL FROM (0: none)
  };
  enum class Step {
    write,      ///< take_commands() has the next command
    read,       ///< wait for the next reply
    send_data,  ///< 354: write data_payload(message), then read the last reply
    accepted,   ///< the relay took the mail (250 to the end of data)
    rejected,   ///< refused (failure()); the session stays usable for the next mail
    abandon,    ///< the session cannot go on (421, a refusal after 354, RSET refused): close it
  };

  Transaction(std::string_view mail_from, const std::vector<std::string>& recipients,
              Options options);

  /// The commands to write now (empty when none are due).
  std::string take_commands();
  /// Feeds the next reply. Only call while the last step was write/read/send_data.
  Step on_reply(const Reply& reply);
  /// The reply that refused the mail (rejected / abandon).
  const Reply& failure() const noexcept { return failure_; }
  /// True once the message itself was handed over (after send_data): from then on a lost
  /// connection leaves it unknown whether the relay took it.
  bool data_sent() const noexcept { return data_sent_; }

 private:
  enum class Expect { reset, mail, rcpt, data, end_of_data };
  Step fail(const Reply& reply, Step step);

  std::vector<std::string> commands_;  // one per expected reply, before end_of_data
  std::vector<Expect> expects_;
  std::size_t next_reply_ = 0;    // index into expects_
  std::size_t next_command_ = 0;  // commands_ written so far
  bool pipelining_;
  bool data_sent_ = false;
  bool refused_ = false;
  Reply failure_;
};

}  // namespace wire::smtp
