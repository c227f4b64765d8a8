#pragma once

#include <atomic>
#include <cstdint>

namespace quiver::dist {

/// The streams of task output this process has open, for leak checks (the worker's
/// "quiver.status", `quiver cluster status`): once no query runs, both are 0.
struct OpenStreams {
  /// Partitions being served: a DoGet from another task or a client, or a final task's
  /// output read at the front door.
  static std::atomic<int64_t>& served();
  /// Partitions being read by exchanges, from the DoGet call to the stream's end.
  static std::atomic<int64_t>& read();
};

/// Counts one stream in `counter` while alive.
class CountedStream {
 public:
  explicit CountedStream(std::atomic<int64_t>& counter) : counter_(counter) { ++counter_; }
  ~CountedStream() { --counter_; }
  CountedStream(const CountedStream&) = delete;
  CountedStream& operator=(const CountedStream&) = delete;

 private:
  std::atomic<int64_t>& counter_;
};

}  // namespace quiver::dist
