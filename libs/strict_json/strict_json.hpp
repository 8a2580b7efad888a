// The one way VergeGrid parses JSON it did not just build itself: request bodies, documents read
// back from storage, the control plane's answers and the bridge's state files.
//
// nlohmann's dump(), comparison and copy recurse once per nesting level, so a document nested
// tens of thousands deep overflows the stack wherever it is later serialised. The limit is
// enforced during the parse, before any deep value exists. Duplicate keys are refused as well:
// nlohmann would keep the last silently, and the client believes it set the first.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vergegrid::strict_json {

// Arrays and objects nested inside each other: `[[1]]` is 2 deep, a scalar 0.
inline constexpr int max_depth = 64;

// Thrown for text that is not one well-formed JSON document, is nested deeper than max_depth,
// or repeats a key inside one object. what() is a sentence fit for a client: it never quotes
// more of the input than the offending key (cut to a few dozen characters).
class Refused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Refused when `text` is not a document parse() would accept; for a caller that builds another
// JSON type (the CLI keeps the server's key order in an ordered_json).
void check(std::string_view text);

// The document in `text`, or Refused. Strings are checked to be valid UTF-8 (nlohmann's parser
// does), so the result can be dumped without throwing.
nlohmann::json parse(std::string_view text);

}  // namespace vergegrid::strict_json
