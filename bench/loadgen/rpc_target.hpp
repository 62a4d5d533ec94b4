#pragma once
// The logger's RPCServer.LogInfo through core/rpc's client: one client per thread, its pool
// holding that thread's connections, calls multiplexed on them.
#include <memory>

#include "bench/loadgen/call_slot.hpp"
#include "core/rpc/client.hpp"

namespace loadgen {

class RpcTarget final : public CallTarget {
 public:
  RpcTarget(const Plan& plan, int connections);
  core::Task<int> call(std::uint64_t counter) override;
  core::Task<void> close() override;

 private:
  const Plan& plan_;
  std::unique_ptr<core::rpc::Client> client_;
};

}  // namespace loadgen
