// Checks that an answer holds the members a command reads its words from, and names the member
// that is missing or of the wrong kind ("the server's cluster answer has no \"items\"").
#pragma once

#include <string>

#include "cli/api.hpp"

namespace vergegrid::cli {

using Check = bool (*)(const Json&);
inline const Check is_string = [](const Json& v) { return v.is_string(); };
inline const Check is_string_or_null = [](const Json& v) { return v.is_string() || v.is_null(); };
inline const Check is_array = [](const Json& v) { return v.is_array(); };
inline const Check is_boolean = [](const Json& v) { return v.is_boolean(); };
inline const Check is_integer = [](const Json& v) { return v.is_number_integer(); };
inline const Check is_object_or_null = [](const Json& v) { return v.is_object() || v.is_null(); };

class AnswerCheck {
  public:
    // `answer` names the answer in messages: "the server's cluster answer".
    explicit AnswerCheck(std::string answer) : answer_(std::move(answer)) {}

    // CliError(server_error): "<answer> <what>".
    [[noreturn]] void odd(const std::string& what) const;
    void require_object(const Json& value) const;
    // object[key] exists and passes `check`; `where` prefixes the key in the message ("items[2].").
    void require(const Json& object, const std::string& where, const std::string& key, Check check,
                 const char* kind) const;

  private:
    std::string answer_;
};

}  // namespace vergegrid::cli
