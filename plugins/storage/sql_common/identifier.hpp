// What may stand in a statement's text where a value cannot be bound (a savepoint's name, a
// notification channel): letters, digits and '_', not starting with a digit, at most 63 bytes
// (PostgreSQL's identifier length; the other databases allow more).
#pragma once

#include <string>

namespace vergegrid::plugins::sql {

bool plain_identifier(const std::string& name);

}  // namespace vergegrid::plugins::sql
