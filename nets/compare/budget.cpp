#include "nets/compare/budget.hpp"

#include <cmath>
#include <string>

#include "engine/error.hpp"

namespace aegan::compare {

std::vector<train::StageSchedule> budget_schedules(const std::vector<TrainingStage>& stages,
                                                   int64_t images, int64_t batch) {
  if (images < 1) throw Error("the image budget must be at least 1, got " + std::to_string(images));
  if (batch < 1) throw Error("the batch must be at least 1, got " + std::to_string(batch));
  int64_t epochs = 0;
  for (const TrainingStage& stage : stages)
    epochs += stage.schedule.epochs;
  std::vector<train::StageSchedule> out;
  for (const TrainingStage& stage : stages) {
    train::StageSchedule schedule{0, 0, stage.schedule.lr};
    if (stage.schedule.epochs > 0) {
      const double share = static_cast<double>(images) *
                           static_cast<double>(stage.schedule.epochs) / static_cast<double>(epochs);
      schedule.steps = std::max<int64_t>(1, std::llround(share / static_cast<double>(batch)));
    }
    out.push_back(schedule);
  }
  return out;
}

int64_t scheduled_images(const std::vector<train::StageSchedule>& schedules, int64_t batch) {
  int64_t steps = 0;
  for (const train::StageSchedule& schedule : schedules)
    steps += schedule.steps;
  return steps * batch;
}

}  // namespace aegan::compare
