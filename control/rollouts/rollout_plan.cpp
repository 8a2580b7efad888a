#include "control/rollouts/rollout_plan.hpp"

#include <algorithm>

#include "control/common/json_reader.hpp"
#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {

constexpr int kMaxWaves = 100;
constexpr int kMaxSeconds = 7 * 24 * 3600;
constexpr std::size_t kMaxIds = 10000;

WaveStep read_wave(const nlohmann::json& value, const std::string& field) {
    if (value.is_number_integer() && value.get<long long>() >= 1 &&
        value.get<long long>() <= 1'000'000) {
        return {static_cast<int>(value.get<long long>()), false};
    }
    if (value.is_string()) {
        const auto text = value.get<std::string>();
        if (text.size() >= 2 && text.size() <= 4 && text.back() == '%' &&
            std::all_of(text.begin(), text.end() - 1,
                        [](char c) { return c >= '0' && c <= '9'; })) {
            const int percent = std::stoi(text.substr(0, text.size() - 1));
            if (percent >= 1 && percent <= 100 && text[0] != '0') {
                return {percent, true};
            }
        }
    }
    throw DomainError::invalid_field(
        field, "must be a number of regions (at least 1) or a percentage from \"1%\" to \"100%\"");
}

std::vector<WaveStep> read_waves(const nlohmann::json* value) {
    if (value == nullptr) {
        return {{100, true}};
    }
    if (!value->is_array() || value->empty() || value->size() > kMaxWaves) {
        throw DomainError::invalid_field("waves", "must be a list of 1 to 100 wave sizes");
    }
    std::vector<WaveStep> waves;
    for (std::size_t i = 0; i < value->size(); ++i) {
        waves.push_back(read_wave((*value)[i], "waves[" + std::to_string(i) + "]"));
    }
    return waves;
}

RegionSelection read_selection(JsonReader& body) {
    RegionSelection selection;
    auto reader = body.object("regions");
    if (!reader) {
        return selection;
    }
    selection.estate_id = reader->string("estate_id", 36).value_or("");
    selection.name_prefix = reader->string("name_prefix", 255).value_or("");
    selection.host = reader->string("host", 255).value_or("");
    selection.ids = reader->string_list("ids", kMaxIds, 36).value_or(std::vector<std::string>{});
    reader->reject_unknown();
    return selection;
}

nlohmann::json wave_to_json(const WaveStep& wave) {
    return wave.percent ? nlohmann::json(std::to_string(wave.count) + "%")
                        : nlohmann::json(wave.count);
}

// How many regions are done after each wave (cumulative), for `total` regions.
std::vector<int> cumulative_sizes(const std::vector<WaveStep>& waves, int total, int canaries) {
    std::vector<int> sizes;
    for (const auto& wave : waves) {
        const long long wanted =
            wave.percent ? (static_cast<long long>(total) * wave.count + 99) / 100 : wave.count;
        sizes.push_back(static_cast<int>(std::min<long long>(wanted, total)));
    }
    sizes.front() = std::max(sizes.front(), std::min(canaries, total));
    sizes.back() = total;  // the last wave takes every region left
    return sizes;
}

}  // namespace

RolloutSpec read_rollout_spec(const nlohmann::json& body) {
    JsonReader reader(body, "");
    RolloutSpec spec;
    const auto version = reader.string("to_version", 32);
    if (!version) {
        throw DomainError::invalid_field("to_version", "is required: the template version");
    }
    const auto parsed = plugin_api::SemVer::parse(*version);
    if (!parsed) {
        throw DomainError::invalid_field("to_version", "must be a version MAJOR.MINOR.PATCH");
    }
    spec.to_version = *parsed;
    spec.regions = read_selection(reader);
    spec.waves = read_waves(reader.raw("waves"));
    spec.max_unavailable = reader.integer("max_unavailable", 0, 1'000'000).value_or(0);
    spec.failure_threshold = reader.integer("failure_threshold", 1, 1'000'000).value_or(1);
    spec.pause_between_s = reader.integer("pause_between_s", 0, kMaxSeconds).value_or(0);
    spec.deadline_s = reader.integer("deadline_s", 1, kMaxSeconds).value_or(600);
    spec.canaries = reader.string_list("canaries", 1000, 255).value_or(std::vector<std::string>{});
    spec.dry_run = reader.boolean("dry_run").value_or(false);
    reader.reject_unknown();
    return spec;
}

nlohmann::json spec_to_json(const RolloutSpec& spec) {
    nlohmann::json waves = nlohmann::json::array();
    for (const auto& wave : spec.waves) {
        waves.push_back(wave_to_json(wave));
    }
    return {{"waves", waves},
            {"max_unavailable", spec.max_unavailable},
            {"failure_threshold", spec.failure_threshold},
            {"pause_between_s", spec.pause_between_s},
            {"deadline_s", spec.deadline_s},
            {"canaries", spec.canaries},
            {"regions",
             {{"estate_id", spec.regions.estate_id},
              {"name_prefix", spec.regions.name_prefix},
              {"host", spec.regions.host},
              {"ids", spec.regions.ids}}}};
}

RolloutSpec spec_from_json(const nlohmann::json& stored) {
    RolloutSpec spec;
    spec.waves.clear();
    for (const auto& wave : stored.value("waves", nlohmann::json::array())) {
        spec.waves.push_back(read_wave(wave, "waves"));
    }
    if (spec.waves.empty()) {
        spec.waves = {{100, true}};
    }
    spec.max_unavailable = stored.value("max_unavailable", 0);
    spec.failure_threshold = stored.value("failure_threshold", 1);
    spec.pause_between_s = stored.value("pause_between_s", 0);
    spec.deadline_s = stored.value("deadline_s", 600);
    spec.canaries = stored.value("canaries", std::vector<std::string>{});
    const auto regions = stored.value("regions", nlohmann::json::object());
    spec.regions.estate_id = regions.value("estate_id", "");
    spec.regions.name_prefix = regions.value("name_prefix", "");
    spec.regions.host = regions.value("host", "");
    spec.regions.ids = regions.value("ids", std::vector<std::string>{});
    return spec;
}

std::vector<std::vector<RolloutCandidate>> plan_waves(std::vector<RolloutCandidate> regions,
                                                      const RolloutSpec& spec) {
    // Canaries first, in the order named.
    std::vector<RolloutCandidate> ordered;
    for (const auto& canary : spec.canaries) {
        const auto it = std::find_if(
            regions.begin(), regions.end(),
            [&](const RolloutCandidate& r) { return r.id == canary || r.name == canary; });
        if (it == regions.end()) {
            throw DomainError::invalid_field(
                "canaries", "'" + canary + "' is not a region this rollout upgrades");
        }
        ordered.push_back(*it);
        regions.erase(it);
    }
    const int canaries = static_cast<int>(ordered.size());
    ordered.insert(ordered.end(), regions.begin(), regions.end());
    const int total = static_cast<int>(ordered.size());
    std::vector<std::vector<RolloutCandidate>> waves;
    int done = 0;
    for (const int size : cumulative_sizes(spec.waves, total, canaries)) {
        if (size <= done) {
            continue;
        }
        waves.emplace_back(ordered.begin() + done, ordered.begin() + size);
        done = size;
    }
    return waves;
}

}  // namespace vergegrid::control
