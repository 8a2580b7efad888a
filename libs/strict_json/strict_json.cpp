#include "strict_json/strict_json.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace vergegrid::strict_json {

namespace {

using Event = nlohmann::json::parse_event_t;

// A key quoted in an error: at most 40 bytes, cut on a UTF-8 character boundary so the error
// message itself stays valid UTF-8 (it is sent back as JSON).
std::string quoted_key(const std::string& key) {
    constexpr std::size_t max_bytes = 40;
    if (key.size() <= max_bytes) {
        return "\"" + key + "\"";
    }
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(key[end]) & 0xC0U) == 0x80U) {
        --end;  // key[end] continues a multi-byte character: cut before that character starts
    }
    return "\"" + key.substr(0, end) + "...\"";
}

// Tracks, while nlohmann parses, the keys already seen in each open object. One entry per open
// container; arrays get an empty entry so the stack lines up with the nesting.
class Checker {
  public:
    bool operator()(int depth, Event event, nlohmann::json& parsed) {
        switch (event) {
            case Event::object_start:
            case Event::array_start:
                // `depth` counts the containers already open around this one.
                if (depth >= max_depth) {
                    throw Refused("the JSON document is nested deeper than " +
                                  std::to_string(max_depth) + " levels");
                }
                open_.emplace_back();
                break;
            case Event::object_end:
            case Event::array_end:
                open_.pop_back();
                break;
            case Event::key: {
                const auto& key = parsed.get_ref<const std::string&>();
                if (!open_.back().insert(key).second) {
                    throw Refused("the JSON document repeats the key " + quoted_key(key) +
                                  " in one object");
                }
                break;
            }
            case Event::value:
                break;
        }
        return true;
    }

  private:
    std::vector<std::unordered_set<std::string>> open_;
};

}  // namespace

nlohmann::json parse(std::string_view text) {
    try {
        return nlohmann::json::parse(text.begin(), text.end(), Checker{});
    } catch (const nlohmann::json::parse_error& e) {
        // e.what() quotes the input; the byte offset is enough to find the fault.
        throw Refused("the text is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
    } catch (const nlohmann::json::out_of_range&) {
        // A number beyond double's range (1e400): nlohmann reports it as out_of_range 406, not
        // as a parse error (found by tests/fuzz json_spec).
        throw Refused("the text is not valid JSON (a number is out of range)");
    }
}

}  // namespace vergegrid::strict_json
