package reftarget

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idpDir holds recorded Entra ID and Okta request shapes (see its README).
// The harness's dialect builders (mockidp) are tested against the same files.
const idpDir = "../../fixtures/idp-requests"

type idpExchange struct {
	Request    json.RawMessage `json:"request"`
	Response   map[string]any  `json:"response"`
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	StatusCode int             `json:"statusCode"`
}

// replayer sends recorded requests, mapping the recorded ids to the ids the
// server assigned.
type replayer struct {
	t   *testing.T
	c   *client
	ids map[string]string
}

func (rp *replayer) load(name string) idpExchange {
	rp.t.Helper()
	b, err := os.ReadFile(filepath.Join(idpDir, name))
	require.NoError(rp.t, err)
	var ex idpExchange
	require.NoError(rp.t, json.Unmarshal(b, &ex))
	return ex
}

func (rp *replayer) subst(s string) string {
	for from, to := range rp.ids {
		s = strings.ReplaceAll(s, from, to)
	}
	return s
}

// replay sends one recorded exchange and checks the recorded status code.
func (rp *replayer) replay(name string) *resp {
	rp.t.Helper()
	ex := rp.load(name)
	var body any
	if len(ex.Request) > 0 {
		body = rp.subst(string(ex.Request))
	}
	r := rp.c.do(ex.Method, rp.subst(ex.Path), body)
	require.Equal(rp.t, ex.StatusCode, r.code, "%s: %s", name, r.raw)
	if ex.StatusCode == http.StatusCreated {
		if id, ok := ex.Response["id"].(string); ok {
			rp.ids[id] = r.str("id")
		}
	}
	return r
}

func TestIdPOkta(t *testing.T) {
	rp := &replayer{t: t, c: newClient(t), ids: map[string]string{}}
	r := rp.replay("okta/user_exists.json")
	assert.EqualValues(t, 0, r.body["totalResults"])
	r = rp.replay("okta/create_user.json")
	assert.Equal(t, "test.user@okta.local", r.str("userName"))
	assert.NotContains(t, r.body, "password")
	assert.NotContains(t, r.body, "groups")
	r = rp.replay("okta/user_exists.json")
	assert.EqualValues(t, 1, r.body["totalResults"])
	r = rp.replay("okta/retrieve_user.json")
	assert.Equal(t, "Test", r.str("name.givenName"))
	r = rp.replay("okta/update_user.json")
	assert.Equal(t, "Excited", r.str("name.middleName"))
	assert.Equal(t, "test.user@okta.local", r.get("emails.0.display"))
	r = rp.replay("okta/update_user_patch.json")
	assert.Equal(t, false, r.get("active"))

	r = rp.replay("okta/create_group.json")
	assert.Equal(t, "Test SCIMv2", r.str("displayName"))
	assert.NotContains(t, r.body, "members")
	rp.replay("okta/retrieve_group.json")
	r = rp.replay("okta/update_group_name.json")
	assert.Equal(t, "Test SCIMv2", r.str("displayName"))

	// the membership update names a second user that must exist
	rp.ids["89bb1940-b905-4575-9e7f-6f887cfb368e"] = rp.c.createUser(user("second@okta.local"))
	r = rp.replay("okta/update_group_membership.json")
	require.Len(t, r.body["members"], 2)
	assert.Equal(t, rp.ids["23a35c27-23d3-4c03-b4c5-6443c09e7173"], r.get("members.0.value"))
	assert.Equal(t, rp.ids["89bb1940-b905-4575-9e7f-6f887cfb368e"], r.get("members.1.value"))
}

func TestIdPEntra(t *testing.T) {
	rp := &replayer{t: t, c: newClient(t), ids: map[string]string{}}
	r := rp.replay("azuread/get_user_query_0.json")
	assert.EqualValues(t, 0, r.body["totalResults"])
	r = rp.replay("azuread/create_user.json")
	assert.Equal(t, []any{uriUser}, r.body["schemas"], "no enterprise data was sent")
	assert.Equal(t, "familyName", r.str("name.familyName"))
	assert.NotContains(t, r.body, "roles")
	rp.replay("azuread/get_user_query_resp.json")

	// update_user patches a user recorded under another id: create one like it
	created := rp.c.createUser(user("Test_User_6764549b", "emails", []any{
		map[string]any{"value": "old@testuser.com", "type": "work", "primary": true},
	}, "name", map[string]any{"givenName": "givenName", "familyName": "familyName"}, "active", true))
	rp.ids["6764549bef60420686bc"] = created
	r = rp.replay("azuread/update_user.json")
	assert.Equal(t, "updatedEmail@microsoft.com", r.get("emails.0.value"))
	assert.Equal(t, "updatedFamilyName", r.str("name.familyName"))
	assert.Equal(t, "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", r.str("userName"))
	assert.Equal(t, false, r.get("active"))

	r = rp.replay("azuread/create_group.json")
	assert.Equal(t, "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", r.str("externalId"))
	rp.ids["40734ae655284ad3abcc"] = rp.ids["927fa2c08dcb4a7fae9e"]
	rp.replay("azuread/get_group.json")
	r = rp.replay("azuread/get_group_dn.json")
	assert.EqualValues(t, 1, r.body["totalResults"])

	rp.ids["fa2ce26709934589afc5"] = rp.ids["927fa2c08dcb4a7fae9e"]
	rp.ids["f648f8d5ea4e4cd38e9c"] = created
	r = rp.replay("azuread/update_group.json")
	assert.Equal(t, "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName", r.str("displayName"))
	assert.NotContains(t, r.body, "members", "added then removed")
}

// TestIdPShapesAccepted replays every recorded request body against a fresh
// server and resource of the right type and checks the recorded status.
func TestIdPShapesAccepted(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(idpDir, "*", "*.json"))
	require.Len(t, files, 18, "the recordings in %s", idpDir)
	// member ids named by the recordings; each becomes an existing user
	memberIDs := []string{"23a35c27-23d3-4c03-b4c5-6443c09e7173", "89bb1940-b905-4575-9e7f-6f887cfb368e", "f648f8d5ea4e4cd38e9c"}
	for _, f := range files {
		rel, _ := filepath.Rel(idpDir, f)
		t.Run(rel, func(t *testing.T) {
			rp := &replayer{t: t, c: newClient(t), ids: map[string]string{}}
			ex := rp.load(rel)
			if len(ex.Request) == 0 || ex.Method == "POST" {
				if len(ex.Request) > 0 {
					assert.Equal(t, ex.StatusCode, rp.c.do("POST", ex.Path, string(ex.Request)).code)
				}
				return
			}
			endpoint := "/" + strings.Split(strings.Trim(ex.Path, "/"), "/")[0]
			recorded := strings.Split(strings.Trim(ex.Path, "/"), "/")[1]
			for _, m := range memberIDs {
				rp.ids[m] = rp.c.createUser(user("member-" + m))
			}
			if endpoint == "/Groups" {
				rp.ids[recorded] = rp.c.createGroup(group("G"))
			} else {
				rp.ids[recorded] = rp.c.createUser(user("U", "emails", []any{map[string]any{"value": "w@x", "type": "work"}}))
			}
			r := rp.c.do(ex.Method, endpoint+"/"+rp.ids[recorded], rp.subst(string(ex.Request)))
			assert.Equal(t, ex.StatusCode, r.code, r.raw)
		})
	}
}
