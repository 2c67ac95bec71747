#include "engine/ops/conv_tuning.hpp"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/io/atomic_file.hpp"
#include "engine/runtime.hpp"

namespace aegan::ops::conv {
namespace {

std::string dims(const Tensor& t) {
  std::string text;
  for (int64_t d : t.shape()) {
    if (!text.empty()) text += 'x';
    text += std::to_string(d);
  }
  return text;
}

// The kernels a tuning chose among: choices made before a kernel was added are stale.
nlohmann::json tuned_kernels() {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& kernel : data_kernels())
    if (kernel.tuned) names.push_back(std::string("data ") + kernel.name);
  for (const auto& kernel : weight_kernels())
    if (kernel.tuned) names.push_back(std::string("weight ") + kernel.name);
  return names;
}

}  // namespace

std::string tuning_key(const DataProblem& p) {
  return std::string(p.transposed ? "data-transposed " : "data ") + dims(p.x) + " w" +
         dims(p.weight) + (p.bias.defined() ? " bias" : "") + " stride" + std::to_string(p.stride) +
         " pad" + std::to_string(p.pad) + " out" + std::to_string(p.out_h) + "x" +
         std::to_string(p.out_w) + (p.fused() ? " fused" : "") + (p.gradient ? " gradient" : "");
}

std::string tuning_key(const WeightProblem& p) {
  return "weight g" + dims(p.g) + " s" + dims(p.s) + " k" + std::to_string(p.k) + " stride" +
         std::to_string(p.stride) + " pad" + std::to_string(p.pad);
}

Tuning::Tuning(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_);
  if (!in) return;
  try {
    const nlohmann::json json = nlohmann::json::parse(in);
    if (json.value("kernels", nlohmann::json()) != tuned_kernels()) {
      std::cerr << "aegan-vk: note: kernel tuning file " << file_.string()
                << " chose among other kernels; its choices are not used\n";
      return;
    }
    choices_ = json.at("choices").get<std::map<std::string, std::string>>();
  } catch (const std::exception&) {
    std::cerr << "aegan-vk: warning: ignoring unreadable kernel tuning file " << file_.string()
              << "\n";
    choices_.clear();
  }
}

Tuning& Tuning::active() {
  static Tuning tuning = [] {
    const vk::DeviceInfo& info = Runtime::get().device();
    Tuning t(Runtime::get().settings().cache_dir /
             ("conv-tuning-" + std::to_string(info.vendor_id) + "-" +
              std::to_string(info.device_id) + "-" + info.pipeline_cache_uuid + "-" +
              std::to_string(info.driver_version) + ".json"));
    t.set_measuring(Runtime::get().settings().conv_tune);
    return t;
  }();
  return tuning;
}

std::optional<std::string> Tuning::choice(const std::string& key) const {
  const auto found = choices_.find(key);
  if (found == choices_.end()) return std::nullopt;
  return found->second;
}

void Tuning::record(const std::string& key, const std::string& kernel) {
  choices_[key] = kernel;
  measured_.insert(key);
  const nlohmann::json json{{"kernels", tuned_kernels()}, {"choices", choices_}};
  const std::string text = json.dump(1) + "\n";
  // Losing a measurement costs a later re-measurement, not the run.
  try {
    std::filesystem::create_directories(file_.parent_path());
    io::write_file_atomically(file_, std::as_bytes(std::span(text.data(), text.size())));
  } catch (const std::exception& error) {
    std::cerr << "aegan-vk: warning: kernel tuning not saved: " << error.what() << "\n";
  }
}

}  // namespace aegan::ops::conv
