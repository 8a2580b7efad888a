// A one-line progress bar on standard error for long operations (snapshots, restores,
// downloads): redrawn in place with '\r', at most every 100 ms unless the phase changes, and
// ended with a newline. Drawn only when enabled (a terminal, or --progress), so scripts reading
// standard error see nothing of it.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace vergegrid::cli {

// The operation's "progress" member, as the API reports it (docs/snapshots.md).
struct Progress {
    double fraction = 0.0;  // 0..1
    std::int64_t bytes_done = 0;
    std::int64_t bytes_total = 0;  // 0 = not known
    std::string phase;             // saving, uploading, downloading, loading, ...
};

// "1.5 MiB": bytes in binary units, one decimal above a KiB.
std::string human_bytes(std::int64_t bytes);
// The line drawn for `progress` (without the leading '\r'); `label` names the work.
std::string progress_line(const std::string& label, const Progress& progress);

class ProgressBar {
  public:
    ProgressBar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
    ~ProgressBar() { finish(); }
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void show(const std::string& label, const Progress& progress);
    // Ends the line; the next show() starts a new one.
    void finish();

  private:
    std::ostream& err_;
    bool enabled_;
    bool drawn_ = false;
    std::size_t width_ = 0;  // of the last line, to blank what a shorter one leaves
    std::string last_phase_;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace vergegrid::cli
