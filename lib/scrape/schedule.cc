#include "scrape/schedule.h"

#include <cmath>

namespace promotel::scrape {

Schedule::Schedule(std::vector<double> intervals_seconds, int count) : count_(count) {
  entries_.reserve(intervals_seconds.size());
  for (double interval : intervals_seconds) entries_.push_back({interval});
}

std::vector<size_t> Schedule::take_due(double now) {
  std::vector<size_t> due;
  for (size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    if (finished(e) || e.next > now) continue;
    due.push_back(i);
    ++e.done;
    if (e.interval > 0) {
      // The first tick after now: ticks stay on the grid start + k * interval.
      e.next = (std::floor(now / e.interval) + 1) * e.interval;
    }
  }
  return due;
}

std::optional<double> Schedule::next_due() const {
  std::optional<double> next;
  for (const Entry& e : entries_) {
    if (finished(e)) continue;
    if (!next || e.next < *next) next = e.next;
  }
  return next;
}

}  // namespace promotel::scrape
