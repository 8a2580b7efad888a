// RemoteAdmin calls whose caller went on without their answer. OpenSim answers admin_save_oar
// after at least 5 s whatever it did (facts page), so a save is judged by its file and the call
// is left to answer in the background. A std::async future blocks in its destructor: the calls
// are kept here until they answer, and the destructor waits for the rest (each ends by its own
// timeout at the latest).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "sim_bridge/remote_admin/remote_admin_client.hpp"

namespace vergegrid::bridge {

class UnansweredCalls {
  public:
    UnansweredCalls() = default;
    UnansweredCalls(const UnansweredCalls&) = delete;
    UnansweredCalls& operator=(const UnansweredCalls&) = delete;
    ~UnansweredCalls();

    // Keeps `call` until it answers; forgets the kept ones that have.
    void keep(std::future<AdminAnswer> call);

  private:
    std::mutex mutex_;
    std::vector<std::future<AdminAnswer>> calls_;
};

// Runs `save` (an admin_save_oar call) on its own thread and returns once the archive at `file`
// is whole: "" then, otherwise why not — OpenSim's error as soon as it answers one, or the
// deadline. The call is left in `calls` when the file was whole before OpenSim answered.
std::string save_whole_archive(UnansweredCalls& calls, std::function<AdminAnswer()> save,
                               const std::filesystem::path& file,
                               std::chrono::steady_clock::time_point deadline);

}  // namespace vergegrid::bridge
