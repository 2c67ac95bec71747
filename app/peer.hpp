#pragma once
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/vk/context.hpp"

namespace aegan::app {

// bench/peer.py, the same model in PyTorch, run as a child process by `bench train --peer`.
struct PeerCommand {
  std::string python;  // empty: python3 on PATH, else /usr/bin/python3 (where Debian's torch is)
  std::string script;
  std::string device;  // "cpu", "cuda", or "auto" until start_peer
};

// --peer (with its help text), --peer-device, --peer-script and --python of the bench commands.
void add_peer_options(CLI::App& command, bool& peer, PeerCommand& peer_command,
                      const std::string& peer_help);

// Resolves "auto" to the engine device's counterpart (cpu for CPU devices, else cuda), then
// check_peer()s it; returns the peer's description of itself.
std::string start_peer(PeerCommand& peer, const vk::DeviceInfo& device);

// Resolves the interpreter and checks that it can import torch (and reach the device); throws
// aegan::Error with one line saying what is missing. Returns the peer's description of itself.
std::string check_peer(PeerCommand& peer);

// Runs the peer with `arguments`, passing its progress through to stderr, and returns its JSON.
nlohmann::ordered_json run_peer(const PeerCommand& peer, const std::vector<std::string>& arguments);

}  // namespace aegan::app
