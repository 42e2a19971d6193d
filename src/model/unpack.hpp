// The two halves of unpack_model (lm/ngram_table.hpp), for a caller that
// verifies the model itself, e.g. on another thread while it unpacks.
#pragma once

#include <vector>

#include "lm/model.hpp"
#include "lm/ngram_table.hpp"

namespace lm::detail {

// The model's levels as unpack_model gives them, without Model::verify: the
// reads a corrupt model could send out of bounds are clamped (words are
// already: ModelLevel::word), so the result is always safe to use, though
// wrong if the model is corrupt. Throws FormatError for a level 1 that is not
// the vocabulary and n-grams without contexts.
[[nodiscard]] std::vector<NGramTable::Level> unpack_levels(const Model& model);

// The model's vocabulary as a Vocabulary: the same words at the same ids and,
// since a Vocabulary's table depends only on its words in id order, the same
// hash slots. REQUIRES: the model is verified (else Error).
[[nodiscard]] Vocabulary unpack_vocabulary(const VocabView& words);

}  // namespace lm::detail
