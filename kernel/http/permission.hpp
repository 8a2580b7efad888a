// What a route requires of its caller. The kernel knows one requirement of its own, `anyone` (no
// credentials: the authenticator does not even run); every other one is a name the program
// chooses ("read", "admin", ...) and only the program's authorizer (Router::set_authorizer)
// understands. For such a route the server authenticates the caller, answers 401
// "unauthenticated" when it cannot tell who is calling and 403 "forbidden" when the authorizer
// refuses the caller.
#pragma once

#include <concepts>
#include <string>

namespace vergegrid::kernel::http {

class Permission {
  public:
    // No credentials needed (health, version, login).
    static const Permission anyone;

    // Needs an authenticated caller whom the program's authorizer admits for `name`. Throws
    // std::invalid_argument for "" or "anyone".
    static Permission named(std::string name);

    // A program's own requirement type (an enum of its roles, say) converts through
    // `route_permission(value)`, found by argument-dependent lookup next to that type: routes
    // then name the program's requirement directly, e.g. router.add(..., Permission::admin, ...).
    template <typename Requirement>
    requires requires(const Requirement& requirement) {
        { route_permission(requirement) } -> std::same_as<Permission>;
    }
    Permission(const Requirement& requirement)  // NOLINT(google-explicit-constructor)
        : Permission(route_permission(requirement)) {}

    bool is_anyone() const noexcept { return name_.empty(); }
    // "" for anyone.
    const std::string& name() const noexcept { return name_; }

    friend bool operator==(const Permission&, const Permission&) = default;

  private:
    Permission() = default;
    explicit Permission(std::string name) : name_(std::move(name)) {}

    std::string name_;
};

inline const Permission Permission::anyone{};

// "anyone", or the name the program gave: what GET /api/v1/routes lists.
std::string to_string(const Permission& permission);

}  // namespace vergegrid::kernel::http
