#pragma once

#include <stdexcept>

namespace vergegrid::control {

// The control plane cannot start (storage unreachable, port taken, plugin missing). The message
// is what the operator reads; main() exits non-zero with it.
class StartupError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace vergegrid::control
