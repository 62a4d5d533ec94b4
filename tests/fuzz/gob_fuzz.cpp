// Go's gob encoding of net/rpc: the server codec (calls) or the client codec (replies) on
// arbitrary bytes; every decoded call must survive our own re-encoding.
#include <cstdint>

#include "tests/fuzz/rpc_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  fuzz::drive(wire::rpc::Codec::gob, in);
  return 0;
}
