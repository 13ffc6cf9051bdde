#pragma once

namespace promotel {

// The exit-code convention shared by every tool (documented in each man page).
enum ExitCode : int {
  kExitOk = 0,      // the work was done
  kExitFailed = 1,  // the work failed: bad input, a target down, a receiver refusing data
  kExitUsage = 2,   // the command line was wrong
};

}  // namespace promotel
