#pragma once
// The logger's answers to a store it could not write to, as texts: the HTTP error body, the
// gRPC status message and the Go RPC error reply (which has nothing but its text). The broker
// answers an outage or a full queue with 503 and a timeout with 504 when it reads the first
// three; any other error reply is 502.
#include <string_view>

namespace wire::contracts {

inline constexpr std::string_view kStoreUnavailable = "database unavailable";
inline constexpr std::string_view kStoreBusy = "database busy";
inline constexpr std::string_view kStoreTimedOut = "database timed out";
inline constexpr std::string_view kStoreFailed = "could not store the entry";

}  // namespace wire::contracts
