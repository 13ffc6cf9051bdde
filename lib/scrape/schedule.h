#pragma once

// When each target of a repeated scrape is due: target i every intervals[i] seconds from a
// common start, `count` scrapes each (0: no end). A tick missed because scrapes ran long is
// skipped, not caught up, as Prometheus does. Unlike Prometheus, targets are not spread over
// their interval: targets with one interval are scraped together, so a round's output stays
// together.

#include <cstddef>
#include <optional>
#include <vector>

namespace promotel::scrape {

class Schedule {
 public:
  Schedule(std::vector<double> intervals_seconds, int count);

  // The targets due at `now` (seconds since the start), in target order; each is counted as
  // scraped and gets its next tick after `now`.
  std::vector<size_t> take_due(double now);

  // When (seconds since the start) the next target is due; nullopt when all have had their count.
  std::optional<double> next_due() const;

 private:
  struct Entry {
    double interval;
    double next = 0;
    int done = 0;
  };
  bool finished(const Entry& e) const { return count_ != 0 && e.done >= count_; }

  std::vector<Entry> entries_;
  int count_;
};

}  // namespace promotel::scrape
