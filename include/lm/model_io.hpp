// Reading and writing models: lm's own binary format (docs/FORMAT.md) and the
// ARPA text format used by KenLM, SRILM and IRSTLM.
#pragma once

#include <ostream>
#include <string>

#include "lm/model.hpp"
#include "lm/ngram_table.hpp"

namespace lm {

class LineReader;

// The version of lm's binary format that this lm writes (docs/FORMAT.md). It
// reads this one and version 8 (models written before the text options:
// they read text as words split at white space).
inline constexpr unsigned kModelFormatVersion = 9;

// How outputs are written, by save_model and write_arpa_file alike:
// - atomically: the data goes to a temporary file beside path, renamed over
//   path only when complete, so path holds either the old file or the new
//   one; on failure the temporary file is removed;
// - a symbolic link is followed: its final target is replaced, the link stays;
// - "-", /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N are this
//   process's descriptors and are written in place, as are character
//   devices and FIFOs (never renamed over).

// What an output holds, for check_output_path.
enum class OutputFormat { kBinary, kArpa };

// Checks, before any work is done, that path can be written as format: it is
// not a directory, its directory exists and may be written, and a binary
// model is not given a .gz name (it is mapped from disk, so it cannot be
// compressed) nor sent to a terminal. Throws Error naming path and what to do.
void check_output_path(const std::string& path, OutputFormat format);

// True when outputs a and b are the same file ("-" is standard output): the
// same inode, or the same name when neither exists yet.
[[nodiscard]] bool same_output(const std::string& a, const std::string& b);

// Writes the model in lm's binary format (see above), version
// kModelFormatVersion: a model read from a version 8 file is written in the
// current version (the same arrays; its checksum checked first, Error if it
// does not match). Throws Error on failure.
void save_model(const Model& model, const std::string& path);

// Deletes the temporary files of outputs still being written (by save_model
// or write_arpa_file), so that a program killed by a signal leaves no
// partial files. Async-signal-safe: meant to be called from a signal handler.
void remove_partial_outputs() noexcept;

// Opens a model: lm's binary format (memory-mapped, no parsing) or an ARPA
// file (plain or gzip). Throws Error for a missing or unreadable file and
// FormatError for a file that is neither, or is corrupt.
[[nodiscard]] Model load_model(const std::string& path);

// True when path starts with the magic of lm's binary format (else load_model
// reads it as ARPA). False for unreadable files.
[[nodiscard]] bool is_binary_model_file(const std::string& path);

// Opens a model and checks it in full: for lm's binary format, the checksum
// over every byte (first, so that any damage is reported as a checksum
// mismatch) and then Model::verify's structural checks; an ARPA file is
// checked by reading it. Throws like load_model.
[[nodiscard]] Model load_verified_model(const std::string& path);

// Writes the model as an ARPA file. Probabilities and backoffs are printed in
// the shortest form that reads back to the same float, so write -> read ->
// write is byte-identical. Verifies the model first (throws FormatError if
// it is corrupt).
void write_arpa(const Model& model, std::ostream& out);
// write_arpa to a file, as save_model writes (see above); gzip-compressed
// when path ends with ".gz".
void write_arpa_file(const Model& model, const std::string& path);
// The same for a table: the text that write_arpa writes for
// build_model(table). Checks the table first as build_model does (throws
// Error naming the n-gram, ConfigError for its order or text options).
void write_arpa(const NGramTable& table, std::ostream& out);
void write_arpa_file(const NGramTable& table, const std::string& path);

// Reads an ARPA model into a table, sorted in trie order. Contexts missing
// from the file (which some pruned models have) are added with the
// probability that backing off gives and a zero backoff, so scores do not
// change; an IRSTLM iARPA file is completed as IRSTLM completes it. A file
// without <unk> gets log10 p(<unk>) = -100, as KenLM does. Throws
// FormatError naming the line for malformed counts, numbers, sections and
// duplicated n-grams.
[[nodiscard]] NGramTable read_arpa_table(LineReader& reader);
// build_model(read_arpa_table(reader)).
[[nodiscard]] Model read_arpa(LineReader& reader);

}  // namespace lm
