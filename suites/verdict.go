package suites

import (
	"fmt"
	"slices"
	"strings"
)

// DialectVerdict says in one line whether a target works with one IdP
// dialect: the results of the checks that speak for that dialect, summed up.
type DialectVerdict struct {
	// Dialect is the dialect's name: rfc, entra, okta.
	Dialect string
	// Summary counts the results that speak for the dialect.
	Summary Summary
	// Failing lists the IDs of the failed checks, then those with warnings.
	Failing []string
	// Verdict is the sentence: "works with okta", "breaks with entra: …".
	Verdict string
}

// DialectVerdicts returns a verdict for each dialect the run spoke
// (RunInfo.Dialect, comma-separated). The rfc verdict counts the SCIM checks
// outside any dialect pack (not the SAML checks, labelled SAMLLabel); another dialect's counts its pack and the
// checks labelled dialect:<name> (shapes that IdP sends). A dialect no
// result speaks for gets no verdict.
func DialectVerdicts(rep Report) []DialectVerdict {
	var out []DialectVerdict
	for _, d := range strings.Split(rep.Run.Dialect, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		var rs []Result
		for _, r := range rep.Results {
			if speaksFor(r.Labels, d) {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue // nothing of the run speaks for it (a SAML-only run)
		}
		out = append(out, verdict(d, rs))
	}
	return out
}

// Status is the verdict as one status: failed when a check failed,
// warning when one warned, skipped when nothing was measured, else passed.
func (v DialectVerdict) Status() Status {
	s := v.Summary
	switch {
	case s[Failed] > 0:
		return Failed
	case s[Warning] > 0:
		return Warning
	case s[Passed] == 0:
		return Skipped
	}
	return Passed
}

// SAMLLabel marks the checks of a SAML SP. The dialects are SCIM request
// shapes, so these checks speak for none of them.
const SAMLLabel = "protocol:saml"

func speaksFor(labels []string, d string) bool {
	if slices.Contains(labels, SAMLLabel) {
		return false
	}
	packed := slices.ContainsFunc(labels, func(l string) bool { return strings.HasPrefix(l, "pack:") })
	if d == "rfc" {
		return !packed
	}
	return slices.Contains(labels, "pack:"+d) || (!packed && slices.Contains(labels, "dialect:"+d))
}

func verdict(d string, rs []Result) DialectVerdict {
	v := DialectVerdict{Dialect: d, Summary: Summarize(rs)}
	for _, st := range []Status{Failed, Warning} {
		for _, r := range rs {
			if r.Status == st {
				v.Failing = append(v.Failing, r.ID)
			}
		}
	}
	s := v.Summary
	measured := s[Passed] + s[Failed] + s[Warning]
	switch {
	case s[Failed] > 0:
		v.Verdict = fmt.Sprintf("breaks with %s: %d of %d checks fail (%s)", d, s[Failed], measured, strings.Join(v.Failing[:s[Failed]], ", "))
	case measured == 0:
		v.Verdict = fmt.Sprintf("not measured for %s: no check of it ran to the end", d)
	case s[Warning] > 0:
		v.Verdict = fmt.Sprintf("works with %s, with %d warning(s) (%s)", d, s[Warning], strings.Join(v.Failing, ", "))
	default:
		v.Verdict = fmt.Sprintf("works with %s: %d checks pass", d, s[Passed])
	}
	if s[Error] > 0 {
		v.Verdict += fmt.Sprintf("; %d check(s) could not be measured (error)", s[Error])
	}
	return v
}
