#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "nets/compare/comparison.hpp"
#include "nets/report/canvas.hpp"

namespace aegan::compare {

// The paper's Table I for the comparison: one row per contender, then the data's diversity,
// then a note on what each figure is.
std::string markdown_table(const CompareOptions& options, const Comparison& comparison);
nlohmann::ordered_json comparison_json(const CompareOptions& options, const Comparison& comparison);
// One labelled row per contender of its first options.samples_shown evaluated images, under a
// row of the data's.
report::Canvas sample_sheet(const CompareOptions& options, const Comparison& comparison);

// OUT/compare.md, OUT/compare.json and OUT/compare.png.
void write_outputs(const CompareOptions& options, const Comparison& comparison);

}  // namespace aegan::compare
