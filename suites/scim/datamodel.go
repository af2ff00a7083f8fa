package scim

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Checks of the data model: RFC 7643 §2.
var dataModelChecks = []suites.Check{
	{
		ID: "SCIM-DATA-001", Title: "Returned values match their declared types (boolean, integer, dateTime, binary, reference)",
		Spec:  "RFC 7643 §2.3",
		Rule:  `Integer: A decimal number with no fractional digits. [...] DateTime: ... MUST be encoded as a valid xsd:dateTime. [...] Binary: ... MUST be base64 encoded. [...] Reference: ... a URI.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:core"}, Covers: []string{"S142"},
		Run: func(t *suites.T) {
			e := Session(t)
			s := e.Disc.UserSchema()
			if s == nil {
				t.Skipf("not applicable: the target publishes no User schema to take the declared types from")
			}
			u, _ := createUser(t, richUser(t))
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			for _, a := range s.Attributes {
				checkTyped(t, a.Name, a, g.Get(a.Name))
			}
			for _, f := range []string{"created", "lastModified"} {
				if _, err := parseDateTime(g.Str("meta", f)); err != nil && g.Has("meta", f) {
					t.Errorf("meta.%s: %v", f, err)
				}
			}
		},
	},
	{
		ID: "SCIM-DATA-002", Title: "At most one value of a multi-valued attribute is primary",
		Spec:  "RFC 7643 §2.4",
		Rule:  `primary: A Boolean value indicating the 'primary' or preferred attribute value for this attribute ... The primary attribute value "true" MUST appear no more than once.`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:core"}, Covers: []string{"S143"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			base := strings.ToLower(e.Name("pc"))
			body["emails"] = []any{
				Obj{"value": base + "-a@example.com", "type": "work", "primary": true},
				Obj{"value": base + "-b@example.com", "type": "home"},
			}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			for _, attr := range []string{"emails", "phoneNumbers", "addresses", "ims", "photos", "entitlements", "roles", "x509Certificates"} {
				n := 0
				for _, v := range g.Objs(attr) {
					if p, _ := v.Bool("primary"); p {
						n++
					}
				}
				if n > 1 {
					t.Errorf("%s has %d values with primary=true: %s", attr, n, compact(g.Get(attr)))
				}
			}
		},
	},
	{
		ID: "SCIM-DATA-003", Title: "The same (type, value) pair is not returned twice",
		Spec:  "RFC 7643 §2.4",
		Rule:  `Service providers SHOULD canonicalize the value returned ... and SHOULD NOT return the same (type, value) combination more than once per attribute, as this complicates processing by the client.`,
		Level: suites.Should, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:extended"}, Covers: []string{"S144"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			mail := strings.ToLower(e.Name("pc")) + "@example.com"
			body["emails"] = []any{Obj{"value": mail, "type": "work"}, Obj{"value": mail, "type": "work"}}
			r := doCreate(t, body)
			if r.Status == 400 {
				t.Logf("the target refuses duplicate values (400), which is allowed")
				return
			}
			mustStatus(t, r, 201)
			u := object(t, r)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			seen := map[string]int{}
			for _, v := range g.Objs("emails") {
				seen[strings.ToLower(v.Str("type"))+"\x00"+strings.ToLower(v.Str("value"))]++
			}
			for k, n := range seen {
				if n > 1 {
					t.Errorf("emails returns (type, value) %q %d times", strings.ReplaceAll(k, "\x00", ", "), n)
				}
			}
		},
	},
	{
		ID: "SCIM-DATA-004", Title: "null and [] on create are treated as unassigned",
		Spec:  "RFC 7643 §2.5",
		Rule:  `Unassigned attributes, the null value, or empty array (in the case of a multi-valued attribute) SHALL be considered to be equivalent in "state".`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:core", "dialect:entra"}, Covers: []string{"S145"},
		Run: func(t *suites.T) {
			e := Session(t)
			body := newUser(t)
			body["nickName"] = nil
			body["phoneNumbers"] = []any{}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			if v := g.Get("nickName"); v != nil {
				t.Errorf("nickName was sent as null but reads back as %s; expected unassigned", compact(v))
			}
			if l := g.List("phoneNumbers"); len(l) > 0 {
				t.Errorf("phoneNumbers was sent as [] but reads back as %s; expected unassigned", compact(l))
			}
		},
	},
	{
		ID: "SCIM-DATA-005", Title: "A binary value (an X.509 certificate) comes back base64 encoded, the same bytes",
		Spec:  "RFC 7643 §2.3.6, §4.1.2",
		Rule:  `Binary: [...] The attribute value MUST be base64 encoded as specified in Section 4 of [RFC4648]. [...] x509Certificates: Each value contains exactly one DER-encoded X.509 certificate (see Section 4 of [RFC5280]), which MUST be base64 encoded per Section 4 of [RFC4648].`,
		Level: suites.Must, Kind: suites.Example, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:datamodel", "tier:extended"}, Covers: []string{"S142"},
		Run: func(t *suites.T) {
			e := Session(t)
			a := e.Disc.UserSchema().Attr("x509Certificates.value")
			if a == nil || a.Type != "binary" {
				t.Skipf("not applicable: the target's User schema declares no binary x509Certificates.value")
			}
			der := dataCertificate(t)
			body := newUser(t)
			body["x509Certificates"] = []any{Obj{"value": base64.StdEncoding.EncodeToString(der)}}
			u, _ := createUser(t, body)
			g := object(t, get(t, resourcePath(e, URNUser, u.Str("id")), nil))
			certs := g.Objs("x509Certificates")
			if len(certs) == 0 {
				t.Logf("the user read back has no x509Certificates; whether written values come back is SCIM-USERS-028's to judge")
				return
			}
			got, err := base64.StdEncoding.DecodeString(certs[0].Str("value"))
			switch {
			case err != nil:
				t.Errorf("x509Certificates[0].value %q is not base64 (RFC 4648 §4): %v", certs[0].Str("value"), err)
			case !bytes.Equal(got, der):
				t.Errorf("x509Certificates[0].value decodes to %d bytes that differ from the %d-byte certificate sent", len(got), len(der))
			}
		},
	},
}

// doCreate POSTs a user body, registering its clean-up if one was created.
func doCreate(t *suites.T, body Obj) *target.Response {
	e := Session(t)
	r := do(t, target.Request{Method: "POST", Path: e.Disc.Endpoint(URNUser), Body: body})
	adopt(t, URNUser, r)
	return r
}

// checkTyped reports a value that does not fit its declared attribute.
func checkTyped(t *suites.T, path string, a Attribute, v any) {
	if v == nil {
		return
	}
	if a.MultiValued {
		l, ok := v.([]any)
		if !ok {
			t.Errorf("%s is declared multi-valued but is %s, not an array", path, compact(v))
			return
		}
		single := a
		single.MultiValued = false
		for i, x := range l {
			checkTyped(t, fmt.Sprintf("%s[%d]", path, i), single, x)
		}
		return
	}
	bad := func(want string) { t.Errorf("%s is %s; declared type %s expects %s", path, compact(v), a.Type, want) }
	switch a.Type {
	case "string":
		if _, ok := v.(string); !ok {
			bad("a JSON string")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("true or false")
		}
	case "integer":
		if !isInteger(v) {
			bad("a number without fraction or exponent")
		}
	case "decimal":
		if !isNumber(v) {
			bad("a JSON number")
		}
	case "datetime":
		s, ok := v.(string)
		if !ok {
			bad("an xsd:dateTime string")
		} else if _, err := parseDateTime(s); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	case "binary":
		s, ok := v.(string)
		if !ok {
			bad("a base64 string")
		} else if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			if _, err2 := base64.RawStdEncoding.DecodeString(s); err2 != nil {
				bad("base64")
			}
		}
	case "reference":
		s, ok := v.(string)
		if !ok {
			bad("a URI string")
		} else if _, err := url.Parse(s); err != nil {
			bad("a URI")
		}
	case "complex":
		m := asObj(v)
		if m == nil {
			bad("a JSON object")
			return
		}
		for _, sub := range a.SubAttributes {
			checkTyped(t, path+"."+sub.Name, sub, m.Get(sub.Name))
		}
	}
}

// dataCertificate returns a fresh self-signed DER certificate to send as a
// binary value.
func dataCertificate(t *suites.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Abort(fmt.Errorf("generate a key for a test certificate: %w", err))
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "provcheck test certificate"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Abort(fmt.Errorf("create a test certificate: %w", err))
	}
	return der
}
