package main

// The wire format between the simulator (C++) and this adapter: little-endian
// fixed-width integers, no framing beyond counts and lengths. One encoder and
// one decoder for each of: a message, an entry, a snapshot, a Ready, a
// restore state. sim/node/etcd/wire.hpp is the C++ side of the same format;
// the two are kept in step by tests/etcd/etcd_raft_test.cpp, which round-trips
// every message kind through both.

import (
	"encoding/binary"
	"fmt"

	pb "go.etcd.io/etcd/raft/raftpb"
)

// Entry kinds on the wire.
const (
	wireEntryNormal     = 0 // EntryNormal with data
	wireEntryEmpty      = 1 // EntryNormal without data (a new leader's empty entry)
	wireEntryConfChange = 2 // EntryConfChange: data is the marshalled pb.ConfChange
)

// Context kinds on the wire (pb.Message.Context is bytes; etcd's raft puts
// in it only a read request's context or "CampaignTransfer").
const (
	wireContextNone     = 0
	wireContextRead     = 1 // 8 bytes: a read request's context
	wireContextTransfer = 2 // "CampaignTransfer"
)

type writer struct{ buf []byte }

func (w *writer) u8(v uint8)   { w.buf = append(w.buf, v) }
func (w *writer) u32(v uint32) { w.buf = binary.LittleEndian.AppendUint32(w.buf, v) }
func (w *writer) u64(v uint64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, v) }
func (w *writer) bytes(b []byte) {
	w.u32(uint32(len(b)))
	w.buf = append(w.buf, b...)
}

type reader struct {
	buf []byte
	at  int
}

func (r *reader) need(n int) {
	if r.at+n > len(r.buf) {
		panic(fmt.Sprintf("wire: truncated input (need %d bytes at %d of %d)", n, r.at, len(r.buf)))
	}
}
func (r *reader) u8() uint8 { r.need(1); v := r.buf[r.at]; r.at++; return v }
func (r *reader) u32() uint32 {
	r.need(4)
	v := binary.LittleEndian.Uint32(r.buf[r.at:])
	r.at += 4
	return v
}
func (r *reader) u64() uint64 {
	r.need(8)
	v := binary.LittleEndian.Uint64(r.buf[r.at:])
	r.at += 8
	return v
}

// bytes copies: the input is the simulator's memory, which etcd's raft must not keep.
func (r *reader) bytes() []byte {
	n := int(r.u32())
	r.need(n)
	if n == 0 {
		return nil
	}
	b := make([]byte, n)
	copy(b, r.buf[r.at:r.at+n])
	r.at += n
	return b
}

func (w *writer) entry(e *pb.Entry) {
	w.u64(e.Term)
	w.u64(e.Index)
	switch {
	case e.Type == pb.EntryConfChange:
		w.u8(wireEntryConfChange)
	case e.Type == pb.EntryNormal && len(e.Data) == 0:
		w.u8(wireEntryEmpty)
	case e.Type == pb.EntryNormal:
		w.u8(wireEntryNormal)
	default:
		panic(fmt.Sprintf("wire: entry type %v is not used by the simulator", e.Type))
	}
	w.bytes(e.Data)
}

func (r *reader) entry() pb.Entry {
	e := pb.Entry{Term: r.u64(), Index: r.u64()}
	switch kind := r.u8(); kind {
	case wireEntryNormal, wireEntryEmpty:
		e.Type = pb.EntryNormal
	case wireEntryConfChange:
		e.Type = pb.EntryConfChange
	default:
		panic(fmt.Sprintf("wire: entry kind %d cannot be stepped", kind))
	}
	e.Data = r.bytes()
	return e
}

func (w *writer) ids(ids []uint64) {
	w.u32(uint32(len(ids)))
	for _, id := range ids {
		w.u64(id)
	}
}

func (r *reader) ids() []uint64 {
	n := int(r.u32())
	if n == 0 {
		return nil
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = r.u64()
	}
	return ids
}

// confState: voters then learners (the simulator changes one server at a
// time, so there is never a joint configuration).
func (w *writer) confState(cs *pb.ConfState) {
	if len(cs.VotersOutgoing) > 0 || len(cs.LearnersNext) > 0 || cs.AutoLeave {
		panic("wire: joint configurations are not used by the simulator")
	}
	w.ids(cs.Voters)
	w.ids(cs.Learners)
}

func (r *reader) confState() pb.ConfState {
	return pb.ConfState{Voters: r.ids(), Learners: r.ids()}
}

func (w *writer) snapshot(s *pb.Snapshot) {
	w.u64(s.Metadata.Index)
	w.u64(s.Metadata.Term)
	w.confState(&s.Metadata.ConfState)
	w.bytes(s.Data)
}

func (r *reader) snapshot() pb.Snapshot {
	var s pb.Snapshot
	s.Metadata.Index = r.u64()
	s.Metadata.Term = r.u64()
	s.Metadata.ConfState = r.confState()
	s.Data = r.bytes()
	return s
}

func (w *writer) message(m *pb.Message) {
	w.u8(uint8(m.Type))
	w.u64(m.From)
	w.u64(m.To)
	w.u64(m.Term)
	w.u64(m.LogTerm)
	w.u64(m.Index)
	w.u64(m.Commit)
	if m.Reject {
		w.u8(1)
	} else {
		w.u8(0)
	}
	w.u64(m.RejectHint)
	switch {
	case len(m.Context) == 0:
		w.u8(wireContextNone)
		w.u64(0)
	case string(m.Context) == "CampaignTransfer":
		w.u8(wireContextTransfer)
		w.u64(0)
	case len(m.Context) == 8:
		w.u8(wireContextRead)
		w.u64(binary.LittleEndian.Uint64(m.Context))
	default:
		panic(fmt.Sprintf("wire: message context %q is not one the simulator knows", m.Context))
	}
	w.u32(uint32(len(m.Entries)))
	for i := range m.Entries {
		w.entry(&m.Entries[i])
	}
	if m.Type == pb.MsgSnap {
		w.u8(1)
		w.snapshot(&m.Snapshot)
	} else {
		w.u8(0)
	}
}

func (r *reader) message() pb.Message {
	m := pb.Message{Type: pb.MessageType(r.u8())}
	m.From = r.u64()
	m.To = r.u64()
	m.Term = r.u64()
	m.LogTerm = r.u64()
	m.Index = r.u64()
	m.Commit = r.u64()
	m.Reject = r.u8() != 0
	m.RejectHint = r.u64()
	kind, value := r.u8(), r.u64()
	switch kind {
	case wireContextNone:
	case wireContextTransfer:
		m.Context = []byte("CampaignTransfer")
	case wireContextRead:
		m.Context = binary.LittleEndian.AppendUint64(nil, value)
	default:
		panic(fmt.Sprintf("wire: context kind %d", kind))
	}
	if n := int(r.u32()); n > 0 {
		m.Entries = make([]pb.Entry, n)
		for i := range m.Entries {
			m.Entries[i] = r.entry()
		}
	}
	if r.u8() != 0 {
		m.Snapshot = r.snapshot()
	}
	return m
}
