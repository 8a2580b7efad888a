#include "tests/fuzz/strict_ini_reader.hpp"

#include <set>
#include <sstream>

namespace vergegrid::test {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string trim(const std::string& text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_blank(text[begin])) {
        ++begin;
    }
    while (end > begin && is_blank(text[end - 1])) {
        --end;
    }
    return text.substr(begin, end - begin);
}

std::string read_value(const std::string& raw, int line_number) {
    const auto fail = [line_number](const std::string& why) {
        throw StrictIniError("line " + std::to_string(line_number) + ": " + why);
    };
    const std::string value = trim(raw);
    if (!value.empty() && value.front() == '"') {
        const auto close = value.find('"', 1);
        if (close == std::string::npos) {
            fail("unclosed quote");
        }
        if (close != value.size() - 1) {
            fail("text after the closing quote (Nini drops it)");
        }
        return value.substr(1, close - 1);
    }
    if (value.find_first_of(";#") != std::string::npos) {
        fail("a comment character inside an unquoted value (Nini cuts the value there)");
    }
    if (value.find('"') != std::string::npos) {
        fail("a quote inside an unquoted value (Nini ends the value there)");
    }
    return value;
}

}  // namespace

std::vector<IniSection> read_strict_ini(const std::string& text) {
    std::vector<IniSection> sections;
    std::set<std::string> section_names;
    std::istringstream in(text);
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        const auto fail = [line_number](const std::string& why) {
            throw StrictIniError("line " + std::to_string(line_number) + ": " + why);
        };
        for (const char c : line) {
            const auto byte = static_cast<unsigned char>(c);
            if ((byte < 0x20 && c != '\t') || byte == 0x7F) {
                fail("a control character");
            }
        }
        const std::string content = trim(line);
        if (content.empty() || content.front() == ';' || content.front() == '#') {
            continue;
        }
        if (content.front() == '[') {
            if (content.back() != ']') {
                fail("a section line must end with ']'");
            }
            const std::string name = content.substr(1, content.size() - 2);
            if (name.find_first_of("[]") != std::string::npos || trim(name) != name ||
                name.empty()) {
                fail("a section name Nini would read differently");
            }
            if (!section_names.insert(name).second) {
                fail("section [" + name + "] repeated");
            }
            sections.push_back(IniSection{name, {}});
            continue;
        }
        const auto equals = content.find('=');
        if (equals == std::string::npos) {
            fail("neither a section, a key nor a comment");
        }
        if (sections.empty()) {
            fail("a key outside any section");
        }
        const std::string key = trim(content.substr(0, equals));
        if (key.empty() || key.find_first_of(";#\"[]") != std::string::npos) {
            fail("a key Nini would read differently");
        }
        if (!sections.back()
                 .values.emplace(key, read_value(content.substr(equals + 1), line_number))
                 .second) {
            fail("key " + key + " repeated");
        }
    }
    return sections;
}

}  // namespace vergegrid::test
