// The peer went away, or stop() shut the socket down, in the middle of an exchange: there is
// nobody left to answer, so the connection just closes.
#pragma once

#include <stdexcept>

namespace vergegrid::kernel::http {

class ConnectionLost : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace vergegrid::kernel::http
