#include "sim_bridge/estates/estate_sync.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "region_settings/region_settings.hpp"

namespace vergegrid::bridge {

namespace {

constexpr std::string_view kField = "estate_id";

std::string mechanism() {
    const auto field = region_settings::find_setting_field(kField);
    return field ? std::string(field->mechanism) : std::string();
}

nlohmann::json outcome(std::string_view status, nlohmann::json value, const std::string& reason) {
    nlohmann::json out = {
        {"status", status}, {"mechanism", mechanism()}, {"value", std::move(value)}};
    if (!reason.empty()) {
        out["reason"] = reason;
    }
    return out;
}

nlohmann::json failed(const std::string& reason) {
    return outcome(region_settings::kFailed, nullptr, reason);
}

nlohmann::json row_value(const EstateRow& row) {
    return {{"name", row.estate_name}, {"id", row.estate_id}, {"owner", row.owner}};
}

}  // namespace

EstateSync::EstateSync(const SimulatorSettings& settings, SimulatorHost& host,
                       std::shared_ptr<spdlog::logger> log)
    : settings_(settings), host_(host), log_(std::move(log)) {}

std::string EstateSync::target_estate(const DesiredRegion& region) const {
    return region.estate.name.empty() ? settings_.default_estate : region.estate.name;
}

settings::FieldReport EstateSync::report(const DesiredRegion& region) {
    const auto field = apply(region);
    return {field.at("status").get<std::string>(), field.at("mechanism").get<std::string>(),
            field.at("value"), field.value("reason", std::string())};
}

std::vector<std::string> EstateSync::run(const std::string& line,
                                         const std::function<bool(const std::string&)>& done) {
    // OpenSim runs the line before admin_console_command answers: its output is written by then
    // and only has to reach the file. A line that prints nothing ends the wait here.
    constexpr auto kOutputWait = std::chrono::seconds(2);
    const auto* console = host_.console();
    if (console == nullptr) {
        return {};
    }
    const auto mark = console->mark();
    const auto answer = host_.console_command(line);
    if (!answer.ok && answer.transport_failed) {
        log_->warn("console line '{}' did not reach the simulator: {}", line, answer.error);
        return {};
    }
    // The line runs before the call answers, so its output is (nearly) all there already.
    console->wait_for_line(
        mark, [&](std::string_view text) { return done(std::string(text)); },
        std::min<std::chrono::milliseconds>(kOutputWait, settings_.call_timeout));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return console->lines_since(mark);
}

std::vector<EstateRow> EstateSync::show(const std::string& region_name) {
    const std::string head = "Estate information for region " + region_name;
    bool seen_head = false;
    const auto lines = run("estate show", [&](const std::string& line) {
        // The region's row follows its head: done at the first line after a head of ours.
        if (seen_head) {
            return line.rfind("Estate Name", 0) != 0;
        }
        seen_head = line == head;
        return false;
    });
    return parse_estate_show(lines);
}

std::optional<std::string> EstateSync::owner_uuid(const EstateOwner& owner,
                                                  const std::vector<EstateRow>& rows) {
    if (!owner.uuid.empty()) {
        return owner.uuid;
    }
    if (owner.first.empty()) {
        return std::nullopt;
    }
    // `estate create` takes a UUID only. An estate this owner already owns reveals it without a
    // change: "Estate already belongs to <uuid> (First Last)".
    const std::string name = owner.first + " " + owner.last;
    for (const auto& row : rows) {
        if (row.owner != name) {
            continue;
        }
        for (const auto& line :
             run("estate set owner " + std::to_string(row.estate_id) + " " + name,
                 [](const std::string& l) {
                     return estate_owner_uuid_answer(l).has_value() ||
                            l.rfind("Could not find user ", 0) == 0;
                 })) {
            if (auto uuid = estate_owner_uuid_answer(line)) {
                return uuid;
            }
        }
        break;
    }
    return std::nullopt;
}

std::string EstateSync::recreate(const DesiredRegion& region, const std::string& fallback) {
    const auto timeout = settings_.call_timeout * 3;  // a close takes 3 s on a real simulator
    const auto closed = host_.close_region(region.plan, timeout);
    if (!closed.ok) {
        return "admin_close_region failed: " + closed.error;
    }
    const auto created = host_.create_region_in(region.plan, region.estate, timeout);
    if (created.ok) {
        return "";
    }
    log_->warn("region {} could not join estate {} ({}); creating it again in estate {}",
               region.plan.name, target_estate(region), created.error, fallback);
    const auto back = host_.create_region_in(region.plan, EstateSpec{"", fallback, ""}, timeout);
    return "admin_create_region into estate " + target_estate(region) +
           " failed: " + created.error +
           (back.ok ? "" : "; creating it again failed too: " + back.error);
}

nlohmann::json EstateSync::confirmed(const DesiredRegion& region, const std::string& target,
                                     const std::string& note) {
    const auto rows = show(region.plan.name);
    const auto current = estate_of_region(rows, region.plan.name);
    if (!current) {
        return failed("estate show does not list region " + region.plan.name);
    }
    if (current->estate_name == target) {
        return outcome(region_settings::kApplied, row_value(*current), note);
    }
    bool owner_usable = true;
    try {
        owner_usable = !parse_estate_owner(region.estate.owner).empty();
    } catch (const std::invalid_argument&) {
        owner_usable = false;
    }
    if (!owner_usable && current->estate_name == settings_.default_estate) {
        // Chosen behaviour for an owner-less estate OpenSim does not have: the default estate.
        return outcome(region_settings::kApplied, row_value(*current),
                       "estate " + target +
                           " has no owner OpenSim can use and does not exist in the simulator; "
                           "OpenSim cannot create it, so the region is in the default estate " +
                           settings_.default_estate);
    }
    return failed("region " + region.plan.name + " is in estate " + current->estate_name +
                  ", not " + target + (note.empty() ? "" : " (" + note + ")"));
}

nlohmann::json EstateSync::apply(const DesiredRegion& region) {
    const std::string target = target_estate(region);
    if (!region.enabled) {
        return outcome(region_settings::kPendingRestart, nullptr,
                       "the region is disabled: it joins estate " + target + " when enabled");
    }
    if (host_.region_health(region.plan) <= 0) {
        return failed("the region is not running");
    }
    const bool created_live = host_.estate_created_in(region.plan.id) == target;
    if (host_.console() == nullptr) {
        // Unsupervised: no console output to read. admin_create_region's success is the
        // confirmation (it joins the estate by name or fails).
        if (!created_live) {
            if (auto why = recreate(region, settings_.default_estate); !why.empty()) {
                return failed(why);
            }
        }
        return outcome(region_settings::kApplied, {{"name", target}},
                       "confirmed by admin_create_region (the simulator's console is not read)");
    }
    const auto rows = show(region.plan.name);
    const auto current = estate_of_region(rows, region.plan.name);
    if (!current) {
        return failed("estate show does not list region " + region.plan.name +
                      " (is the simulator's output captured in its log?)");
    }
    if (current->estate_name == target) {
        return outcome(region_settings::kApplied, row_value(*current), "");
    }
    log_->info("region {}: moving it from estate {} ({}) to estate {}", region.plan.name,
               current->estate_name, current->estate_id, target);

    EstateOwner owner;
    try {
        owner = parse_estate_owner(region.estate.owner);
    } catch (const std::invalid_argument& e) {
        // Unusable to OpenSim: the estate can only be joined if it exists, as if owner-less.
        log_->warn("region {}: {}", region.plan.name, e.what());
    }
    auto target_id = estate_id_named(rows, target);
    bool by_recreate = false;
    if (!target_id) {
        if (auto uuid = owner_uuid(owner, rows)) {
            std::optional<EstateCreateAnswer> created;
            for (const auto& line :
                 run("estate create " + *uuid + " " + target, [&](const std::string& l) {
                     return estate_create_answer(l, target).has_value();
                 })) {
                if (auto answer = estate_create_answer(line, target)) {
                    created = answer;
                }
            }
            if (!created) {
                return failed("no answer to 'estate create' on the simulator's console");
            }
            if (created->kind == EstateCreateAnswer::Kind::no_user) {
                return failed("the estate owner " + owner.text() +
                              " does not exist in the simulator's user service (OpenSim: Could "
                              "not find user " +
                              *uuid + ")");
            }
            if (created->kind == EstateCreateAnswer::Kind::created) {
                target_id = created->estate_id;
            } else {
                by_recreate = true;  // in OpenSim's database, with no region running here
            }
        } else if (owner.empty() && created_live) {
            // admin_create_region just tried the estate by name: it is not in OpenSim's
            // database, and without an owner it cannot be made.
            return confirmed(region, target, "");
        } else {
            by_recreate = true;  // unknown here and its owner known by name (or none)
        }
    }
    if (by_recreate) {
        if (auto why = recreate(region, current->estate_name); !why.empty()) {
            return failed(why);
        }
        return confirmed(region, target, "closed and created again into the estate");
    }
    std::optional<bool> linked;
    std::string refusal;
    for (const auto& line :
         run("estate link region " + std::to_string(*target_id) + " " + region.plan.id,
             [&](const std::string& l) {
                 return estate_link_answer(l, region.plan.id).has_value();
             })) {
        if (auto answer = estate_link_answer(line, region.plan.id)) {
            linked = answer;
            refusal = line;
        }
    }
    if (!linked) {
        return failed("no answer to 'estate link region' on the simulator's console");
    }
    if (!*linked) {
        return failed("estate link region " + std::to_string(*target_id) + ": " + refusal);
    }
    return confirmed(region, target, "");
}

}  // namespace vergegrid::bridge
