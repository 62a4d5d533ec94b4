#include "wire/rpc/gob_codec.hpp"

#include "wire/rpc/gob_types.hpp"

namespace wire::rpc {

namespace {

using gob::append_int;
using gob::append_string;
using gob::append_uint;
using gob::DecodeError;
using gob::Reader;

// The ids of the types we define. Go numbers types per process, from 64; these are the ones a
// Go process that only serves (or only calls) picks, so our bytes equal Go's.
constexpr std::int64_t kHeaderType = 64;  // rpc.Request (client) or rpc.Response (server)
constexpr std::int64_t kBodyType = 65;    // RPCPayload (client) or invalidRequest (server)

struct FieldDef {
  std::string_view name;
  std::int64_t type;
};

/// Appends the message defining struct type `id`:
/// -id wireType{StructT: &structType{CommonType{Name, Id}, Field: []fieldType{...}}}.
void append_struct_type(std::string& out, std::int64_t id, std::string_view name,
                        std::initializer_list<FieldDef> fields) {
  gob::append_message(out, [&](std::string& b) {
    append_int(b, -id);
    append_uint(b, 3);  // wireType field 2: StructT
    append_uint(b, 1);  // structType field 0: CommonType
    if (!name.empty()) {
      append_uint(b, 1);  // CommonType.Name
      append_string(b, name);
      append_uint(b, 1);  // CommonType.Id
    } else {
      append_uint(b, 2);  // Name is empty, so omitted: straight to Id
    }
    append_int(b, id);
    append_uint(b, 0);  // end of CommonType
    if (fields.size() > 0) {
      append_uint(b, 1);  // structType.Field
      append_uint(b, fields.size());
      for (const FieldDef& f : fields) {
        append_uint(b, 1);
        append_string(b, f.name);
        append_uint(b, 1);
        append_int(b, f.type);
        append_uint(b, 0);
      }
    }
    append_uint(b, 0);  // end of structType
    append_uint(b, 0);  // end of wireType
  });
}

/// Field-delta writer for one struct value: zero values are omitted, as gob does.
class StructWriter {
 public:
  explicit StructWriter(std::string& out) : out_(out) {}
  void text(int field, std::string_view v) {
    if (v.empty()) return;
    delta(field);
    append_string(out_, v);
  }
  void number(int field, std::uint64_t v) {
    if (v == 0) return;
    delta(field);
    append_uint(out_, v);
  }
  void end() { append_uint(out_, 0); }

 private:
  void delta(int field) {
    append_uint(out_, static_cast<std::uint64_t>(field - last_));
    last_ = field;
  }
  std::string& out_;
  int last_ = -1;
};

/// Framing and type definitions shared by both directions: cuts messages, defines the peer's
/// types, and hands every value message to on_value(type id, reader) until it reports a
/// complete call or reply. Messages that arrive whole are decoded where they lie; bytes of an
/// unfinished one (or of a value that goes on in a message still to come) wait in buf_.
class GobDecoderBase {
 protected:
  explicit GobDecoderBase(std::size_t max_frame) : max_frame_(max_frame) {}

  template <class OnValue>
  DecodeProgress run(std::string_view data, OnValue&& on_value) {
    if (failed_) return {DecodeStatus::error, 0};
    if (ready_) return {DecodeStatus::message, 0};
    const bool buffered = buffering();
    if (buffered) buf_.append(data);
    std::string_view src = buffered ? std::string_view(buf_).substr(buf_pos_) : data;
    std::size_t pos = 0;
    auto settle = [&](DecodeStatus status) -> DecodeProgress {
      // What is left of src: kept in buf_ (all of data counts as consumed), or, decoding in
      // place, handed back to the caller after a message.
      if (buffered) {
        buf_pos_ += pos;
        if (buf_pos_ == buf_.size() || status == DecodeStatus::need_more) {
          buf_.erase(0, buf_pos_);
          buf_pos_ = 0;
        }
      } else if (status == DecodeStatus::need_more) {
        buf_.assign(src.substr(pos));
      } else {
        return {status, pos};
      }
      // Left over: one unfinished message, or a value spread over messages still coming.
      if (status == DecodeStatus::need_more && buf_.size() > 2 * max_frame_ + 16) {
        fail("rpc: one value spans more than " + std::to_string(2 * max_frame_) + " bytes", 0);
        return {DecodeStatus::error, data.size()};
      }
      return {status, data.size()};
    };
    for (;;) {
      gob::FrameCursor frames(src, pos, max_frame_);
      std::string_view frame;
      switch (frames.next(&frame)) {
        case gob::FrameCursor::Step::incomplete:
          return settle(DecodeStatus::need_more);
        case gob::FrameCursor::Step::error:
          fail(frames.error(), 0);
          return settle(DecodeStatus::error);
        case gob::FrameCursor::Step::frame:
          break;
      }
      std::size_t mark = types_.mark();
      try {
        Reader r(frame, &frames);
        std::int64_t id = r.read_int();
        if (id < 0) {
          types_.define(gob::defined_type_id(id), r);
          if (!r.empty()) throw DecodeError("gob: extra data in buffer");
          pos = frames.pos();
          continue;
        }
        bool complete = on_value(id, r);
        pos = frames.pos();
        if (complete) {
          ready_ = true;
          return settle(DecodeStatus::message);
        }
      } catch (const gob::NeedMore&) {
        types_.rollback(mark);  // decoded again, from its first message, when the rest is here
        return settle(DecodeStatus::need_more);
      } catch (const DecodeError& e) {
        fail(e.what(), 0);
        pos = frames.pos();
        return settle(DecodeStatus::error);
      }
    }
  }

  DecodeProgress fail(std::string why, std::size_t consumed) {
    failed_ = true;
    error_ = std::move(why);
    return {DecodeStatus::error, consumed};
  }

  bool buffering() const noexcept { return buf_pos_ < buf_.size(); }

  std::size_t max_frame_;
  std::string buf_;  // bytes not yet decoded, from buf_pos_ on
  std::size_t buf_pos_ = 0;
  gob::TypeRegistry types_;
  bool ready_ = false;
  bool failed_ = false;
  bool in_body_ = false;  // the header of the current call or reply was decoded
  std::string error_;
};

class GobServerCodec final : public ServerCodec, GobDecoderBase {
 public:
  explicit GobServerCodec(std::size_t max_frame) : GobDecoderBase(max_frame) {}

  DecodeProgress feed(std::string_view data) override {
    return run(data, [this](std::int64_t id, Reader& r) { return on_value(id, r); });
  }

  Call take() override {
    ready_ = false;
    Call c = std::move(call_);
    call_ = Call{};
    return c;
  }

  bool partial() const noexcept override { return buffering() || in_body_; }
  const std::string& error() const noexcept override { return error_; }
  std::optional<ReplyTo> error_reply_to() const override {
    if (in_body_) return call_.reply_to;
    return std::nullopt;
  }

  void encode_reply(std::string& out, const ReplyTo& to, std::string_view result) override {
    append_header(out, to, {});
    gob::append_message(out, [&](std::string& b) {
      append_int(b, gob::kString);
      append_uint(b, 0);         // a non-struct top-level value is a singleton: field delta 0
      append_string(b, result);  // sent even when empty
    });
  }

  void encode_error(std::string& out, const ReplyTo& to, std::string_view message) override {
    append_header(out, to, message.empty() ? std::string_view("unspecified error") : message);
    // Go sends its empty `invalidRequest` struct as the body of an error reply.
    if (!sent_invalid_type_) {
      append_struct_type(out, kBodyType, "", {});
      sent_invalid_type_ = true;
    }
    gob::append_message(out, [&](std::string& b) {
      append_int(b, kBodyType);
      append_uint(b, 0);
    });
  }

 private:
  bool on_value(std::int64_t id, Reader& r) {
    if (!in_body_) {
      // rpc.Request{ServiceMethod string; Seq uint64}, and from our own clients the extra
      // RequestID and Traceparent strings (docs/rpc.md): a header that does not decode ends
      // the connection, as in Go.
      ReplyTo to;
      request_id_.clear();
      traceparent_.clear();
      const gob::LocalField header[] = {
          {"ServiceMethod", gob::kString, &to.method, nullptr},
          {"Seq", gob::kUint, nullptr, &to.seq},
          {"RequestID", gob::kString, &request_id_, nullptr},
          {"Traceparent", gob::kString, &traceparent_, nullptr},
      };
      types_.decode_struct(id, r, header, "Request");
      call_ = Call{};
      call_.reply_to = std::move(to);
      in_body_ = true;
      return false;
    }
    // The argument: its messages are whole, so a value that does not fit RPCPayload fails
    // this call only (Go answers it and reads on).
    Payload payload;
    std::string error;
    try {
      const gob::LocalField body[] = {
          {"Name", gob::kString, &payload.name, nullptr},
          {"Data", gob::kString, &payload.data, nullptr},
      };
      types_.decode_struct(id, r, body, "RPCPayload");
    } catch (const DecodeError& e) {
      error = e.what();
    }
    payload.request_id = std::move(request_id_);
    payload.traceparent = std::move(traceparent_);
    call_.payload = std::move(payload);
    call_.error = std::move(error);
    in_body_ = false;
    return true;
  }

  void append_header(std::string& out, const ReplyTo& to, std::string_view error) {
    if (!sent_header_type_) {
      append_struct_type(
          out, kHeaderType, "Response",
          {{"ServiceMethod", gob::kString}, {"Seq", gob::kUint}, {"Error", gob::kString}});
      sent_header_type_ = true;
    }
    gob::append_message(out, [&](std::string& b) {
      append_int(b, kHeaderType);
      StructWriter w(b);
      w.text(0, to.method);
      w.number(1, to.seq);
      w.text(2, error);
      w.end();
    });
  }

  Call call_;
  std::string request_id_;  // of the call whose body comes next
  std::string traceparent_;
  bool sent_header_type_ = false;
  bool sent_invalid_type_ = false;
};

class GobClientCodec final : public ClientCodec, GobDecoderBase {
 public:
  explicit GobClientCodec(std::size_t max_frame) : GobDecoderBase(max_frame) {}

  void encode_call(std::string& out, std::string_view method, std::uint64_t seq,
                   const Payload& payload) override {
    // Go's rpc.Request plus two strings its decoder skips (gob matches fields by name):
    // the request id and the traceparent, each sent only when set (docs/rpc.md).
    if (!sent_types_) {
      append_struct_type(out, kHeaderType, "Request",
                         {{"ServiceMethod", gob::kString},
                          {"Seq", gob::kUint},
                          {"RequestID", gob::kString},
                          {"Traceparent", gob::kString}});
    }
    gob::append_message(out, [&](std::string& b) {
      append_int(b, kHeaderType);
      StructWriter w(b);
      w.text(0, method);
      w.number(1, seq);
      w.text(2, payload.request_id);
      w.text(3, payload.traceparent);
      w.end();
    });
    if (!sent_types_) {
      append_struct_type(out, kBodyType, "RPCPayload",
                         {{"Name", gob::kString}, {"Data", gob::kString}});
      sent_types_ = true;
    }
    gob::append_message(out, [&](std::string& b) {
      append_int(b, kBodyType);
      StructWriter w(b);
      w.text(0, payload.name);
      w.text(1, payload.data);
      w.end();
    });
  }

  DecodeProgress feed(std::string_view data) override {
    return run(data, [this](std::int64_t id, Reader& r) { return on_value(id, r); });
  }

  Reply take() override {
    ready_ = false;
    Reply reply = std::move(reply_);
    reply_ = Reply{};
    return reply;
  }

  bool partial() const noexcept override { return buffering() || in_body_; }
  const std::string& error() const noexcept override { return error_; }

 private:
  bool on_value(std::int64_t id, Reader& r) {
    if (!in_body_) {
      // rpc.Response{ServiceMethod string; Seq uint64; Error string}
      std::string method;
      Reply header;
      const gob::LocalField fields[] = {
          {"ServiceMethod", gob::kString, &method, nullptr},
          {"Seq", gob::kUint, nullptr, &header.seq},
          {"Error", gob::kString, &header.text, nullptr},
      };
      types_.decode_struct(id, r, fields, "Response");
      header.outcome = header.text.empty() ? Reply::Outcome::ok : Reply::Outcome::error;
      reply_ = std::move(header);
      in_body_ = true;
      return false;
    }
    if (reply_.outcome == Reply::Outcome::error) {
      try {
        types_.skip_value(id, r);  // Go's invalidRequest{}, or whatever the peer sent
      } catch (const DecodeError&) {
      }
    } else {
      try {
        reply_.text.assign(types_.decode_string(id, r));
      } catch (const DecodeError& e) {
        reply_.outcome = Reply::Outcome::malformed;
        reply_.text = e.what();
      }
    }
    in_body_ = false;
    return true;
  }

  Reply reply_;
  bool sent_types_ = false;
};

}  // namespace

std::unique_ptr<ServerCodec> make_gob_server_codec(std::size_t max_frame) {
  return std::make_unique<GobServerCodec>(max_frame);
}

std::unique_ptr<ClientCodec> make_gob_client_codec(std::size_t max_frame) {
  return std::make_unique<GobClientCodec>(max_frame);
}

}  // namespace wire::rpc
