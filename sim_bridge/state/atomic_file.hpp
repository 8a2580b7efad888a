// Writes a file so that a reader (or a crash) sees either the old content or the new one:
// a temporary file created exclusively in the same folder, flushed, then renamed over the target.
#pragma once

#include <sys/types.h>
#include <filesystem>
#include <string>

namespace vergegrid::bridge {

// Throws std::runtime_error naming the file when it cannot be written, or when `file` is a
// symbolic link or anything but a regular file (it is refused, never followed or replaced). The
// file gets exactly `mode`.
void write_file_atomically(const std::filesystem::path& file, const std::string& content,
                           mode_t mode = 0644);

// Throws std::runtime_error naming `file` when it exists and is not a regular file (a symbolic
// link included).
void refuse_unless_regular_or_absent(const std::filesystem::path& file);

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::filesystem::path& file);

}  // namespace vergegrid::bridge
