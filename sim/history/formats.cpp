// Reading a history file: telling its format from its content, and the model
// each format implies when the user names none.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "sim/history/history.hpp"
#include "sim/history/line_cursor.hpp"

namespace raftsim::history {

std::string read_file_text(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw InputError(fmt::format("{}: cannot open the history file", path));
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, n);
    if (n < sizeof buffer) break;
  }
  if (std::ferror(file.get())) throw InputError(fmt::format("{}: cannot read the history file", path));
  return text;
}

Format detect_format(std::string_view text, const std::string& name) {
  if (text.find("jepsen.util") != std::string_view::npos) return Format::porcupine_etcd;
  // The first non-blank character decides between the two one-map-a-line formats.
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Format::jsonl;  // empty: no operations
  if (text.substr(first, 2) == "{:") return Format::porcupine_kv;
  if (text.substr(first, 2) == "{\"") return Format::jsonl;
  throw InputError(fmt::format(
      "{}: cannot tell the history format from the content (expected `{{\"` jsonl lines, "
      "`{{:process` EDN lines or `jepsen.util` log lines); pass --format",
      name));
}

LoadedHistory load_history(const std::string& path, std::optional<Format> format) {
  const std::string text = read_file_text(path);
  LoadedHistory loaded;
  loaded.format = format ? *format : detect_format(text, path);
  switch (loaded.format) {
    case Format::porcupine_etcd: loaded.history = parse_porcupine_etcd(text, path, &loaded.counts); break;
    case Format::porcupine_kv: loaded.history = parse_porcupine_kv(text, path); break;
    case Format::jsonl: loaded.history = parse_jsonl(text, path); break;
  }
  if (loaded.format != Format::porcupine_etcd) {
    std::size_t lines = 0;
    detail::for_each_line(text, [&](std::string_view, std::size_t number) { lines = number; });
    loaded.counts.lines = lines;
  }
  if (loaded.history.empty())
    throw InputError(fmt::format("{}: no operation in {} line{} read as {}: is it the right file{}?", path,
                                 loaded.counts.lines, loaded.counts.lines == 1 ? "" : "s", to_string(loaded.format),
                                 format ? ", and the right --format" : " (or pass --format)"));
  return loaded;
}

History read_jsonl(const std::string& path) { return parse_jsonl(read_file_text(path), path); }
History read_porcupine_etcd(const std::string& path) { return parse_porcupine_etcd(read_file_text(path), path); }
History read_porcupine_kv(const std::string& path) { return parse_porcupine_kv(read_file_text(path), path); }

Model default_model(Format format) {
  switch (format) {
    case Format::porcupine_etcd: return Model::register_;
    case Format::porcupine_kv: return Model::kv;
    case Format::jsonl: return Model::kv;
  }
  return Model::kv;
}

}  // namespace raftsim::history
