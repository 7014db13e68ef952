// Names of kinds, outcomes, models, formats and verdicts, as used on the
// command line and in history files.
#include "sim/history/history.hpp"

namespace raftsim::history {

std::string_view to_string(OpKind kind) {
  switch (kind) {
    case OpKind::get: return "get";
    case OpKind::put: return "put";
    case OpKind::del: return "delete";
    case OpKind::cas: return "cas";
    case OpKind::append: return "append";
    case OpKind::txn: return "txn";
  }
  return "?";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::fail: return "fail";
    case Outcome::unknown: return "unknown";
  }
  return "?";
}

std::string_view to_string(Model model) {
  switch (model) {
    case Model::register_: return "register";
    case Model::kv: return "kv";
    case Model::etcd: return "etcd";
  }
  return "?";
}

std::string_view to_string(Format format) {
  switch (format) {
    case Format::porcupine_etcd: return "porcupine-etcd";
    case Format::porcupine_kv: return "porcupine-kv";
    case Format::jsonl: return "jsonl";
  }
  return "?";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::linearizable: return "linearizable";
    case Verdict::not_linearizable: return "not linearizable";
    case Verdict::unknown: return "unknown";
  }
  return "?";
}

std::optional<Model> parse_model(std::string_view name) {
  for (Model model : {Model::register_, Model::kv, Model::etcd})
    if (name == to_string(model)) return model;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view name) {
  for (Format format : {Format::porcupine_etcd, Format::porcupine_kv, Format::jsonl})
    if (name == to_string(format)) return format;
  return std::nullopt;
}

}  // namespace raftsim::history
