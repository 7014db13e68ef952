package main

// etcd's raft logs through a Logger. In the simulator its words are not
// part of a run's output: Debug, Info, Warning and Error are dropped; Fatal
// and Panic panic, and the bridge turns the panic into a failed call that the
// simulator reports as a broken assertion (exit 3, with seed and scenario).

import (
	"fmt"

	"go.etcd.io/etcd/raft"
)

type quietLogger struct{}

func (quietLogger) Debug(...interface{})            {}
func (quietLogger) Debugf(string, ...interface{})   {}
func (quietLogger) Info(...interface{})             {}
func (quietLogger) Infof(string, ...interface{})    {}
func (quietLogger) Warning(...interface{})          {}
func (quietLogger) Warningf(string, ...interface{}) {}
func (quietLogger) Error(...interface{})            {}
func (quietLogger) Errorf(string, ...interface{})   {}
func (quietLogger) Fatal(v ...interface{})          { panic(fmt.Sprint(v...)) }
func (quietLogger) Fatalf(f string, v ...interface{}) {
	panic(fmt.Sprintf(f, v...))
}
func (quietLogger) Panic(v ...interface{}) { panic(fmt.Sprint(v...)) }
func (quietLogger) Panicf(f string, v ...interface{}) {
	panic(fmt.Sprintf(f, v...))
}

func init() { raft.SetLogger(quietLogger{}) }
