// A secret given on the command line without landing in the shell's history: `--secret -` reads
// standard input, `--secret-file F` reads a file ('-' for standard input too). Trailing line ends
// are dropped (`echo s3cret > F` gives "s3cret"); an empty secret is a usage error.
#pragma once

#include <istream>
#include <optional>
#include <string>

namespace vergegrid::cli {

// `secret` and `secret_file` as parsed (empty: not given; at most one is). Nothing when neither.
std::optional<std::string> read_secret(const std::string& secret, const std::string& secret_file,
                                       std::istream& in);

}  // namespace vergegrid::cli
