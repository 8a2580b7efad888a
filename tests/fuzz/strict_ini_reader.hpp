// A deliberately strict reader of Regions/*.ini as OpenSim's reader (Nini) understands it, for
// checking what libs/region_ini renders (test code only). It refuses whatever Nini would read
// differently from how it looks: it is the oracle of the render round trip.
//
// Nini's rules modelled here: a `[name]` line opens a section (the name is trimmed); a
// `key = value` line sets a key; blanks around the value are trimmed; an unquoted value ends at ';'
// or '#' (the rest is a comment) and at a '"'; a value opening with '"' runs to the next '"'.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace vergegrid::test {

struct IniSection {
    std::string name;
    std::map<std::string, std::string> values;
};

class StrictIniError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Every section in order. Throws StrictIniError for a line Nini would read differently from how
// it looks: a comment inside a value, text after a closing quote, an unclosed quote, a repeated
// key or section, a key outside a section, a control character.
std::vector<IniSection> read_strict_ini(const std::string& text);

}  // namespace vergegrid::test
