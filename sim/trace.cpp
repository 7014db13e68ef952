#include "sim/trace.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace raftsim::sim {

Trace::~Trace() { close(); }

void Trace::open(const std::string& path) {
  close();
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr)
    throw InputError(fmt::format("--trace {}: cannot write: {}", path, std::strerror(errno)));
  path_ = path;
}

std::string Trace::hash_hex() const { return fmt::format("{:016x}", hash_); }

void Trace::write(std::int64_t time_us, std::string_view event, std::string_view fields) {
  if (file_ == nullptr) return;
  fmt::print(file_, "{{\"t\":{},\"event\":\"{}\"{}{}}}\n", time_us, event, fields.empty() ? "" : ",", fields);
}

void Trace::close() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
}


}  // namespace raftsim::sim
