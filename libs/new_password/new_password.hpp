// A new password from the operator, never from the command line (argv is visible to every user
// of the machine in /proc and lands in shell history). On a terminal it is typed twice with echo
// off; otherwise (a pipe, a file, or asked for with --password-stdin) it is the first line of
// standard input, its line end dropped. Checking its strength is the auth provider's job.
#pragma once

#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>

namespace vergegrid::new_password {

// The operator's mistake, said in words for the terminal (empty, the two differ, no input).
class PasswordInputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct PasswordSource {
    std::istream& in;         // standard input
    std::ostream& prompt;     // where the questions go (standard error: stdout may be captured)
    int in_fd = 0;            // the descriptor behind `in`, to tell a terminal and turn echo off
    bool from_stdin = false;  // --password-stdin: read `in` even when it is a terminal
};

// Throws PasswordInputError.
std::string read_new_password(const PasswordSource& source, const std::string& whose);

// The first line of `in` without its line end ("" when there is none).
std::string first_line(std::istream& in);

}  // namespace vergegrid::new_password
