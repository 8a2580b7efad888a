#include "control/common/host_name.hpp"

namespace vergegrid::control {

bool is_host_name(std::string_view text) {
    return !text.empty() && text.size() <= 253 &&
           text.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") ==
               std::string_view::npos &&
           text.front() != '-' && text.front() != '.';
}

}  // namespace vergegrid::control
