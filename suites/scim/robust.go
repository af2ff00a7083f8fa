package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// Input fuzzing of the target's parser (issue 4, part 3): malformed and
// truncated JSON, wrong types, huge and deeply nested values, invalid
// filters and PATCH paths, unknown schemas, wrong Content-Type. Every input
// is sent once, without retries and with a short time limit; a 5xx, a hang
// or a dropped connection is reported with the request attached. Where the
// RFCs let a server accept the input leniently (unknown attributes are
// ignored, RFC 7644 §3.3; a parser MAY accept JSON extensions, RFC 8259 §9;
// other media types MAY be supported, RFC 7644 §3.8) a 2xx is only logged.
var robustChecks = []suites.Check{
	{
		ID: "SCIM-ROBUST-001", Title: "Truncated, non-JSON, non-object and empty bodies are refused with 400 invalidSyntax",
		Spec:  "RFC 7644 §3.12, §3.3",
		Rule:  `invalidSyntax: The request body message structure was invalid or did not conform to the request schema. [400 Bad Request: Request is unparsable, syntactically incorrect, or violates schema.] [...] implementers MUST return the errors in the body of the response in a JSON format. [Only inputs no JSON parser can accept, even a lenient one, are sent: bodies cut short, text that is not JSON, JSON that is not an object, nothing.]`,
		Level: suites.Must, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S140", "S138"},
		Run: func(t *suites.T) {
			robustEach(t, robustMalformed(t), func(r *target.Response, c robustCase) {
				if r.Status != 400 {
					t.Errorf("%s; expected 400 invalidSyntax%s", robustLine(r, c), bodyHint(r))
					return
				}
				if st := scimType(r); st != "" && st != "invalidSyntax" && st != "invalidValue" {
					t.Errorf("%s with scimType %q; expected \"invalidSyntax\"", robustLine(r, c), st)
				}
				robustErrorBody(t, r, c)
			})
		},
	},
	{
		ID: "SCIM-ROBUST-002", Title: "Core attributes of the wrong JSON type are refused with 400, never a server error",
		Spec:  "RFC 7644 §3.12; RFC 7643 §2.3, §4.1",
		Rule:  `invalidValue: A required value was missing, or the value specified was not compatible with the operation or attribute type (see Section 2.2 of [RFC7643]), or resource schema. [400 Bad Request: Request is unparsable, syntactically incorrect, or violates schema. Implementers SHOULD handle the identified HTTP status codes as described.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S35", "S138"},
		Run: func(t *suites.T) {
			robustEach(t, robustWrongTypes(t), func(r *target.Response, c robustCase) {
				switch {
				case r.Status == 400:
					if st := scimType(r); st != "" && st != "invalidValue" && st != "invalidSyntax" {
						t.Errorf("%s with scimType %q; expected \"invalidValue\"", robustLine(r, c), st)
					}
					robustErrorBody(t, r, c)
				case r.Status >= 200 && r.Status < 300:
					t.Errorf("%s; expected 400 invalidValue: %s%s", robustLine(r, c), c.why, robustStored(r, c))
				default:
					t.Errorf("%s; expected 400 invalidValue%s", robustLine(r, c), bodyHint(r))
					robustErrorBody(t, r, c)
				}
			})
		},
	},
	{
		ID: "SCIM-ROBUST-003", Title: "Huge and deeply nested values are stored, or refused with 400 or 413, never a server error",
		Spec:  "RFC 7644 §3.12, §3.3",
		Rule:  `[derived] 400 Bad Request: Request is unparsable, syntactically incorrect, or violates schema. 500 Internal Server Error: An internal error. [An input the server cannot or will not handle is the client's error, answered 400 or 413 Payload Too Large with a SCIM error; unknown attributes may be ignored (RFC 7644 §3.3), so 201 is fine too. A 5xx, a hang or a dropped connection is not.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S138"},
		Run: func(t *suites.T) {
			robustEach(t, robustHuge(t), func(r *target.Response, c robustCase) {
				switch {
				case r.Status >= 200 && r.Status < 300:
					t.Logf("%s: the target accepted it", robustLine(r, c))
				case r.Status == 413:
					t.Logf("%s: too large for the target, which is allowed", robustLine(r, c))
				case r.Status == 400:
					robustErrorBody(t, r, c)
				default:
					t.Errorf("%s; expected 201, 400 or 413%s", robustLine(r, c), bodyHint(r))
					robustErrorBody(t, r, c)
				}
			})
		},
	},
	{
		ID: "SCIM-ROBUST-004", Title: "Filters and PATCH paths with odd characters are refused with 400, never a server error",
		Spec:  "RFC 7644 §3.4.2.2, §3.5.2, §3.12",
		Rule:  `invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1) [...] invalidPath: The "path" attribute was invalid or malformed (see Figure 7). [400 Bad Request. Implementers SHOULD handle the identified HTTP status codes as described.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S138"},
		Run: func(t *suites.T) {
			cases := robustOddSyntax(t)
			if len(cases) == 0 {
				t.Skipf("not applicable: the target offers neither filtering nor PATCH")
			}
			robustEach(t, cases, func(r *target.Response, c robustCase) {
				if r.Status != 400 {
					t.Errorf("%s; expected 400 %s%s", robustLine(r, c), c.scimTypes[0], bodyHint(r))
					if r.Status >= 400 {
						robustErrorBody(t, r, c)
					}
					return
				}
				if st := scimType(r); st != "" && !hasString(c.scimTypes, st) {
					t.Errorf("%s with scimType %q; expected %s", robustLine(r, c), st, strings.Join(c.scimTypes, " or "))
				}
				robustErrorBody(t, r, c)
			})
		},
	},
	{
		ID: "SCIM-ROBUST-005", Title: "Unknown schemas, other media types, JSON extensions and mutated bodies never get a server error",
		Spec:  "RFC 7644 §3.12, §3.8, §3.3; RFC 8259 §9",
		Rule:  `[derived] 500 Internal Server Error: An internal error. [The server may accept these inputs (other media types MAY be supported, RFC 7644 §3.8; a JSON parser MAY accept non-JSON forms or extensions, RFC 8259 §9; unknown attributes are ignored) or refuse them with a 4xx and a SCIM error body (implementers MUST return the errors in the body of the response in a JSON format); a 5xx, a hang or a dropped connection is a defect.]`,
		Level: suites.Should, Kind: suites.Negative, Requires: []suites.Capability{suites.CapUsers},
		Labels: []string{"area:robustness", "tier:extended"}, Covers: []string{"S138"},
		Run: func(t *suites.T) {
			robustEach(t, robustLenient(t), func(r *target.Response, c robustCase) {
				switch {
				case r.Status < 300:
					t.Logf("%s: accepted, which the RFCs allow", robustLine(r, c))
				case r.Status < 500:
					t.Logf("%s: refused", robustLine(r, c))
					robustErrorBody(t, r, c)
				default:
					t.Errorf("%s; expected it accepted or refused with a 4xx, not a server error%s", robustLine(r, c), bodyHint(r))
				}
			})
		},
	},
}

const (
	// robustTimeout bounds each request: a parser that hangs on an input is
	// a finding, and the run must not wait the full client timeout for it.
	robustTimeout = 15 * time.Second
	// robustSeed drives the mutated bodies; it is fixed so every run sends
	// the same mutations (the log names it).
	robustSeed = 0x5c1a2026
	// robustNesting is the depth of the nested arrays sent: deep enough to
	// overflow a recursive decoder without a limit.
	robustNesting = 10000
)

// robustCase is one input: a request and what is wrong with it.
type robustCase struct {
	// what describes the input for messages: "a body cut after 40 bytes".
	what string
	req  target.Request
	// why says, for a wrong-typed value, what the attribute is declared as.
	why string
	// attr is the attribute with a wrong-typed value, for robustStored.
	attr string
	// scimTypes are the scimTypes a 400 may carry; the first is expected.
	scimTypes []string
	// big marks a body large enough that a server may refuse it and close
	// the connection before reading it all (RFC 9110 §15.5.14), which can
	// reach the client as a reset instead of the 413.
	big bool
}

// robustSend sends one case once, without retries and within robustTimeout,
// adopts what a 201 created, and returns the answer. A hang or a dropped
// connection is recorded as a violation and returns nil; a failure of the run
// itself (interrupted, not sent at all, target unreachable) aborts the check.
func robustSend(t *suites.T, c robustCase) *target.Response {
	e := Session(t)
	req := c.req
	req.NoRetry = true
	ctx, cancel := context.WithTimeout(t.Context(), robustTimeout)
	defer cancel()
	before := len(t.Exchanges())
	r, err := e.Client.Do(ctx, req, t)
	if err == nil {
		if req.Method == "POST" {
			adopt(t, robustURN(e, req.Path), r)
		}
		return r
	}
	var te *target.TransportError
	switch {
	case t.Context().Err() != nil:
		t.Abort(fmt.Errorf("%s %s (%s): %w", req.Method, req.Path, c.what, err))
	case !errors.As(err, &te):
		t.Abort(fmt.Errorf("%s %s (%s): %w", req.Method, req.Path, c.what, err))
	case len(t.Exchanges()) == before:
		// Never sent: the rate limit's wait outlasted the time limit.
		t.Abort(fmt.Errorf("%s %s (%s) was not sent within %s, the time limit of one input (is --max-rps very low?): %w",
			req.Method, req.Path, c.what, robustTimeout, err))
	case te.Kind == target.KindTimeout:
		t.Errorf("%s %s with %s: no answer in time (%v); expected an HTTP answer", req.Method, req.Path, c.what, err)
	case te.Kind == target.KindOther && c.big:
		t.Logf("%s %s with %s: the connection closed before an answer came (%v); a server refusing an oversized body may close it, so this is not judged",
			req.Method, req.Path, c.what, err)
	case te.Kind == target.KindOther:
		t.Errorf("%s %s with %s: the connection ended without a complete answer (%v); expected an HTTP answer", req.Method, req.Path, c.what, err)
	default:
		t.Abort(fmt.Errorf("%s %s (%s): %w", req.Method, req.Path, c.what, err))
	}
	return nil
}

// robustEach sends every case with robustSend and hands each answer that is
// neither missing (a hang or a dropped connection, already reported) nor a
// request to slow down to judge.
func robustEach(t *suites.T, cases []robustCase, judge func(r *target.Response, c robustCase)) {
	for _, c := range cases {
		if r := robustSend(t, c); r != nil && !robustThrottled(t, r, c) {
			judge(r, c)
		}
	}
}

// robustURN returns the schema of the resource type a POST to path creates.
func robustURN(e *Env, path string) string {
	if path == e.Disc.Endpoint(URNGroup) {
		return URNGroup
	}
	return URNUser
}

// robustLine names the request, the input and the answer for messages.
func robustLine(r *target.Response, c robustCase) string {
	return fmt.Sprintf("%s %s with %s answered %d", r.Exchange.Method, r.Exchange.URL, c.what, r.Status)
}

// robustThrottled logs an answer that asks the client to slow down (429, or
// 503 with Retry-After): the target refused the load, not the input, so
// the answer is not judged.
func robustThrottled(t *suites.T, r *target.Response, c robustCase) bool {
	if raceThrottled(r) {
		t.Logf("%s: the target asks the client to slow down; this input is not judged", robustLine(r, c))
		return true
	}
	return false
}

// robustErrorBody fails the check when a 4xx or 5xx answer has a body that
// is not a SCIM error. A 413 is exempt: a proxy in front of the target
// often answers it before the target sees the request.
func robustErrorBody(t *suites.T, r *target.Response, c robustCase) {
	if r.Status < 400 || r.Status == 413 || len(strings.TrimSpace(string(r.Body))) == 0 {
		return
	}
	for _, p := range scimErrorProblems(r) {
		t.Errorf("%s: %s", robustLine(r, c), p)
	}
}

// robustStored describes what a target that accepted a wrong-typed value
// made of it, from its answer.
func robustStored(r *target.Response, c robustCase) string {
	m, err := r.Object()
	if err != nil || c.attr == "" {
		return ""
	}
	v := Obj(m).Get(c.attr)
	if v == nil {
		return fmt.Sprintf(" (the answer has no %q: the value was dropped)", c.attr)
	}
	return fmt.Sprintf(" (stored %q as %s)", c.attr, compact(v))
}

// robustUser returns a valid User body with a fresh userName, as JSON text.
func robustUser(t *suites.T) string {
	b, _ := json.Marshal(newUser(t))
	return string(b)
}

// robustTarget creates a user for the PUT and PATCH inputs and returns its
// path and body.
func robustTarget(t *suites.T) (string, Obj) {
	body := newUser(t)
	u, _ := createUser(t, body)
	return resourcePath(Session(t), URNUser, u.Str("id")), body
}

// robustQuote renders the start of a body for case descriptions.
func robustQuote(b string) string {
	if len(b) > 60 {
		b = b[:60] + "…"
	}
	return fmt.Sprintf("%q", b)
}

// robustMalformed lists the inputs no JSON parser accepts, on POST, PUT and
// PATCH of Users, POST of Groups and POST .search where offered, plus bodies
// cut at seeded random points.
func robustMalformed(t *suites.T) []robustCase {
	e := Session(t)
	users := e.Disc.Endpoint(URNUser)
	valid := robustUser(t)
	post := func(what string, body string) robustCase {
		return robustCase{what: what + " " + robustQuote(body), req: target.Request{Method: "POST", Path: users, Body: []byte(body)}}
	}
	cases := []robustCase{
		post("a body cut in half", valid[:len(valid)/2]),
		post("a body without its closing brace", valid[:len(valid)-1]),
		post("an unterminated string", `{"schemas":["`+URNUser+`"],"userName":"`+e.Name("pc-robust")),
		post("a body ending after a colon", `{"schemas":["`+URNUser+`"],"userName":`),
		post("a lone opening brace", `{`),
		post("text that is not JSON", `not json at all`),
		post("an XML document", `<User><userName>`+e.Name("pc-robust")+`</userName></User>`),
		post("a JSON array of the user", "["+valid+"]"),
		post("a JSON string", `"`+e.Name("pc-robust")+`"`),
		post("a JSON number", `42`),
		post("JSON null", `null`),
		post("JSON true", `true`),
		{what: "an empty body", req: target.Request{Method: "POST", Path: users, Body: []byte{}}},
	}
	rng := rand.New(rand.NewPCG(robustSeed, 1))
	t.Logf("mutated bodies are drawn with math/rand/v2 PCG seed %#x", robustSeed)
	for range 5 {
		n := 1 + rng.IntN(len(valid)-1)
		cases = append(cases, post(fmt.Sprintf("a body cut after %d of %d bytes (seeded)", n, len(valid)), valid[:n]))
	}
	path, body := robustTarget(t)
	put, _ := json.Marshal(body)
	cases = append(cases,
		robustCase{what: "a PUT body without its closing brace " + robustQuote(string(put[:len(put)-1])),
			req: target.Request{Method: "PUT", Path: path, Body: put[:len(put)-1]}},
		robustCase{what: "a PUT body of JSON null", req: target.Request{Method: "PUT", Path: path, Body: []byte(`null`)}},
	)
	if ok, _ := e.Disc.Has(suites.CapPatch); ok {
		pb, _ := json.Marshal(patchBody(op("replace", "displayName", "Robust")))
		cases = append(cases, robustCase{what: "a PATCH body cut in half " + robustQuote(string(pb[:len(pb)/2])),
			req: target.Request{Method: "PATCH", Path: path, Body: pb[:len(pb)/2]}})
	}
	if ok, _ := e.Disc.Has(suites.CapGroups); ok {
		gb, _ := json.Marshal(newGroup(t))
		cases = append(cases, robustCase{what: "a Group body without its closing brace " + robustQuote(string(gb[:len(gb)-1])),
			req: target.Request{Method: "POST", Path: e.Disc.Endpoint(URNGroup), Body: gb[:len(gb)-1]}})
	}
	if ok, _ := e.Disc.Has(suites.CapSearch); ok {
		sb := `{"schemas":["` + URNSearch + `"],"filter":"userName pr"`
		cases = append(cases, robustCase{what: "a SearchRequest without its closing brace " + robustQuote(sb),
			req: target.Request{Method: "POST", Path: users + "/.search", Body: []byte(sb)}})
	}
	return cases
}

// robustWrongTypes lists POSTs of users whose core attributes have a JSON
// type other than the one RFC 7643 §4.1 declares.
func robustWrongTypes(t *suites.T) []robustCase {
	e := Session(t)
	users := e.Disc.Endpoint(URNUser)
	with := func(attr string, v any, why string) robustCase {
		body := newUser(t)
		body[attr] = v
		return robustCase{what: fmt.Sprintf("%q: %s", attr, compact(v)), attr: attr, why: why,
			req: target.Request{Method: "POST", Path: users, Body: body}}
	}
	name := e.Name("pc-robust")
	cases := []robustCase{
		with("userName", 4711, "userName is a string"),
		with("userName", []any{name}, "userName is a single-valued string"),
		with("userName", Obj{"value": name}, "userName is a string, not a complex value"),
		with("userName", true, "userName is a string"),
		with("emails", "robust@example.com", "emails is a multi-valued complex attribute"),
		with("active", "yes", "active is a boolean"),
		with("name", "Ada Lovelace", "name is a complex attribute"),
	}
	if ok, _ := e.Disc.Has(suites.CapPatch); ok {
		path, _ := robustTarget(t)
		cases = append(cases, robustCase{what: `a PATCH replacing "active" with "yes"`, attr: "active", why: "active is a boolean",
			req: target.Request{Method: "PATCH", Path: path, Body: patchBody(op("replace", "active", "yes"))}})
	}
	return cases
}

// robustHuge lists a 1 MiB displayName, a 16 KiB userName and values nested
// robustNesting levels deep in attributes no schema declares.
func robustHuge(t *suites.T) []robustCase {
	e := Session(t)
	users := e.Disc.Endpoint(URNUser)
	big := newUser(t)
	big["displayName"] = strings.Repeat("x", 1<<20)
	long := newUser(t)
	long["userName"] = long.Str("userName") + "-" + strings.Repeat("y", 16<<10)
	valid := robustUser(t)
	arrays := valid[:len(valid)-1] + `,"provcheckRobustNested":` + strings.Repeat("[", robustNesting) + strings.Repeat("]", robustNesting) + "}"
	valid = robustUser(t)
	var objs strings.Builder
	objs.WriteString(valid[:len(valid)-1] + `,"provcheckRobustDeep":`)
	for range robustNesting {
		objs.WriteString(`{"a":`)
	}
	objs.WriteString("1" + strings.Repeat("}", robustNesting) + "}")
	return []robustCase{
		{what: "a displayName of 1 MiB", req: target.Request{Method: "POST", Path: users, Body: big}, big: true},
		{what: "a userName of 16 KiB", req: target.Request{Method: "POST", Path: users, Body: long}},
		{what: fmt.Sprintf("%d nested arrays in an undeclared attribute", robustNesting), req: target.Request{Method: "POST", Path: users, Body: []byte(arrays)}},
		{what: fmt.Sprintf("%d nested objects in an undeclared attribute", robustNesting), req: target.Request{Method: "POST", Path: users, Body: []byte(objs.String())}},
	}
}

// robustOddSyntax lists filters (when the target filters) and PATCH paths
// (when it offers PATCH) that break the ABNF of RFC 7644 Figure 1 and
// Figure 7 with odd characters.
func robustOddSyntax(t *suites.T) []robustCase {
	e := Session(t)
	users := e.Disc.Endpoint(URNUser)
	var cases []robustCase
	if ok, _ := e.Disc.Has(suites.CapFilter); ok {
		name := filterLit(e.Name("pc-robust"))
		for _, f := range []string{
			"userName eq " + name + " ]",
			"userName[eq " + name,
			"))userName eq " + name + "((",
			"userName ~= " + name,
			"userName eq " + name + "; DROP TABLE users",
			`"userName" eq ` + name,
			"user\x00Name eq " + name,
			"userName eq \"\\",
			"emails[type eq \"work\" and value co \"@\"",
			strings.Repeat("(", 500) + "userName pr",
		} {
			cases = append(cases, robustCase{what: "the filter " + robustQuote(f), scimTypes: []string{"invalidFilter", "invalidValue", "invalidSyntax"},
				req: target.Request{Method: "GET", Path: users, Query: url.Values{"filter": {f}}}})
		}
	}
	if ok, _ := e.Disc.Has(suites.CapPatch); ok {
		path, _ := robustTarget(t)
		for _, p := range []string{
			"userName]",
			`emails[type eq "work"`,
			`emails[type eq "work"]]`,
			`emails[type eq "work"].`,
			"name..givenName",
			`"userName"`,
			"user name",
			"userName\x00",
			`[type eq "work"]`,
			URNUser + ":",
		} {
			cases = append(cases, robustCase{what: "a PATCH replace with the path " + robustQuote(p),
				scimTypes: []string{"invalidPath", "noTarget", "invalidValue", "invalidSyntax", "invalidFilter"},
				req:       target.Request{Method: "PATCH", Path: path, Body: patchBody(op("replace", p, "robust"))}})
		}
	}
	return cases
}

// robustLenient lists inputs a server may accept or refuse: unknown schema
// URNs, other media types, JSON extensions some parsers accept, a PATCH in
// the shape of JSON Patch, and seeded byte mutations of a valid body.
func robustLenient(t *suites.T) []robustCase {
	e := Session(t)
	users := e.Disc.Endpoint(URNUser)
	post := func(what string, body string, hdr map[string]string) robustCase {
		return robustCase{what: what + " " + robustQuote(body), req: target.Request{Method: "POST", Path: users, Body: []byte(body), Header: hdr}}
	}
	const unknownURN = "urn:ietf:params:scim:schemas:extension:provcheck:2.0:Unknown"
	withKey := func(extra string) string { b := robustUser(t); return b[:len(b)-1] + "," + extra + "}" }
	name := e.Name("pc-robust")
	cases := []robustCase{
		post("an unknown extension URN in schemas", `{"schemas":["`+URNUser+`","`+unknownURN+`"],"userName":"`+name+`","`+unknownURN+`":{"x":1}}`, nil),
		post("only an unknown schema URN", `{"schemas":["`+unknownURN+`"],"userName":"`+e.Name("pc-robust")+`"}`, nil),
		post("a misspelt core schema URN", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Usr"],"userName":"`+e.Name("pc-robust")+`"}`, nil),
		post("Content-Type text/plain", robustUser(t), map[string]string{"Content-Type": "text/plain"}),
		post("Content-Type application/xml", robustUser(t), map[string]string{"Content-Type": "application/xml"}),
		post("Content-Type application/x-www-form-urlencoded", "schemas="+url.QueryEscape(URNUser)+"&userName="+url.QueryEscape(e.Name("pc-robust")),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}),
		post("no Content-Type", robustUser(t), map[string]string{"Content-Type": ""}),
		post("a trailing comma", strings.TrimSuffix(robustUser(t), "}")+",}", nil),
		post("single-quoted strings", strings.ReplaceAll(robustUser(t), `"`, `'`), nil),
		post("a comment", "/* provcheck */ "+robustUser(t), nil),
		post("trailing text after the object", robustUser(t)+" trailing", nil),
		post("a byte order mark", "\ufeff"+robustUser(t), nil),
		post("a duplicated key", withKey(`"userName":"`+e.Name("pc-robust")+`"`), nil),
		post("a NUL character escaped in a string", withKey(`"displayName":"Ro\u0000bust"`), nil),
	}
	if ok, _ := e.Disc.Has(suites.CapPatch); ok {
		// A bare array of operations is a JSON Patch (RFC 6902) document,
		// which a server may also understand.
		path, _ := robustTarget(t)
		ops, _ := json.Marshal(patchBody(op("replace", "displayName", "Robust"))["Operations"])
		cases = append(cases, robustCase{what: "a PATCH body that is the bare array of operations " + robustQuote(string(ops)),
			req: target.Request{Method: "PATCH", Path: path, Body: ops}})
	}
	rng := rand.New(rand.NewPCG(robustSeed, 2))
	t.Logf("mutated bodies are drawn with math/rand/v2 PCG seed %#x", robustSeed)
	for range 8 {
		b, what := robustMutate(rng, robustUser(t))
		cases = append(cases, post(what+" (seeded)", b, nil))
	}
	return cases
}

// robustMutate changes a valid body in one random way that keeps it
// possibly valid JSON: a byte deleted, a structural character inserted, two
// bytes swapped or a span repeated. Cutting the body short is left out: it
// is always invalid and judged by SCIM-ROBUST-001.
func robustMutate(rng *rand.Rand, b string) (string, string) {
	i := rng.IntN(len(b))
	switch rng.IntN(4) {
	case 0:
		return b[:i] + b[i+1:], fmt.Sprintf("byte %d deleted", i)
	case 1:
		const chars = `{}[]",:\ 0-.e`
		c := string(chars[rng.IntN(len(chars))])
		return b[:i] + c + b[i:], fmt.Sprintf("%q inserted at byte %d", c, i)
	case 2:
		j := rng.IntN(len(b))
		i, j = min(i, j), max(i, j)
		if i == j {
			return b + b, "the body repeated"
		}
		return b[:i] + string(b[j]) + b[i+1:j] + string(b[i]) + b[j+1:], fmt.Sprintf("bytes %d and %d swapped", i, j)
	default:
		n := 1 + rng.IntN(min(20, len(b)-i))
		return b[:i+n] + b[i:], fmt.Sprintf("bytes %d-%d repeated", i, i+n-1)
	}
}
