#include "wire/proto/messages.hpp"

#include "wire/proto/codec.hpp"

namespace wire::proto {

namespace {

/// The string fields of a flat message: `fields[i]` is field number i+1.
struct StringField {
  std::string_view name;
  std::string* out;
};

template <std::size_t N>
Result<void> decode_strings(std::string_view bytes, const StringField (&fields)[N]) {
  Reader reader(bytes);
  Field f;
  for (;;) {
    auto more = reader.next(f);
    if (!more) return more.error();
    if (!more.value()) return {};
    if (f.number > N) continue;  // unknown: skipped
    const StringField& target = fields[f.number - 1];
    if (auto r = read_string(f, target.name, *target.out); !r) return r.error();
  }
}

Result<void> merge_log(std::string_view bytes, Log& m) {
  const StringField fields[] = {{"logEntry.name", &m.name}, {"logEntry.data", &m.data}};
  return decode_strings(bytes, fields);
}

}  // namespace

std::string encode(const Log& m) {
  std::string out;
  append_string_field(out, 1, m.name);
  append_string_field(out, 2, m.data);
  return out;
}

std::string encode(const LogRequest& m) {
  std::string out;
  if (m.has_log_entry) append_bytes_field(out, 1, encode(m.log_entry));
  return out;
}

std::string encode(const LogResponse& m) {
  std::string out;
  append_string_field(out, 1, m.result);
  return out;
}

std::string encode(const MailRequest& m) {
  std::string out;
  append_string_field(out, 1, m.from);
  append_string_field(out, 2, m.to);
  append_string_field(out, 3, m.subject);
  append_string_field(out, 4, m.message);
  return out;
}

std::string encode(const MailResponse& m) {
  std::string out;
  append_string_field(out, 1, m.result);
  return out;
}

Result<LogRequest> decode_log_request(std::string_view bytes) {
  LogRequest m;
  Reader reader(bytes);
  Field f;
  for (;;) {
    auto more = reader.next(f);
    if (!more) return more.error();
    if (!more.value()) return m;
    if (f.number != 1) continue;
    if (f.type != WireType::length_delimited)
      return grpc::status_error(grpc::StatusCode::invalid_argument,
                                "field logEntry has the wrong wire type");
    // A message field seen twice is merged, as protobuf does.
    if (auto r = merge_log(f.bytes, m.log_entry); !r) return r.error();
    m.has_log_entry = true;
  }
}

Result<LogResponse> decode_log_response(std::string_view bytes) {
  LogResponse m;
  const StringField fields[] = {{"result", &m.result}};
  if (auto r = decode_strings(bytes, fields); !r) return r.error();
  return m;
}

Result<MailRequest> decode_mail_request(std::string_view bytes) {
  MailRequest m;
  const StringField fields[] = {
      {"from", &m.from}, {"to", &m.to}, {"subject", &m.subject}, {"message", &m.message}};
  if (auto r = decode_strings(bytes, fields); !r) return r.error();
  return m;
}

Result<MailResponse> decode_mail_response(std::string_view bytes) {
  MailResponse m;
  const StringField fields[] = {{"result", &m.result}};
  if (auto r = decode_strings(bytes, fields); !r) return r.error();
  return m;
}

}  // namespace wire::proto
