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
	var more [6]string
	fs.StringVar(&more[0], "idp-rollover-key", "", "PEM private key of the IdP's rollover identity (catalogue K04); generated with the certificate if neither file exists; its certificate is listed in the metadata after --idp-cert's")
	fs.StringVar(&more[1], "idp-rollover-cert", "", "PEM certificate of the IdP's rollover identity")
	fs.StringVar(&more[2], "idp-weak-key", "", "PEM private key of an RSA-1024 identity (catalogue K06); generated if neither file exists; its certificate is listed in the metadata")
	fs.StringVar(&more[3], "idp-weak-cert", "", "PEM certificate of the RSA-1024 identity")
	fs.StringVar(&more[4], "idp-expired-key", "", "PEM private key of an identity with an expired certificate (catalogue K11); generated if neither file exists; its certificate is listed in the metadata")
	fs.StringVar(&more[5], "idp-expired-cert", "", "PEM certificate, expired, of that identity")
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
	keysMore, keysNotes, err := mockKeysMore(entityID, more)
	if err != nil {
		fmt.Fprintf(stderr, "provcheck mockidp serve: %v\n", err)
		return exitUsage
	}
	note += keysNotes
	srv := &mockidp.Server{Identity: id, BaseURL: baseURL, ACSURL: acs, SPEntityID: spEntity, KeysMore: keysMore}
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
	return mockKeysFiles("identity:      ", "--idp-key", "--idp-cert", keyFile, certFile, func() (*mockidp.Identity, error) {
		return mockidp.GenerateIdentity(entityID, time.Now(), nil)
	}, func() (*mockidp.Identity, error) { return mockidp.LoadIdentity(entityID, keyFile, certFile) })
}

// mockKeysFiles loads an identity from its key and certificate files when
// both exist, or generates one and writes them when neither does; label
// starts the note that says which.
func mockKeysFiles(label, keyFlag, certFlag, keyFile, certFile string, gen, load func() (*mockidp.Identity, error)) (*mockidp.Identity, string, error) {
	_, kerr := os.Stat(keyFile)
	_, cerr := os.Stat(certFile)
	switch {
	case kerr == nil && cerr == nil:
		id, err := load()
		return id, label + " loaded from " + keyFile + " and " + certFile, err
	case os.IsNotExist(kerr) && os.IsNotExist(cerr):
		id, err := gen()
		if err == nil {
			err = id.WritePEM(keyFile, certFile)
		}
		return id, label + " generated and written to " + keyFile + " and " + certFile, err
	}
	return nil, "", fmt.Errorf("%s %s and %s %s: one exists and the other does not; give both existing files, or two new names", keyFlag, keyFile, certFlag, certFile)
}

// mockKeysMore loads or generates the further identities of the IdP that
// serve lists in its metadata (rollover, RSA-1024, expired; catalogue K04,
// K06, K11), each only when its two files are named.
func mockKeysMore(entityID string, files [6]string) ([]*mockidp.Identity, string, error) {
	now := time.Now()
	var out []*mockidp.Identity
	var notes string
	for i, k := range []struct {
		label, keyFlag, certFlag string
		gen                      func() (*mockidp.Identity, error)
	}{
		{"rollover:      ", "--idp-rollover-key", "--idp-rollover-cert", func() (*mockidp.Identity, error) {
			return mockidp.GenerateRolloverKeysIdentity(entityID, now, nil)
		}},
		{"RSA-1024:      ", "--idp-weak-key", "--idp-weak-cert", func() (*mockidp.Identity, error) {
			return mockidp.GenerateRSA1024Identity(entityID, now, nil)
		}},
		{"expired:       ", "--idp-expired-key", "--idp-expired-cert", func() (*mockidp.Identity, error) {
			return mockidp.GenerateExpiredKeysIdentity(entityID, now, false, nil)
		}},
	} {
		keyFile, certFile := files[2*i], files[2*i+1]
		if keyFile == "" && certFile == "" {
			continue
		}
		if keyFile == "" || certFile == "" {
			return nil, "", fmt.Errorf("%s and %s go together", k.keyFlag, k.certFlag)
		}
		id, note, err := mockKeysFiles(k.label, k.keyFlag, k.certFlag, keyFile, certFile, k.gen, func() (*mockidp.Identity, error) {
			id, err := mockidp.LoadIdentity(entityID, keyFile, certFile)
			if err != nil {
				return nil, fmt.Errorf("%s and %s: %w", k.keyFlag, k.certFlag, err)
			}
			return id, nil
		})
		if err != nil {
			return nil, "", err
		}
		out = append(out, id)
		notes += "\n" + note + " (listed in the metadata)"
	}
	return out, notes, nil
}
