#include "cli/progress_bar.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vergegrid::cli {

namespace {

constexpr int kBarCells = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

// Server text on a terminal line: control characters would move the cursor.
std::string printable(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 40)) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? ' ' : c;
    }
    return out;
}

}  // namespace

std::string human_bytes(std::int64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(std::max<std::int64_t>(bytes, 0));
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    if (unit == 0) {
        std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
    } else {
        std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
    }
    return text;
}

std::string progress_line(const std::string& label, const Progress& progress) {
    double fraction = progress.fraction;
    if (!std::isfinite(fraction)) {
        fraction = 0.0;
    }
    fraction = std::clamp(fraction, 0.0, 1.0);
    const int filled = static_cast<int>(fraction * kBarCells);
    std::string line = label + " [" + std::string(static_cast<std::size_t>(filled), '#') +
                       std::string(static_cast<std::size_t>(kBarCells - filled), '.') + "] ";
    char percent[8];
    std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100.0));
    line += percent;
    if (progress.bytes_total > 0) {
        line += "  " + human_bytes(progress.bytes_done) + " / " + human_bytes(progress.bytes_total);
    } else if (progress.bytes_done > 0) {
        line += "  " + human_bytes(progress.bytes_done);
    }
    if (!progress.phase.empty()) {
        line += "  " + printable(progress.phase);
    }
    return line;
}

void ProgressBar::show(const std::string& label, const Progress& progress) {
    if (!enabled_) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const bool done = progress.fraction >= 1.0;
    if (drawn_ && progress.phase == last_phase_ && !done && now - last_draw_ < kRedrawEvery) {
        return;
    }
    const std::string line = progress_line(label, progress);
    err_ << '\r' << line;
    if (line.size() < width_) {
        err_ << std::string(width_ - line.size(), ' ');
    }
    err_.flush();
    width_ = line.size();
    drawn_ = true;
    last_phase_ = progress.phase;
    last_draw_ = now;
}

void ProgressBar::finish() {
    if (drawn_) {
        err_ << '\n';
        err_.flush();
        drawn_ = false;
        width_ = 0;
    }
}

}  // namespace vergegrid::cli
