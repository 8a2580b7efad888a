// template versions.
#include <memory>

#include "cli/commands.hpp"
#include "cli/views.hpp"

namespace vergegrid::cli {

void add_template_commands(CLI::App& tmpl, Context& ctx) {
    auto id = std::make_shared<std::string>();
    auto* versions = tmpl.add_subcommand("versions", "every version of a template with its spec");
    versions->add_option("id", *id, "template id or name")->required();
    versions->callback([&ctx, id] {
        ctx.action = [&ctx, id] {
            const Json answer = ctx.api().get(entity_path(ctx, kTemplate, *id) + "/versions");
            if (ctx.structured()) {
                ctx.print(answer);
            } else {
                print_list(ctx.io.out, ctx.io.err, template_version_columns(), answer);
            }
        };
    });
}

}  // namespace vergegrid::cli
