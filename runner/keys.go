package runner

import (
	"fmt"
	"time"

	"github.com/provcheck/provcheck/internal/reftarget"
	"github.com/provcheck/provcheck/mockidp"
)

// KeysIdentities are the further signing identities of the mock IdP that
// the embedded reference SP trusts for the IdP's entity ID: a rollover
// certificate (catalogue K04), an RSA-1024 one (K06, which the reference
// SP refuses) and an expired one (K11, which it refuses too: it declares
// --sp-cert-validity enforce).
type KeysIdentities struct {
	Rollover, Weak, Expired *mockidp.Identity
}

// NewKeysIdentities generates them for the IdP's entity ID.
func NewKeysIdentities(entityID string) (KeysIdentities, error) {
	now := time.Now()
	var k KeysIdentities
	var err error
	if k.Rollover, err = mockidp.GenerateRolloverKeysIdentity(entityID, now, nil); err != nil {
		return k, err
	}
	if k.Weak, err = mockidp.GenerateRSA1024Identity(entityID, now, nil); err != nil {
		return k, err
	}
	if k.Expired, err = mockidp.GenerateExpiredKeysIdentity(entityID, now, false, nil); err != nil {
		return k, err
	}
	return k, nil
}

// TrustKeys registers the identities' certificates with the reference SP
// for sc's IdP and puts the identities into sc's contract.
func (k KeysIdentities) TrustKeys(s *reftarget.Server, sc *SAMLConfig) error {
	if sc == nil || sc.IdP == nil {
		return fmt.Errorf("keys identities: no IdP to add certificates to")
	}
	for _, id := range []*mockidp.Identity{k.Rollover, k.Weak, k.Expired} {
		if id != nil {
			s.TrustKeysCertificate(sc.IdP.EntityID, id.Cert)
		}
	}
	sc.RolloverIdP, sc.WeakIdP, sc.ExpiredIdP = k.Rollover, k.Weak, k.Expired
	return nil
}
