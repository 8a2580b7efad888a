#include "sim_bridge/process/console_questions.hpp"

#include <array>

namespace vergegrid::bridge {

namespace {

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

constexpr const char* kEstateFix =
    "set [Estates] DefaultEstateName, DefaultEstateOwnerName, DefaultEstateOwnerUUID, "
    "DefaultEstateOwnerEMail and DefaultEstateOwnerPassword in OpenSim.ini";

}  // namespace

bool announces_console_question(std::string_view line) {
    // OpenSimBase.SetUpEstateOwner; PopulateRegionEstateInfo; the region loader's interview.
    return (contains(line, "Estate ") && contains(line, " has no owner set.")) ||
           contains(line, "is not part of an estate.") ||
           contains(line, "We are now going to ask a couple of questions about your region.");
}

std::string setting_that_avoids(std::string_view question) {
    // Lower-case copy: OpenSim words its questions in several cases.
    std::string text(question);
    for (auto& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (contains(text, "estate owner") || contains(text, "has no owner set") ||
        contains(text, "password") || contains(text, "email") || contains(text, "user id")) {
        return kEstateFix;
    }
    if (contains(text, "estate")) {  // "New estate name", "join region X to an existing estate"
        return "set [Estates] DefaultEstateName (and the DefaultEstateOwner* keys) in OpenSim.ini";
    }
    if (contains(text, "region name") || contains(text, "couple of questions")) {
        return "set [Startup] allow_regionless = true in OpenSim.ini (or give the simulator a "
               "region file in its Regions folder)";
    }
    static constexpr std::array<std::string_view, 6> kRegionKeys = {
        "region uuid",   "region location", "internal ip",
        "internal port", "external host",   "location"};
    for (const auto key : kRegionKeys) {
        if (contains(text, key)) {
            return "complete the region file in the Regions folder (RegionUUID, Location, "
                   "InternalAddress, InternalPort, ExternalHostName)";
        }
    }
    return "answer it on the simulator's console, or set what it asks for in OpenSim.ini";
}

std::string describe_console_question(std::string_view question) {
    return "console question \"" + std::string(question) + "\" — " + setting_that_avoids(question);
}

}  // namespace vergegrid::bridge
