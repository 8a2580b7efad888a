#include "strict_json/strict_json.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace vergegrid::strict_json {

namespace {

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

// A SAX pass over the text before any DOM exists: the nesting depth and the keys already seen
// in each open object. nlohmann's parser-callback DOM builder could do the same in one pass but
// copies every value for its callback; this pass plus a plain parse costs about half as much.
class Checker {
  public:
    using json = nlohmann::json;

    bool null() { return true; }
    bool boolean(bool) { return true; }
    bool number_integer(json::number_integer_t) { return true; }
    bool number_unsigned(json::number_unsigned_t) { return true; }
    bool number_float(json::number_float_t, const json::string_t&) { return true; }
    bool string(json::string_t&) { return true; }
    bool binary(json::binary_t&) { return true; }
    bool start_object(std::size_t) { return open(); }
    bool start_array(std::size_t) { return open(); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& key) {
        if (!open_.back().insert(key).second) {
            throw Refused("the JSON document repeats the key " + quoted_key(key) +
                          " in one object");
        }
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
        if (e.id == 406) {
            // A number beyond double's range (1e400): nlohmann's DOM parse reports it as
            // out_of_range, not as a parse error (found by tests/fuzz json_spec).
            throw Refused("the text is not valid JSON (a number is out of range)");
        }
        // e.what() quotes the input; the byte offset is enough to find the fault.
        throw Refused("the text is not valid JSON (error at byte " + std::to_string(position) +
                      ")");
    }

  private:
    bool open() {
        if (open_.size() >= static_cast<std::size_t>(max_depth)) {
            throw Refused("the JSON document is nested deeper than " + std::to_string(max_depth) +
                          " levels");
        }
        open_.emplace_back();  // arrays too, so the stack lines up with the nesting
        return true;
    }
    bool close() {
        open_.pop_back();
        return true;
    }

    std::vector<std::unordered_set<std::string>> open_;
};

}  // namespace

void check(std::string_view text) {
    Checker checker;
    nlohmann::json::sax_parse(text.begin(), text.end(), &checker);
}

nlohmann::json parse(std::string_view text) {
    check(text);
    // The same grammar accepted the text just now, so this cannot throw.
    return nlohmann::json::parse(text.begin(), text.end());
}

}  // namespace vergegrid::strict_json
