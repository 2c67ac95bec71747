#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "app/device_report.hpp"
#include "engine/error.hpp"

namespace aegan::app {

void register_devices(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "devices",
      "List Vulkan devices, their limits and features, and which one commands use. Exits non-zero "
      "when that device cannot be used.");
  auto json = std::make_shared<bool>(false);
  command->add_flag("--json", *json, "print the list as JSON");
  command->callback([&globals, json] {
    const DeviceReport report = make_device_report(vk::Context::list_devices(), globals.device);
    if (*json) {
      std::cout << device_report_json(report).dump(2) << '\n';
    } else {
      print_device_report(std::cout, report);
    }
    std::cout.flush();
    // After the list, so that the reasons shown above explain the error.
    if (!report.problem.empty()) throw Error(report.problem);
  });
}

}  // namespace aegan::app
