package reftarget

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestZZSmoke(t *testing.T) {
	run, err := Start(Options{Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	do := func(method, path, body string) string {
		req, _ := http.NewRequest(method, run.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("Content-Type", "application/scim+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out := fmt.Sprintf("%s %s -> %d %v\n%s", method, path, resp.StatusCode, resp.Header, b)
		fmt.Println(out)
		return string(b)
	}
	do("GET", "/ServiceProviderConfig", "")
	do("GET", "/ResourceTypes", "")
	do("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"b@x.com","type":"work","primary":true}],"password":"x","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1"}}`)
	do("POST", "/Users", `{"userName":"BJENSEN"}`)
	do("GET", "/Users?filter=userName+eq+%22BJensen%22&attributes=userName,emails.value", "")
	do("POST", "/Groups", `{"displayName":"g"}`)
	do("GET", "/Users?filter=emails[type+eq+%22work%22+and+value+co+%22@%22]", "")
	do("GET", "/Users?filter=bad+filter", "")
	do("GET", "/Nope", "")
}
