#include "nets/compare/outputs.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <span>

#include "engine/error.hpp"
#include "nets/eval/evaluate.hpp"
#include "nets/eval/random_features.hpp"
#include "nets/report/image_grid.hpp"
#include "nets/report/png.hpp"
#include "nets/report/progress.hpp"
#include "nets/report/text.hpp"

namespace aegan::compare {
namespace {

constexpr report::Rgb kSheetBackground{40, 40, 40};
constexpr report::Rgb kLabel{230, 230, 230};
constexpr int kLabelScale = 2;
constexpr int kMargin = 8;

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string diversity_text(const std::optional<eval::Diversity>& diversity) {
  return diversity ? fixed(diversity->mean_ms_ssim, 4) : "-";
}

nlohmann::ordered_json diversity_json(const std::optional<eval::Diversity>& diversity) {
  return diversity ? nlohmann::ordered_json(diversity->mean_ms_ssim) : nlohmann::ordered_json();
}

std::string budget_text(const CompareOptions& options) {
  std::string text;
  if (options.images) text = std::to_string(*options.images) + " images seen";
  if (options.minutes) {
    text += (text.empty() ? "" : ", at most ") + fixed(*options.minutes, 1) + " minutes";
  }
  return text + " per model";
}

const eval::EvalReport& first_report(const Comparison& comparison) {
  if (comparison.results.empty()) throw Error("the comparison has no results");
  return comparison.results.front().eval.report;
}

// The tile row of up to `count` images of the set.
report::Canvas tiles(const eval::Images& images, int count) {
  const int shown = static_cast<int>(std::min<int64_t>(count, images.count));
  return report::image_grid(
      std::span<const float>(images.data.data(), shown * images.floats_per_image()), shown, 3,
      images.size, shown);
}

void paste(report::Canvas& to, const report::Canvas& from, int left, int top) {
  for (int y = 0; y < from.height(); ++y) {
    for (int x = 0; x < from.width(); ++x)
      to.set(left + x, top + y, from.pixel(x, y));
  }
}

}  // namespace

std::string markdown_table(const CompareOptions& options, const Comparison& comparison) {
  const eval::EvalReport& first = first_report(comparison);
  std::string out = "# Comparison\n\n";
  out += "Data: `" + options.data.string() + "`. Budget: " + budget_text(options) +
         ". Each model is evaluated on " + std::to_string(first.first.count) +
         " generated images against " + std::to_string(first.second.count) + " data images (seed " +
         std::to_string(options.eval.seed) + ").\n\n";
  out += "| model | preset | images seen | wall time | SWD x1e3 | MS-SSIM diversity | FD-R |\n";
  out += "|---|---|---:|---:|---:|---:|---:|\n";
  for (const ContenderResult& r : comparison.results) {
    const eval::EvalReport& report = r.eval.report;
    out += "| " + r.contender.name + " | " + r.contender.preset + " | " +
           std::to_string(r.images_seen) + " | " + report::format_duration(r.train_seconds) +
           " | " + fixed(report.swd.average, 2) + " | " + diversity_text(report.first_diversity) +
           " | " + fixed(r.fd_random, 4) + " |\n";
  }
  out += "| data | | | | | " + diversity_text(first.second_diversity) + " | |\n\n";
  out +=
      "- SWD x1e3: sliced Wasserstein distance between 7x7 Laplacian-pyramid patches of the "
      "generated and the data images, averaged over the pyramid's levels, x 1000 (Karras et "
      "al. 2018); lower is closer to the data.\n";
  out += "- MS-SSIM diversity: mean MS-SSIM of " + std::to_string(options.eval.pairs) +
         " random pairs of different generated images; lower is more diverse. The data row is "
         "that of the data images.\n";
  out += "- " + std::string(eval::kRandomFeatureDescription) +
         ", between the generated and the data images. The network is the same for every "
         "model, so this column compares across models; lower is closer.\n";
  out +=
      "- Images seen and wall time are of training alone (summed over interrupted "
      "invocations). A +phi row is AEGAN's denoiser phi with D_R trained on that baseline's "
      "frozen generator: its images are phi(G(z)) and its budget is its own, on top of the "
      "baseline's.\n";
  out +=
      "- `aegan-vk eval --checkpoint RUN/checkpoint.safetensors` on each run folder under "
      "`runs/` gives the same SWD and MS-SSIM figures.\n";
  return out;
}

nlohmann::ordered_json comparison_json(const CompareOptions& options,
                                       const Comparison& comparison) {
  const eval::EvalReport& first = first_report(comparison);
  nlohmann::ordered_json budget = {
      {"images", options.images ? nlohmann::ordered_json(*options.images) : nullptr},
      {"minutes", options.minutes ? nlohmann::ordered_json(*options.minutes) : nullptr}};
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const ContenderResult& r : comparison.results) {
    const eval::EvalReport& report = r.eval.report;
    nlohmann::ordered_json row = {
        {"name", r.contender.name},
        {"model", r.contender.model},
        {"preset", r.contender.preset},
        {"base", r.contender.base.empty() ? nlohmann::ordered_json()
                                          : nlohmann::ordered_json(r.contender.base)},
        {"run", r.run.string()},
        {"resolution", report.resolution},
        {"images_seen", r.images_seen},
        {"train_seconds", r.train_seconds},
        {"swd_x1e3", report.swd.average},
        {"ms_ssim_diversity", diversity_json(report.first_diversity)},
        {"data_ms_ssim_diversity", diversity_json(report.second_diversity)},
        {"fd_r", r.fd_random},
        {"fd_h", report.fd_h ? nlohmann::ordered_json(*report.fd_h) : nullptr}};
    if (const auto& before = report.swd_intermediate) {
      row["swd_" + before->name + "_x1e3"] = before->swd.average;
    }
    rows.push_back(std::move(row));
  }
  return {{"data", options.data.string()},
          {"budget", budget},
          {"eval",
           {{"generated", first.first.count},
            {"data", first.second.count},
            {"seed", options.eval.seed},
            {"pairs", options.eval.pairs},
            {"patches", options.eval.patches}}},
          {"descriptions",
           {{"swd_x1e3",
             "sliced Wasserstein distance on 7x7 Laplacian-pyramid patches x 1e3 (Karras et al. "
             "2018), as aegan-vk eval"},
            {"ms_ssim_diversity",
             "mean MS-SSIM over random pairs of different images of a set; lower = more diverse"},
            {"fd_r", eval::kRandomFeatureDescription},
            {"fd_h", eval::kFdHDescription}}},
          {"rows", rows}};
}

report::Canvas sample_sheet(const CompareOptions& options, const Comparison& comparison) {
  std::vector<std::pair<std::string, report::Canvas>> rows;
  rows.emplace_back("data", tiles(comparison.results.front().eval.second, options.samples_shown));
  for (const ContenderResult& r : comparison.results)
    rows.emplace_back(r.contender.name, tiles(r.eval.first, options.samples_shown));
  int label_width = 0, width = 0, height = kMargin;
  for (const auto& [label, canvas] : rows) {
    label_width = std::max(label_width, report::text_width(label, kLabelScale));
    width = std::max(width, canvas.width());
    height += std::max(canvas.height(), report::text_height(kLabelScale)) + kMargin;
  }
  report::Canvas sheet(kMargin + label_width + kMargin + width + kMargin, height, kSheetBackground);
  int top = kMargin;
  for (const auto& [label, canvas] : rows) {
    const int row_height = std::max(canvas.height(), report::text_height(kLabelScale));
    report::draw_text(sheet, kMargin, top + (row_height - report::text_height(kLabelScale)) / 2,
                      label, kLabel, kLabelScale);
    paste(sheet, canvas, 2 * kMargin + label_width, top);
    top += row_height + kMargin;
  }
  return sheet;
}

void write_outputs(const CompareOptions& options, const Comparison& comparison) {
  const auto write_text = [](const std::filesystem::path& path, const std::string& text) {
    std::ofstream file(path);
    file << text;
    if (!file) throw Error("cannot write " + path.string());
  };
  write_text(options.out / "compare.md", markdown_table(options, comparison));
  write_text(options.out / "compare.json", comparison_json(options, comparison).dump(2) + "\n");
  report::write_png(options.out / "compare.png", sample_sheet(options, comparison));
}

}  // namespace aegan::compare
