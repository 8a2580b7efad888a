#pragma once

#include <cstdint>

namespace vergegrid::test {

// A loopback TCP port free right now, for a child process that must be told its port before it
// starts (and keep it across a restart). Chosen below the kernel's ephemeral range: a port the
// kernel hands out (bind to 0) is also what outgoing connections of parallel tests use as their
// local port, so one of them could take it between the probe and the child's bind. The port stays
// claimed by this process until it exits: no test process on this machine is handed it again.
std::uint16_t unclaimed_listen_port();

// The first of `count` consecutive UDP ports nobody holds now, from the same range: the region
// ports of one test (a simulator binds each region's UDP port; tests running in parallel must not
// hand two regions the same one).
std::uint16_t unclaimed_udp_ports(int count);

// A loopback TCP port bound and never listened on, for as long as the object lives: a connection
// to it is refused at once, and no other test (or process) can start listening there meanwhile.
class RefusingPort {
  public:
    RefusingPort();
    ~RefusingPort();
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    std::uint16_t port() const { return port_; }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace vergegrid::test
