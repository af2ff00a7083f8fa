package suites

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDialectVerdicts(t *testing.T) {
	res := func(id string, st Status, labels ...string) Result {
		return Result{ID: id, Status: st, Labels: labels}
	}
	rep := Report{
		Run: RunInfo{Dialect: "rfc,entra,okta"},
		Results: []Result{
			res("SCIM-USERS-001", Passed, "area:users"),
			res("SCIM-USERS-018", Failed, "area:users", "dialect:okta"),
			res("SCIM-ENTRA-001", Passed, "pack:entra", "dialect:entra"),
			res("SCIM-ENTRA-010", Warning, "pack:entra", "dialect:entra"),
			res("SCIM-OKTA-001", Passed, "pack:okta", "dialect:okta"),
			res("SCIM-OKTA-002", Error, "pack:okta", "dialect:okta"),
			res("SAML-JIT-005", Failed, "area:jit", SAMLLabel),
		},
	}
	v := DialectVerdicts(rep)
	if assert.Len(t, v, 3) {
		assert.Equal(t, "breaks with rfc: 1 of 2 checks fail (SCIM-USERS-018)", v[0].Verdict)
		assert.Equal(t, "works with entra, with 1 warning(s) (SCIM-ENTRA-010)", v[1].Verdict)
		assert.Equal(t, "breaks with okta: 1 of 2 checks fail (SCIM-USERS-018); 1 check(s) could not be measured (error)", v[2].Verdict)
		assert.Equal(t, 2, v[1].Summary.Total())
	}

	skipped := Report{Run: RunInfo{Dialect: "entra"}, Results: []Result{res("SCIM-ENTRA-001", Skipped, "pack:entra")}}
	assert.Equal(t, "not measured for entra: no check of it ran to the end", DialectVerdicts(skipped)[0].Verdict)
	assert.Empty(t, DialectVerdicts(Report{}))
	samlOnly := Report{Run: RunInfo{Dialect: "rfc"}, Results: []Result{res("SAML-JIT-001", Failed, "protocol:saml", "area:jit")}}
	assert.Empty(t, DialectVerdicts(samlOnly), "a SAML-only run has no SCIM dialect verdict")
}
