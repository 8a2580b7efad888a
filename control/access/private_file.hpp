// A file only the control plane's user may read (the admin token, the first login link).
#pragma once

#include <filesystem>
#include <string>

namespace vergegrid::control {

// Writes `text` and a line end to `file`, created (or truncated) with mode 0600 from the start,
// so the secret is never readable by others, not even for a moment. Throws std::runtime_error.
void write_private_file(const std::filesystem::path& file, const std::string& text);

}  // namespace vergegrid::control
