#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

#ifndef VERGEGRID_CLI_VERSION
#define VERGEGRID_CLI_VERSION "0"
#endif

namespace vergegrid::cli {

namespace {

constexpr const char* kFooter = R"FOOTER(
Ids: an argument shaped like a UUID is an id; anything else is looked up as a name.

Server and token, first found wins: --server/--token; VERGEGRID_SERVER/VERGEGRID_TOKEN;
server= and token= under [cli] in $XDG_CONFIG_HOME/vergegrid/cli.ini (default
~/.config/vergegrid/cli.ini). The server defaults to http://127.0.0.1:9800.

Exit codes:
  0  success
  1  the server answered with an error ("error: <code>: <message> (field: <field>)")
     or with an answer vergegridctl cannot use; audit verify: the chain is
     broken; webhooks test: the event was not delivered
  2  usage error: bad flags or arguments, a name that matches several entities,
     unreadable --file, bad server URL or configuration file
  3  cannot reach the server, or the connection broke off
  4  not found (HTTP 404, or no entity with the name given)
  5  conflict (HTTP 409, or 412 when --if-match names an old version))FOOTER";

// --server and --token as parsed; they reach ConnectionFlags only when given, so that the
// environment and the configuration file can fill in what is missing.
struct ConnectionOptions {
    CLI::Option* server = nullptr;
    CLI::Option* token = nullptr;
    std::string server_value;
    std::string token_value;

    void store(ConnectionFlags& flags) const {
        if (server->count() > 0) {
            flags.server = server_value;
        }
        if (token->count() > 0) {
            flags.token = token_value;
        }
    }
};

// The options every command takes, before or after the command's name.
void add_global_options(CLI::App& app, GlobalOptions& options, ConnectionOptions& connection) {
    connection.server = app.add_option("--server", connection.server_value,
                                       "control plane URL (default http://127.0.0.1:9800)");
    connection.token = app.add_option("--token", connection.token_value,
                                      "API token, sent as 'Authorization: Bearer <token>'");
    app.add_option("-o,--output", options.output,
                   "table (default), json (the server's answer) or yaml (the same document)")
        ->check(CLI::IsMember(
            std::vector<std::string>(std::begin(kOutputFormats), std::end(kOutputFormats))));
    app.add_option("--timeout", options.timeout_seconds,
                   "seconds to wait for the server (default 30)")
        ->check(CLI::Range(1, 3600));
}

}  // namespace

int run(int argc, const char* const* argv, const Environment& env, Io io) {
    Context ctx(io, env);
    CLI::App app{
        "vergegridctl: manage the estates, templates, regions and snapshots of a VergeGrid control "
        "plane",
        "vergegridctl"};
    app.fallthrough();  // global options may follow the command: `vergegridctl region list -o json`
    app.require_subcommand(1);
    app.set_version_flag("--version", "vergegridctl " VERGEGRID_CLI_VERSION);
    ConnectionOptions connection;
    add_global_options(app, ctx.options, connection);

    for (const EntityKind* kind : {&kEstate, &kTemplate, &kRegion}) {
        auto* resource =
            app.add_subcommand(std::string(kind->name), "manage " + std::string(kind->plural));
        resource->require_subcommand(1);
        add_entity_commands(*resource, ctx, *kind);
        if (kind == &kRegion) {
            add_region_commands(*resource, ctx);
        } else if (kind == &kTemplate) {
            add_template_commands(*resource, ctx);
        }
    }
    add_audit_commands(app, ctx);
    add_placement_commands(app, ctx);
    add_snapshot_commands(app, ctx);
    add_simulator_commands(app, ctx);
    add_operation_commands(app, ctx);
    add_migration_commands(app, ctx);
    add_rollout_commands(app, ctx);
    add_user_commands(app, ctx);
    add_cluster_commands(app, ctx);
    add_event_commands(app, ctx);
    add_webhook_commands(app, ctx);
    add_blueprint_commands(app, ctx);
    add_watch_commands(app, ctx);
    add_completion_commands(app, ctx);
    add_openapi_command(app, ctx);
    app.footer(kFooter);  // set last: subcommands would inherit it

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e, io.out, io.err) == 0 ? to_int(ExitCode::ok) : to_int(ExitCode::usage);
    }
    connection.store(ctx.options.connection);
    try {
        if (ctx.action) {
            ctx.action();
        }
        return to_int(ExitCode::ok);
    } catch (const CliError& e) {
        io.err << "error: " << e.what() << '\n';
        return to_int(e.code());
    } catch (const nlohmann::json::exception& e) {
        io.err << "error: unexpected answer from the server: " << e.what() << '\n';
        return to_int(ExitCode::server_error);
    } catch (const std::exception& e) {
        io.err << "error: " << e.what() << '\n';
        return to_int(ExitCode::server_error);
    }
}

}  // namespace vergegrid::cli
