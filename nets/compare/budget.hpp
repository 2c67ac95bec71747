#pragma once
#include <cstdint>
#include <vector>

#include "nets/model.hpp"

namespace aegan::compare {

// A budget of `images` images seen in training, split over a model's stages in proportion to
// the epochs of its default schedule, each stage's share rounded to the nearest whole number of
// `batch`-image steps and at least one step; a stage of no default epochs (AEGAN's optional
// fine-tuning) gets none. Learning rates stay the defaults. Throws aegan::Error unless images and
// batch are positive.
std::vector<train::StageSchedule> budget_schedules(const std::vector<TrainingStage>& stages,
                                                   int64_t images, int64_t batch);

// Images a schedule of fixed steps shows: steps x batch over its stages.
int64_t scheduled_images(const std::vector<train::StageSchedule>& schedules, int64_t batch);

}  // namespace aegan::compare
