// Writes a file so that a reader (or a crash) sees either the old content or the new one:
// a temporary file in the same folder, flushed, then renamed over the target.
#pragma once

#include <sys/types.h>
#include <filesystem>
#include <string>

namespace vergegrid::bridge {

// Throws std::runtime_error naming the file when it cannot be written.
void write_file_atomically(const std::filesystem::path& file, const std::string& content,
                           mode_t mode = 0644);

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::filesystem::path& file);

}  // namespace vergegrid::bridge
