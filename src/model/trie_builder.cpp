// TrieBuilder: an NGramTable filled level by level (include/lm/model.hpp).
#include <fmt/format.h>

#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/ngram_table.hpp"

namespace lm {

TrieBuilder::TrieBuilder(int order, const Vocabulary& vocab)
    : order_(order), vocab_(vocab), table_(std::make_unique<NGramTable>()) {
  if (order < 1 || order > kMaxOrder) {
    throw ConfigError(fmt::format("order {} is out of range; use 1 to {}", order, kMaxOrder));
  }
}

TrieBuilder::~TrieBuilder() = default;

void TrieBuilder::set_unigrams(std::vector<float> log10_prob, std::vector<float> log10_backoff) {
  table_->levels.clear();
  NGramTable::Level& level = table_->levels.emplace_back();
  level.log10_prob = std::move(log10_prob);
  level.log10_backoff = std::move(log10_backoff);
  if (order_ == 1) level.log10_backoff.clear();
}

void TrieBuilder::add_level(std::vector<WordId> words, const std::vector<std::uint32_t>& parents,
                            std::vector<float> log10_prob, std::vector<float> log10_backoff) {
  NGramTable::Level& level = table_->levels.emplace_back();
  level.words = std::move(words);
  level.parent = parents;
  level.log10_prob = std::move(log10_prob);
  level.log10_backoff = std::move(log10_backoff);
  if (levels() == order_) level.log10_backoff.clear();
}

int TrieBuilder::levels() const { return table_->order(); }

std::vector<float>& TrieBuilder::log10_backoff(int n) { return table_->levels[static_cast<std::size_t>(n - 1)].log10_backoff; }

Model TrieBuilder::finish(const ModelInfo& info, const LayoutOptions& options) {
  if (levels() != order_) {
    throw Error(fmt::format("internal error: a model of order {} finished with {} levels", order_, levels()));
  }
  table_->vocab = vocab_;
  table_->info = info;
  NGramTable table = std::move(*table_);
  table_->levels.clear();
  return build_model(std::move(table), options);
}

}  // namespace lm
