package scim

import (
	"context"
	"strings"
	"testing"

	"github.com/provcheck/provcheck/suites"
	"github.com/provcheck/provcheck/target"
)

// TestWithUserEmail: --user-email adds one work email, the same for the
// same userName, to a POST or PUT of a User without emails, and to nothing
// else; SCIM-USERS-001 always sends its body as built.
func TestWithUserEmail(t *testing.T) {
	client, err := target.New(target.Config{BaseURL: "http://127.0.0.1:1/scim/v2", RunID: "pc0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Client: client, UserEmail: true}
	tt := suites.NewT(context.Background(), suites.Check{ID: "SCIM-USERS-002"}, env)
	user := Obj{"schemas": []any{URNUser}, "userName": "pc-user-pc0123456789-a"}
	email := func(req target.Request) string {
		b, ok := req.Body.(Obj)
		if !ok || len(b.Objs("emails")) == 0 {
			return ""
		}
		return b.Objs("emails")[0].Str("value")
	}

	got := env.withUserEmail(tt, target.Request{Method: "POST", Path: "/Users", Body: user})
	if e := email(got); !strings.HasPrefix(e, "pc-mail-pc0123456789-") || !strings.HasSuffix(e, "@example.com") {
		t.Errorf("POST of a User without emails: email %q; expected a run-marked address", e)
	}
	if user.Has("emails") {
		t.Error("the caller's body was changed")
	}
	if put := env.withUserEmail(tt, target.Request{Method: "PUT", Path: "/Users/x", Body: map[string]any(user)}); email(put) != email(got) {
		t.Errorf("PUT restating the user: email %q; expected %q, the POST's", email(put), email(got))
	}
	for name, req := range map[string]target.Request{
		"GET":         {Method: "GET", Path: "/Users"},
		"PATCH":       {Method: "PATCH", Path: "/Users/x", Body: user},
		"a Group":     {Method: "POST", Path: "/Groups", Body: Obj{"schemas": []any{URNGroup}, "displayName": "g", "userName": "x"}},
		"with emails": {Method: "POST", Path: "/Users", Body: Obj{"schemas": []any{URNUser}, "userName": "u", "emails": []any{}}},
		"raw bytes":   {Method: "POST", Path: "/Users", Body: []byte(`{"userName":"u"}`)},
	} {
		if r := env.withUserEmail(tt, req); email(r) != "" {
			t.Errorf("%s: an email was added", name)
		}
	}
	exempt := suites.NewT(context.Background(), suites.Check{ID: userEmailExempt}, env)
	if r := env.withUserEmail(exempt, target.Request{Method: "POST", Path: "/Users", Body: user}); email(r) != "" {
		t.Errorf("%s: an email was added", userEmailExempt)
	}
	env.UserEmail = false
	if r := env.withUserEmail(tt, target.Request{Method: "POST", Path: "/Users", Body: user}); email(r) != "" {
		t.Error("without --user-email: an email was added")
	}
}
