#include "cli/operation_wait.hpp"

#include <thread>

namespace vergegrid::cli {

namespace {

constexpr int kPageSize = 50;
constexpr int kMaxMisses = 3;  // polls in a row that do not list the operation

std::int64_t integer_member(const Json& object, const char* key) {
    if (auto it = object.find(key); it != object.end() && it->is_number_integer()) {
        return it->get<std::int64_t>();
    }
    return 0;
}

Json region_operations(Api& api, const std::string& region_id) {
    return api.get("/operations", {{"region_id", region_id}, {"limit", std::to_string(kPageSize)}});
}

bool running(const std::string& state) {
    return state == "pending" || state == "delivered";
}

}  // namespace

Progress progress_of(const Json& operation) {
    Progress progress;
    const auto it = operation.find("progress");
    if (it == operation.end() || !it->is_object()) {
        return progress;
    }
    const Json& p = *it;
    if (auto f = p.find("fraction"); f != p.end() && f->is_number()) {
        progress.fraction = f->get<double>();
    }
    progress.bytes_done = integer_member(p, "bytes_done");
    progress.bytes_total = integer_member(p, "bytes_total");
    if (auto phase = p.find("phase"); phase != p.end() && phase->is_string()) {
        progress.phase = phase->get<std::string>();
    }
    return progress;
}

Json wait_for_operation(Api& api, ProgressBar& bar, const std::string& label,
                        const std::string& region_id, std::int64_t operation_id) {
    int misses = 0;
    for (;;) {
        // A named copy: `found` points into it after the loop.
        const Json items = region_operations(api, region_id).value("items", Json::array());
        const Json* found = nullptr;
        for (const auto& item : items) {
            if (integer_member(item, "id") == operation_id) {
                found = &item;
                break;
            }
        }
        if (found == nullptr) {
            if (++misses >= kMaxMisses) {
                throw CliError(ExitCode::server_error, "operation " + std::to_string(operation_id) +
                                                           " is no longer listed for region " +
                                                           region_id);
            }
        } else {
            misses = 0;
            const std::string state = found->value("state", "");
            Progress progress = progress_of(*found);
            if (progress.phase.empty()) {
                progress.phase = state;
            }
            if (!running(state)) {
                if (state == "succeeded") {
                    progress.fraction = 1.0;
                    bar.show(label, progress);
                }
                bar.finish();
                return *found;
            }
            bar.show(label, progress);
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

std::int64_t wait_for_new_operation(Api& api, const std::string& region_id, const std::string& kind,
                                    std::int64_t after_id, std::chrono::seconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        const Json page = region_operations(api, region_id);
        std::int64_t newest = 0;
        for (const auto& item : page.value("items", Json::array())) {
            const auto id = integer_member(item, "id");
            if (id > after_id && item.value("kind", "") == kind && id > newest) {
                newest = id;
            }
        }
        if (newest > 0) {
            return newest;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw CliError(ExitCode::server_error,
                           "no " + kind + " operation of region " + region_id + " appeared");
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

}  // namespace vergegrid::cli
