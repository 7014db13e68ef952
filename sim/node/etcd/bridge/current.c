// The node each simulation thread is calling into, for the election-timeout
// draws of etcd's raft (random.go). Thread-local, so that simulations on
// several threads (fuzz --jobs) never share or lock it; the simulator sets
// it before each call, without entering Go.
#include <stdint.h>

static __thread int64_t current_node;

void etcd_raft_set_current(int64_t handle) { current_node = handle; }
int64_t etcd_raft_get_current(void) { return current_node; }
