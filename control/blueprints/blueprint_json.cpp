#include "control/blueprints/blueprint_json.hpp"

#include "control/regions/region_json.hpp"

namespace vergegrid::control {

nlohmann::json blueprint_to_json(const BlueprintInfo& blueprint) {
    return {{"name", blueprint.name},
            {"description", blueprint.description},
            {"parameters", blueprint.parameters}};
}

nlohmann::json blueprint_outcome_to_json(const BlueprintOutcome& outcome) {
    auto regions = nlohmann::json::array();
    int refused = 0;
    for (const auto& planned : outcome.regions) {
        nlohmann::json entry{{"name", planned.spec.value("name", nlohmann::json())},
                             {"spec", planned.spec},
                             {"region", nullptr},
                             {"refusal", nullptr}};
        if (planned.created) {
            entry["region"] = region_answer_json(planned.created->region);
            if (planned.created->decision) {
                entry["region"]["placement_decision"] = {
                    {"score", planned.created->decision->score},
                    {"reasons", planned.created->decision->reasons}};
            }
        }
        if (planned.refusal) {
            ++refused;
            entry["refusal"] = {{"code", planned.refusal->code},
                                {"field", planned.refusal->field},
                                {"message", planned.refusal->message}};
        }
        regions.push_back(std::move(entry));
    }
    return {{"blueprint", outcome.blueprint},
            {"parameters", outcome.parameters},
            {"applied", outcome.applied},
            {"refused", refused},
            {"regions", std::move(regions)}};
}

}  // namespace vergegrid::control
