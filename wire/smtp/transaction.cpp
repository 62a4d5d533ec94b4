#include "wire/smtp/transaction.hpp"

#include "wire/smtp/commands.hpp"

namespace wire::smtp {

Transaction::Transaction(std::string_view mail_from, const std::vector<std::string>& recipients,
                         Options options)
    : pipelining_(options.pipelining) {
  if (options.reset_first) {
    commands_.push_back("RSET\r\n");
    expects_.push_back(Expect::reset);
  }
  commands_.push_back(wire::smtp::mail_from(mail_from, options.size));
  expects_.push_back(Expect::mail);
  for (const std::string& r : recipients) {
    commands_.push_back(rcpt_to(r));
    expects_.push_back(Expect::rcpt);
  }
  commands_.push_back("DATA\r\n");
  expects_.push_back(Expect::data);
  expects_.push_back(Expect::end_of_data);
}

std::string Transaction::take_commands() {
  std::string out;
  if (refused_) return out;  // a refused step: nothing more of this transaction goes out
  std::size_t due = pipelining_ ? commands_.size() : std::min(next_reply_ + 1, commands_.size());
  for (; next_command_ < due; ++next_command_) out += commands_[next_command_];
  return out;
}

Transaction::Step Transaction::fail(const Reply& reply, Step step) {
  if (!refused_) failure_ = reply;
  refused_ = true;
  return step;
}

Transaction::Step Transaction::on_reply(const Reply& reply) {
  if (next_reply_ >= expects_.size()) return fail(reply, Step::abandon);  // a reply nobody asked for
  Expect what = expects_[next_reply_++];
  // 421: the relay is closing the session; no further reply will come.
  if (reply.code == 421) return fail(reply, Step::abandon);
  switch (what) {
    case Expect::reset:
      if (reply.klass() != 2) return fail(reply, Step::abandon);
      break;
    case Expect::mail:
    case Expect::rcpt:
      if (reply.klass() != 2) {
        fail(reply, Step::rejected);
        // Without pipelining nothing more was sent: stop here. With it, the replies to what
        // was already sent are still owed and must be read to keep the session in step.
        if (!pipelining_) return Step::rejected;
      }
      break;
    case Expect::data:
      if (reply.code == 354) {
        if (refused_) return Step::abandon;  // never end the data: see the header
        data_sent_ = true;
        return Step::send_data;
      }
      return fail(reply, Step::rejected);
    case Expect::end_of_data:
      if (reply.klass() == 2) return Step::accepted;
      return fail(reply, Step::rejected);
  }
  if (pipelining_) return Step::read;
  return Step::write;
}

}  // namespace wire::smtp
