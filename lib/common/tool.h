#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace promotel {

// Shared command-line conventions of every promotel tool (the drivers in tools/ call these).
//
//   int main(int argc, char** argv) {
//     CLI::App app{"what the tool does", "prom2otlp"};
//     promotel::setup_app(app);
//     ... add options ...
//     if (int rc = promotel::parse_args(app, argc, argv); rc >= 0) return rc;
//     return promotel::run_tool("prom2otlp", [&] { ...; return promotel::kExitOk; });
//   }

// Adds --version (prints "<tool> <version>") and a footer naming the exit codes.
void setup_app(CLI::App& app);

// Parses the command line. Returns -1 when the tool should go on, otherwise the exit code to
// return at once: 0 after --help/--version, 2 (usage) after a bad command line, with the
// message on stderr.
int parse_args(CLI::App& app, int argc, char** argv);

// Runs the body with the shared error conventions: SIGPIPE is ignored and a closed stdout
// ends the tool quietly with 0; promotel::Error and other exceptions are printed as
// "<tool>: error: <message>" and give exit code 1.
int run_tool(const std::string& tool, const std::function<int()>& body);

// "<tool>: warning: <message>" / "<tool>: error: <message>" on stderr.
void print_warning(const std::string& tool, const std::string& message);
void print_error(const std::string& tool, const std::string& message);

}  // namespace promotel
