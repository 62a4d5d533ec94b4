#include "core/amqp/wrappers.hpp"

#include <fmt/format.h>

#include "core/amqp/codec.hpp"
#include "core/amqp/error.hpp"

namespace core::amqp::detail {

std::string describe_close(const amqp_method_t& method, int* code) {
  int reply_code = 0;
  std::string text;
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD && method.decoded) {
    const auto* m = static_cast<const amqp_channel_close_t*>(method.decoded);
    reply_code = m->reply_code;
    text = to_string(m->reply_text);
  } else if (method.id == AMQP_CONNECTION_CLOSE_METHOD && method.decoded) {
    const auto* m = static_cast<const amqp_connection_close_t*>(method.decoded);
    reply_code = m->reply_code;
    text = to_string(m->reply_text);
  } else {
    text = fmt::format("unexpected method {}", amqp_method_name(method.id));
  }
  if (code) *code = reply_code;
  return text;  // RabbitMQ's reply text already starts with the code's name
}

void check_reply(const amqp_rpc_reply_t& reply, std::string_view what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return;
    case AMQP_RESPONSE_NONE:
      throw ConnectionError(fmt::format("amqp {}: no reply", what));
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      throw ConnectionError(
          fmt::format("amqp {}: {}", what, amqp_error_string2(reply.library_error)));
    case AMQP_RESPONSE_SERVER_EXCEPTION: {
      int code = 0;
      const std::string text = describe_close(reply.reply, &code);
      throw ServerError(code, fmt::format("amqp {}: {}", what, text));
    }
  }
  throw ConnectionError(fmt::format("amqp {}: unknown reply", what));
}

void check_status(int status, std::string_view what) {
  if (status < 0)
    throw ConnectionError(fmt::format("amqp {}: {}", what, amqp_error_string2(status)));
}

}  // namespace core::amqp::detail
