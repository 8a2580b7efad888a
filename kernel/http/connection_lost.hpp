// The peer went away, or stop() shut the socket down, in the middle of an exchange: there is
// nobody left to answer, so the connection just closes.
#pragma once

#include <stdexcept>

namespace vergegrid::kernel::http {

class ConnectionLost : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A streamed response body failed after its headers went out (its BodySource threw or ran dry
// early): the only honest end left is to close the connection mid-body.
class StreamAborted : public ConnectionLost {
  public:
    using ConnectionLost::ConnectionLost;
};

}  // namespace vergegrid::kernel::http
