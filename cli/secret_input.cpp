#include "cli/secret_input.hpp"

#include <fstream>
#include <iterator>

#include "cli/exit_codes.hpp"

namespace vergegrid::cli {

namespace {

std::string read_all(std::istream& in) {
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string without_line_ends(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

std::optional<std::string> read_secret(const std::string& secret, const std::string& secret_file,
                                       std::istream& in) {
    std::string flag;
    std::string value;
    if (!secret_file.empty()) {
        flag = "--secret-file " + secret_file;
        if (secret_file == "-") {
            value = read_all(in);
        } else {
            std::ifstream file(secret_file, std::ios::binary);
            if (!file) {
                throw CliError(ExitCode::usage, flag + ": cannot be read");
            }
            value = read_all(file);
        }
    } else if (secret == "-") {
        flag = "--secret - (standard input)";
        value = read_all(in);
    } else if (!secret.empty()) {
        return secret;
    } else {
        return std::nullopt;
    }
    value = without_line_ends(std::move(value));
    if (value.empty()) {
        throw CliError(ExitCode::usage, flag + ": the secret is empty");
    }
    return value;
}

}  // namespace vergegrid::cli
