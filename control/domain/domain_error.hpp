// The one error type the control plane's services throw. It says what went wrong in domain terms
// (a Fault and a stable machine-readable code naming it, the input field at fault when there is
// one); control/api/error_mapping.cpp alone turns it into an HTTP answer.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace vergegrid::control {

enum class Fault {
    invalid_input,        // the command itself is malformed
    unauthenticated,      // the caller could not be identified
    forbidden,            // the caller may not do this
    not_found,            // the entity the command names does not exist
    conflict,             // the command clashes with the current state
    precondition_failed,  // the caller's expected version is not the current one
    unprocessable,        // well-formed, but refers to something that makes it impossible
    too_many,             // a quota or throttle refuses it for now
    unavailable,          // a service it needs (storage, a plugin) is not there right now
    internal,             // a plugin failed in a way the caller cannot fix
};

std::string_view to_string(Fault fault);

class DomainError : public std::runtime_error {
  public:
    // `message` reaches the client: no internals, no secrets.
    DomainError(Fault fault, std::string code, const std::string& message, std::string field = {});

    Fault fault() const noexcept { return fault_; }
    const std::string& code() const noexcept { return code_; }
    const std::string& field() const noexcept { return field_; }

    // The usual answers: invalid_field (code "invalid_field"), not_found ("not_found"),
    // conflict ("conflict").
    static DomainError invalid_field(std::string field, const std::string& message);
    static DomainError not_found(const std::string& message);
    static DomainError conflict(std::string code, const std::string& message,
                                std::string field = {});

  private:
    Fault fault_;
    std::string code_;
    std::string field_;
};

}  // namespace vergegrid::control
