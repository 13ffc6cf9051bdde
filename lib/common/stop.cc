#include "common/stop.h"

#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

namespace promotel {
namespace {

volatile std::sig_atomic_t g_signal = 0;
std::mutex g_cut_mutex;
std::optional<std::string> g_cut_input;

void on_stop_signal(int signal) { g_signal = signal; }

}  // namespace

void install_stop_handler() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocked read returns EINTR so the input can notice the stop.
  // SA_RESETHAND: the second signal has the default effect and ends the process.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_signal; }

std::string stop_signal_name() {
  switch (g_signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(g_signal);
  }
}

bool sleep_unless_stopped(std::chrono::duration<double> duration) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
  while (!stop_requested()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(50)));
  }
  return false;
}

void note_input_cut_short(const std::string& name) {
  std::lock_guard lock(g_cut_mutex);
  if (!g_cut_input) g_cut_input = name;
}

std::optional<std::string> input_cut_short() {
  std::lock_guard lock(g_cut_mutex);
  return g_cut_input;
}

void simulate_stop_for_test(int signal) { g_signal = signal; }

void reset_stop_for_test() {
  g_signal = 0;
  std::lock_guard lock(g_cut_mutex);
  g_cut_input.reset();
}

}  // namespace promotel
