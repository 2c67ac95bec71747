#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "nets/train/ranks.hpp"

namespace {

// One line per failure so that logs and scripts can rely on `aegan-vk: error:` being the whole
// story; a stray newline in a driver string must not break that.
int fail(const char* message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "aegan-vk: error: %s\n", line.c_str());
  return 1;
}

int run(int argc, char** argv) {
  CLI::App app{"aegan-vk: train and run AEGAN (512x512 GAN) on any Vulkan GPU", "aegan-vk"};
  app.set_version_flag("--version", AEGAN_VK_VERSION);
  app.require_subcommand(0, 1);
  // Global options may also follow the sub-command: `aegan-vk devices --device 1`.
  app.fallthrough();

  aegan::app::GlobalFlags flags;
  aegan::app::GlobalOptions globals;
  aegan::app::add_global_options(app, flags);
  // Runs after parsing and before the sub-command's callback, which reads `globals`. The
  // environment is read here, once, so that a malformed variable fails every command.
  app.parse_complete_callback([&] {
    globals = aegan::app::resolve_global_options(flags, aegan::settings_from_environment());
  });

  aegan::app::register_devices(app, globals);
  aegan::app::register_train(app, globals);
  aegan::app::register_sample(app, globals);
  aegan::app::register_walk(app, globals);
  aegan::app::register_eval(app, globals);
  aegan::app::register_compare(app, globals);
  aegan::app::register_bench(app, globals);
  aegan::app::register_view(app, globals);
  aegan::app::register_cli_reference(app);

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    if (app.get_subcommands().empty()) std::cout << app.help();
    return 0;
  } catch (const aegan::Error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unknown exception");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int status = run(argc, argv);
  // The device goes before static destruction: by then the Vulkan loader and layers may be torn
  // down, and the stream's final flush of work still recorded crashes in the validation layer.
  aegan::Runtime::shutdown();
  aegan::train::Ranks::finish(status != 0);
  return status;
}
