#pragma once
// Conversions between our plain types (FieldTable, Properties) and librabbitmq's structs, and
// the frame encoder: every frame we send after set-up is encoded here and written by the
// transport, because amqp_send_frame() polls until the whole frame is written (it blocks).
#include <amqp.h>
#include <amqp_framing.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/amqp/message.hpp"
#include "core/amqp/table.hpp"

namespace core::amqp::detail {

inline amqp_bytes_t bytes_of(std::string_view s) noexcept {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}
inline std::string to_string(amqp_bytes_t b) {
  return b.len ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string();
}

FieldTable decode_table(const amqp_table_t& table);
Properties decode_properties(const amqp_basic_properties_t& props);

/// Scratch memory for building librabbitmq structs (tables, properties) that point into our
/// strings; recycled after each encode.
class EncodeArena {
 public:
  EncodeArena();
  ~EncodeArena();
  EncodeArena(const EncodeArena&) = delete;
  EncodeArena& operator=(const EncodeArena&) = delete;
  amqp_pool_t* pool() noexcept { return &pool_; }
  void recycle() noexcept;

 private:
  amqp_pool_t pool_;
};

/// Valid while `table` and the arena live and the arena is not recycled.
amqp_table_t encode_table(const FieldTable& table, EncodeArena& arena);
amqp_basic_properties_t encode_properties(const Properties& props, EncodeArena& arena);

/// Appends whole frames to an output buffer.
class FrameEncoder {
 public:
  explicit FrameEncoder(std::uint32_t frame_max);

  /// A method frame; throws Error when it does not fit in frame_max.
  void method(std::string& out, std::uint16_t channel, amqp_method_number_t id, void* decoded);
  /// The content header frame and as many body frames as the body needs.
  void content(std::string& out, std::uint16_t channel, const amqp_basic_properties_t& props,
               std::string_view body);
  static void heartbeat(std::string& out);

 private:
  std::uint32_t frame_max_;
  std::vector<char> scratch_;
};

}  // namespace core::amqp::detail
