#include "app/peer.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/error.hpp"

namespace aegan::app {
namespace {

const char* const kInstallHint = "Debian 12: apt-get install python3-torch libopenblas0";

// Appends `word` in single quotes for sh.
void append_quoted(std::string& command, const std::string& word) {
  command += command.empty() ? "'" : " '";
  for (char c : word) {
    if (c == '\'') {
      command += "'\\''";
    } else {
      command += c;
    }
  }
  command += '\'';
}

struct Outcome {
  int status = 0;  // exit status; 127 = the shell found no such program
  std::string last_line;
};

// stdout and stderr of the child together, line by line; `echo` passes them on to stderr.
Outcome run(const std::string& command, bool echo) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw Error("cannot start the PyTorch peer: " + command);
  Outcome outcome;
  std::string line;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) {
    line += buffer;
    if (line.back() != '\n') continue;
    line.pop_back();
    if (echo) std::cerr << line << std::endl;
    if (!line.empty()) outcome.last_line = line;
    line.clear();
  }
  const int status = pclose(pipe);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return outcome;
}

std::string command_line(const PeerCommand& peer, const std::vector<std::string>& arguments) {
  std::string command;
  append_quoted(command, peer.python);
  append_quoted(command, peer.script);
  for (const std::string& argument : arguments)
    append_quoted(command, argument);
  return command;
}

// peer.py exits with 3 when it cannot import torch; the shell with 127 when there is no such
// interpreter.
bool lacks_torch(const Outcome& outcome) {
  return outcome.status == 3 || outcome.status == 127;
}

Outcome check(const PeerCommand& peer) {
  return run(command_line(peer, {"--check", "--device", peer.device}), false);
}

}  // namespace

std::string check_peer(PeerCommand& peer) {
  if (!std::filesystem::exists(peer.script)) {
    throw Error("the PyTorch peer " + peer.script + " does not exist (see --peer-script)");
  }
  Outcome outcome;
  if (peer.python.empty()) {
    // A python3 earlier on PATH (pyenv, a venv) may not see Debian's dist-packages.
    peer.python = "python3";
    outcome = check(peer);
    if (lacks_torch(outcome) && std::filesystem::exists("/usr/bin/python3")) {
      PeerCommand system = peer;
      system.python = "/usr/bin/python3";
      const Outcome answer = check(system);
      if (!lacks_torch(answer)) {
        peer = system;
        outcome = answer;
      }
    }
  } else {
    outcome = check(peer);
  }
  if (outcome.status == 127) {
    throw Error(peer.python + " was not found: --peer needs Python 3 with PyTorch (" +
                kInstallHint + ")");
  }
  if (outcome.status != 0) {
    throw Error("the PyTorch peer cannot run: " +
                (outcome.last_line.empty() ? "exit status " + std::to_string(outcome.status)
                                           : outcome.last_line));
  }
  return outcome.last_line;
}

void add_peer_options(CLI::App& command, bool& peer, PeerCommand& peer_command,
                      const std::string& peer_help) {
  command.add_flag("--peer", peer, peer_help);
  command
      .add_option("--peer-device", peer_command.device,
                  "PyTorch's device: cpu, cuda or auto (cpu when aegan-vk runs on a CPU)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
      ->capture_default_str();
  // The default is an absolute path of the build's source tree, so the text names it instead.
  command.add_option("--peer-script", peer_command.script,
                     "the peer script (default: bench/peer.py, or for `bench train --model M` "
                     "bench/peer_M.py, of the source tree this aegan-vk was built from)");
  command.add_option("--python", peer_command.python,
                     "Python interpreter for the peer (default: python3 on PATH, else "
                     "/usr/bin/python3, where Debian's python3-torch is)");
}

std::string start_peer(PeerCommand& peer, const vk::DeviceInfo& device) {
  if (peer.device == "auto") {
    peer.device = device.type == VK_PHYSICAL_DEVICE_TYPE_CPU ? "cpu" : "cuda";
  }
  return check_peer(peer);
}

nlohmann::ordered_json run_peer(const PeerCommand& peer,
                                const std::vector<std::string>& arguments) {
  const std::filesystem::path json_path = std::filesystem::temp_directory_path() /
                                          ("aegan-vk-peer-" + std::to_string(getpid()) + ".json");
  std::vector<std::string> all = arguments;
  all.insert(all.end(), {"--device", peer.device, "--json", json_path.string()});
  const Outcome outcome = run(command_line(peer, all), true);
  if (outcome.status != 0) {
    std::filesystem::remove(json_path);
    throw Error("the PyTorch peer failed (exit status " + std::to_string(outcome.status) +
                "): " + outcome.last_line);
  }
  std::ifstream file(json_path);
  nlohmann::ordered_json result;
  try {
    result = nlohmann::ordered_json::parse(file);
  } catch (const nlohmann::json::exception& e) {
    std::filesystem::remove(json_path);
    throw Error("the PyTorch peer wrote no valid JSON: " + std::string(e.what()));
  }
  std::filesystem::remove(json_path);
  return result;
}

}  // namespace aegan::app
