// The highest resident set size of this process while an object of it lives, sampled every
// millisecond from /proc/self/status: for tests that move far more bytes than they may hold
// (archives), to show that memory stays flat.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>

namespace vergegrid::test {

// AddressSanitizer keeps freed memory in quarantine (256 MiB by default) and maps shadow memory
// for what a test touches: under it the resident size says nothing about what the code holds, so
// tests assert memory bounds in the plain build only (and still run everything else).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kResidentSizeIsMeaningful = false;
#else
inline constexpr bool kResidentSizeIsMeaningful = true;
#endif

// VmRSS of this process, in bytes (0 when /proc is not there).
inline std::uint64_t resident_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoull(line.substr(6)) * 1024;
        }
    }
    return 0;
}

class PeakResident {
  public:
    PeakResident()
        : baseline_(resident_bytes()), thread_([this] {
              while (!stop_) {
                  peak_ = std::max<std::uint64_t>(peak_, resident_bytes());
                  std::this_thread::sleep_for(std::chrono::milliseconds(1));
              }
          }) {}
    ~PeakResident() { finish(); }
    PeakResident(const PeakResident&) = delete;
    PeakResident& operator=(const PeakResident&) = delete;

    // Stops sampling; returns how far the resident set rose above where it was at construction.
    std::uint64_t finish() {
        if (thread_.joinable()) {
            stop_ = true;
            thread_.join();
        }
        return peak_ > baseline_ ? peak_ - baseline_ : 0;
    }

  private:
    std::uint64_t baseline_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> peak_{0};
    std::thread thread_;
};

}  // namespace vergegrid::test
