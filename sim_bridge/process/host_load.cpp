#include "sim_bridge/process/host_load.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace vergegrid::bridge {

namespace {

// Aggregate "cpu" line: user nice system idle iowait irq softirq steal ...
void read_cpu(std::uint64_t& busy, std::uint64_t& total) {
    std::ifstream stat("/proc/stat");
    std::string label;
    stat >> label;
    std::uint64_t values[8] = {};
    for (auto& v : values) {
        stat >> v;
    }
    total = 0;
    for (auto v : values) {
        total += v;
    }
    busy = total - values[3] - values[4];  // minus idle and iowait
}

}  // namespace

HostLoad::HostLoad() {
    read_cpu(last_busy_, last_total_);
}

double HostLoad::cpu_load() {
    std::uint64_t busy = 0, total = 0;
    read_cpu(busy, total);
    const double d_total = static_cast<double>(total - last_total_);
    const double d_busy = static_cast<double>(busy - last_busy_);
    last_busy_ = busy;
    last_total_ = total;
    return d_total <= 0 ? 0.0 : std::clamp(d_busy / d_total, 0.0, 1.0);
}

double HostLoad::memory_load() {
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    double total = 0, available = 0;
    while (std::getline(meminfo, line)) {
        std::istringstream fields(line);
        std::string key;
        double kb = 0;
        fields >> key >> kb;
        if (key == "MemTotal:") {
            total = kb;
        } else if (key == "MemAvailable:") {
            available = kb;
        }
    }
    return total <= 0 ? 0.0 : std::clamp(1.0 - available / total, 0.0, 1.0);
}

}  // namespace vergegrid::bridge
