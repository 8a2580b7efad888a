#include "cli/answer_check.hpp"

namespace vergegrid::cli {

void AnswerCheck::odd(const std::string& what) const {
    throw CliError(ExitCode::server_error, answer_ + " " + what);
}

void AnswerCheck::require_object(const Json& value) const {
    if (!value.is_object()) {
        odd("is not an object");
    }
}

void AnswerCheck::require(const Json& object, const std::string& where, const std::string& key,
                          Check check, const char* kind) const {
    const auto it = object.find(key);
    if (it == object.end()) {
        odd("has no \"" + where + key + "\"");
    }
    if (!check(*it)) {
        odd("has a \"" + where + key + "\" that is not " + kind);
    }
}

}  // namespace vergegrid::cli
