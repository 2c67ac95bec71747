// The production kernel tables, their selection rules, and the choice among them (forced name,
// tuned choice, rules). The kernels live in their families (conv_families.hpp).
#include "engine/ops/conv_kernels.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <string>

#include "engine/ops/conv_families.hpp"
#include "engine/ops/conv_tuning.hpp"

namespace aegan::ops::conv {
namespace {

template <class Problem>
bool always(const vk::DeviceInfo&, const Problem&) {
  return true;
}

// The automatic choice, in one place (measured on lavapipe, tiny64 at batch 16): the implicit
// GEMM wins wherever its tile is mostly useful work; it loses where a tile is mostly padding
// rows (fewer than 4 output channels) or an image smaller than the kernel makes most taps fall
// outside it. Blocked beats direct on every measured shape, so direct is only the fallback.
bool gemm_data_suits(const vk::DeviceInfo&, const DataProblem& problem) {
  return problem.out_channels() >= 4 &&
         problem.x.dim(2) * problem.x.dim(3) >= problem.k() * problem.k();
}

// Unlike the pointer-reading variants it also wins (or ties) on 3-channel outputs and on images
// smaller than the kernel (tiny64, batch 16), so it takes every shape.
bool gemm_texel_data_suits(const vk::DeviceInfo& device, const DataProblem&) {
  return texel_reads_pay_off(device);
}

// gemm_split's automatic choice: every shape that splits on a GPU (on an H200 G_E's small layers
// ran at 0.1 to 6 % of the FMA peak unsplit); a CPU device's few cores are busy without a split.
template <class Problem>
bool on_gpu(const vk::DeviceInfo& device, const Problem&) {
  return device.type != VK_PHYSICAL_DEVICE_TYPE_CPU;
}

// On GPUs, the shapes gemm_split leaves alone, given enough input channels: on an H200 `rows`
// ran 1.5x to 3x faster than `gemm` on every such layer of paper512 with 64 channels (40 to 52 %
// of the FMA peak), and slower on the 3-channel input layer. Measured on that one GPU so far;
// the autotuner corrects it per device.
bool rows_data_suits(const vk::DeviceInfo& device, const DataProblem& problem) {
  return on_gpu(device, problem) && problem.in_channels() >= 16;
}

bool rows_texel_data_suits(const vk::DeviceInfo& device, const DataProblem&) {
  return texel_reads_pay_off(device);
}

bool gemm_texel_weight_suits(const vk::DeviceInfo& device, const WeightProblem&) {
  return texel_reads_pay_off(device);
}

std::string& forced() {
  static std::string name = Runtime::get().settings().conv_variant;
  return name;
}

// The tables a forced name is looked up in after the production one.
const std::vector<Kernel<DataProblem>>& experiments(const DataProblem&) {
  return experimental_data_kernels();
}

const std::vector<Kernel<WeightProblem>>& experiments(const WeightProblem&) {
  static const std::vector<Kernel<WeightProblem>> none;
  return none;
}

// Whether `kernel` can run `problem` on `device`: supported, and fusing where the problem asks.
bool usable(const Kernel<DataProblem>& kernel, const vk::DeviceInfo& device,
            const DataProblem& problem) {
  return kernel.supports(device, problem) && (kernel.fuses || !problem.fused());
}

bool usable(const Kernel<WeightProblem>& kernel, const vk::DeviceInfo& device,
            const WeightProblem& problem) {
  return kernel.supports(device, problem);
}

// The first kernel of the table that can run the problem and suits it, else the first that can
// run it (fused problems no kernel suits: only fusing kernels); null where none can.
template <class Problem>
const Kernel<Problem>* built_in_choice(const std::vector<Kernel<Problem>>& table,
                                       const vk::DeviceInfo& device, const Problem& problem) {
  for (const auto& kernel : table) {
    if (usable(kernel, device, problem) && kernel.suits(device, problem)) return &kernel;
  }
  for (const auto& kernel : table) {
    if (usable(kernel, device, problem)) return &kernel;
  }
  return nullptr;
}

// The forced kernel where it can run the problem, else null.
template <class Problem>
const Kernel<Problem>* forced_kernel(const std::vector<Kernel<Problem>>& table,
                                     const vk::DeviceInfo& device, const Problem& problem) {
  for (const auto* candidates : {&table, &experiments(problem)}) {
    for (const auto& kernel : *candidates) {
      if (forced() == kernel.name && usable(kernel, device, problem)) return &kernel;
    }
  }
  return nullptr;
}

// Undefined where no kernel can run the problem (only a fused one can lack a kernel).
template <class Problem>
Tensor choose_and_run(const std::vector<Kernel<Problem>>& table, const Problem& problem) {
  const vk::DeviceInfo& device = Runtime::get().device();
  if (const Kernel<Problem>* kernel = forced_kernel(table, device, problem)) {
    return kernel->run(problem);
  }
  Tuning& tuning = Tuning::active();
  const std::string key = tuning_key(problem);
  if (tuning.needs_measuring(key)) {
    const std::string fastest = measure_fastest(table, problem);
    if (!fastest.empty()) tuning.record(key, fastest);
  }
  if (const auto chosen = tuning.choice(key)) {
    for (const auto& kernel : table) {
      if (kernel.name == *chosen && usable(kernel, device, problem)) return kernel.run(problem);
    }
  }
  const Kernel<Problem>* automatic = built_in_choice(table, device, problem);
  return automatic ? automatic->run(problem) : Tensor();
}

}  // namespace

const std::vector<Kernel<DataProblem>>& data_kernels() {
  static const std::vector<Kernel<DataProblem>> table{
      {.name = "rows_texel",
       .supports = rows_texel_data_supports,
       .suits = rows_texel_data_suits,
       .run = [](const DataProblem& p) { return run_rows_data(p, true); },
       .fuses = true},
      {.name = "gemm_texel",
       .supports = gemm_texel_data_supports,
       .suits = gemm_texel_data_suits,
       .run = [](const DataProblem& p) { return run_gemm_data(p, GemmData::texels); },
       .fuses = true},
      {.name = "gemm_split",
       .supports = gemm_split_data_supports,
       .suits = on_gpu<DataProblem>,
       .run = [](const DataProblem& p) { return run_gemm_data(p, GemmData::split); },
       .fuses = true},
      {.name = "rows",
       .supports = rows_data_supports,
       .suits = rows_data_suits,
       .run = [](const DataProblem& p) { return run_rows_data(p, false); },
       .fuses = true},
      {.name = "gemm",
       .supports = gemm_data_supports,
       .suits = gemm_data_suits,
       .run = [](const DataProblem& p) { return run_gemm_data(p, GemmData::pointers); },
       .fuses = true},
      {.name = "blocked",
       .supports = always<DataProblem>,
       .suits = always<DataProblem>,
       .run = [](const DataProblem& p) { return run_direct_data(p, 4, 4); }},
      {.name = "direct",
       .supports = always<DataProblem>,
       .suits = always<DataProblem>,
       .run = [](const DataProblem& p) { return run_direct_data(p, 1, 1); },
       .tuned = false},
  };
  return table;
}

const std::vector<Kernel<WeightProblem>>& weight_kernels() {
  static const std::vector<Kernel<WeightProblem>> table{
      {.name = "gemm_texel",
       .supports = gemm_texel_weight_supports,
       .suits = gemm_texel_weight_suits,
       .run = [](const WeightProblem& p) { return run_gemm_weight(p, true); }},
      {.name = "gemm_split",
       .supports = gemm_split_weight_supports,
       .suits = on_gpu<WeightProblem>,
       .run = [](const WeightProblem& p) { return run_gemm_weight(p, false, true); }},
      {.name = "gemm",
       .supports = gemm_weight_supports,
       .suits = always<WeightProblem>,
       .run = [](const WeightProblem& p) { return run_gemm_weight(p, false); }},
      {.name = "blocked",
       .supports = always<WeightProblem>,
       .suits = always<WeightProblem>,
       .run = [](const WeightProblem& p) { return run_direct_weight(p, 4); }},
      {.name = "direct",
       .supports = always<WeightProblem>,
       .suits = always<WeightProblem>,
       .run = [](const WeightProblem& p) { return run_direct_weight(p, 1); },
       .tuned = false},
  };
  return table;
}

namespace {

// How far a candidate's output may be from the automatic choice's (max |difference| / max
// |value|): the production kernels differ only in summation order.
constexpr double kAgreement = 1e-3;

bool agrees(const std::vector<float>& got, const std::vector<float>& want, double tolerance) {
  if (got.size() != want.size()) return false;
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (!std::isfinite(got[i]) && std::isfinite(want[i])) return false;
    worst = std::max(worst, std::abs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
  }
  return worst <= tolerance * scale;
}

}  // namespace

template <class Problem>
std::string measure_fastest(const std::vector<Kernel<Problem>>& table, const Problem& problem) {
  const vk::DeviceInfo& device = Runtime::get().device();
  vk::Stream& stream = Runtime::get().stream();
  const Kernel<Problem>* automatic = built_in_choice(table, device, problem);
  if (!automatic) return "";
  const std::vector<float> expected = automatic->run(problem).to_host();
  const Kernel<Problem>* fastest = nullptr;
  double best = 0;
  for (const auto& kernel : table) {
    if (!kernel.tuned || !usable(kernel, device, problem)) continue;
    if (&kernel != automatic) {
      // A driver may also fail to build a kernel's pipeline: that kernel is left out too.
      std::string trouble;
      try {
        if (!agrees(kernel.run(problem).to_host(), expected, kAgreement)) {
          trouble = "disagrees with " + std::string(automatic->name);
        }
      } catch (const Error& error) {
        trouble = std::string("failed: ") + error.what();
      }
      if (!trouble.empty()) {
        std::cerr << "aegan-vk: autotuner: " << kernel.name << " " << trouble << " on "
                  << tuning_key(problem) << "; not used" << std::endl;
        continue;
      }
    }
    for (int repetition = 0; repetition < 2; ++repetition) {
      stream.finish();
      const auto start = std::chrono::steady_clock::now();
      kernel.run(problem);
      stream.finish();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!fastest || seconds < best) {
        fastest = &kernel;
        best = seconds;
      }
    }
  }
  return fastest ? fastest->name : automatic->name;
}

template std::string measure_fastest(const std::vector<Kernel<DataProblem>>&, const DataProblem&);
template std::string measure_fastest(const std::vector<Kernel<WeightProblem>>&,
                                     const WeightProblem&);

Tensor run(const DataProblem& problem) {
  if (problem.fused()) throw Error("internal error: a fused convolution must use run_fused");
  Tensor y = choose_and_run(data_kernels(), problem);
  if (!y.defined()) throw Error("no convolution kernel supports this device and shape");
  return y;
}

Tensor run(const WeightProblem& problem) {
  Tensor dw = choose_and_run(weight_kernels(), problem);
  if (!dw.defined()) throw Error("no convolution kernel supports this device and shape");
  return dw;
}

Tensor run_fused(const DataProblem& problem) {
  return choose_and_run(data_kernels(), problem);
}

std::string automatic_choice(const vk::DeviceInfo& device, const DataProblem& problem) {
  const auto* kernel = built_in_choice(data_kernels(), device, problem);
  return kernel ? kernel->name : "";
}

std::string automatic_choice(const vk::DeviceInfo& device, const WeightProblem& problem) {
  const auto* kernel = built_in_choice(weight_kernels(), device, problem);
  return kernel ? kernel->name : "";
}

void force_variant(const std::string& name) {
  forced() = name;
}

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  auto add = [&](const char* name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  };
  for (const auto& kernel : data_kernels())
    add(kernel.name);
  for (const auto& kernel : experimental_data_kernels())
    add(kernel.name);
  for (const auto& kernel : weight_kernels())
    add(kernel.name);
  return names;
}

}  // namespace aegan::ops::conv
