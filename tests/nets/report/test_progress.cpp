#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "nets/report/progress.hpp"

namespace aegan::report {
namespace {

// A clock the test moves by hand.
struct FakeClock {
  double now = 1000.0;
  std::function<double()> function() {
    return [this] { return now; };
  }
};

TEST(ReportProgress, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "0:00:00");
  EXPECT_EQ(format_duration(59.4), "0:00:59");
  EXPECT_EQ(format_duration(3599.6), "1:00:00");
  EXPECT_EQ(format_duration(3 * 3600 + 25 * 60 + 7), "3:25:07");
  EXPECT_EQ(format_duration(123 * 3600), "123:00:00");
  EXPECT_EQ(format_duration(-1), "--:--:--");
  EXPECT_EQ(format_duration(1.0 / 0.0), "--:--:--");
}

TEST(ReportProgress, ShowsCountPercentRateAndEta) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("train", 1000, out, {.terminal = false, .clock = clock.function()});
  progress.update(0);
  EXPECT_EQ(out.str(), "train 0/1000 0.0% -- it/s ETA --:--:--\n");
  clock.now += 10;
  progress.update(250, "d_e 1.30 g_e 0.70");
  // The first interval sets the rate outright: 25 items/s, 750 left -> 30 s.
  EXPECT_DOUBLE_EQ(progress.rate(), 25.0);
  EXPECT_EQ(progress.line(), "train 250/1000 25.0% 25.0 it/s ETA 0:00:30 | d_e 1.30 g_e 0.70");
}

TEST(ReportProgress, RateIsATimeWeightedAverage) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("scan", 0, out, {.clock = clock.function(), .rate_window_s = 20.0});
  clock.now += 4;
  progress.update(40);  // 10/s
  clock.now += 20;
  progress.update(440);  // 20/s for one time constant
  // Interval weights 1 - exp(-dt / window), normalised by the total weight 1 - exp(-24 / 20).
  const double w1 = 1.0 - std::exp(-4.0 / 20.0), w2 = 1.0 - std::exp(-1.0);
  const double expected = (w1 * 10.0 * (1.0 - w2) + w2 * 20.0) / (1.0 - std::exp(-24.0 / 20.0));
  EXPECT_NEAR(progress.rate(), expected, 1e-12);
  // Many quick updates at a steady 20/s move the average the same as one long one would.
  Progress fine("scan", 0, out, {.clock = clock.function(), .rate_window_s = 20.0});
  double t0 = clock.now;
  clock.now = t0 + 4;
  fine.update(40);
  for (int i = 1; i <= 200; ++i) {
    clock.now = t0 + 4 + 0.1 * i;
    fine.update(40 + 2 * i);
  }
  EXPECT_NEAR(fine.rate(), expected, 1e-9);
  // Without a total there is no percent and no ETA.
  EXPECT_EQ(fine.line().rfind("scan 440 ", 0), 0u);
  EXPECT_EQ(fine.line().find('%'), std::string::npos);
  EXPECT_EQ(fine.line().find("ETA"), std::string::npos);
}

TEST(ReportProgress, NonTerminalPrintsAtMostEveryInterval) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("train", 100, out, {.print_every_s = 10.0, .clock = clock.function()});
  for (int i = 1; i <= 40; ++i) {
    clock.now += 1.0;
    progress.update(i);
  }
  // Printed at t = 1 (the first update), 11, 21 and 31.
  std::istringstream lines(out.str());
  std::string line;
  std::vector<std::string> printed;
  while (std::getline(lines, line))
    printed.push_back(line);
  ASSERT_EQ(printed.size(), 4u);
  EXPECT_EQ(printed[0].rfind("train 1/100 1.0%", 0), 0u);
  EXPECT_EQ(printed[3].rfind("train 31/100 31.0% 1.00 it/s ETA 0:01:09", 0), 0u);
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
  clock.now += 0.5;
  progress.finish("done");
  // The last line gives the average over the whole run (40 items in 40.5 s) and the time taken.
  EXPECT_EQ(out.str().substr(out.str().rfind("train")),
            "train 40/100 40.0% 0.99 it/s in 0:00:41 | done\n");
  const std::string before = out.str();
  progress.update(50);
  EXPECT_EQ(out.str(), before);
}

TEST(ReportProgress, TerminalRewritesOneLine) {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress progress("eval", 4, out,
                      {.terminal = true, .redraw_every_s = 0.5, .clock = clock.function()});
    progress.update(1, "a long detail text");
    clock.now += 0.1;
    progress.update(2, "skipped: redrawn too soon");
    clock.now += 1.0;
    progress.update(3, "short");
    clock.now += 1.0;
    progress.finish();
  }
  const std::string first = "eval 1/4 25.0% -- it/s ETA --:--:-- | a long detail text";
  // 1 item in 0.1 s then 1 in 1 s: close to the plain 2 items / 1.1 s, not dominated by the burst.
  const std::string second = "eval 3/4 75.0% 2.68 it/s ETA 0:00:00 | short";
  const std::string last = "eval 3/4 75.0% 1.43 it/s in 0:00:02 | short";
  // Each redraw returns to the line start and blanks what the longer line before it left.
  const std::string expected = "\r" + first + "\r" + second +
                               std::string(first.size() - second.size(), ' ') + "\r" + last +
                               std::string(second.size() - last.size(), ' ') + "\n";
  EXPECT_EQ(out.str(), expected);
}

TEST(ReportProgress, TerminalLineIsEndedWhenWorkStopsEarly) {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress progress("load", 10, out, {.terminal = true, .clock = clock.function()});
    progress.update(1);
  }
  EXPECT_EQ(out.str().back(), '\n');
}

}  // namespace
}  // namespace aegan::report
