#pragma once

#include "app/options.hpp"

namespace CLI {
class App;
}

namespace aegan::app {

// One function per sub-command, each in its own file. `globals` is filled in after parsing and
// before any sub-command runs, so callbacks read it, never copy it at registration time.
void register_devices(CLI::App& app, const GlobalOptions& globals);
void register_train(CLI::App& app, const GlobalOptions& globals);
void register_sample(CLI::App& app, const GlobalOptions& globals);
void register_walk(CLI::App& app, const GlobalOptions& globals);
void register_eval(CLI::App& app, const GlobalOptions& globals);
// `compare`: several models trained on the same data and budget, evaluated alike.
void register_compare(CLI::App& app, const GlobalOptions& globals);
// `bench` and its sub-commands (`bench ops`, `bench view`, `bench train`, `bench allreduce`).
void register_bench(CLI::App& app, const GlobalOptions& globals);
// `bench view`, `bench train` and `bench allreduce`, registered by register_bench.
void register_bench_view(CLI::App& bench, const GlobalOptions& globals);
void register_bench_train(CLI::App& bench, const GlobalOptions& globals);
void register_bench_allreduce(CLI::App& bench, const GlobalOptions& globals);
// `view`: the live viewer (or a message when built without it).
void register_view(CLI::App& app, const GlobalOptions& globals);
// `cli-reference` (hidden): docs/cli.md from `app`'s commands and the settings table; register it
// last, so that it sees the others.
void register_cli_reference(CLI::App& app);

}  // namespace aegan::app
