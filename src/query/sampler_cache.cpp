// Cumulative sums shared by the samplers of several threads (query/sampler_cache.hpp).
#include "query/sampler_cache.hpp"

#include <algorithm>
#include <cstring>

namespace lm {

namespace {
// At most this many sums (256 MiB); past it, samplers keep new ones themselves.
constexpr std::size_t kMaxStored = std::size_t{1} << 25;
constexpr std::size_t kChunk = std::size_t{1} << 16;  // doubles per block
}  // namespace

bool SamplerCache::find(std::uint64_t key, Entry* out) {
  Shard& s = shard(key);
  const std::lock_guard<std::mutex> lock(s.mutex);
  const auto it = s.entries.find(key);
  if (it == s.entries.end()) return false;
  *out = it->second;
  return true;
}

bool SamplerCache::insert(std::uint64_t key, const Entry& e, Entry* out) {
  Shard& s = shard(key);
  const std::lock_guard<std::mutex> lock(s.mutex);
  if (const auto it = s.entries.find(key); it != s.entries.end()) {
    *out = it->second;
    return true;
  }
  if (e.size == 0) {  // nothing to keep (a context without successors)
    *out = e;
    s.entries.emplace(key, *out);
    return true;
  }
  if (stored_.fetch_add(e.size, std::memory_order_relaxed) + e.size > kMaxStored) return false;
  if (s.chunk_size - s.chunk_used < e.size) {  // a new block: this context's own when it is large
    s.chunk_size = std::max<std::size_t>(kChunk, e.size);
    s.chunks.emplace_back(new double[s.chunk_size]);  // not zeroed: only what is written is touched
    s.chunk_used = 0;
  }
  double* cum = s.chunks.back().get() + s.chunk_used;
  s.chunk_used += e.size;
  std::memcpy(cum, e.cum, e.size * sizeof(double));
  *out = Entry{cum, e.first, e.size, e.total};
  s.entries.emplace(key, *out);
  return true;
}

std::shared_ptr<SamplerCache> make_sampler_cache(const Model& model, const SamplingOptions& options) {
  return std::make_shared<SamplerCache>(model, options);
}

}  // namespace lm
