// libFuzzer target: a client's JSON body through strict_json, then the template spec validation
// the API runs on it (JsonReader, template and region fields), without storage. Invariants: only
// strict_json::Refused and ApiError escape; a spec the validation accepts serialises, and the
// stored form reads back (template_spec_from_text) to the same spec.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "control/common/json_reader.hpp"
#include "control/domain/domain_error.hpp"
#include "control/templates/template_spec.hpp"
#include "strict_json/strict_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vergegrid;
    nlohmann::json body;
    try {
        body = strict_json::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const strict_json::Refused&) {
        return 0;
    }
    // Whatever strict_json accepts can be dumped (valid UTF-8, bounded depth).
    (void)body.dump();

    control::TemplateSpec spec;
    try {
        control::JsonReader reader(body, "spec");
        control::read_template_spec(reader, spec);
        reader.reject_unknown();
    } catch (const control::DomainError&) {
        return 0;
    }
    const std::string stored = control::template_spec_to_json(spec).dump();
    const control::TemplateSpec read_back = control::template_spec_from_text(stored);
    if (control::template_spec_to_json(read_back) != control::template_spec_to_json(spec)) {
        std::abort();  // the stored form of an accepted spec reads back as another spec
    }
    return 0;
}
