// JSON-RPC 1.0 as net/rpc/jsonrpc speaks it: the object splitter on its own (frames must be
// exactly the stream's objects, in order), then the server codec (calls) or the client codec
// (replies); every decoded call must survive our own re-encoding.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/rpc_driver.hpp"
#include "wire/rpc/json_splitter.hpp"

namespace {

void split(std::string_view bytes, std::size_t cut) {
  wire::rpc::detail::JsonSplitter splitter(4096);
  std::string frames;
  const std::string_view pieces[2] = {bytes.substr(0, cut),
                                      bytes.substr(std::min(cut, bytes.size()))};
  for (std::string_view piece : pieces) {
    std::size_t pos = 0;
    while (true) {
      std::string_view frame;
      const auto step = splitter.next(piece, &pos, &frame);
      fuzz::check(pos <= piece.size(), "position within the fed bytes");
      if (step == wire::rpc::detail::SplitStep::error) return;
      if (step == wire::rpc::detail::SplitStep::need_more) break;
      // Braces and brackets balance; well-formedness is the JSON parser's ("{]" is a frame).
      fuzz::check(!frame.empty() && frame.front() == '{' &&
                      (frame.back() == '}' || frame.back() == ']'),
                  "a frame starts with '{' and ends where the nesting closes");
      fuzz::check(frame.size() <= 4096, "a frame within the limit");
      frames.append(frame);
    }
  }
  fuzz::check(frames.size() <= bytes.size(), "frames are no longer than the input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t mode = in.byte();
  if (mode & 0x80) {
    const std::size_t cut = in.byte() * 2;
    split(in.rest(), cut);
    return 0;
  }
  fuzz::drive(wire::rpc::Codec::json, in);
  return 0;
}
