// user list, create, update, set-password and token list, create, delete: the /users routes of
// docs/api.md (admin only), by the same words. A user is named by id or by name.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/field_args.hpp"
#include "cli/name_lookup.hpp"
#include "cli/views.hpp"
#include "new_password/new_password.hpp"

namespace vergegrid::cli {

namespace {

struct UserArgs {
    std::string user;
    std::vector<std::string> sets;
    std::string file;
    std::string token;  // token delete: the token's id
    std::string label;
    std::string expires_at;
    bool password_stdin = false;
};

std::string user_path(Context& ctx, const std::string& user) {
    return "/users/" + path_segment(resolve_id(ctx.api(), kUser, user));
}

void show_list(Context& ctx, const Json& answer, const std::vector<Column>& columns) {
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_list(ctx.io.out, ctx.io.err, columns, answer);
    }
}

void show(Context& ctx, const Json& answer) {
    if (ctx.structured()) {
        ctx.print(answer);
    } else {
        print_entity(ctx.io.out, answer);
    }
}

void run_user_list(Context& ctx, const UserArgs&) {
    show_list(ctx, ctx.api().get("/users"), user_columns());
}

void run_user_create(Context& ctx, const UserArgs& args) {
    show(ctx,
         ctx.api().send("POST", "/users", request_body(args.sets, given(args.file), ctx.io.in)));
}

void run_user_update(Context& ctx, const UserArgs& args) {
    const Json body = request_body(args.sets, given(args.file), ctx.io.in);
    if (body.empty()) {
        throw CliError(ExitCode::usage, "nothing to update: pass --set key=value or --file");
    }
    show(ctx, ctx.api().send("PATCH", user_path(ctx, args.user), body));
}

// PATCH {"password"}: the password typed twice without echo on a terminal, else the first line of
// standard input; never an argument (see new_password.hpp).
void run_user_set_password(Context& ctx, const UserArgs& args) {
    // Only the process's own standard input can be a terminal (a test's stream is not).
    const int fd = &ctx.io.in == &std::cin ? STDIN_FILENO : -1;
    std::string password;
    try {
        password = new_password::read_new_password({ctx.io.in, ctx.io.err, fd, args.password_stdin},
                                                   "'" + args.user + "'");
    } catch (const new_password::PasswordInputError& e) {
        throw CliError(ExitCode::usage, e.what());
    }
    const Json answer =
        ctx.api().send("PATCH", user_path(ctx, args.user), Json{{"password", password}});
    if (ctx.format() == OutputFormat::json) {
        print_json(ctx.io.out, answer);
    } else {
        ctx.io.out << "password set for user " << args.user << "; its web sessions ended\n";
    }
}

void run_token_list(Context& ctx, const UserArgs& args) {
    show_list(ctx, ctx.api().get(user_path(ctx, args.user) + "/tokens"), token_columns());
}

// The token itself is in this answer only: shown once.
void run_token_create(Context& ctx, const UserArgs& args) {
    Json body = Json::object();
    if (!args.label.empty()) {
        body["label"] = args.label;
    }
    if (!args.expires_at.empty()) {
        body["expires_at"] = args.expires_at;
    }
    show(ctx, ctx.api().send("POST", user_path(ctx, args.user) + "/tokens", body));
}

void run_token_delete(Context& ctx, const UserArgs& args) {
    ctx.api().send("DELETE", user_path(ctx, args.user) + "/tokens/" + path_segment(args.token),
                   std::nullopt);
    if (!ctx.structured()) {
        ctx.io.out << "revoked token " << args.token << " of user " << args.user << '\n';
    }
}

using UserRunner = void (*)(Context&, const UserArgs&);

CLI::App* add_command(CLI::App& parent, Context& ctx, const std::string& name,
                      const std::string& description, UserRunner runner,
                      const std::shared_ptr<UserArgs>& args, bool takes_user) {
    auto* command = parent.add_subcommand(name, description);
    if (takes_user) {
        command->add_option("user", args->user, "user id or name")->required();
    }
    command->callback(
        [&ctx, args, runner] { ctx.action = [&ctx, args, runner] { runner(ctx, *args); }; });
    return command;
}

void add_fields(CLI::App& command, UserArgs& args, const std::string& keys) {
    command.add_option("--set", args.sets, "a field as key=value, repeatable: " + keys)
        ->allow_extra_args(false);
    command.add_option("-f,--file", args.file,
                       "a JSON object of fields ('-' reads standard input); --set wins");
}

}  // namespace

void add_user_commands(CLI::App& app, Context& ctx) {
    auto* user = app.add_subcommand("user", "operators' accounts (admin)");
    user->require_subcommand(1);
    add_command(*user, ctx, "list", "list users", run_user_list, std::make_shared<UserArgs>(),
                false);
    auto create_args = std::make_shared<UserArgs>();
    add_fields(
        *add_command(*user, ctx, "create", "create a user", run_user_create, create_args, false),
        *create_args, "name, role (viewer, operator, admin), password");
    auto update_args = std::make_shared<UserArgs>();
    add_fields(*add_command(*user, ctx, "update", "change a user (PATCH)", run_user_update,
                            update_args, true),
               *update_args, "role, password, disabled");
    auto password_args = std::make_shared<UserArgs>();
    add_command(*user, ctx, "set-password",
                "set a user's console password (typed twice without echo, or from standard input)",
                run_user_set_password, password_args, true)
        ->add_flag("--password-stdin", password_args->password_stdin,
                   "read the password from the first line of standard input");

    auto* token = app.add_subcommand("token", "users' API tokens (admin)");
    token->require_subcommand(1);
    add_command(*token, ctx, "list", "a user's API tokens", run_token_list,
                std::make_shared<UserArgs>(), true);
    auto create_token = std::make_shared<UserArgs>();
    auto* create =
        add_command(*token, ctx, "create", "issue a user an API token (printed this once)",
                    run_token_create, create_token, true);
    create->add_option("--label", create_token->label, "what the token is for");
    create->add_option("--expires-at", create_token->expires_at,
                       "RFC 3339 UTC time it stops working (default: never)");
    auto delete_token = std::make_shared<UserArgs>();
    add_command(*token, ctx, "delete", "revoke one of a user's API tokens", run_token_delete,
                delete_token, true)
        ->add_option("token", delete_token->token, "the token's id")
        ->required();
}

}  // namespace vergegrid::cli
