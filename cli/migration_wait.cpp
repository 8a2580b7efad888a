#include "cli/migration_wait.hpp"

#include <thread>

#include "cli/operation_wait.hpp"
#include "cli/output.hpp"

namespace vergegrid::cli {

namespace {

bool migration_ended(const Json& migration) {
    const std::string state = member_text(migration, "state");
    return state == "succeeded" || state == "failed" || state == "cancelled";
}

Json progress_of_batch(const Json& batch) {
    return batch.is_object() ? batch.value("progress", Json::object()) : Json::object();
}

// A batch has ended when nothing of it is left and it no longer runs (or answers no progress).
bool batch_ended(const Json& batch) {
    const Json progress = progress_of_batch(batch);
    return progress.value("left", 0) == 0 && member_text(batch, "state") != "running";
}

}  // namespace

std::string migration_summary(const Json& migration) {
    std::string line = "move of region " + member_text(migration, "region_name") +
                       " to simulator " + member_text(migration, "target_simulator_id") + ": " +
                       member_text(migration, "state");
    const std::string step = member_text(migration, "step");
    if (step != "-" && !step.empty()) {
        line += " (step " + step + ")";
    }
    if (const auto downtime = migration.value("downtime_ms", Json()); downtime.is_number()) {
        line += ", downtime " + cell(downtime) + " ms";
    }
    if (const std::string error = member_text(migration, "error"); error != "-" && !error.empty()) {
        line += ": " + error;
    }
    return line;
}

std::string batch_summary(const Json& batch) {
    const Json progress = progress_of_batch(batch);
    std::string line = member_text(batch, "kind") + " " + member_text(batch, "id");
    if (const std::string simulator = member_text(batch, "simulator_id");
        simulator != "-" && !simulator.empty()) {
        line += " of simulator " + simulator;
    }
    return line + ": " + member_text(batch, "state") + ", " + member_text(progress, "done") +
           " done, " + member_text(progress, "failed") + " failed, " +
           member_text(progress, "cancelled") + " cancelled, " + member_text(progress, "left") +
           " left of " + member_text(progress, "total");
}

Json wait_for_migration(Api& api, std::ostream& out, const std::string& id) {
    std::string shown;
    for (;;) {
        const Json migration = api.get("/migrations/" + path_segment(id));
        const std::string step = member_text(migration, "step");
        const std::string line = member_text(migration, "state") + " " + step;
        if (line != shown && !migration_ended(migration)) {
            out << "step " << step << " (" << member_text(migration, "state") << ")\n"
                << std::flush;
            shown = line;
        }
        if (migration_ended(migration)) {
            return migration;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

Json wait_for_batch(Api& api, std::ostream& out, const std::string& id) {
    std::string shown;
    for (;;) {
        const Json batch = api.get("/migration-batches/" + path_segment(id));
        if (const std::string line = batch_summary(batch); line != shown) {
            out << line << '\n' << std::flush;
            shown = line;
        }
        if (batch_ended(batch)) {
            return batch;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

}  // namespace vergegrid::cli
