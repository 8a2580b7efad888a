// libFuzzer target: the Regions.ini round trip. A spec built from the input is rendered by
// libs/region_ini; either render refuses it with std::invalid_argument, or the strict reader
// (tests/fuzz/strict_ini_reader, Nini's rules) reads back exactly the spec's values.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "region_ini/region_ini.hpp"
#include "tests/fuzz/strict_ini_reader.hpp"

namespace {

// The input is the spec's fields separated by NUL bytes, in RegionIniSpec's order: name, uuid,
// internal_address, external_host_name, target_estate, then loc_x, loc_y, size_x, size_y,
// internal_port, max_prims, max_agents as decimal text (missing fields are empty or 0). Seeds
// stay readable and any byte, line breaks included, can reach a text field.
class Fields {
  public:
    Fields(const std::uint8_t* data, std::size_t size)
        : text_(reinterpret_cast<const char*>(data), size) {}
    std::string next() {
        if (at_ > text_.size()) {
            return "";
        }
        const auto end = std::min(text_.find('\0', at_), text_.size());
        std::string field = text_.substr(at_, end - at_);
        at_ = end + 1;
        return field;
    }
    int next_int() {
        const std::string field = next();
        int value = 0;
        std::from_chars(field.data(), field.data() + field.size(), value);
        return value;  // 0 for text that is not a number in int's range
    }

  private:
    std::string text_;
    std::size_t at_ = 0;
};

[[noreturn]] void mismatch(const std::string& what, const std::string& ini) {
    std::fprintf(stderr, "region_ini round trip: %s\n--- rendered ---\n%s---\n", what.c_str(),
                 ini.c_str());
    std::abort();
}

void expect(const vergegrid::test::IniSection& section, const std::string& key,
            const std::string& value, const std::string& ini) {
    const auto it = section.values.find(key);
    if (it == section.values.end()) {
        mismatch(key + " missing", ini);
    }
    if (it->second != value) {
        mismatch(key + " reads back as '" + it->second + "', not '" + value + "'", ini);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fields input(data, size);
    vergegrid::region_ini::RegionIniSpec spec;
    spec.name = input.next();
    spec.uuid = input.next();
    spec.internal_address = input.next();
    spec.external_host_name = input.next();
    spec.target_estate = input.next();
    spec.loc_x = input.next_int();
    spec.loc_y = input.next_int();
    spec.size_x = input.next_int();
    spec.size_y = input.next_int();
    spec.internal_port = input.next_int();
    spec.max_prims = input.next_int();
    spec.max_agents = input.next_int();

    std::string ini;
    try {
        ini = vergegrid::region_ini::render(spec);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    std::vector<vergegrid::test::IniSection> sections;
    try {
        sections = vergegrid::test::read_strict_ini(ini);
    } catch (const vergegrid::test::StrictIniError& e) {
        mismatch(e.what(), ini);
    }
    if (sections.size() != 1 || sections[0].name != spec.name) {
        mismatch("not one section named after the region", ini);
    }
    const auto& section = sections[0];
    expect(section, "RegionUUID", spec.uuid, ini);
    expect(section, "Location", std::to_string(spec.loc_x) + "," + std::to_string(spec.loc_y), ini);
    expect(section, "InternalAddress", spec.internal_address, ini);
    expect(section, "InternalPort", std::to_string(spec.internal_port), ini);
    expect(section, "ExternalHostName", spec.external_host_name, ini);
    expect(section, "SizeX", std::to_string(spec.size_x), ini);
    expect(section, "SizeY", std::to_string(spec.size_y), ini);
    std::size_t expected_keys = 7;
    if (spec.max_prims > 0) {
        expect(section, "MaxPrims", std::to_string(spec.max_prims), ini);
        ++expected_keys;
    }
    if (spec.max_agents > 0) {
        expect(section, "MaxAgents", std::to_string(spec.max_agents), ini);
        ++expected_keys;
    }
    if (!spec.target_estate.empty()) {
        expect(section, "TargetEstate", spec.target_estate, ini);
        ++expected_keys;
    }
    if (section.values.size() != expected_keys) {
        mismatch("unexpected keys", ini);
    }
    return 0;
}
