// Built instead of etcd_node.cpp when CMake found no Go toolchain (or no
// etcd raft source): `--raft etcd` is refused with a way to get it.
#include "core/input_error.hpp"
#include "sim/node/raft_node.hpp"

namespace raftsim::sim {

bool etcd_raft_built() { return false; }

void run_hosted_by_etcd_bridge(const std::function<void()>& body) { body(); }

void require_etcd_raft() {
  throw InputError(
      "this raftsim was built without etcd's raft library: CMake found no Go toolchain or no "
      "/usr/share/gocode/src/go.etcd.io/etcd/raft. Run tools/setup (it installs golang-go and "
      "golang-etcd-server-dev), then build again");
}

std::unique_ptr<RaftNode> make_etcd_node(const raft::Config&, const EtcdOptions&, raft::RestoreState, RandomSource&) {
  require_etcd_raft();
  return nullptr;
}

}  // namespace raftsim::sim
