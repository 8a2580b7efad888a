#include "sim_bridge/remote_admin/unanswered_calls.hpp"

#include <algorithm>
#include <system_error>
#include <thread>

#include "oar_archive/completeness.hpp"

namespace vergegrid::bridge {

namespace {

bool answered(std::future<AdminAnswer>& call) {
    return !call.valid() || call.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace

UnansweredCalls::~UnansweredCalls() {
    for (auto& call : calls_) {
        if (call.valid()) {
            call.wait();
        }
    }
}

void UnansweredCalls::keep(std::future<AdminAnswer> call) {
    const std::lock_guard lock(mutex_);
    std::erase_if(calls_, answered);
    if (call.valid()) {
        calls_.push_back(std::move(call));
    }
}

std::string save_whole_archive(UnansweredCalls& calls, std::function<AdminAnswer()> save,
                               const std::filesystem::path& file,
                               std::chrono::steady_clock::time_point deadline) {
    constexpr auto kPoll = std::chrono::milliseconds(50);
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    auto call = std::async(std::launch::async, std::move(save));
    std::uintmax_t last_size = 0;
    std::string error;
    for (;;) {
        std::error_code missing;
        const auto size = std::filesystem::file_size(file, missing);
        const std::uintmax_t now_size = missing ? 0 : size;
        // Only a file that stopped growing is worth reading through.
        if (now_size > 0 && now_size == last_size && oar::is_complete(file)) {
            break;
        }
        if (call.valid() && answered(call)) {
            const auto answer = call.get();
            if (!answer.ok && !answer.transport_failed) {
                error = "admin_save_oar: " + answer.error;  // refused at once: nothing is coming
                break;
            }
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            error = "the archive was not complete in time";
            break;
        }
        last_size = now_size;
        if (call.valid()) {
            call.wait_for(kPoll);  // an error answer is seen at once
        } else {
            std::this_thread::sleep_for(kPoll);
        }
    }
    calls.keep(std::move(call));
    return error;
}

}  // namespace vergegrid::bridge
