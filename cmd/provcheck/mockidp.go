package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/provcheck/provcheck/mockidp"
)

// cmdMockIdP is "provcheck mockidp serve": the mock IdP as a web
// application an administrator registers with a staging SP.
func cmdMockIdP(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintf(stderr, "provcheck mockidp: expected 'provcheck mockidp serve [flags]'\n")
		return exitUsage
	}
	fs := flag.NewFlagSet("mockidp serve", flag.ContinueOnError)
	var addr, keyFile, certFile, entityID, baseURL, acs, spEntity string
	fs.StringVar(&addr, "addr", "127.0.0.1:8089", "address to listen on")
	fs.StringVar(&baseURL, "base-url", "", "URL the browser reaches the IdP at (default http://ADDR)")
	fs.StringVar(&keyFile, "idp-key", "", "PEM private key of the IdP; generated and written there if the file does not exist")
	fs.StringVar(&certFile, "idp-cert", "", "PEM certificate of the IdP; generated with the key")
	fs.StringVar(&entityID, "idp-entity-id", "", "entity ID (Issuer) of the IdP (default BASE-URL/metadata)")
	fs.StringVar(&acs, "sp-acs-url", "", "the SP's ACS URL, for AuthnRequests that name none and for IdP-initiated logins")
	fs.StringVar(&spEntity, "sp-entity-id", "", "the SP's entity ID, for IdP-initiated logins")
	if !parse(fs, args[1:], stderr) {
		return exitUsage
	}
	if (keyFile == "") != (certFile == "") {
		fmt.Fprintf(stderr, "provcheck mockidp serve: --idp-key and --idp-cert go together\n")
		return exitUsage
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck mockidp serve: listen on %s: %v; choose another --addr\n", addr, errors.Unwrap(err))
		return exitUsage
	}
	defer ln.Close()
	if baseURL == "" {
		baseURL = "http://" + ln.Addr().String()
	}
	baseURL = strings.TrimRight(baseURL, "/")
	if entityID == "" {
		entityID = baseURL + "/metadata"
	}
	id, note, err := mockIdentity(entityID, keyFile, certFile)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck mockidp serve: %v\n", err)
		return exitUsage
	}
	srv := &mockidp.Server{Identity: id, BaseURL: baseURL, ACSURL: acs, SPEntityID: spEntity}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	fmt.Fprintf(stdout, "provcheck mock IdP listening\n%s%s\nregister it with the SP (its metadata URL, or the entity ID, SSO URL and certificate), then log in through the SP\nstop with Ctrl-C\n",
		srv.Describe(), note)
	<-ctx.Done()
	return exitOK
}

// mockIdentity loads the IdP's identity, or generates one: written to the
// files when they are named (so the SP keeps trusting it), else in memory.
func mockIdentity(entityID, keyFile, certFile string) (*mockidp.Identity, string, error) {
	if keyFile == "" {
		id, err := mockidp.GenerateIdentity(entityID, time.Now(), nil)
		if err != nil {
			return nil, "", err
		}
		return id, "identity:       generated for this run only; give --idp-key and --idp-cert to keep it", nil
	}
	_, kerr := os.Stat(keyFile)
	_, cerr := os.Stat(certFile)
	switch {
	case kerr == nil && cerr == nil:
		id, err := mockidp.LoadIdentity(entityID, keyFile, certFile)
		return id, "identity:       loaded from " + keyFile + " and " + certFile, err
	case os.IsNotExist(kerr) && os.IsNotExist(cerr):
		id, err := mockidp.GenerateIdentity(entityID, time.Now(), nil)
		if err == nil {
			err = id.WritePEM(keyFile, certFile)
		}
		return id, "identity:       generated and written to " + keyFile + " and " + certFile, err
	}
	return nil, "", fmt.Errorf("--idp-key %s and --idp-cert %s: one exists and the other does not; give both existing files, or two new names", keyFile, certFile)
}
