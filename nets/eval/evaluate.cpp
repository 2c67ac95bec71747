#include "nets/eval/evaluate.hpp"

#include <cstdio>
#include <utility>

#include "nets/eval/features.hpp"
#include "nets/eval/frechet.hpp"

namespace aegan::eval {
namespace {

ProgressFn part_progress(const ProgressFactory& progress, const std::string& part) {
  return progress ? progress(part) : ProgressFn{};
}

std::optional<Diversity> diversity(const Images& images, const EvalOptions& options,
                                   const ProgressFactory& progress, const std::string& name) {
  if (images.count < 2) return std::nullopt;
  return ms_ssim_diversity(images, options.diversity_pairs, options.seed,
                           part_progress(progress, "MS-SSIM " + name));
}

nlohmann::ordered_json set_json(const EvalSet& set, const std::optional<Diversity>& d) {
  nlohmann::ordered_json out = {{"name", set.name}, {"source", set.source}, {"count", set.count}};
  out["ms_ssim_diversity"] =
      d ? nlohmann::ordered_json{{"mean", d->mean_ms_ssim}, {"pairs", d->pairs}}
        : nlohmann::ordered_json(nullptr);
  return out;
}

nlohmann::ordered_json swd_levels(const SwdResult& swd) {
  nlohmann::ordered_json levels = nlohmann::ordered_json::array();
  for (size_t i = 0; i < swd.per_level.size(); ++i)
    levels.push_back({{"resolution", swd.resolutions[i]}, {"swd_x1e3", swd.per_level[i]}});
  return levels;
}

std::string line(const char* format, const std::string& label, double value) {
  char text[160];
  std::snprintf(text, sizeof text, format, label.c_str(), value);
  return text;
}

}  // namespace

EvalReport evaluate(Model& model, EvalSet first_set, const Images& first, EvalSet second_set,
                    const Images& second, const EvalOptions& options,
                    const ProgressFactory& progress) {
  EvalReport report;
  report.first = std::move(first_set);
  report.second = std::move(second_set);
  report.first.count = first.count;
  report.second.count = second.count;
  report.resolution = first.size;
  report.swd = sliced_wasserstein(first, second, options.swd, part_progress(progress, "SWD"));
  report.model = model.name();
  if (model.has_encoder()) {
    int dims = 0;
    const std::vector<float> a = encoder_features(
        model, first, options.batch, &dims, part_progress(progress, "FD-H " + report.first.name));
    const std::vector<float> b = encoder_features(
        model, second, options.batch, &dims, part_progress(progress, "FD-H " + report.second.name));
    report.fd_h = frechet_distance(fit_gaussian(a, dims), fit_gaussian(b, dims));
    report.fd_h_dims = dims;
  }
  report.first_diversity = diversity(first, options, progress, report.first.name);
  report.second_diversity = diversity(second, options, progress, report.second.name);
  return report;
}

nlohmann::ordered_json to_json(const EvalReport& report, const EvalOptions& options) {
  nlohmann::ordered_json out = {
      {"resolution", report.resolution},
      {"first", set_json(report.first, report.first_diversity)},
      {"second", set_json(report.second, report.second_diversity)},
      {"swd",
       {{"description",
         "sliced Wasserstein distance on 7x7 Laplacian-pyramid patches x 1e3 "
         "(Karras et al. 2018)"},
        {"patches_per_image", options.swd.patches_per_image},
        {"directions", options.swd.directions},
        {"seed", options.swd.seed},
        {"levels", swd_levels(report.swd)},
        {"average_x1e3", report.swd.average}}},
      {"ms_ssim_diversity_description",
       "mean MS-SSIM over random pairs of different images of a set; lower = more diverse"},
  };
  if (report.fd_h) {
    out["fd_h"] = {
        {"description", kFdHDescription}, {"dims", report.fd_h_dims}, {"value", *report.fd_h}};
  }
  if (const auto& before = report.swd_intermediate) {
    out["swd_" + before->name] = {
        {"description", "the same SWD for " + before->label +
                            ", the denoiser's input, of the same z; the first set is phi of it"},
        {"levels", swd_levels(before->swd)},
        {"average_x1e3", before->swd.average}};
  }
  return out;
}

std::string format_table(const EvalReport& report) {
  std::string out;
  for (const EvalSet* set : {&report.first, &report.second}) {
    out += set->name + ": " + std::to_string(set->count) + " images (" + set->source + ")\n";
  }
  out += "resolution " + std::to_string(report.resolution) + "x" +
         std::to_string(report.resolution) + "\n";
  for (size_t i = 0; i < report.swd.per_level.size(); ++i) {
    const std::string r = std::to_string(report.swd.resolutions[i]);
    out += line("  %-28s %10.3f\n", "SWD x1e3 level " + r + "x" + r, report.swd.per_level[i]);
  }
  out += line("  %-28s %10.3f\n", "SWD x1e3 average", report.swd.average);
  if (const auto& before = report.swd_intermediate) {
    out += line("  %-28s %10.3f", "SWD x1e3 average of " + before->name, before->swd.average);
    out += "   " + before->label + ", the model's intermediate image\n";
  }
  if (report.fd_h) {
    out += line("  %-28s %10.4f", "FD-H (" + std::to_string(report.fd_h_dims) + " dims)",
                *report.fd_h);
    out += std::string("   ") + kFdHDescription + "\n";
  } else {
    out += "  FD-H left out: " + report.model + " has no encoder to give its features\n";
  }
  for (const auto& [set, d] : {std::pair{&report.first, &report.first_diversity},
                               std::pair{&report.second, &report.second_diversity}}) {
    if (!*d) continue;
    out += line("  %-28s %10.4f", "MS-SSIM " + set->name, (*d)->mean_ms_ssim);
    out += "   mean over " + std::to_string((*d)->pairs) + " pairs; lower = more diverse\n";
  }
  return out;
}

}  // namespace aegan::eval
