#include "common/tool.h"

#include <csignal>
#include <cstdio>
#include <iostream>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/stop.h"
#include "common/version.h"

namespace promotel {

void setup_app(CLI::App& app) {
  app.set_version_flag("--version", app.get_name() + " " + kVersion);
  app.footer("Exit status: 0 ok, 1 the work failed, 2 usage error.");
  app.get_formatter()->column_width(34);
}

int parse_args(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    print_error(app.get_name(), std::string(e.what()) + " (see --help)");
    return kExitUsage;
  }
  return -1;
}

int run_tool(const std::string& tool, const std::function<int()>& body) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    int rc = body();
    std::cout.flush();
    if (auto cut = input_cut_short()) {
      print_error(tool, "interrupted by " + stop_signal_name() + ": stopped reading " + *cut +
                            " early; everything read before the stop was processed");
      return kExitFailed;
    }
    return rc;
  } catch (const BrokenPipe&) {
    return kExitOk;
  } catch (const std::exception& e) {
    std::string message = e.what();
    if (auto cut = input_cut_short()) {
      message += " (after " + stop_signal_name() + " stopped reading " + *cut + " early)";
    }
    print_error(tool, message);
    return kExitFailed;
  }
}

void print_warning(const std::string& tool, const std::string& message) {
  std::fprintf(stderr, "%s: warning: %s\n", tool.c_str(), message.c_str());
}

void print_error(const std::string& tool, const std::string& message) {
  std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), message.c_str());
}

}  // namespace promotel
