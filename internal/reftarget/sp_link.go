package reftarget

import (
	"net/http"
	"time"
)

// The linking flow of the reference SP (catalogue J26): a signed-in user
// links another IdP identity to their account. GET SPPath+"/link" with the
// session cookie answers like /login, with an AuthnRequest (HTTP-Redirect
// binding), and remembers its ID together with the session that started
// it; the Response answering it (InResponseTo, from the same browser, with
// that session still signed in) links the asserted identity to the
// session's account. Without a session /link answers 401. An unsolicited
// Response, or one answering a login request, never links: it is a login
// like any other.
const (
	// FaultLinkUnsolicited links the identity of an unsolicited Response
	// to the account of the session the browser already has (login CSRF
	// turned into an account link).
	FaultLinkUnsolicited Fault = "saml-link-unsolicited"
)

// linkFaultInfos describe the linking faults; init adds them to the list
// Faults returns.
var linkFaultInfos = []FaultInfo{
	{FaultLinkUnsolicited, "an unsolicited Response arriving in a browser that is signed in links the asserted identity to that session's account, so whoever can post a response into the victim's browser later signs in to the victim's account"},
}

func init() { faultInfos = append(faultInfos, linkFaultInfos...) }

// linkRequest is a link flow in progress: the session that started it
// and its account.
type linkRequest struct {
	session, userID string
	expires         time.Time
}

// serveLink starts linking an identity to the session's account.
func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	s.sp.mu.Lock()
	tok, userID, ok := s.spSession(r, now)
	s.sp.mu.Unlock()
	if !ok {
		http.Error(w, "linking an identity needs a signed-in session", http.StatusUnauthorized)
		return
	}
	s.linkStartRequest(w, r, func(id string) {
		// The caller holds s.sp.mu.
		if s.sp.linkReqs == nil {
			s.sp.linkReqs = map[string]linkRequest{}
		}
		for k, lr := range s.sp.linkReqs {
			if now.After(lr.expires) {
				delete(s.sp.linkReqs, k)
			}
		}
		s.sp.linkReqs[id] = linkRequest{session: tok, userID: userID, expires: now.Add(pendingLifetime)}
	})
}

// linkConsume handles a validated Response that answers a link request
// (or, under FaultLinkUnsolicited, an unsolicited one in a signed-in
// browser): it links key to the account of the session that started the
// flow and returns that account's id. ok is false when the Response is
// not a link answer; it is then a login. The AuthnRequest's ID was already
// consumed as InResponseTo, from the same browser.
func (s *Server) linkConsume(r *http.Request, inResponseTo string, key linkKey) (userID string, lerr *loginError, ok bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sp.mu.Lock()
	req, isLink := s.sp.linkReqs[inResponseTo]
	if isLink {
		delete(s.sp.linkReqs, inResponseTo)
	}
	tok, sessUser, signedIn := s.spSession(r, now)
	s.sp.mu.Unlock()
	switch {
	case isLink && inResponseTo != "":
		if !signedIn || tok != req.session || sessUser != req.userID {
			return "", refuse("the answer to link request %s does not come from the session that started it; nothing is linked", inResponseTo), true
		}
		userID = req.userID
	case inResponseTo == "" && signedIn && s.has(FaultLinkUnsolicited):
		userID = sessUser
	default:
		return "", nil, false
	}
	u := s.lookup(rtUser, userID)
	if u == nil {
		return "", refuse("the account %s of the linking session no longer exists", userID), true
	}
	if active, isBool := u.data["active"].(bool); isBool && !active {
		return "", refuse("account %s is inactive", userID), true
	}
	if linked := s.jitLinked(key); linked != "" && linked != userID && s.lookup(rtUser, linked) != nil {
		return "", refuse("NameID %q of %s already signs in to another account; it is not linked to %s", key.nameID, key.issuer, userID), true
	}
	for _, cand := range s.all(rtUser) {
		if ext, _ := cand.data["externalId"].(string); ext == key.nameID && cand.id != userID && s.jitPrimaryIssuer(key) {
			return "", refuse("NameID %q is the externalId of account %s; it is not linked to %s", key.nameID, cand.id, userID), true
		}
	}
	s.sp.mu.Lock()
	s.sp.links[key] = userID
	s.sp.mu.Unlock()
	return userID, nil, true
}
