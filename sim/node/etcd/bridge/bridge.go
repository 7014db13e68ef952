// Package main is the bridge between raftsim's simulator (C++) and etcd's
// own raft library, go.etcd.io/etcd/raft v3.4.23, as Debian ships it. It is
// built with `go build -buildmode=c-archive` and linked into raftsim; the
// simulator calls it in-process, one synchronous call per input, on the
// simulation's own thread (see the README, "etcd's raft", for why not a
// process per simulation).
//
// Each node is a RawNode driven as etcd's server drives it (server/raft.go,
// etcd 3.4): take a Ready; the leader's messages leave at once, a follower's
// after the Ready's hard state, entries and snapshot are durable; committed
// conf changes are applied with ApplyConfChange (an invalid one with its node
// id cleared, as the server does); the next Ready waits for Advance, which
// comes when the simulated disk says the Ready is durable. Steps and ticks
// go on meanwhile.
package main

/*
#include <stdint.h>
#include <stddef.h>
typedef void (*etcd_raft_body)(void*);
static inline void etcd_raft_call_body(etcd_raft_body body, void* arg) { body(arg); }
typedef struct {
	uint8_t state;      // 0 follower, 1 candidate, 2 leader, 3 pre-candidate
	uint8_t has_ready;
	uint8_t failed;     // the call panicked: etcd_raft_error tells why
	uint64_t term;
	uint64_t lead;
	uint64_t vote;
	uint64_t commit;    // as last told to the host (the last Ready's hard state)
} etcd_raft_status;
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"unsafe"

	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
)

type node struct {
	rn        *raft.RawNode
	storage   *simStorage
	random    xoshiro
	pending   *raft.Ready // taken, not yet durable: Advance waits for it
	// Committed entries held until their Ready is durable (shouldWaitWALSync), and the commit index with them.
	deferred       []pb.Entry
	deferredCommit uint64
	confState pb.ConfState
	shown     uint64   // commit index as last told to the host
	lead      uint64   // leader when reads were last checked
	reads     []uint64 // read contexts asked for, not yet answered
	dropped   []uint64 // read contexts to report as dropped
	out       writer   // the last output, until copied out
	failure   string
}

// Every node of every simulation in the process, by handle. A node is only
// ever called from its simulation's thread; the map itself is shared by the
// threads of fuzz --jobs (a sync.Map: looking up takes no lock).
var (
	nodes      sync.Map // int64 -> *node
	nextHandle atomic.Int64
)

func lookup(h int64) *node {
	if n, ok := nodes.Load(h); ok {
		return n.(*node)
	}
	return nil
}

func enter(h C.int64_t) *node {
	n := lookup(int64(h))
	if n == nil {
		panic(fmt.Sprintf("etcd bridge: no node with handle %d", int64(h)))
	}
	return n
}

// leave fills the status and turns a panic into a failed call.
func (n *node) leave(status *C.etcd_raft_status) {
	if r := recover(); r != nil {
		n.failure = fmt.Sprintf("etcd's raft panicked: %v\n%s", r, debug.Stack())
	}
	if n.failure != "" {
		status.failed = 1
	} else {
		n.fill(status)
	}
}

func (n *node) fill(status *C.etcd_raft_status) {
	st := n.rn.BasicStatus()
	switch st.RaftState {
	case raft.StateFollower:
		status.state = 0
	case raft.StateCandidate:
		status.state = 1
	case raft.StateLeader:
		status.state = 2
	case raft.StatePreCandidate:
		status.state = 3
	}
	status.term = C.uint64_t(st.Term)
	status.lead = C.uint64_t(st.Lead)
	status.vote = C.uint64_t(st.Vote)
	status.commit = C.uint64_t(n.shown)
	status.has_ready = 0
	if n.pending == nil && (n.rn.HasReady() || len(n.dropped) > 0 || n.deferred != nil) {
		status.has_ready = 1
	}
}

func input(p *C.uint8_t, size C.size_t) *reader {
	return &reader{buf: unsafe.Slice((*byte)(unsafe.Pointer(p)), int(size))}
}

// copyOut copies the node's output into the caller's buffer when it fits;
// returns its size either way (the caller grows its buffer and calls
// etcd_raft_copy_out when it did not fit).
func (n *node) copyOut(p *C.uint8_t, capacity C.size_t) C.size_t {
	size := len(n.out.buf)
	if size <= int(capacity) && size > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), size), n.out.buf)
	}
	return C.size_t(size)
}

// etcd_raft_host runs body(arg), a whole simulation, inside one call into
// Go. Go 1.19 makes every call from a thread Go did not create borrow a Go
// thread structure and give it back (needm/dropm: signal masks and stacks, a
// handful of system calls, several microseconds); a call made while the
// thread is already inside Go, as every call of the simulation then is, is
// a plain callback. body must not let a C++ exception out (it would unwind
// through Go's frames).
//
//export etcd_raft_host
func etcd_raft_host(body C.etcd_raft_body, arg unsafe.Pointer) {
	C.etcd_raft_call_body(body, arg)
}

//export etcd_raft_new
func etcd_raft_new(p *C.uint8_t, size C.size_t, out *C.uint8_t, capacity C.size_t, outSize *C.size_t,
	status *C.etcd_raft_status) (handle C.int64_t) {
	n := &node{}
	h := nextHandle.Add(1)
	nodes.Store(h, n)
	handle = C.int64_t(h) // returned even when starting panics, so that etcd_raft_error can tell why
	setCurrent(h) // starting draws the first election timeout
	defer n.leave(status)
	r := input(p, size)
	id := r.u64()
	cfg := &raft.Config{
		ID:                        id,
		ElectionTick:              int(r.u32()),
		HeartbeatTick:             int(r.u32()),
		PreVote:                   r.u8() != 0,
		CheckQuorum:               r.u8() != 0,
		MaxSizePerMsg:             r.u64(),
		MaxInflightMsgs:           int(r.u32()),
		MaxUncommittedEntriesSize: 1 << 30, // etcd's server sets 1 GiB
		Logger:                    quietLogger{},
	}
	if r.u8() != 0 {
		cfg.ReadOnlyOption = raft.ReadOnlyLeaseBased
	}
	bootstrap := pb.ConfState{Voters: r.ids()}
	for i := range n.random.s {
		n.random.s[i] = r.u64()
	}
	hs := pb.HardState{Term: r.u64(), Vote: r.u64(), Commit: r.u64()}
	storage := &simStorage{MemoryStorage: raft.NewMemoryStorage(), bootstrap: bootstrap}
	n.confState = bootstrap
	if r.u8() != 0 {
		snap := r.snapshot()
		if err := storage.ApplySnapshot(snap); err != nil {
			panic(err)
		}
		n.confState = snap.Metadata.ConfState
		cfg.Applied = snap.Metadata.Index
	}
	if err := storage.SetHardState(hs); err != nil {
		panic(err)
	}
	entries := make([]pb.Entry, r.u32())
	for i := range entries {
		entries[i] = r.entry()
	}
	if err := storage.Append(entries); err != nil {
		panic(err)
	}
	cfg.Storage = storage
	rn, err := raft.NewRawNode(cfg)
	if err != nil {
		panic(err)
	}
	n.rn = rn
	n.storage = storage
	n.shown = hs.Commit
	n.lead = raft.None
	n.out.buf = n.out.buf[:0]
	n.out.confState(&n.confState)
	*outSize = n.copyOut(out, capacity)
	return handle
}

//export etcd_raft_free
func etcd_raft_free(h C.int64_t) {
	nodes.Delete(int64(h))
}

//export etcd_raft_error
func etcd_raft_error(h C.int64_t, p *C.uint8_t, capacity C.size_t) C.size_t {
	n := lookup(int64(h))
	if n == nil {
		return 0
	}
	size := len(n.failure)
	if size > int(capacity) {
		size = int(capacity)
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), size), n.failure)
	return C.size_t(size)
}

//export etcd_raft_copy_out
func etcd_raft_copy_out(h C.int64_t, p *C.uint8_t) {
	n := enter(h)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), len(n.out.buf)), n.out.buf)
}

//export etcd_raft_tick
func etcd_raft_tick(h C.int64_t, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	n.rn.Tick()
}

//export etcd_raft_step
func etcd_raft_step(h C.int64_t, p *C.uint8_t, size C.size_t, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	m := input(p, size).message()
	// A message from a peer the node does not know is ignored, as etcd's
	// server ignores ErrStepPeerNotFound.
	if err := n.rn.Step(m); err != nil && !errors.Is(err, raft.ErrStepPeerNotFound) && !errors.Is(err, raft.ErrProposalDropped) {
		panic(err)
	}
}

//export etcd_raft_propose
func etcd_raft_propose(h C.int64_t, p *C.uint8_t, size C.size_t, status *C.etcd_raft_status) C.int {
	n := enter(h)
	defer n.leave(status)
	data := input(p, size).bytes()
	if err := n.rn.Propose(data); err != nil {
		if errors.Is(err, raft.ErrProposalDropped) {
			return 0
		}
		panic(err)
	}
	return 1
}

// Change kinds: 0 add learner, 1 promote (add as voter), 2 remove.
//
//export etcd_raft_propose_conf_change
func etcd_raft_propose_conf_change(h C.int64_t, kind C.int, id C.uint64_t, status *C.etcd_raft_status) C.int {
	n := enter(h)
	defer n.leave(status)
	cc := pb.ConfChange{NodeID: uint64(id)}
	switch kind {
	case 0:
		cc.Type = pb.ConfChangeAddLearnerNode
	case 1:
		cc.Type = pb.ConfChangeAddNode
	case 2:
		cc.Type = pb.ConfChangeRemoveNode
	default:
		panic(fmt.Sprintf("conf change kind %d", kind))
	}
	if err := n.rn.ProposeConfChange(cc); err != nil {
		if errors.Is(err, raft.ErrProposalDropped) {
			return 0
		}
		panic(err)
	}
	return 1
}

//export etcd_raft_read_index
func etcd_raft_read_index(h C.int64_t, context C.uint64_t, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	ctx := uint64(context)
	if n.rn.BasicStatus().Lead == raft.None {
		// etcd's raft drops it without a word; etcd's server fails the read.
		n.dropped = append(n.dropped, ctx)
		return
	}
	n.reads = append(n.reads, ctx)
	n.rn.ReadIndex(binary.LittleEndian.AppendUint64(nil, ctx))
}

//export etcd_raft_transfer_leader
func etcd_raft_transfer_leader(h C.int64_t, to C.uint64_t, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	n.rn.TransferLeader(uint64(to))
}

//export etcd_raft_report_unreachable
func etcd_raft_report_unreachable(h C.int64_t, id C.uint64_t, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	n.rn.ReportUnreachable(uint64(id))
}

//export etcd_raft_report_snapshot
func etcd_raft_report_snapshot(h C.int64_t, id C.uint64_t, ok C.int, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	result := raft.SnapshotFinish
	if ok == 0 {
		result = raft.SnapshotFailure
	}
	n.rn.ReportSnapshot(uint64(id), result)
}

// etcd_raft_compact takes a snapshot at index (<= applied) holding data, and
// drops the log up to it, as etcd's server does (CreateSnapshot, Compact).
// Returns the snapshot's term, or 0 when the index is not yet in the durable
// log or past the durable commit index (entries are applied before the
// Ready that commits them is durable) or not past the current snapshot: the
// host tries again later.
//
//export etcd_raft_compact
func etcd_raft_compact(h C.int64_t, index C.uint64_t, p *C.uint8_t, size C.size_t, status *C.etcd_raft_status) C.uint64_t {
	n := enter(h)
	defer n.leave(status)
	i := uint64(index)
	last, _ := n.storage.LastIndex()
	snap, _ := n.storage.Snapshot()
	hs, _, _ := n.storage.MemoryStorage.InitialState()
	// etcd's server snapshots only once the Ready that committed the applied
	// entries is durable (applyAll waits for notifyc): a snapshot past the
	// durable commit index would make a restart panic ("state.commit is out
	// of range").
	if i > last || i > hs.Commit || i <= snap.Metadata.Index {
		return 0
	}
	data := C.GoBytes(unsafe.Pointer(p), C.int(size))
	created, err := n.storage.CreateSnapshot(i, &n.confState, data)
	if err != nil {
		panic(err)
	}
	if err := n.storage.Compact(i); err != nil {
		panic(err)
	}
	return C.uint64_t(created.Metadata.Term)
}

// The Ready's layout: flags (1 hard state, 2 snapshot, 4 messages may leave
// before the Ready is durable, 8 the configuration changed), the hard state,
// the snapshot, entries, messages, committed entries, read states (index,
// context), dropped read contexts, the configuration. A committed conf change
// is followed by the configuration after applying it.
//
// When a Ready's committed entries overlap its own unstable entries (a lone
// voter commits what it has just appended, before it is durable), etcd's
// server applies them only after its WAL write (shouldWaitWALSync,
// etcdserver/raft.go, since 3.4.21: etcd-io/etcd#14370, a lost acknowledged
// write in a one-member cluster). So does the bridge: the committed entries,
// and the commit index the host sees, wait for the Ready to be durable and
// come out as a Ready of their own.
//
//export etcd_raft_ready
func etcd_raft_ready(h C.int64_t, out *C.uint8_t, capacity C.size_t, status *C.etcd_raft_status) C.size_t {
	n := enter(h)
	defer n.leave(status)
	if n.pending != nil {
		panic("etcd bridge: Ready taken before the previous one was durable")
	}
	var rd raft.Ready
	committed := n.deferred
	shown := n.deferredCommit
	if committed != nil {
		n.deferred = nil
	} else {
		if n.rn.HasReady() {
			rd = n.rn.Ready()
		}
		committed = rd.CommittedEntries
		shown = rd.HardState.Commit
		if shouldWaitWALSync(rd) {
			n.deferred, n.deferredCommit = committed, shown
			committed, shown = nil, 0
		}
	}
	n.encode(&rd, committed, shown, n.deferred == nil)
	if !raft.IsEmptyHardState(rd.HardState) || !raft.IsEmptySnap(rd.Snapshot) || len(rd.Entries) > 0 {
		n.pending = &rd
	} else {
		n.rn.Advance(rd)
	}
	return n.copyOut(out, capacity)
}

// shouldWaitWALSync is etcd's server's (etcdserver/raft.go, 3.4.23).
func shouldWaitWALSync(rd raft.Ready) bool {
	if len(rd.CommittedEntries) == 0 || len(rd.Entries) == 0 {
		return false
	}
	lastCommitted := rd.CommittedEntries[len(rd.CommittedEntries)-1]
	firstUnstable := rd.Entries[0]
	return lastCommitted.Term > firstUnstable.Term ||
		(lastCommitted.Term == firstUnstable.Term && lastCommitted.Index >= firstUnstable.Index)
}

// encode writes the Ready (with `committed` as its committed entries, and
// `shown`, when not 0, as the commit index the host now sees) to n.out,
// applying the committed conf changes. A leader's messages may leave before
// the Ready is durable (`leaderMaySendFirst`) unless the Ready waits for its
// WAL write: etcd's server then saves first and sends after, so that no
// follower learns a commit index its leader could still lose.
func (n *node) encode(rd *raft.Ready, committed []pb.Entry, shown uint64, leaderMaySendFirst bool) {
	w := &n.out
	w.buf = w.buf[:0]
	st := n.rn.BasicStatus()
	if st.Lead != n.lead {
		// etcd's server fails the reads in flight when the leader changes.
		n.lead = st.Lead
		n.dropped = append(n.dropped, n.reads...)
		n.reads = n.reads[:0]
	}
	var flags uint8
	if !raft.IsEmptyHardState(rd.HardState) {
		flags |= 1
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		flags |= 2
		n.confState = rd.Snapshot.Metadata.ConfState
		flags |= 8
	}
	if st.RaftState == raft.StateLeader && leaderMaySendFirst {
		flags |= 4
	}
	var applied []*pb.ConfState // by index in committed, when it holds a conf change
	for i := range committed {
		e := &committed[i]
		if e.Type != pb.EntryConfChange {
			continue
		}
		if applied == nil {
			applied = make([]*pb.ConfState, len(committed))
		}
		var cc pb.ConfChange
		if err := cc.Unmarshal(e.Data); err != nil {
			panic(err)
		}
		if !n.valid(cc) {
			cc.NodeID = raft.None
		}
		cs := n.rn.ApplyConfChange(cc)
		n.confState = *cs
		applied[i] = cs
		flags |= 8
	}
	if shown > n.shown {
		n.shown = shown
	}
	w.u8(flags)
	if flags&1 != 0 {
		w.u64(rd.HardState.Term)
		w.u64(rd.HardState.Vote)
		w.u64(rd.HardState.Commit)
	}
	if flags&2 != 0 {
		w.snapshot(&rd.Snapshot)
	}
	w.u32(uint32(len(rd.Entries)))
	for i := range rd.Entries {
		w.entry(&rd.Entries[i])
	}
	w.u32(uint32(len(rd.Messages)))
	for i := range rd.Messages {
		w.message(&rd.Messages[i])
	}
	w.u32(uint32(len(committed)))
	for i := range committed {
		w.entry(&committed[i])
		if applied != nil && applied[i] != nil {
			w.confState(applied[i])
		}
	}
	w.u32(uint32(len(rd.ReadStates)))
	for _, rs := range rd.ReadStates {
		ctx := binary.LittleEndian.Uint64(rs.RequestCtx)
		w.u64(rs.Index)
		w.u64(ctx)
		for i, c := range n.reads {
			if c == ctx {
				n.reads = append(n.reads[:i], n.reads[i+1:]...)
				break
			}
		}
	}
	w.u32(uint32(len(n.dropped)))
	for _, ctx := range n.dropped {
		w.u64(ctx)
	}
	n.dropped = n.dropped[:0]
	if flags&8 != 0 {
		w.confState(&n.confState)
	}
}

// valid: would etcd's server apply this change (ValidateConfigurationChange)?
func (n *node) valid(cc pb.ConfChange) bool {
	has := func(ids []uint64, id uint64) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	voter, learner := has(n.confState.Voters, cc.NodeID), has(n.confState.Learners, cc.NodeID)
	switch cc.Type {
	case pb.ConfChangeAddLearnerNode:
		return !voter && !learner
	case pb.ConfChangeAddNode:
		return learner // promotion of a learner
	case pb.ConfChangeRemoveNode:
		return (voter && len(n.confState.Voters) > 1) || learner
	}
	return false
}

// etcd_raft_persisted: the taken Ready's hard state, entries and snapshot are
// durable. They go into the node's Storage, and the node advances.
//
//export etcd_raft_persisted
func etcd_raft_persisted(h C.int64_t, status *C.etcd_raft_status) {
	n := enter(h)
	defer n.leave(status)
	rd := n.pending
	if rd == nil {
		panic("etcd bridge: persisted without a Ready waiting for the disk")
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := n.storage.ApplySnapshot(rd.Snapshot); err != nil {
			panic(err)
		}
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			panic(err)
		}
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		panic(err)
	}
	n.pending = nil
	n.rn.Advance(*rd)
}

func init() {
	// A simulation allocates little that lives long (a node's log and
	// storage): collect four times less often than Go's default, which
	// otherwise spends a large share of a fuzz campaign's cores collecting.
	debug.SetGCPercent(400)
	// Each simulation thread keeps a Go P (scheduler slot) while it runs the
	// simulator's C++ between calls; with only one P per core, two fuzz jobs
	// and Go's collector keep taking Ps from each other. Spare ones let each
	// call come back to a P at once (fuzz --jobs 2: +15% seeds/s, tools/bench).
	runtime.GOMAXPROCS(2 * runtime.NumCPU())
}

func main() {}
