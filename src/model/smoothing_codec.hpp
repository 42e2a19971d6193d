// The smoothing methods a model file can name, and how a method's parameters
// are stored: the header's `smoothing` id and its method_params array
// (docs/FORMAT.md), and the comment lines of an ARPA file.
//
// Adding a smoothing method: give it an entry in kMethods (smoothing_codec.cpp)
// with a new id, its name and the names of its parameters.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "lm/model.hpp"

namespace lm::detail {

// Doubles in the header for a method's parameters.
inline constexpr std::size_t kMethodParams = kMaxOrder * 3;

struct MethodEntry {
  std::uint32_t id;                           // FileHeader::smoothing; never reused
  std::string_view name;                      // SmoothingInfo::method ("" for unknown)
  std::string_view title;                     // for people: "interpolated modified Kneser-Ney"
  std::string_view label;                     // what its per-order parameters are: "discounts"
  std::span<const std::string_view> per_order;  // names of the parameters each order has
};

// The entry of a header id or a method name; nullptr when there is none.
[[nodiscard]] const MethodEntry* find_method(std::uint32_t id);
[[nodiscard]] const MethodEntry* find_method(std::string_view name);
// The entry for models whose method is not known (read from an ARPA file).
[[nodiscard]] const MethodEntry& unknown_method();

// The header fields for info (a model of `order`): a method the file format
// does not name, or parameters other than its own, are recorded as unknown
// (id of unknown_method(), no parameters). params: kMethodParams doubles.
void encode_smoothing(const SmoothingInfo& info, int order, std::uint32_t* id, double* params);
// The description the header fields give. REQUIRES: find_method(id).
[[nodiscard]] SmoothingInfo decode_smoothing(std::uint32_t id, const double* params, int order);

// Comment lines for the top of an ARPA file ("# lm smoothing: mkn ..."), each
// ending with a newline; "" for an unknown method.
[[nodiscard]] std::string arpa_smoothing_comment(const SmoothingInfo& info);
// Reads one such line into *info; false when line is not one (other
// comments are left alone). Values that do not parse make it false too.
bool parse_arpa_smoothing_comment(std::string_view line, SmoothingInfo* info);

// The comment line (without its newline) that marks an ARPA file of a model
// trained on NLTK's padding (ModelInfo::nltk_padding): the ARPA reader sets
// it back, so that lm convert keeps how sentences are scored. A line that
// starts with "# lm padding: nltk" is one.
inline constexpr std::string_view kArpaNltkPaddingComment =
    "# lm padding: nltk (order-1 <s> and </s> around each sentence, as NLTK's nltk.lm)";
inline constexpr std::string_view kArpaNltkPaddingPrefix = "# lm padding: nltk";

// The comment line that records how a model reads text (ModelInfo::text),
// when not as words split at white space: this prefix, a space and
// text_flags() ("# lm text: --units chars --space-token ▁"). The ARPA reader
// reads it back with parse_text_flags; one that does not parse is an error.
inline constexpr std::string_view kArpaTextPrefix = "# lm text:";

}  // namespace lm::detail
