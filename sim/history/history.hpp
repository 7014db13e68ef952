#pragma once
// Client histories and the linearizability checker (CONTRACT §5, §6).
//
// This library stands alone: it knows nothing of the simulator, reads no
// clock and keeps no global state. `check` is deterministic: the same history
// always gives the same verdict, witness and explanation.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raftsim::history {

// jsonl names: get, put, delete, cas, append. txn: a request of another
// shape (sim/request_shapes.hpp) that a workload issues on keys of its own;
// never part of a history a model checks.
enum class OpKind { get, put, del, cas, append, txn };
enum class Outcome { ok, fail, unknown };

struct Operation {
  int client = 0;
  OpKind kind = OpKind::get;
  std::string key;
  // put/append/cas: the value written; get with outcome ok: the value read
  // (nullopt = key absent).
  std::optional<std::string> value;
  // cas: the value compared against (nullopt = "key absent").
  std::optional<std::string> expect;
  std::int64_t call_us = 0;
  std::optional<std::int64_t> return_us;  // nullopt iff outcome is unknown
  Outcome outcome = Outcome::ok;
  std::optional<std::int64_t> revision;      // etcd model: header revision of the response
  std::optional<std::int64_t> mod_revision;  // etcd model: mod revision of the key read

  friend bool operator==(const Operation&, const Operation&) = default;
};
using History = std::vector<Operation>;

// register: one value, keys ignored. kv: one value per key. etcd: kv plus the
// revisions of responses (checked when present).
enum class Model { register_, kv, etcd };

struct CheckOptions {
  // Polled now and then; returning true gives up with verdict unknown. The
  // library never reads a clock: callers pass a deadline in this way.
  std::function<bool()> should_stop;
  // Search for a small witness when the history is not linearizable.
  bool want_witness = true;
};

enum class Verdict { linearizable, not_linearizable, unknown };

struct CheckResult {
  Verdict verdict = Verdict::linearizable;
  std::size_t ops = 0;  // operations in the history
  // Indexes into the history, ascending: a small set of operations that
  // cannot be linearized together (empty unless not_linearizable).
  std::vector<std::size_t> witness;
  std::string explanation;
};

CheckResult check(const History& history, Model model, const CheckOptions& options = {});

// A readable table of the witness operations: client, op, key, value, call,
// return, outcome.
std::string format_witness_table(const History& history, const CheckResult& result);

// File formats (CONTRACT §5). Readers throw raftsim::InputError naming the
// file, line, column and what was expected.
enum class Format { porcupine_etcd, porcupine_kv, jsonl };

void write_jsonl(std::ostream& out, const History& history);
History read_jsonl(const std::string& path);
History read_porcupine_etcd(const std::string& path);
History read_porcupine_kv(const std::string& path);
// The same from text already in memory; `name` is used in error messages.
History parse_jsonl(std::string_view text, const std::string& name);
// What a parse read: lines in the file, and (porcupine-etcd, whose logs mix
// operation lines with other loggers' output) the non-blank lines that match
// none of the format's patterns and were skipped.
struct LineCounts {
  std::size_t lines = 0;
  std::size_t skipped = 0;
  std::size_t first_skipped = 0;  // 1-based line number; 0 when none
};
History parse_porcupine_etcd(std::string_view text, const std::string& name, LineCounts* counts = nullptr);
History parse_porcupine_kv(std::string_view text, const std::string& name);

// Tells the format from the content: EDN `{:` lines are porcupine-kv, Jepsen
// `jepsen.util` log lines porcupine-etcd, `{"` lines jsonl; an empty file is
// jsonl. Throws InputError when the content says nothing.
Format detect_format(std::string_view text, const std::string& name);

struct LoadedHistory {
  Format format = Format::jsonl;
  History history;
  LineCounts counts;
};
// Reads a file in the given format, or in the format its content shows. A
// file with no operation in it is an input error (almost always the wrong
// file or the wrong --format), naming the lines read and the format tried.
LoadedHistory load_history(const std::string& path, std::optional<Format> format = std::nullopt);
Model default_model(Format format);

// Names as used on the command line and in files.
std::string_view to_string(OpKind kind);
std::string_view to_string(Outcome outcome);
std::string_view to_string(Model model);
std::string_view to_string(Format format);
std::string_view to_string(Verdict verdict);
std::optional<Model> parse_model(std::string_view name);
std::optional<Format> parse_format(std::string_view name);

// Reads a whole file; throws InputError when it cannot be read.
std::string read_file_text(const std::string& path);

}  // namespace raftsim::history
