#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace aegan {
struct Settings;
}

namespace aegan::train {

// The processes of one data-parallel run as MPI (mpirun, srun) started them, or this process
// alone. Every call that communicates is collective: all ranks make it, in the same order.
class Ranks {
 public:
  // This process's world. The first call starts MPI where the build has it and a launcher
  // started the process; a build without MPI that a launcher started with more than one process
  // is refused, so that N copies never train N unrelated runs into one folder. Later calls return
  // the same world, whatever `settings` they pass.
  static Ranks& start(const Settings& settings);
  // The world start() made, or start() with the environment's settings where none was made.
  static Ranks& world();
  // Ends MPI, if it was started; call it once, at exit. A rank that failed ends every rank (the
  // others would wait for it in their next collective call).
  static void finish(bool failed);

  int rank() const { return rank_; }
  int size() const { return size_; }
  // This rank's index among the ranks on its machine: its default device.
  int local_rank() const { return local_rank_; }
  bool is_root() const { return rank_ == 0; }

  // Element-wise sums over the ranks, in place.
  void sum(std::span<float> values);
  void sum(std::span<double> values);
  // Starts an element-wise sum over the ranks of `values`, in place, and returns at once: the
  // values must stay where they are, untouched, until finish_sums(). Every rank starts the same
  // sums in the same order.
  void start_sum(std::span<float> values);
  // Lets MPI move the started sums on; never waits.
  void progress_sums();
  // Waits for every started sum.
  void finish_sums();
  // Every rank's values, in rank order; the same size on every rank.
  std::vector<float> gather(std::span<const float> values);
  // Rank 0's bytes into every rank's; the same size on every rank.
  void broadcast(std::span<std::byte> bytes);
  // Rank 0's text into every rank's.
  void broadcast(std::string& text);
  // Whether any rank passes true.
  bool any(bool value);
  // Seconds spent in the calls above, so that a run can say what communication costs it.
  double seconds() const { return seconds_; }

 private:
  Ranks(int rank, int size, int local_rank) : rank_(rank), size_(size), local_rank_(local_rank) {}

  int rank_;
  int size_;
  int local_rank_;
  double seconds_ = 0.0;
};

}  // namespace aegan::train
