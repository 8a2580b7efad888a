// Shell completion scripts made from the command tree vergegridctl parses with (CLI::App): its
// subcommands, their options (with the global ones they accept too) and the words an option takes
// (its CLI::IsMember or CLI::Transformer set). A new command is completed without touching this.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vergegrid::cli {

struct CompletionOption {
    std::vector<std::string> words;  // "-o", "--output"
    std::string description;
    bool takes_value = false;
    std::vector<std::string> choices;  // empty: any value
};

// One command: its path from the program's name ("vergegridctl region list"), the subcommands
// below it (aliases included) and every option it accepts.
struct CompletionCommand {
    std::string path;
    std::vector<std::pair<std::string, std::string>> subcommands;  // name, description
    std::vector<CompletionOption> options;
};

// Every command of the tree under `root`, root first, depth first.
std::vector<CompletionCommand> completion_tree(const CLI::App& root);

// `complete -F` for bash (the bash-completion package loads it by the program's name).
std::string bash_completion(const CLI::App& root);
// A #compdef function for zsh's compinit (a file named _vergegridctl on $fpath), also fit to be
// sourced from .zshrc after compinit.
std::string zsh_completion(const CLI::App& root);

}  // namespace vergegrid::cli
