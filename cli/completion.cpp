#include "cli/completion.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string_view>

namespace vergegrid::cli {

namespace {

// Words the scripts hand to `compgen -W` and `compadd` as they are: nothing a shell expands.
bool safe_word(const std::string& word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("_.:/@+-").find(c) != std::string_view::npos;
    });
}

// The set an IsMember or Transformer validator checks against, from its description:
// "{a,b,c}", or "{a->x,b->y}" for a mapping (the keys are what is typed).
std::vector<std::string> choices_of(CLI::Option& option) {
    for (int index = 0;; ++index) {
        CLI::Validator* validator = nullptr;
        try {
            validator = option.get_validator(index);
        } catch (const CLI::OptionNotFound&) {
            return {};
        }
        const std::string text = validator->get_description();
        if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
            continue;
        }
        std::vector<std::string> words;
        std::istringstream items(text.substr(1, text.size() - 2));
        for (std::string item; std::getline(items, item, ',');) {
            item = item.substr(0, item.find("->"));
            if (safe_word(item)) {
                words.push_back(item);
            }
        }
        return words;
    }
}

CompletionOption option_of(CLI::Option& option) {
    CompletionOption out;
    for (const auto& name : option.get_snames()) {
        out.words.push_back("-" + name);
    }
    for (const auto& name : option.get_lnames()) {
        out.words.push_back("--" + name);
    }
    out.description = option.get_description();
    out.takes_value = option.get_type_size_max() > 0;
    out.choices = choices_of(option);
    return out;
}

void walk(CLI::App& app, const std::string& path, std::vector<CompletionOption> inherited,
          std::vector<CompletionCommand>& tree) {
    CompletionCommand command;
    command.path = path;
    command.options = std::move(inherited);
    for (CLI::Option* option : app.get_options()) {
        if (!option->get_positional()) {
            command.options.push_back(option_of(*option));
        }
    }
    const auto subcommands = app.get_subcommands(
        [](CLI::App* sub) { return !sub->get_name().empty() && safe_word(sub->get_name()); });
    for (CLI::App* sub : subcommands) {
        command.subcommands.emplace_back(sub->get_name(), sub->get_description());
        for (const auto& alias : sub->get_aliases()) {
            if (safe_word(alias)) {
                command.subcommands.emplace_back(alias, sub->get_description());
            }
        }
    }
    tree.push_back(command);
    for (CLI::App* sub : subcommands) {
        // With fallthrough, a subcommand also takes its parent's options (`region list -o json`).
        std::vector<CompletionOption> passed;
        if (sub->get_fallthrough()) {
            passed = command.options;
            // Every command has its own -h/--help; the parent's would be listed twice.
            passed.erase(std::remove_if(passed.begin(), passed.end(),
                                        [](const CompletionOption& option) {
                                            return std::find(option.words.begin(),
                                                             option.words.end(),
                                                             "--help") != option.words.end();
                                        }),
                         passed.end());
        }
        walk(*sub, path + " " + sub->get_name(), std::move(passed), tree);
    }
}

// A single-quoted shell word (bash and zsh read it alike).
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else if (c == '\n' || c == '\r') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) {
        if (safe_word(word)) {
            out += (out.empty() ? "" : " ") + word;
        }
    }
    return out;
}

std::vector<std::string> subcommand_names(const CompletionCommand& command) {
    std::vector<std::string> names;
    for (const auto& [name, description] : command.subcommands) {
        names.push_back(name);
    }
    return names;
}

std::vector<std::string> option_words(const CompletionCommand& command, bool valued_only) {
    std::vector<std::string> words;
    for (const auto& option : command.options) {
        if (!valued_only || option.takes_value) {
            words.insert(words.end(), option.words.begin(), option.words.end());
        }
    }
    return words;
}

// The four tables both scripts look words up in, keyed by command path (and option word).
void write_tables(std::ostream& out, const std::string& function,
                  const std::vector<CompletionCommand>& tree, const std::string& declare) {
    const auto table = [&](const std::string& name, const auto& value_of) {
        out << declare << ' ' << function << '_' << name << "=(\n";
        for (const auto& command : tree) {
            value_of(command);
        }
        out << ")\n";
    };
    table("commands", [&](const CompletionCommand& command) {
        out << "  [" << quoted(command.path) << "]=" << quoted(joined(subcommand_names(command)))
            << '\n';
    });
    table("options", [&](const CompletionCommand& command) {
        out << "  [" << quoted(command.path) << "]=" << quoted(joined(option_words(command, false)))
            << '\n';
    });
    table("valued", [&](const CompletionCommand& command) {
        out << "  [" << quoted(command.path) << "]=" << quoted(joined(option_words(command, true)))
            << '\n';
    });
    table("choices", [&](const CompletionCommand& command) {
        for (const auto& option : command.options) {
            if (option.choices.empty()) {
                continue;
            }
            for (const auto& word : option.words) {
                out << "  [" << quoted(command.path + " " + word)
                    << "]=" << quoted(joined(option.choices)) << '\n';
            }
        }
    });
}

constexpr const char* kBashFunction = R"BASH(
# The command path (cmdpath; zsh reserves "path") is the subcommands typed so far; an option's value (after a space or '=') is
# skipped. Then: an option's choices, the options of the path ("-..."), or its subcommands.
_vergegridctl() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" option="" cmdpath="vergegridctl" word i skip=0
    ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD - 1]}"
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if [[ $word == "=" ]]; then
            skip=1  # bash splits "--output=json" at '=': the value follows
            continue
        fi
        if ((skip)); then
            skip=0
            continue
        fi
        case "$word" in
        -*) [[ " ${_vergegridctl_valued[$cmdpath]} " == *" $word "* ]] && skip=1 ;;
        *) [[ " ${_vergegridctl_commands[$cmdpath]} " == *" $word "* ]] && cmdpath+=" $word" ;;
        esac
    done
    if [[ $cur == "=" ]]; then
        option="$prev"
        cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD >= 2)); then
        option="${COMP_WORDS[COMP_CWORD - 2]}"
    elif [[ -n $prev && " ${_vergegridctl_valued[$cmdpath]} " == *" $prev "* ]]; then
        option="$prev"
    fi
    COMPREPLY=()
    if [[ -n $option ]]; then
        # No choices known: nothing here, so that `complete -o default` offers file names.
        local choices="${_vergegridctl_choices["$cmdpath $option"]}"
        [[ -n $choices ]] && COMPREPLY=($(compgen -W "$choices" -- "$cur"))
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${_vergegridctl_options[$cmdpath]}" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "${_vergegridctl_commands[$cmdpath]}" -- "$cur"))
    fi
    return 0
}
complete -o default -F _vergegridctl vergegridctl
)BASH";

// The zsh function: the same walk as bash's, then _describe with each word's help text.
constexpr const char* kZshFunctions = R"ZSH(
# The words before the cursor (the program's name first, the word being completed last) to what
# may come next: REPLY is "value", "option" or "command"; reply holds the candidates, options and
# commands as "word:description" (for _describe), values as plain words.
_vergegridctl_candidates() {
    local -a args=("$@")
    local cur="${args[-1]}" prev="" option="" cmdpath="vergegridctl" word i skip=0
    (( ${#args} > 1 )) && prev="${args[-2]}"
    for ((i = 2; i < ${#args}; i++)); do
        word="${args[i]}"
        if ((skip)); then
            skip=0
            continue
        fi
        case "$word" in
        -*=*) ;;
        -*) [[ " ${_vergegridctl_valued[$cmdpath]} " == *" $word "* ]] && skip=1 ;;
        *) [[ " ${_vergegridctl_commands[$cmdpath]} " == *" $word "* ]] && cmdpath+=" $word" ;;
        esac
    done
    reply=()
    if [[ $cur == -*=* ]]; then
        option="${cur%%=*}"
    elif [[ -n $prev && " ${_vergegridctl_valued[$cmdpath]} " == *" $prev "* ]]; then
        option="$prev"
    fi
    if [[ -n $option ]]; then
        REPLY=value
        reply=(${=_vergegridctl_choices[$cmdpath $option]})
        return 0
    fi
    local -a names
    if [[ $cur == -* ]]; then
        REPLY=option
        names=(${=_vergegridctl_options[$cmdpath]})
    else
        REPLY=command
        names=(${=_vergegridctl_commands[$cmdpath]})
    fi
    for word in $names; do
        reply+=("${word//:/\\:}:${_vergegridctl_help[$cmdpath $word]}")
    done
    return 0
}

_vergegridctl() {
    local REPLY
    local -a reply
    _vergegridctl_candidates "${(@)words[1,CURRENT]}"
    case $REPLY in
    value)
        if (( ${#reply} )); then
            [[ ${words[CURRENT]} == -*=* ]] && compset -P '*='
            compadd -a reply
        else
            _files
        fi
        ;;
    option) _describe -t options option reply ;;
    command) (( ${#reply} )) && _describe -t commands command reply || _files ;;
    esac
}

# Autoloaded from $fpath, this file is the body of _vergegridctl: define, then complete. Sourced,
# it registers the function with compinit's compdef.
if [[ ${funcstack[1]} == _vergegridctl ]]; then
    _vergegridctl "$@"
elif (( ${+functions[compdef]} )); then
    compdef _vergegridctl vergegridctl
fi
)ZSH";

}  // namespace

std::vector<CompletionCommand> completion_tree(const CLI::App& root) {
    std::vector<CompletionCommand> tree;
    // get_options and get_subcommands with filters are non-const in CLI11 2.1; nothing is changed.
    walk(const_cast<CLI::App&>(root), root.get_name(), {}, tree);
    return tree;
}

std::string bash_completion(const CLI::App& root) {
    const auto tree = completion_tree(root);
    std::ostringstream out;
    out << "# bash completion for " << root.get_name() << ": made by `" << root.get_name()
        << " completion bash` from the commands it parses.\n"
        << "# Installed as /usr/share/bash-completion/completions/" << root.get_name()
        << ", or sourced from ~/.bashrc.\n";
    write_tables(out, "_vergegridctl", tree, "declare -gA");
    out << kBashFunction;
    return out.str();
}

std::string zsh_completion(const CLI::App& root) {
    const auto tree = completion_tree(root);
    std::ostringstream out;
    out << "#compdef " << root.get_name() << "\n"
        << "# zsh completion for " << root.get_name() << ": made by `" << root.get_name()
        << " completion zsh` from the commands it parses.\n"
        << "# Installed as _" << root.get_name()
        << " in a directory of $fpath (/usr/share/zsh/vendor-completions), or sourced from "
           "~/.zshrc after compinit.\n";
    write_tables(out, "_vergegridctl", tree, "typeset -gA");
    // zsh only: each word's help text, keyed by command path and word.
    out << "typeset -gA _vergegridctl_help=(\n";
    for (const auto& command : tree) {
        for (const auto& [name, description] : command.subcommands) {
            out << "  " << quoted(command.path + " " + name) << ' ' << quoted(description) << '\n';
        }
        for (const auto& option : command.options) {
            for (const auto& word : option.words) {
                out << "  " << quoted(command.path + " " + word) << ' '
                    << quoted(option.description) << '\n';
            }
        }
    }
    out << ")\n" << kZshFunctions;
    return out.str();
}

}  // namespace vergegrid::cli
