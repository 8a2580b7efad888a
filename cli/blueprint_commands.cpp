// blueprints list, show NAME, plan NAME, apply NAME (docs/blueprints.md): the loaded blueprints
// with their parameters, a dry run that shows where every region would go (or why it cannot),
// and the apply that creates them all or none.
#include <cctype>
#include <memory>

#include "cli/commands.hpp"
#include "cli/field_args.hpp"

namespace vergegrid::cli {

namespace {

struct BlueprintArgs {
    std::string name;
    std::vector<std::string> params;
};

std::vector<Column> blueprint_columns() {
    return {{"NAME", [](const Json& b) { return member_text(b, "name"); }},
            {"DESCRIPTION", [](const Json& b) { return member_text(b, "description"); }}};
}

// One row per parameter of the blueprint's JSON Schema.
Json parameter_rows(const Json& blueprint) {
    const Json schema = blueprint.value("parameters", Json::object());
    const Json required = schema.value("required", Json::array());
    Json rows = Json::array();
    // A named copy: items() of a temporary would dangle.
    const Json properties = schema.value("properties", Json::object());
    for (const auto& [name, rule] : properties.items()) {
        std::string range;
        if (rule.contains("minimum") || rule.contains("maximum")) {
            range = member_text(rule, "minimum") + ".." + member_text(rule, "maximum");
        } else if (rule.contains("enum")) {
            range = cell(rule["enum"]);
        }
        bool needed = false;
        for (const auto& r : required) {
            needed = needed || r == name;
        }
        rows.push_back({{"name", name},
                        {"type", rule.value("type", "")},
                        {"required", needed ? "yes" : "no"},
                        {"default", rule.contains("default") ? rule["default"] : Json()},
                        {"range", range.empty() ? Json() : Json(range)},
                        {"description", rule.value("description", "")}});
    }
    return rows;
}

void show_blueprint(Context& ctx, const Json& blueprint) {
    if (ctx.structured()) {
        ctx.print(blueprint);
        return;
    }
    print_fields(ctx.io.out, {{"name", member_text(blueprint, "name")},
                              {"description", member_text(blueprint, "description")}});
    ctx.io.out << '\n';
    std::vector<Column> columns;
    for (const char* key : {"name", "type", "required", "default", "range", "description"}) {
        std::string header = key;
        for (auto& c : header) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        columns.push_back({header, [key](const Json& row) { return member_text(row, key); }});
    }
    print_table(ctx.io.out, columns, parameter_rows(blueprint));
}

// Where the region went (or would go): its simulator's host and port, or "pending".
std::string placement_of(const Json& planned) {
    const Json region = planned.value("region", Json());
    if (!region.is_object()) {
        return "-";
    }
    if (region.value("placement_state", "") == "pending") {
        return "pending";
    }
    return member_text(region, "host") + ":" + member_text(region, "port");
}

std::string refusal_of(const Json& planned) {
    const Json refusal = planned.value("refusal", Json());
    if (!refusal.is_object()) {
        return "-";
    }
    const std::string field = member_text(refusal, "field");
    return member_text(refusal, "code") +
           (field == "-" || field.empty() ? "" : " (" + field + ")") + ": " +
           member_text(refusal, "message");
}

void show_outcome(Context& ctx, const Json& outcome) {
    if (ctx.structured()) {
        ctx.print(outcome);
        return;
    }
    const std::vector<Column> columns{
        {"NAME", [](const Json& r) { return member_text(r, "name"); }},
        {"CELL",
         [](const Json& r) {
             const Json spec = r.value("spec", Json::object());
             return member_text(spec, "loc_x") + "," + member_text(spec, "loc_y");
         }},
        {"ID", [](const Json& r) { return member_text(r.value("region", Json()), "id"); }},
        {"PLACED", placement_of},
        {"REFUSAL", refusal_of}};
    const Json regions = outcome.value("regions", Json::array());
    print_table(ctx.io.out, columns, regions);
    const auto refused = outcome.value("refused", 0);
    if (outcome.value("applied", false)) {
        ctx.io.out << "applied: " << regions.size() << " regions created\n";
    } else {
        ctx.io.out << "dry run: " << regions.size() << " regions, " << refused
                   << " refused; nothing written\n";
    }
}

Json parameters_body(const std::vector<std::string>& params) {
    Json parameters = Json::object();
    for (const auto& param : params) {
        apply_assignment(parameters, param);
    }
    return Json{{"parameters", parameters}};
}

}  // namespace

void add_blueprint_commands(CLI::App& app, Context& ctx) {
    auto* blueprints = app.add_subcommand(
        "blueprints", "sets of regions made from parameters: list, show, plan, apply");
    blueprints->require_subcommand(1);

    auto* list = blueprints->add_subcommand("list", "the blueprints the control plane offers");
    list->callback([&ctx] {
        ctx.action = [&ctx] {
            const Json answer = ctx.api().get("/blueprints");
            if (ctx.structured()) {
                ctx.print(answer);
                return;
            }
            print_table(ctx.io.out, blueprint_columns(), answer.value("items", Json::array()));
        };
    });

    auto args = std::make_shared<BlueprintArgs>();
    auto* show = blueprints->add_subcommand("show", "a blueprint and its parameters");
    show->add_option("name", args->name, "the blueprint (grid, island-chain, ...)")->required();
    show->callback([&ctx, args] {
        ctx.action = [&ctx, args] {
            show_blueprint(ctx, ctx.api().get("/blueprints/" + args->name));
        };
    });

    for (const auto& [verb, help] :
         {std::pair{"plan", "the regions a blueprint would create and any refusal; writes nothing"},
          std::pair{"apply", "create the blueprint's regions: all of them, or none"}}) {
        auto* command = blueprints->add_subcommand(verb, help);
        command->add_option("name", args->name, "the blueprint")->required();
        command->add_option("-p,--param", args->params,
                            "a parameter, key=value (repeatable; numbers are numbers)");
        command->callback([&ctx, args, verb = std::string(verb)] {
            ctx.action = [&ctx, args, verb] {
                show_outcome(ctx, ctx.api().send("POST", "/blueprints/" + args->name + "/" + verb,
                                                 parameters_body(args->params)));
            };
        });
    }
}

}  // namespace vergegrid::cli
