// AMQP: basic properties as a broker sends them (librabbitmq decodes the fuzzed bytes) turned
// into our Properties and FieldTable, encoded back and written as a content header frame plus
// body frames by our FrameEncoder; the frames are then taken apart again: the body reassembles,
// the properties decode, and encoding them once more gives the same bytes. Also a
// basic.publish method frame with fuzzed exchange and routing key.
#include <amqp.h>
#include <amqp_framing.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/amqp/codec.hpp"
#include "core/amqp/error.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

namespace amqp = core::amqp;

struct Pool {
  Pool() { init_amqp_pool(&pool, 4096); }
  ~Pool() { empty_amqp_pool(&pool); }
  amqp_pool_t pool;
};

std::uint32_t be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) | u[3];
}

std::uint64_t be64(const char* p) { return (std::uint64_t{be32(p)} << 32) | be32(p + 4); }

struct Frame {
  int type;
  std::uint16_t channel;
  std::string_view payload;
};

// Cuts the next frame off `bytes`; the end octet and the sizes are checked.
Frame next_frame(std::string_view& bytes) {
  fuzz::check(bytes.size() >= 8, "a whole frame header");
  const auto size = be32(bytes.data() + 3);
  fuzz::check(bytes.size() >= 8 + std::size_t{size}, "a whole frame");
  Frame f{static_cast<unsigned char>(bytes[0]),
          static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[1]) << 8) |
                                     static_cast<unsigned char>(bytes[2])),
          bytes.substr(7, size)};
  fuzz::check(static_cast<unsigned char>(bytes[7 + size]) == AMQP_FRAME_END, "frame end octet");
  bytes.remove_prefix(8 + std::size_t{size});
  return f;
}

// Writes `props` and `body` as frames and takes them apart again; returns the frames.
std::string content_round_trip(const amqp::Properties& props, std::string_view body,
                               std::uint32_t frame_max, amqp::Properties* decoded_again) {
  amqp::detail::EncodeArena arena;
  const amqp_basic_properties_t encoded = amqp::detail::encode_properties(props, arena);
  amqp::detail::FrameEncoder encoder(frame_max);
  std::string out;
  try {
    encoder.content(out, 1, encoded, body);
  } catch (const amqp::Error&) {
    return {};  // properties too large for one frame: refused, not written
  }
  std::string_view rest(out);
  const Frame header = next_frame(rest);
  fuzz::check(header.type == AMQP_FRAME_HEADER && header.channel == 1, "content header first");
  fuzz::check(header.payload.size() + 8 <= frame_max, "header frame within frame_max");
  fuzz::check(header.payload.size() >= 12, "class, weight and body size");
  fuzz::check(be64(header.payload.data() + 4) == body.size(), "body size announced");
  Pool pool;
  void* decoded = nullptr;
  const std::string_view props_bytes = header.payload.substr(12);
  const int rc = amqp_decode_properties(
      AMQP_BASIC_CLASS, &pool.pool,
      amqp_bytes_t{props_bytes.size(), const_cast<char*>(props_bytes.data())}, &decoded);
  fuzz::check(rc == 0, "our properties decode");
  *decoded_again =
      amqp::detail::decode_properties(*static_cast<amqp_basic_properties_t*>(decoded));
  std::string reassembled;
  while (!rest.empty()) {
    const Frame f = next_frame(rest);
    fuzz::check(f.type == AMQP_FRAME_BODY && f.channel == 1, "body frames follow");
    fuzz::check(f.payload.size() + 8 <= frame_max, "body frame within frame_max");
    fuzz::check(!f.payload.empty(), "no empty body frame");
    reassembled.append(f.payload);
  }
  fuzz::check(reassembled == body, "the body reassembles");
  return out;
}

void publish_frame(std::string_view exchange, std::string_view routing_key) {
  amqp_basic_publish_t m{};
  m.exchange = amqp::detail::bytes_of(exchange);
  m.routing_key = amqp::detail::bytes_of(routing_key);
  m.mandatory = 1;
  amqp::detail::FrameEncoder encoder(4096);
  std::string out;
  try {
    encoder.method(out, 3, AMQP_BASIC_PUBLISH_METHOD, &m);
  } catch (const amqp::Error&) {
    fuzz::check(exchange.size() > 255 || routing_key.size() > 255, "only long names are refused");
    return;
  }
  fuzz::check(exchange.size() <= 255 && routing_key.size() <= 255, "a short string fits in 255");
  std::string_view rest(out);
  const Frame f = next_frame(rest);
  fuzz::check(rest.empty() && f.type == AMQP_FRAME_METHOD && f.channel == 3, "one method frame");
  fuzz::check(be32(f.payload.data()) == AMQP_BASIC_PUBLISH_METHOD, "method id");
  Pool pool;
  void* decoded = nullptr;
  const std::string_view args = f.payload.substr(4);
  fuzz::check(amqp_decode_method(AMQP_BASIC_PUBLISH_METHOD, &pool.pool,
                                 amqp_bytes_t{args.size(), const_cast<char*>(args.data())},
                                 &decoded) == 0,
              "our method decodes");
  const auto* back = static_cast<amqp_basic_publish_t*>(decoded);
  fuzz::check(amqp::detail::to_string(back->exchange) == exchange, "exchange survives");
  fuzz::check(amqp::detail::to_string(back->routing_key) == routing_key, "routing key survives");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t mode = in.byte();
  if (mode & 1) {
    const std::string_view exchange = in.field();
    publish_frame(exchange, in.rest());
    return 0;
  }
  const std::uint32_t frame_max = 4096 + 8u * in.byte();
  const std::size_t props_size = (std::size_t{in.byte()} << 8) | in.byte();
  const std::string_view rest = in.rest();
  const std::string_view props_bytes = rest.substr(0, props_size);
  const std::string_view body = rest.substr(std::min(props_size, rest.size()));

  Pool pool;
  void* decoded = nullptr;
  if (amqp_decode_properties(
          AMQP_BASIC_CLASS, &pool.pool,
          amqp_bytes_t{props_bytes.size(), const_cast<char*>(props_bytes.data())},
          &decoded) != 0) {
    return 0;
  }
  const amqp::Properties props =
      amqp::detail::decode_properties(*static_cast<amqp_basic_properties_t*>(decoded));
  (void)amqp::x_death_records(props.headers);

  amqp::Properties once;
  const std::string first = content_round_trip(props, body, frame_max, &once);
  if (first.empty()) return 0;
  amqp::Properties twice;
  const std::string second = content_round_trip(once, body, frame_max, &twice);
  fuzz::check(first == second, "encoding decoded properties again gives the same frames");
  return 0;
}
