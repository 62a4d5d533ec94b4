#include "wire/json/envelope.hpp"

namespace wire::json {

void append_envelope(std::string& out, bool error, std::string_view message, const Value& data) {
  out.reserve(out.size() + message.size() + 40);
  out += error ? R"({"error":true,"message":)" : R"({"error":false,"message":)";
  append_json_string(out, message);
  if (!data.is_null()) {
    out += R"(,"data":)";
    data.dump_to(out);
  }
  out += '}';
}

std::string envelope(bool error, std::string_view message) {
  std::string out;
  append_envelope(out, error, message);
  return out;
}

std::string envelope(bool error, std::string_view message, const Value& data) {
  std::string out;
  append_envelope(out, error, message, data);
  return out;
}

}  // namespace wire::json
