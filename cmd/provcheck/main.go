// Command provcheck is the conformance and fuzz harness for user
// provisioning: it plays the identity provider against a SCIM 2.0 target
// and writes JUnit XML, JSON and HTML reports. Run "provcheck help".
package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

func main() {
	initRapid()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// initRapid prepares the process for rapid, which drives the stateful
// fuzzer: rapid calls testing.Short(), which panics unless testing.Init has
// registered the test flags and the global flag set has been parsed. The
// global set is parsed empty: provcheck's own flags live on per-command flag
// sets, and rapid's settings are set by the fuzzer itself.
func initRapid() {
	testing.Init()
	_ = flag.CommandLine.Parse(nil)
}
