#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace promotel {

// Graceful stop on SIGINT/SIGTERM for tools that work through an input (prom2otlp, rwpush,
// otlpdump on files). The first signal is only noted; a second one ends the process at once.
//
// After the first signal an Input stops reading: a regular file at the end of the line it is in
// (what was read is processed and written, then the tool reports the interruption and exits 1);
// a terminal at once. A pipe is read on to its end, because the producer upstream got the same
// signal from the shell and is finishing its own last piece of work (`promscrape --interval |
// prom2otlp`): stopping early would drop it.
void install_stop_handler();

// The signal that asked for the stop (SIGINT, SIGTERM), or 0.
int stop_signal();
inline bool stop_requested() { return stop_signal() != 0; }
// "SIGINT", "SIGTERM" or "signal N".
std::string stop_signal_name();

// Sleeps for the duration or until a stop is requested, whichever is first; returns false when
// a stop ended the sleep early (retry loops give up then).
bool sleep_unless_stopped(std::chrono::duration<double> duration);

// Inputs record here that the stop cut them short (run_tool reports it).
void note_input_cut_short(const std::string& name);
std::optional<std::string> input_cut_short();

// Tests only: behave as if the signal had arrived, and forget it again.
void simulate_stop_for_test(int signal);
void reset_stop_for_test();

}  // namespace promotel
