#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "engine/error.hpp"
#include "nets/report/axis.hpp"
#include "nets/report/loss_plot.hpp"
#include "png_file.hpp"

namespace aegan::report {
namespace {

using test::read_png;
using test::ScratchDir;

// A synthetic log like training writes: two stages, four losses, one spanning several decades.
void write_log(const std::filesystem::path& path, int steps, const std::string& extra_lines = {}) {
  std::ofstream out(path);
  for (int i = 0; i < steps; ++i) {
    const int stage = i < steps / 2 ? 1 : 2;
    out << R"({"stage":)" << stage << R"(,"step":)" << i << R"(,"global_step":)" << i * 10
        << R"(,"losses":{"d_e":)" << 1.3 + 0.2 * std::sin(i * 0.3) << R"(,"g_e":)"
        << 0.7 + 0.1 * std::cos(i * 0.2) << R"(,"d_r":)" << 1.2 - 0.005 * i << R"(,"phi":)"
        << 5.0 * std::exp(-0.2 * i) << R"(},"lr":0.0002,"images_per_s":31.5,"device_bytes":1})"
        << "\n";
    if (i == 3) out << extra_lines;
  }
}

// Whether any pixel inside the rectangle differs from white paper.
bool has_ink(const test::Png& png, int left, int top, int width, int height) {
  for (int y = top; y < top + height; ++y) {
    for (int x = left; x < left + width; ++x) {
      if (png.at(x, y) != std::array<int, 3>{255, 255, 255}) return true;
    }
  }
  return false;
}

TEST(ReportLossPlot, DrawsOnePanelPerLoss) {
  ScratchDir dir;
  write_log(dir / "log.jsonl", 60);
  const LossPlotSummary summary = plot_losses(dir / "log.jsonl", dir / "losses.png");
  EXPECT_EQ(summary.panels, 4);
  EXPECT_EQ(summary.lines_used, 60);
  EXPECT_EQ(summary.malformed_lines, 0);
  const auto png = read_png(dir / "losses.png");
  ASSERT_EQ(png.width, 1200);
  ASSERT_EQ(png.height, 600);
  for (int panel = 0; panel < 4; ++panel) {
    const int left = (panel % 2) * 600, top = (panel / 2) * 300;
    // Title strip, and the middle of the plot area where the curve runs.
    EXPECT_TRUE(has_ink(png, left, top, 600, 28)) << panel;
    EXPECT_TRUE(has_ink(png, left + 100, top + 60, 400, 180)) << panel;
  }
}

TEST(ReportLossPlot, CurveUsesItsPanelColour) {
  ScratchDir dir;
  write_log(dir / "log.jsonl", 40);
  plot_losses(dir / "log.jsonl", dir / "losses.png");
  const auto png = read_png(dir / "losses.png");
  // The first panel's curve is blue (0, 114, 178): some fully covered pixel must carry it.
  bool found = false;
  for (int y = 30; y < 270 && !found; ++y) {
    for (int x = 64; x < 584 && !found; ++x)
      found = png.at(x, y) == std::array<int, 3>{0, 114, 178};
  }
  EXPECT_TRUE(found);
}

TEST(ReportLossPlot, ReadsStagesAndSkipsMalformedLines) {
  ScratchDir dir;
  write_log(dir / "log.jsonl", 10,
            "not json\n{\"global_step\":5}\n[1,2]\n\n{\"global_step\":\"x\",\"losses\":{}}\n"
            "{\"stage\":1,\"global_step\":35,\"losses\":{\"d_e\":null,\"new\":2.0}}\n{\"trunc\n");
  const LossLog log = read_loss_log(dir / "log.jsonl");
  EXPECT_EQ(log.malformed_lines, 5);  // the blank line is not counted
  EXPECT_EQ(log.lines_used, 11);
  ASSERT_EQ(log.series.size(), 5u);
  EXPECT_EQ(log.series[0].name, "d_e");
  EXPECT_EQ(log.series[0].values.size(), 10u);  // its null value is left out
  EXPECT_EQ(log.series[3].name, "phi");
  EXPECT_EQ(log.series[4].name, "new");
  EXPECT_EQ(log.series[4].steps, std::vector<double>{35});
  ASSERT_EQ(log.stage_starts.size(), 1u);
  EXPECT_EQ(log.stage_starts[0].step, 50);
  EXPECT_EQ(log.stage_starts[0].stage, 2);

  const LossPlotSummary summary = plot_losses(dir / "log.jsonl", dir / "losses.png");
  EXPECT_EQ(summary.malformed_lines, 5);
  const auto png = read_png(dir / "losses.png");
  EXPECT_EQ(png.height, 900);  // 5 panels in 3 rows; the single-point "new" panel is drawn too
}

TEST(ReportLossPlot, QualityLinesBecomeSeriesOfTheirOwn) {
  ScratchDir dir;
  write_log(dir / "log.jsonl", 4,
            "{\"stage\":2,\"global_step\":40,\"quality\":{\"swd_x_hat\":9.5,\"swd_phi\":7}}\n"
            "{\"stage\":2,\"global_step\":41,\"quality\":[1]}\n");
  const LossLog log = read_loss_log(dir / "log.jsonl");
  EXPECT_EQ(log.malformed_lines, 1);
  EXPECT_EQ(log.lines_used, 5);
  ASSERT_GE(log.series.size(), 2u);
  const LossSeries& phi = log.series.back();
  const LossSeries& x_hat = log.series[log.series.size() - 2];
  EXPECT_EQ(x_hat.name, "swd_x_hat");
  EXPECT_EQ(x_hat.values, std::vector<double>{9.5});
  EXPECT_EQ(phi.name, "swd_phi");
  EXPECT_EQ(phi.steps, std::vector<double>{40});
}

TEST(ReportLossPlot, EmptyOrMissingLogIsAnError) {
  ScratchDir dir;
  EXPECT_THROW(plot_losses(dir / "absent.jsonl", dir / "a.png"), Error);
  { std::ofstream(dir / "empty.jsonl") << "\n"; }
  EXPECT_THROW(plot_losses(dir / "empty.jsonl", dir / "b.png"), Error);
  { std::ofstream(dir / "junk.jsonl") << "garbage\n{\"global_step\":1,\"losses\":{\"a\":null}}\n"; }
  EXPECT_THROW(plot_losses(dir / "junk.jsonl", dir / "c.png"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.png"));
  EXPECT_FALSE(std::filesystem::exists(dir / "b.png"));
  EXPECT_FALSE(std::filesystem::exists(dir / "c.png"));
}

TEST(ReportAxis, LinearTicksAreRound) {
  const Axis axis = linear_axis(0.0, 1000.0, 5, 0.0);
  EXPECT_FALSE(axis.logarithmic);
  EXPECT_EQ(axis.ticks, (std::vector<double>{0, 200, 400, 600, 800, 1000}));
  EXPECT_DOUBLE_EQ(axis.fraction(500.0), 0.5);
  EXPECT_EQ(tick_label(0.30000000000000004, 1.0), "0.3");
  EXPECT_EQ(tick_label(1e-17, 1.0), "0");
}

TEST(ReportAxis, LogScaleBeyondTwoDecades) {
  EXPECT_FALSE(value_axis({1.0, 50.0}, 5).logarithmic);
  EXPECT_FALSE(value_axis({-1.0, 500.0}, 5).logarithmic);
  const Axis axis = value_axis({0.01, 0.5, 20.0}, 5);
  EXPECT_TRUE(axis.logarithmic);
  EXPECT_EQ(axis.ticks, (std::vector<double>{0.01, 0.1, 1.0, 10.0}));
  EXPECT_NEAR(axis.fraction(1.0), (0.0 - axis.lo) / (axis.hi - axis.lo), 1e-12);
}

TEST(ReportAxis, FlatSeriesGetsARange) {
  const Axis axis = value_axis({2.0, 2.0}, 5);
  EXPECT_LT(axis.lo, 2.0);
  EXPECT_GT(axis.hi, 2.0);
  EXPECT_FALSE(axis.ticks.empty());
}

}  // namespace
}  // namespace aegan::report
