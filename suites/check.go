package suites

import (
	"fmt"
	"slices"
	"strings"
)

// Level is the requirement level of a check, after RFC 2119.
type Level string

// The levels. A violated MUST fails the check; a violated SHOULD or MAY is a
// warning, which fails a run only in strict mode.
const (
	Must   Level = "must"
	Should Level = "should"
	May    Level = "may"
)

// Kind says how a check exercises the target.
type Kind string

// The kinds of check.
const (
	Example  Kind = "example"  // a fixed request and its expected answer
	Property Kind = "property" // generated inputs, shrunk on failure
	Sequence Kind = "sequence" // a stateful sequence of operations
	Negative Kind = "negative" // input the target must refuse
)

// Capability names a feature a target may or may not offer. A check that
// requires a capability the target does not advertise is skipped with the
// reason, never failed.
type Capability string

// Capabilities the SCIM suites gate on. Their values match the names in
// RFC 7643 §5 where one exists.
const (
	CapUsers          Capability = "users"
	CapGroups         Capability = "groups"
	CapEnterpriseUser Capability = "enterpriseUser"
	CapPatch          Capability = "patch"
	CapBulk           Capability = "bulk"
	CapFilter         Capability = "filter"
	CapSort           Capability = "sort"
	CapETag           Capability = "etag"
	CapChangePassword Capability = "changePassword"
	CapSearch         Capability = "search"
	CapMe             Capability = "me"
	CapAuth           Capability = "auth"
)

// Capabilities the SAML suites gate on: the SP contract (ACS URL, entity
// ID, whoami oracle and an IdP identity the SP trusts), a SCIM client of
// the same application as second oracle, and a declared JIT creation
// policy of "on".
const (
	CapSAML     Capability = "saml"
	CapSAMLSCIM Capability = "saml-scim"
	CapJIT      Capability = "jit"
)

// Capabilities lists every capability discovery decides (those --force can
// name), in a stable order. The SAML capabilities are not among them: they
// follow from the SP contract the run is given, which forcing cannot supply.
func Capabilities() []Capability {
	return []Capability{CapUsers, CapGroups, CapEnterpriseUser, CapPatch, CapBulk, CapFilter, CapSort,
		CapETag, CapChangePassword, CapSearch, CapMe, CapAuth}
}

// Check is one entry of the catalogue. It is a plain value; the catalogue is
// never mutated by a run.
type Check struct {
	// ID is stable across releases: SCIM-USERS-001, SAML-SEC-XSW-4.
	ID string
	// Title says in a few words what is checked.
	Title string
	// Spec is the section enforced, for example "RFC 7644 §3.3".
	Spec string
	// Rule quotes (or, for derived checks, states) the normative sentence.
	Rule string
	// Level is the requirement level of Rule.
	Level Level
	// Kind says how the check exercises the target.
	Kind Kind
	// Requires lists the capabilities the check needs; any missing one skips it.
	Requires []Capability
	// Labels are free-form "key:value" words used for selection: area:users,
	// dialect:entra, tier:core.
	Labels []string
	// Covers names the lines of the project catalogue (S1, J03) the check covers.
	Covers []string
	// Dialect names the IdP dialect pack (entra, okta) the check belongs to:
	// it runs only when the run speaks that dialect (or names the check).
	// Empty for the checks every run includes.
	Dialect string
	// Run performs the check.
	Run func(t *T)
}

// AllLabels returns the check's labels plus the derived ones the selection
// understands: id:, level:, kind: and cap: for every required capability.
func (c Check) AllLabels() []string {
	out := []string{"id:" + c.ID, "level:" + string(c.Level), "kind:" + string(c.Kind)}
	for _, r := range c.Requires {
		out = append(out, "cap:"+string(r))
	}
	if c.Dialect != "" {
		out = append(out, "pack:"+c.Dialect)
	}
	out = append(out, c.Labels...)
	return out
}

// Area returns the value of the check's "area:" label, or "other".
func (c Check) Area() string {
	for _, l := range c.Labels {
		if v, ok := strings.CutPrefix(l, "area:"); ok {
			return v
		}
	}
	return "other"
}

// Validate reports the first problem that makes the catalogue unusable: a
// missing field, an unknown level or kind, or a duplicate ID.
func Validate(cat []Check) error {
	seen := map[string]bool{}
	for i, c := range cat {
		switch {
		case c.ID == "":
			return fmt.Errorf("check #%d has no ID", i)
		case seen[c.ID]:
			return fmt.Errorf("check %s is listed twice", c.ID)
		case c.Title == "":
			return fmt.Errorf("check %s has no title", c.ID)
		case c.Spec == "":
			return fmt.Errorf("check %s has no spec reference", c.ID)
		case !slices.Contains([]Level{Must, Should, May}, c.Level):
			return fmt.Errorf("check %s has unknown level %q", c.ID, c.Level)
		case !slices.Contains([]Kind{Example, Property, Sequence, Negative}, c.Kind):
			return fmt.Errorf("check %s has unknown kind %q", c.ID, c.Kind)
		case c.Run == nil:
			return fmt.Errorf("check %s has no Run func", c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}
