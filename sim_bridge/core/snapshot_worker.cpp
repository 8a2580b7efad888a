#include "sim_bridge/core/snapshot_worker.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "oar_archive/completeness.hpp"
#include "oar_archive/part_filter.hpp"
#include "sha256/sha256.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::bridge {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The operation's files go when it ends, whatever the outcome: a snapshot's archive is the
// control plane's once uploaded, and a failed one must leave nothing behind.
class RemoveOnExit {
  public:
    explicit RemoveOnExit(std::vector<fs::path> files) : files_(std::move(files)) { remove(); }
    ~RemoveOnExit() { remove(); }
    RemoveOnExit(const RemoveOnExit&) = delete;
    RemoveOnExit& operator=(const RemoveOnExit&) = delete;

  private:
    void remove() const {
        for (const auto& file : files_) {
            std::error_code ignored;
            fs::remove(file, ignored);
        }
    }
    std::vector<fs::path> files_;
};

std::string required_string(const nlohmann::json& spec, const char* key) {
    const auto it = spec.find(key);
    if (it == spec.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw std::invalid_argument(std::string("spec.") + key + " must be a non-empty string");
    }
    return it->get<std::string>();
}

// The id names files in the state dir: only a canonical UUID ever does.
std::string snapshot_id_of(const nlohmann::json& spec) {
    auto id = required_string(spec, "snapshot_id");
    if (!uuid_text::is_canonical(id)) {
        throw std::invalid_argument("spec.snapshot_id '" + id +
                                    "' is not a canonical (lowercase 8-4-4-4-12) UUID");
    }
    return id;
}

std::vector<std::string> parts_of(const nlohmann::json& spec) {
    std::vector<std::string> parts;
    const auto it = spec.find("parts");
    if (it == spec.end()) {
        return parts;  // the always-saved parts only
    }
    if (!it->is_array()) {
        throw std::invalid_argument("spec.parts must be an array of part names");
    }
    for (const auto& part : *it) {
        if (!part.is_string()) {
            throw std::invalid_argument("spec.parts must be an array of part names");
        }
        parts.push_back(part.get<std::string>());
    }
    return parts;
}

bool is_sha256_hex(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

constexpr const char* kStopping = "the bridge is stopping";

// Thrown from a transfer's progress callback to end it when the bridge stops.
class Stopping : public std::runtime_error {
  public:
    Stopping() : std::runtime_error(kStopping) {}
};

std::string seconds(std::chrono::milliseconds duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count());
}

// Progress reports at most every `interval` (and at every change of phase); a report that fails
// is logged and forgotten: progress never fails an operation.
class ProgressReporter {
  public:
    ProgressReporter(SnapshotChannel& channel, std::int64_t operation_id,
                     std::chrono::milliseconds interval, spdlog::logger& log)
        : channel_(channel), operation_id_(operation_id), interval_(interval), log_(log) {}

    void operator()(const std::string& phase, std::uint64_t done, std::uint64_t total) {
        const auto now = Clock::now();
        const bool final_bytes = total > 0 && done == total;
        if (phase == phase_ && !final_bytes && now - last_ < interval_) {
            return;
        }
        phase_ = phase;
        last_ = now;
        sim_channel::OperationProgress progress;
        progress.phase = phase;
        progress.bytes_done = done;
        progress.bytes_total = total;
        progress.fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
        try {
            channel_.report_progress(operation_id_, progress);
        } catch (const std::exception& e) {
            log_.debug("progress of operation {} not reported: {}", operation_id_, e.what());
        }
    }

  private:
    SnapshotChannel& channel_;
    std::int64_t operation_id_;
    std::chrono::milliseconds interval_;
    spdlog::logger& log_;
    std::string phase_;
    Clock::time_point last_{};
};

}  // namespace

SnapshotWorker::SnapshotWorker(const SnapshotSettings& settings, const SimulatorSettings& simulator,
                               const fs::path& state_dir, SimulatorHost& host,
                               SnapshotChannel& channel, std::shared_ptr<spdlog::logger> log)
    : settings_(settings),
      simulator_(simulator),
      // Absolute: OpenSim takes a relative file name from its own bin/ folder.
      directory_(fs::absolute(state_dir / "snapshots")),
      host_(host),
      channel_(channel),
      log_(std::move(log)) {
    fs::create_directories(directory_);
    ::chmod(directory_.c_str(), 0700);
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(directory_, error)) {
        if (entry.path().extension() == ".oar" && entry.is_regular_file(error)) {
            log_->info("removing {}, left by an operation that did not end", entry.path().string());
            fs::remove(entry.path(), error);
        }
    }
}

SnapshotWorker::~SnapshotWorker() = default;

bool SnapshotWorker::wait_until_saved(std::int64_t operation_id, const fs::path& file,
                                      Clock::time_point deadline, std::future<AdminAnswer>& answer,
                                      std::string& error) {
    ProgressReporter progress(channel_, operation_id, settings_.progress_interval, *log_);
    std::uintmax_t last_size = 0;
    // A small archive (a warm move's final snapshot: kilobytes) is whole within tens of
    // milliseconds and is seen whole on the second look at an unchanged size: the looks start
    // 50 ms apart and double up to poll_interval, so a short save costs ~0.1 s, not two intervals.
    auto interval =
        std::min<std::chrono::milliseconds>(std::chrono::milliseconds(50), settings_.poll_interval);
    for (;;) {
        std::error_code missing;
        const auto size = fs::file_size(file, missing);
        const std::uintmax_t now_size = missing ? 0 : size;
        progress("saving", now_size, 0);
        // Only a file that stopped growing is worth reading through (a gigabyte takes seconds).
        if (now_size > 0 && now_size == last_size) {
            const auto check = oar::check_completeness(file);
            if (check.complete) {
                return true;
            }
            log_->debug("{} not complete yet: {}", file.string(), check.reason);
        }
        if (answer.valid() &&
            answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
            const auto answered = answer.get();
            if (!answered.ok && !answered.transport_failed) {
                // OpenSim refused at once (no such region, no such folder): nothing is coming.
                error = "admin_save_oar: " + answered.error;
                return false;
            }
            if (!answered.ok) {
                if (!host_.simulator_alive()) {
                    error = "the simulator stopped while saving (" + answered.error + ")";
                    return false;
                }
                // No answer, but the save may be running: the file will tell.
                log_->warn("admin_save_oar: {}; waiting for the archive", answered.error);
            }
        }
        if (!host_.simulator_alive()) {
            // It may have finished the archive just before it went.
            if (now_size > 0 && oar::is_complete(file)) {
                return true;
            }
            error = "the simulator stopped while saving";
            return false;
        }
        if (cancelled_()) {
            error = kStopping;
            return false;
        }
        if (Clock::now() >= deadline) {
            error = "the archive was not complete within " + seconds(settings_.save_timeout) +
                    " s (snapshots.save_timeout_s); " +
                    (now_size > 0 ? std::to_string(now_size) + " bytes written"
                                  : std::string("nothing written"));
            return false;
        }
        last_size = now_size;
        if (answer.valid()) {
            answer.wait_for(interval);  // an error answer is seen at once
        } else {
            std::this_thread::sleep_for(interval);
        }
        interval = std::min(interval * 2, settings_.poll_interval);
    }
}

OperationResult SnapshotWorker::snapshot(std::int64_t operation_id, const nlohmann::json& spec) {
    std::string id;
    std::string region_name;
    oar::PartSelection parts;
    try {
        if (!spec.is_object()) {
            throw std::invalid_argument("the snapshot operation carries no spec");
        }
        id = snapshot_id_of(spec);
        region_name = required_string(spec, "region_name");
        parts = oar::PartSelection::from_parts(parts_of(spec));
    } catch (const std::invalid_argument& e) {
        return OperationResult::refused(e.what());
    }
    const auto saved = directory_ / (id + ".oar");
    const auto kept = directory_ / (id + ".parts.oar");
    const RemoveOnExit cleanup({saved, kept});
    try {
        const auto started = Clock::now();
        const auto deadline = started + settings_.save_timeout;
        ProgressReporter progress(channel_, operation_id, settings_.progress_interval, *log_);
        progress("saving", 0, 0);
        // OpenSim answers after at least 5 s, finished or not (facts page): the call runs on its
        // own thread and the file alone says when the save is done. The call ends by its own
        // timeout at the latest; until then running_saves_ keeps it (and the destructor waits).
        auto answer = std::async(std::launch::async,
                                 [&host = host_, region_name, saved, noassets = parts.noassets(),
                                  timeout = simulator_.call_timeout + std::chrono::seconds(15)] {
                                     return host.save_oar(region_name, saved, noassets, timeout);
                                 });
        std::string error;
        const bool whole = wait_until_saved(operation_id, saved, deadline, answer, error);
        const auto save_time = Clock::now() - started;
        host_.add_simulator_time(save_time);
        running_saves_.keep(std::move(answer));
        if (!whole) {
            return OperationResult::failed(error);
        }
        const auto save_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(save_time).count();
        log_->info("snapshot {}: the archive of {} was whole after {} ms", id, region_name,
                   save_ms);
        fs::path archive = saved;
        if (parts.needs_filter()) {
            const auto report = oar::filter_parts(saved, kept, parts);
            log_->info("snapshot {}: kept {} entries, dropped {} not in its parts", id, report.kept,
                       report.dropped);
            fs::remove(saved);
            archive = kept;
        }
        const auto digest = sha256::sha256_file(archive);
        progress("uploading", 0, digest.size);
        try {
            channel_.upload_snapshot(id, archive, digest.sha256,
                                     [&](std::uint64_t done, std::uint64_t total) {
                                         if (cancelled_()) {
                                             throw Stopping();
                                         }
                                         progress("uploading", done, total);
                                     });
        } catch (const std::exception& e) {
            return OperationResult::failed(std::string("upload failed: ") + e.what());
        }
        return {true,
                {{"path", "oar"},
                 {"detail", "saved region " + region_name + " and uploaded " +
                                std::to_string(digest.size) + " bytes"},
                 {"size_bytes", digest.size},
                 {"sha256", digest.sha256},
                 {"save_ms", save_ms}}};
    } catch (const std::exception& e) {
        return OperationResult::failed(e.what());
    }
}

OperationResult SnapshotWorker::restore(std::int64_t operation_id, const nlohmann::json& spec) {
    std::string id;
    std::string region_name;
    std::string sha256;
    std::uint64_t size = 0;
    try {
        if (!spec.is_object()) {
            throw std::invalid_argument("the restore operation carries no spec");
        }
        id = snapshot_id_of(spec);
        region_name = required_string(spec, "region_name");
        sha256 = required_string(spec, "sha256");
        if (!is_sha256_hex(sha256)) {
            throw std::invalid_argument("spec.sha256 must be 64 lower-case hex digits");
        }
        const auto it = spec.find("size_bytes");
        if (it == spec.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0) {
            throw std::invalid_argument("spec.size_bytes must be a positive integer");
        }
        size = it->get<std::uint64_t>();
    } catch (const std::invalid_argument& e) {
        return OperationResult::refused(e.what());
    }
    const auto file = directory_ / (id + ".restore.oar");
    const RemoveOnExit cleanup({file});
    try {
        ProgressReporter progress(channel_, operation_id, settings_.progress_interval, *log_);
        progress("downloading", 0, size);
        try {
            channel_.download_snapshot(id, file, size,
                                       [&](std::uint64_t done, std::uint64_t total) {
                                           if (cancelled_()) {
                                               throw Stopping();
                                           }
                                           progress("downloading", done, total);
                                       });
        } catch (const std::exception& e) {
            return OperationResult::failed(std::string("download failed: ") + e.what());
        }
        const auto digest = sha256::sha256_file(file);
        if (digest.size != size) {
            return OperationResult::failed("size mismatch: the archive downloaded has " +
                                           std::to_string(digest.size) + " bytes, the snapshot " +
                                           std::to_string(size));
        }
        if (digest.sha256 != sha256) {
            return OperationResult::failed("sha256 mismatch: the archive downloaded hashes to " +
                                           digest.sha256 + ", the snapshot is " + sha256 +
                                           "; nothing was loaded");
        }
        // Without assets/ in the archive, OpenSim must not look for them.
        const bool skip_assets = !oar::contains_assets(file);
        progress("loading", 0, size);
        const auto answer = host_.load_oar(region_name, file, skip_assets, settings_.load_timeout);
        if (!answer.ok) {
            if (answer.transport_failed && !host_.simulator_alive()) {
                return OperationResult::failed("the simulator stopped while loading (" +
                                               answer.error + ")");
            }
            return OperationResult::failed("admin_load_oar: " + answer.error);
        }
        progress("loading", size, size);
        return {true,
                {{"path", "oar"},
                 {"detail", "loaded " + std::to_string(size) + " bytes into region " + region_name +
                                (skip_assets ? " (skip-assets)" : "")},
                 {"size_bytes", size},
                 {"sha256", sha256}}};
    } catch (const std::exception& e) {
        return OperationResult::failed(e.what());
    }
}

}  // namespace vergegrid::bridge
