// `aegan-vk cli-reference`: docs/cli.md, written from the command tree and the settings table
// themselves so that the page cannot drift from the program (tests/app/test_cli_reference.sh).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "engine/settings.hpp"

namespace aegan::app {
namespace {

// Options and commands in this group are for the tests, like the test-only settings.
constexpr const char* kTestingGroup = "Testing";

// `text` as one line of a Markdown table cell.
std::string cell(std::string text) {
  std::string result;
  for (char c : text) {
    if (c == '\n') {
      result += ' ';
    } else if (c == '|') {
      result += "\\|";
    } else {
      result += c;
    }
  }
  return result;
}

bool documented(const CLI::Option* option, const CLI::App& command) {
  return option != command.get_help_ptr() && !option->get_group().empty() &&
         option->get_group() != kTestingGroup;
}

// `--name TYPE` (or `NAME` for a positional argument), as the user would type it: without
// CLI11's decorations, the values of a negated flag ("{false}") and a check after the type
// ("INT:POSITIVE"), which the description already states.
std::string usage(const CLI::Option* option) {
  if (option->get_positional()) return "`" + option->get_name(true) + "`";
  std::string text = option->get_name(false, true);
  for (size_t open; (open = text.find('{')) != std::string::npos;)
    text.erase(open, text.find('}', open) + 1 - open);
  for (size_t at = 0; (at = text.find(',', at)) != std::string::npos; at += 2)
    text.replace(at, 1, ", ");
  if (option->get_type_size_min() > 0 && !option->get_type_name().empty())
    text += " " + option->get_type_name().substr(0, option->get_type_name().find(':'));
  return "`" + text + "`";
}

void print_options(std::ostream& out, const CLI::App& command) {
  const auto options =
      command.get_options([&](const CLI::Option* option) { return documented(option, command); });
  if (options.empty()) return;
  out << "| Option | Meaning | Default |\n|---|---|---|\n";
  for (const CLI::Option* option : options) {
    std::string meaning = cell(option->get_description());
    if (option->get_required()) meaning += " (required)";
    const std::string fallback = option->get_default_str();
    out << "| " << usage(option) << " | " << meaning << " | "
        << (fallback.empty() ? "" : "`" + cell(fallback) + "`") << " |\n";
  }
  out << '\n';
}

bool listed(const CLI::App* command) {
  return !command->get_name().empty() && !command->get_group().empty() &&
         command->get_group() != kTestingGroup;
}

void print_command(std::ostream& out, const CLI::App& command, const std::string& path) {
  out << "## `" << path << "`\n\n";
  if (!command.get_description().empty()) out << command.get_description() << "\n\n";
  print_options(out, command);
  for (const CLI::App* sub : command.get_subcommands(listed))
    print_command(out, *sub, path + " " + sub->get_name());
}

void print_reference(std::ostream& out, const CLI::App& root) {
  out << "# Command line\n\n"
      << "This page is written by the program itself; after changing a command, an option or a "
         "setting, regenerate it with `build/app/aegan-vk cli-reference > docs/cli.md`.\n\n"
      << root.get_description() << ". Every command takes `-h, --help`.\n\n"
      << "## Global options\n\n"
      << "They may come before or after the command: `aegan-vk devices --device 1`.\n\n";
  print_options(out, root);
  for (const CLI::App* command : root.get_subcommands(listed))
    print_command(out, *command, root.get_name() + " " + command->get_name());
  out << "## Environment variables\n\n"
      << "Read once when a command starts; an empty value counts as unset, and a malformed one "
         "is an error naming the variable.\n\n"
      << "| Variable | Meaning |\n|---|---|\n";
  for (const SettingVariable& variable : setting_variables()) {
    if (!variable.test_only)
      out << "| `" << variable.name << "` | " << cell(variable.meaning) << " |\n";
  }
}

}  // namespace

void register_cli_reference(CLI::App& app) {
  // Hidden (no group): it is for whoever maintains docs/cli.md, not for users.
  auto* command = app.add_subcommand("cli-reference", "print docs/cli.md (Markdown)")->group("");
  command->callback([&app] { print_reference(std::cout, app); });
}

}  // namespace aegan::app
