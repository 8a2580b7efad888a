#pragma once

#include <cstdint>

namespace vergegrid::test {

// A loopback TCP port free right now, for a child process that must be told its port before it
// starts (and keep it across a restart). Chosen below the kernel's ephemeral range: a port the
// kernel hands out (bind to 0) is also what outgoing connections of parallel tests use as their
// local port, so one of them could take it between the probe and the child's bind.
std::uint16_t unclaimed_listen_port();

// The first of `count` consecutive UDP ports nobody holds now, from the same range: the region
// ports of one test (a simulator binds each region's UDP port; tests running in parallel must not
// hand two regions the same one).
std::uint16_t unclaimed_udp_ports(int count);

}  // namespace vergegrid::test
