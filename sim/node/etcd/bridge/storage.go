package main

// The node's Storage: etcd's MemoryStorage holding exactly what the
// simulated disk made durable (the adapter appends a Ready's entries, hard
// state and snapshot to it only once the simulator says they are durable, as
// etcd's server appends to its MemoryStorage after the WAL fsync). A cluster
// member that starts with nothing (no snapshot) starts from the bootstrap
// configuration n1..nN, as if etcd's bootstrap had already run.

import (
	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
)

type simStorage struct {
	*raft.MemoryStorage
	bootstrap pb.ConfState
}

func (s *simStorage) InitialState() (pb.HardState, pb.ConfState, error) {
	hs, cs, err := s.MemoryStorage.InitialState()
	if err == nil && len(cs.Voters) == 0 && len(cs.Learners) == 0 {
		cs = s.bootstrap
	}
	return hs, cs, err
}
