#pragma once

#include <cstdint>

namespace vergegrid::test {

// A loopback TCP port free right now, for a child process that must be told its port before it
// starts (and keep it across a restart). Chosen below the kernel's ephemeral range: a port the
// kernel hands out (bind to 0) is also what outgoing connections of parallel tests use as their
// local port, so one of them could take it between the probe and the child's bind.
std::uint16_t unclaimed_listen_port();

}  // namespace vergegrid::test
