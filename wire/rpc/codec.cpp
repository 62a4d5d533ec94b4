#include "wire/rpc/codec.hpp"

#include "wire/rpc/gob_codec.hpp"
#include "wire/rpc/json_codec.hpp"

namespace wire::rpc {

Codec detect_codec(char first_byte) noexcept {
  switch (first_byte) {
    case '{':
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      return Codec::json;
    default:
      return Codec::gob;
  }
}

std::string_view codec_name(Codec codec) noexcept { return codec == Codec::gob ? "gob" : "json"; }

std::optional<Codec> parse_codec(std::string_view name) noexcept {
  if (name == "gob") return Codec::gob;
  if (name == "json") return Codec::json;
  return std::nullopt;
}

std::unique_ptr<ServerCodec> make_server_codec(Codec codec) {
  return codec == Codec::gob ? make_gob_server_codec() : make_json_server_codec();
}

std::unique_ptr<ClientCodec> make_client_codec(Codec codec) {
  return codec == Codec::gob ? make_gob_client_codec() : make_json_client_codec();
}

}  // namespace wire::rpc
