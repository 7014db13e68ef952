package main

// etcd's raft 3.4 draws every randomized election timeout from a
// package-level generator seeded from the wall clock (globalRand in
// raft/raft.go). Here that generator's source is replaced, once, by one that
// draws from the stream of the node being called: the simulator names that
// node in a thread-local slot (current.c) before every call, so each draw
// comes from the simulator's seeded per-node stream, simulations on other
// threads never interfere, and the algorithm under test is unchanged (it
// still calls globalRand.Intn(electionTimeout)).

/*
#include <stdint.h>
int64_t etcd_raft_get_current(void);
void etcd_raft_set_current(int64_t handle);
*/
import "C"

import (
	"math/rand"
	"sync"
	"unsafe"
)

// The layout of raft.lockedRand (raft/raft.go, etcd 3.4.23).
type lockedRandLayout struct {
	mu   sync.Mutex
	rand *rand.Rand
}

//go:linkname etcdGlobalRand go.etcd.io/etcd/raft.globalRand
var etcdGlobalRand unsafe.Pointer // a *raft.lockedRand

// xoshiro256** (Blackman & Vigna), as the simulator's own generator.
type xoshiro struct{ s [4]uint64 }

func rotl(x uint64, k uint) uint64 { return (x << k) | (x >> (64 - k)) }

func (x *xoshiro) next() uint64 {
	s := &x.s
	result := rotl(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = rotl(s[3], 45)
	return result
}

// setCurrent names the node this thread calls into (the simulator does it
// itself before every other call).
func setCurrent(h int64) { C.etcd_raft_set_current(C.int64_t(h)) }

// streamSource is the rand.Source behind etcd's globalRand.
type streamSource struct{}

func (streamSource) Int63() int64 {
	n := lookup(int64(C.etcd_raft_get_current()))
	if n == nil {
		panic("etcd raft drew a random number outside a call into a node")
	}
	return int64(n.random.next() >> 1)
}

func (streamSource) Seed(int64) {}

func init() {
	global := (*lockedRandLayout)(etcdGlobalRand)
	global.mu.Lock()
	global.rand = rand.New(streamSource{})
	global.mu.Unlock()
}
