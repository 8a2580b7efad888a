// The host's load as the heartbeat reports it, read from /proc: CPU busy share since the last
// sample (/proc/stat) and memory in use (/proc/meminfo: 1 - MemAvailable / MemTotal), both 0..1.
#pragma once

#include <cstdint>

namespace vergegrid::bridge {

class HostLoad {
  public:
    HostLoad();
    // Busy share of all CPUs between the previous call (or construction) and now.
    double cpu_load();
    static double memory_load();

  private:
    std::uint64_t last_busy_ = 0;
    std::uint64_t last_total_ = 0;
};

}  // namespace vergegrid::bridge
