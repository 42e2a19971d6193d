// The cumulative sums of contexts' successors that the TokenSamplers of one
// model on several threads share (lm/sampler.hpp's SamplerCache).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "lm/sampler.hpp"

namespace lm {

class SamplerCache {
 public:
  SamplerCache(const Model& model, const SamplingOptions& options)
      : model_(&model), temperature_(options.temperature), no_unk_(options.no_unk) {}

  // The sums of one context's successors: cum[i] is the sum of the weights
  // of successors 0..i (the `first` one's index in the next level).
  struct Entry {
    const double* cum = nullptr;
    std::uint64_t first = 0;
    std::uint32_t size = 0;
    double total = 0;
  };
  // True when the cache serves samplers of this model and these options.
  [[nodiscard]] bool serves(const Model& model, const SamplingOptions& options) const {
    return &model == model_ && options.temperature == temperature_ && options.no_unk == no_unk_;
  }
  // The entry stored for key, if any.
  [[nodiscard]] bool find(std::uint64_t key, Entry* out);
  // Stores a copy of e under key (unless another thread did first: then
  // *out is that one) and returns true; false when the cache is full.
  [[nodiscard]] bool insert(std::uint64_t key, const Entry& e, Entry* out);

 private:
  static constexpr int kShardBits = 6;
  struct alignas(64) Shard {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, Entry> entries;
    std::vector<std::unique_ptr<double[]>> chunks;  // the sums, in blocks that never move
    std::size_t chunk_used = 0, chunk_size = 0;
  };
  Shard& shard(std::uint64_t key) { return shards_[(key * 0x9E3779B97F4A7C15ULL) >> (64 - kShardBits)]; }

  const Model* model_;
  double temperature_;
  bool no_unk_;
  Shard shards_[1 << kShardBits];
  std::atomic<std::size_t> stored_{0};
};

}  // namespace lm
