#pragma once
// RAII for librabbitmq objects and the one helper that turns its error codes and RPC replies
// into our exceptions. Only core/amqp includes this (and amqp.h).
#include <amqp.h>
#include <amqp_framing.h>

#include <memory>
#include <string>
#include <string_view>

namespace core::amqp::detail {

struct ConnectionStateDeleter {
  void operator()(amqp_connection_state_t conn) const noexcept { amqp_destroy_connection(conn); }
};
/// Owns a connection state; destroying it closes the socket (stop polling it first).
using ConnectionPtr = std::unique_ptr<amqp_connection_state_t_, ConnectionStateDeleter>;

/// Throws ConnectionError for a library error, ServerError (with the reply code) when the
/// broker closed the channel or connection; `what` names the step ("queue.declare x").
void check_reply(const amqp_rpc_reply_t& reply, std::string_view what);
/// Throws ConnectionError when status < 0 (an amqp_status_enum).
void check_status(int status, std::string_view what);

/// "404 NOT_FOUND - no queue 'x'" for a channel.close / connection.close method.
std::string describe_close(const amqp_method_t& method, int* code = nullptr);

}  // namespace core::amqp::detail
