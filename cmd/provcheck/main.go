// Command provcheck is the conformance and fuzz harness for user
// provisioning: it plays the identity provider against a SCIM 2.0 target
// and writes JUnit XML, JSON and HTML reports. Run "provcheck help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
