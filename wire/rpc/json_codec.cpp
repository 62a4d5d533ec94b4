#include "wire/rpc/json_codec.hpp"

#include <fmt/format.h>
#include <strings.h>

#include <optional>

#include "wire/json/escape.hpp"
#include "wire/json/value.hpp"
#include "wire/rpc/json_splitter.hpp"

namespace wire::rpc {

namespace {

using wire::json::append_json_string;
using wire::json::Value;

std::string_view json_kind(const Value& v) {
  if (v.is_null()) return "null";
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_string()) return "string";
  if (v.is_bool()) return "bool";
  return "number";
}

/// Go's encoding/json matches object keys to struct fields case-insensitively.
Value member_folded(const Value& object, std::string_view field) {
  Value exact = object.get(field);
  if (exact.present()) return exact;
  for (const auto& [key, value] : object.members()) {
    if (key.size() == field.size() && strncasecmp(key.data(), field.data(), field.size()) == 0)
      return value;
  }
  return {};
}

/// A string field of the argument; null or absent leaves it empty.
void read_string_field(const Value& object, std::string_view field, std::string* out) {
  Value v = member_folded(object, field);
  if (v.is_null()) return;
  auto s = v.as_string();
  if (!s) {
    throw std::runtime_error(
        fmt::format("json: cannot unmarshal {} into Go struct field RPCPayload.{} of type string",
                    json_kind(v), field));
  }
  out->assign(*s);
}

/// params: Go decodes them into a one-element array holding the argument.
void read_params(const Value& params, Payload* p) {
  if (!params.present()) throw std::runtime_error("jsonrpc: request body missing params");
  if (params.is_null()) return;
  if (!params.is_array()) {
    throw std::runtime_error(fmt::format(
        "json: cannot unmarshal {} into Go value of type [1]interface {{}}", json_kind(params)));
  }
  Value arg = params.at(0);
  if (arg.is_null()) return;
  if (!arg.is_object()) {
    throw std::runtime_error(
        fmt::format("json: cannot unmarshal {} into Go value of type RPCPayload", json_kind(arg)));
  }
  read_string_field(arg, "Name", &p->name);
  read_string_field(arg, "Data", &p->data);
}

void read_meta(const Value& meta, Payload* p) {
  if (!meta.is_object()) return;
  if (auto s = meta.get("request_id").as_string()) p->request_id.assign(*s);
  if (auto s = meta.get("traceparent").as_string()) p->traceparent.assign(*s);
}

/// What both directions share: splitting the stream into JSON objects, parsing one, and the
/// "a message is waiting" / "the stream failed" states.
struct JsonStream {
  explicit JsonStream(std::size_t max_frame) : splitter(max_frame) {}

  /// The next object in data, or (returned) the progress to report when there is none.
  std::optional<DecodeProgress> next(std::string_view data, std::size_t* pos, Value* message) {
    if (failed) return DecodeProgress{DecodeStatus::error, 0};
    if (ready) return DecodeProgress{DecodeStatus::message, 0};
    std::string_view frame;
    switch (splitter.next(data, pos, &frame)) {
      case detail::SplitStep::need_more:
        return DecodeProgress{DecodeStatus::need_more, *pos};
      case detail::SplitStep::error:
        return fail(splitter.error(), *pos);
      case detail::SplitStep::frame:
        break;
    }
    auto parsed = wire::json::parse(frame);
    if (!parsed) return fail("jsonrpc: " + parsed.error().message, *pos);
    *message = std::move(parsed).value();
    return std::nullopt;
  }

  DecodeProgress fail(std::string why, std::size_t pos) {
    failed = true;
    error = std::move(why);
    return {DecodeStatus::error, pos};
  }

  detail::JsonSplitter splitter;
  bool ready = false;
  bool failed = false;
  std::string error;
};

class JsonServerCodec final : public ServerCodec {
 public:
  explicit JsonServerCodec(std::size_t max_frame) : stream_(max_frame) {}

  DecodeProgress feed(std::string_view data) override {
    std::size_t pos = 0;
    Value req;
    if (auto early = stream_.next(data, &pos, &req)) return *early;
    call_ = Call{};
    Value id = req.get("id");
    call_.reply_to.json_id = id.present() ? id.dump() : "null";
    Value method = req.get("method");
    if (auto m = method.as_string()) {
      call_.reply_to.method.assign(*m);
    } else if (method.present() && !method.is_null()) {
      call_.error = fmt::format(
          "json: cannot unmarshal {} into Go struct field serverRequest.method of type string",
          json_kind(method));
    }
    try {
      if (call_.error.empty()) read_params(req.get("params"), &call_.payload);
    } catch (const std::runtime_error& e) {
      call_.error = e.what();
    }
    read_meta(req.get("meta"), &call_.payload);
    stream_.ready = true;
    return {DecodeStatus::message, pos};
  }

  Call take() override {
    stream_.ready = false;
    return std::move(call_);
  }

  bool partial() const noexcept override { return stream_.splitter.partial(); }
  const std::string& error() const noexcept override { return stream_.error; }
  // The object did not parse, so its id is unknown: JSON-RPC answers with a null id.
  std::optional<ReplyTo> error_reply_to() const override { return ReplyTo{}; }

  void encode_reply(std::string& out, const ReplyTo& to, std::string_view result) override {
    out.append("{\"id\":");
    out.append(to.json_id);
    out.append(",\"result\":");
    append_json_string(out, result);
    out.append(",\"error\":null}\n");
  }

  void encode_error(std::string& out, const ReplyTo& to, std::string_view message) override {
    out.append("{\"id\":");
    out.append(to.json_id);
    out.append(",\"result\":null,\"error\":");
    append_json_string(out, message.empty() ? std::string_view("unspecified error") : message);
    out.append("}\n");
  }

 private:
  DecodeProgress fail(std::string why, std::size_t pos) { return stream_.fail(std::move(why), pos); }

  JsonStream stream_;
  Call call_;
};

class JsonClientCodec final : public ClientCodec {
 public:
  explicit JsonClientCodec(std::size_t max_frame) : stream_(max_frame) {}

  void encode_call(std::string& out, std::string_view method, std::uint64_t seq,
                   const Payload& payload) override {
    out.append("{\"method\":");
    append_json_string(out, method);
    out.append(",\"params\":[{\"Name\":");
    append_json_string(out, payload.name);
    out.append(",\"Data\":");
    append_json_string(out, payload.data);
    out.append("}],\"id\":");
    out.append(std::to_string(seq));
    if (!payload.request_id.empty() || !payload.traceparent.empty()) {
      out.append(",\"meta\":{");
      bool first = true;
      if (!payload.request_id.empty()) {
        out.append("\"request_id\":");
        append_json_string(out, payload.request_id);
        first = false;
      }
      if (!payload.traceparent.empty()) {
        if (!first) out.push_back(',');
        out.append("\"traceparent\":");
        append_json_string(out, payload.traceparent);
      }
      out.push_back('}');
    }
    out.append("}\n");
  }

  DecodeProgress feed(std::string_view data) override {
    std::size_t pos = 0;
    Value resp;
    if (auto early = stream_.next(data, &pos, &resp)) return *early;
    // We send integer ids only; anything else cannot be matched to a call.
    auto id = resp.get("id").as_int();
    if (!id || *id < 0) return fail("jsonrpc: reply without a valid id", pos);
    reply_ = Reply{};
    reply_.seq = static_cast<std::uint64_t>(*id);
    Value error = resp.get("error");
    Value result = resp.get("result");
    if (!error.is_null()) {
      reply_.outcome = Reply::Outcome::error;
      if (auto s = error.as_string()) {
        reply_.text = s->empty() ? "unspecified error" : std::string(*s);
      } else {
        reply_.text = "invalid error " + error.dump();
      }
    } else if (auto s = result.as_string()) {
      reply_.text.assign(*s);
    } else {
      reply_.outcome = Reply::Outcome::malformed;
      reply_.text = fmt::format("jsonrpc: reply result is {}, not a string", json_kind(result));
    }
    stream_.ready = true;
    return {DecodeStatus::message, pos};
  }

  Reply take() override {
    stream_.ready = false;
    return std::move(reply_);
  }

  bool partial() const noexcept override { return stream_.splitter.partial(); }
  const std::string& error() const noexcept override { return stream_.error; }

 private:
  DecodeProgress fail(std::string why, std::size_t pos) { return stream_.fail(std::move(why), pos); }

  JsonStream stream_;
  Reply reply_;
};

}  // namespace

std::unique_ptr<ServerCodec> make_json_server_codec(std::size_t max_frame) {
  return std::make_unique<JsonServerCodec>(max_frame);
}

std::unique_ptr<ClientCodec> make_json_client_codec(std::size_t max_frame) {
  return std::make_unique<JsonClientCodec>(max_frame);
}

}  // namespace wire::rpc
