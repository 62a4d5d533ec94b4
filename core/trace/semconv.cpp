#include "core/trace/semconv.hpp"

#include <exception>
#include <string>

namespace core::trace {

Span db_span(const Span* parent, std::string_view system, std::string_view operation,
             std::string_view target) {
  if (parent == nullptr) return Span();
  std::string name(operation);
  if (!target.empty()) name.append(1, ' ').append(target);
  Span span = parent->child(name, wire::trace::SpanKind::client);
  if (span.recording()) {
    span.set("db.system.name", std::string(system));
    span.set("db.operation.name", std::string(operation));
    if (!target.empty()) span.set("db.collection.name", std::string(target));
  }
  return span;
}

Span rpc_server_span(std::string_view service_method, std::string_view traceparent) {
  const std::size_t dot = service_method.rfind('.');
  std::string name(service_method);
  if (dot != std::string_view::npos) name[dot] = '/';
  Span span = Span::remote(name, wire::trace::SpanKind::server, traceparent);
  if (span.recording()) {
    span.set("rpc.system", std::string("net_rpc"));
    if (dot != std::string_view::npos) {
      span.set("rpc.service", std::string(service_method.substr(0, dot)));
      span.set("rpc.method", std::string(service_method.substr(dot + 1)));
    }
  }
  return span;
}

void record_exception(Span& span, const std::exception_ptr& error) {
  if (!span.recording() || !error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    span.set_error(e.what());
  } catch (...) {
    span.set_error("unknown error");
  }
}

}  // namespace core::trace
