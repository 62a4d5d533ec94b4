#pragma once
// Group commit: single-document inserts from many concurrent requests go to the server as one
// unordered insert_many. One GroupCommit per worker loop and collection, used only on that loop.
//
// A batch leaves when it reaches max_batch, when its oldest document has waited max_wait, or
// - while batches are in flight - as soon as one returns: requests that arrive during a round
// trip ride the next one. At most max_in_flight batches are in flight; at most max_pending
// documents wait or fly, past that add() throws core::PoolFull (the HTTP layer answers 503).
//
// With a mirror collection every batch is written to both collections at once (two round trips
// in parallel, one queue and one timer): an add() succeeds when both hold the document.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/mongo/client.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"
#include "wire/json/value.hpp"

namespace core::mongo {

struct GroupCommitOptions {
  std::size_t max_batch = 256;
  Duration max_wait = std::chrono::milliseconds(2);
  std::size_t max_pending = 4096;
  std::size_t max_in_flight = 2;
  /// A second collection each batch is also written to, in parallel ("" = none).
  std::string mirror;
};

class GroupCommit {
 public:
  /// client must outlive this object and every batch it sent.
  GroupCommit(Client& client, std::string collection, GroupCommitOptions options = {});
  /// Adds still waiting for a batch fail with Cancelled; batches in flight finish.
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  /// Stores doc with the next batch and resumes with this document's own outcome: a duplicate
  /// _id is success, a batch-level failure (server down, deadline) fails every document in it.
  /// With a mirror, a failure in either collection fails the document (the other may hold it).
  /// Throws core::PoolFull at once when max_pending documents are already waiting. A cancelled
  /// caller stops waiting at once; a document already sent is not recalled.
  Task<void> add(wire::json::Value doc);

  /// Batches sent and documents in them, since construction.
  std::uint64_t batches_sent() const noexcept;
  std::uint64_t docs_sent() const noexcept;
  /// Documents waiting for a batch or in one whose callers still wait.
  std::size_t pending() const noexcept;

  struct State;  // shared with the batches in flight, so it may outlive this object

 private:
  std::shared_ptr<State> state_;
};

}  // namespace core::mongo
