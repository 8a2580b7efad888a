// completion bash|zsh: the shell completion scripts, made from the very command tree this run
// parsed (cli/completion.hpp), so they always match the binary that prints them.
#include "cli/commands.hpp"
#include "cli/completion.hpp"

namespace vergegrid::cli {

void add_completion_commands(CLI::App& app, Context& ctx) {
    auto* completion = app.add_subcommand(
        "completion", "print a shell completion script (see cli/README.md to install it)");
    completion->require_subcommand(1);
    CLI::App* root = &app;
    completion
        ->add_subcommand("bash",
                         "bash: source it, or install it as "
                         "/usr/share/bash-completion/completions/vergegridctl")
        ->callback(
            [&ctx, root] { ctx.action = [&ctx, root] { ctx.io.out << bash_completion(*root); }; });
    completion->add_subcommand("zsh", "zsh: install it as _vergegridctl in a directory of $fpath")
        ->callback(
            [&ctx, root] { ctx.action = [&ctx, root] { ctx.io.out << zsh_completion(*root); }; });
}

}  // namespace vergegrid::cli
