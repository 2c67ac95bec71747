#include "nets/train/ranks.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "engine/error.hpp"
#include "engine/settings.hpp"

#ifdef AEGAN_VK_MPI
#include <mpi.h>
#endif

namespace aegan::train {
namespace {

using Clock = std::chrono::steady_clock;

// The process count a launcher puts in the environment of each process: Open MPI's mpirun, PMI
// (MPICH's and others'), Slurm's srun (set within a job step only, unlike SLURM_NTASKS).
// These are the launcher's variables, not settings of ours, but a garbled one is still an error.
int launched_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    if (const char* value = std::getenv(name); value && *value)
      return static_cast<int>(parse_integer(value, name, INT_MAX, 1));
  }
  return 1;
}

// Counts the seconds of one call towards Ranks::seconds().
class Timed {
 public:
  explicit Timed(double& total) : total_(total), start_(Clock::now()) {}
  ~Timed() { total_ += std::chrono::duration<double>(Clock::now() - start_).count(); }
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  double& total_;
  Clock::time_point start_;
};

#ifdef AEGAN_VK_MPI

// A rank that dies mid-run leaves the others waiting in a collective that never completes, and
// not every launcher ends them (mpirun does; srun with some settings does not). A watchdog ends
// this process with one line once a call has waited longer than Settings::rank_timeout_s
// (default 120: more than rank 0 spends writing samples and checkpoints between two steps).
class Watchdog {
 public:
  Watchdog(int rank, double timeout_s) : rank_(rank), timeout_s_(timeout_s) {
    thread_ = std::thread([this] { watch(); });
    thread_.detach();
  }
  void begin() { since_.store(Clock::now().time_since_epoch().count()); }
  void end() { since_.store(0); }

 private:
  void watch() const {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const int64_t since = since_.load();
      if (since == 0) continue;
      const double waited =
          std::chrono::duration<double>(Clock::now().time_since_epoch() - Clock::duration(since))
              .count();
      if (waited > timeout_s_) {
        std::fprintf(stderr,
                     "aegan-vk: error: rank %d waited %.0f s for the other ranks; one of them "
                     "has stopped or died (AEGAN_VK_RANK_TIMEOUT sets the limit)\n",
                     rank_, waited);
        std::_Exit(1);
      }
    }
  }

  int rank_;
  double timeout_s_;
  std::atomic<int64_t> since_{0};
  std::thread thread_;
};

std::unique_ptr<Watchdog>& watchdog() {
  static std::unique_ptr<Watchdog> instance;
  return instance;
}

// A collective call under the watchdog and the communication clock.
template <class Call>
void collective(double& seconds, Call call) {
  const Timed timed(seconds);
  if (watchdog()) watchdog()->begin();
  call();
  if (watchdog()) watchdog()->end();
}

// MPI's chunks are counted in int; larger spans go in several calls.
constexpr size_t kMaxChunk = size_t{1} << 30;

template <class T>
void sum_in_chunks(std::span<T> values, MPI_Datatype type, double& seconds) {
  for (size_t at = 0; at < values.size(); at += kMaxChunk) {
    const int count = static_cast<int>(std::min(kMaxChunk, values.size() - at));
    collective(seconds, [&] {
      MPI_Allreduce(MPI_IN_PLACE, values.data() + at, count, type, MPI_SUM, MPI_COMM_WORLD);
    });
  }
}

// The sums start_sum() began, in their order.
std::vector<MPI_Request>& started_sums() {
  static std::vector<MPI_Request> requests;
  return requests;
}

#endif

bool started = false;

Ranks* instance = nullptr;

}  // namespace

Ranks& Ranks::start([[maybe_unused]] const Settings& settings) {
  if (instance) return *instance;
  instance = [&] {
#ifdef AEGAN_VK_MPI
    if (launched_size() > 1) {
      const double timeout = settings.rank_timeout_s;
      int provided = 0;
      // Serialized: the micro-batches of a step run on threads that take turns (GradientSync).
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
      if (provided < MPI_THREAD_SERIALIZED) {
        throw Error("this MPI library cannot be called from more than one thread");
      }
      started = true;
      int rank = 0, size = 1, local_rank = 0;
      MPI_Comm_rank(MPI_COMM_WORLD, &rank);
      MPI_Comm_size(MPI_COMM_WORLD, &size);
      MPI_Comm node;
      MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
      MPI_Comm_rank(node, &local_rank);
      MPI_Comm_free(&node);
      watchdog() = std::make_unique<Watchdog>(rank, timeout);
      return new Ranks(rank, size, local_rank);
    }
#else
    if (launched_size() > 1) {
      throw Error("started by an MPI launcher with " + std::to_string(launched_size()) +
                  " processes, but this aegan-vk was built without MPI (install libopenmpi-dev and "
                  "rebuild)");
    }
#endif
    return new Ranks(0, 1, 0);
  }();
  return *instance;
}

Ranks& Ranks::world() {
  return instance ? *instance : start(settings_from_environment());
}

void Ranks::finish([[maybe_unused]] bool failed) {
#ifdef AEGAN_VK_MPI
  if (started && failed) MPI_Abort(MPI_COMM_WORLD, 1);
  if (started) MPI_Finalize();
#endif
  started = false;
}

void Ranks::sum([[maybe_unused]] std::span<float> values) {
  if (size_ == 1) return;
#ifdef AEGAN_VK_MPI
  sum_in_chunks(values, MPI_FLOAT, seconds_);
#endif
}

void Ranks::sum([[maybe_unused]] std::span<double> values) {
  if (size_ == 1) return;
#ifdef AEGAN_VK_MPI
  sum_in_chunks(values, MPI_DOUBLE, seconds_);
#endif
}

void Ranks::start_sum([[maybe_unused]] std::span<float> values) {
  if (size_ == 1) return;
#ifdef AEGAN_VK_MPI
  const Timed timed(seconds_);
  for (size_t at = 0; at < values.size(); at += kMaxChunk) {
    const int count = static_cast<int>(std::min(kMaxChunk, values.size() - at));
    MPI_Request& request = started_sums().emplace_back();
    MPI_Iallreduce(MPI_IN_PLACE, values.data() + at, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD,
                   &request);
  }
#endif
}

void Ranks::progress_sums() {
#ifdef AEGAN_VK_MPI
  if (started_sums().empty()) return;
  const Timed timed(seconds_);
  int done = 0;
  MPI_Testall(static_cast<int>(started_sums().size()), started_sums().data(), &done,
              MPI_STATUSES_IGNORE);
#endif
}

void Ranks::finish_sums() {
#ifdef AEGAN_VK_MPI
  if (started_sums().empty()) return;
  collective(seconds_, [&] {
    MPI_Waitall(static_cast<int>(started_sums().size()), started_sums().data(),
                MPI_STATUSES_IGNORE);
  });
  started_sums().clear();
#endif
}

std::vector<float> Ranks::gather(std::span<const float> values) {
  std::vector<float> all(values.size() * static_cast<size_t>(size_));
  if (size_ == 1) {
    std::copy(values.begin(), values.end(), all.begin());
    return all;
  }
#ifdef AEGAN_VK_MPI
  // Batch norm partials are small (channels x chunks); one call, whatever MPI's int counts allow.
  if (values.size() > kMaxChunk) throw Error("internal: gathering more than 2^30 values");
  const int count = static_cast<int>(values.size());
  collective(seconds_, [&] {
    MPI_Allgather(values.data(), count, MPI_FLOAT, all.data(), count, MPI_FLOAT, MPI_COMM_WORLD);
  });
#endif
  return all;
}

void Ranks::broadcast([[maybe_unused]] std::span<std::byte> bytes) {
  if (size_ == 1) return;
#ifdef AEGAN_VK_MPI
  for (size_t at = 0; at < bytes.size(); at += kMaxChunk) {
    const int count = static_cast<int>(std::min(kMaxChunk, bytes.size() - at));
    collective(seconds_, [&] { MPI_Bcast(bytes.data() + at, count, MPI_BYTE, 0, MPI_COMM_WORLD); });
  }
#endif
}

void Ranks::broadcast(std::string& text) {
  if (size_ == 1) return;
  uint64_t length = text.size();
  broadcast(std::as_writable_bytes(std::span(&length, 1)));
  text.resize(length);
  broadcast(std::as_writable_bytes(std::span(text.data(), text.size())));
}

bool Ranks::any(bool value) {
  double flag = value ? 1.0 : 0.0;
  sum(std::span(&flag, 1));
  return flag > 0.0;
}

}  // namespace aegan::train
