package target

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client authentication styles at the token endpoint.
const (
	styleAuto = iota
	styleBasic
	styleForm
)

// oauthSource fetches and caches client-credentials access tokens.
type oauthSource struct {
	cfg OAuth
	u   *url.URL

	mu     sync.Mutex // held while fetching, so concurrent requests share one fetch
	token  string
	expiry time.Time // zero: no expiry given
	style  int
}

func newOAuthSource(cfg OAuth) (*oauthSource, error) {
	u, err := parseHTTPURL("oauth token url", cfg.TokenURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oauth: a client id is required for the client credentials grant")
	}
	o := &oauthSource{cfg: cfg, u: u}
	switch strings.ToLower(strings.TrimSpace(cfg.AuthStyle)) {
	case "", "auto":
		o.style = styleAuto
	case "basic", "client_secret_basic":
		o.style = styleBasic
	case "form", "post", "client_secret_post":
		o.style = styleForm
	default:
		return nil, fmt.Errorf("oauth auth style %q: must be basic or form", cfg.AuthStyle)
	}
	return o, nil
}

// basicCred is the base64 client credential of client_secret_basic
// (RFC 6749 §2.3.1: both parts form-encoded first).
func (o *oauthSource) basicCred() string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(o.cfg.ClientID) + ":" + url.QueryEscape(o.cfg.ClientSecret)))
}

// invalidate forgets tok if it is still the cached token.
func (o *oauthSource) invalidate(tok string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token == tok {
		o.token = ""
	}
}

// oauthToken returns a valid access token, fetching one if needed.
func (c *Client) oauthToken(ctx context.Context, rec Recorder) (string, error) {
	o := c.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token != "" && (o.expiry.IsZero() || c.now().Before(o.expiry)) {
		return o.token, nil
	}
	styles := []int{o.style}
	if o.style == styleAuto {
		styles = []int{styleBasic, styleForm}
	}
	var lastErr error
	for _, st := range styles {
		tok, exp, status, err := c.fetchToken(ctx, st, rec)
		if err == nil {
			o.token, o.expiry, o.style = tok, exp, st
			return tok, nil
		}
		lastErr = err
		if status != http.StatusBadRequest && status != http.StatusUnauthorized {
			break // not a client authentication problem: the other style will not help
		}
	}
	return "", lastErr
}

// fetchToken makes one token request; status is the HTTP status (0 if none).
func (c *Client) fetchToken(ctx context.Context, style int, rec Recorder) (tok string, expiry time.Time, status int, err error) {
	o := c.oauth
	form := url.Values{"grant_type": {"client_credentials"}}
	if o.cfg.Scope != "" {
		form.Set("scope", o.cfg.Scope)
	}
	h := http.Header{}
	h.Set("User-Agent", c.ua)
	h.Set("Accept", "application/json")
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	if style == styleBasic {
		h.Set("Authorization", "Basic "+o.basicCred())
	} else {
		form.Set("client_id", o.cfg.ClientID)
		if o.cfg.ClientSecret != "" {
			form.Set("client_secret", o.cfg.ClientSecret)
		}
	}
	w := &wire{
		method: http.MethodPost, u: o.u, header: h, body: []byte(form.Encode()),
		flag: "--oauth-token-url",
		learn: func(b []byte) {
			var tr struct {
				AccessToken  string `json:"access_token"`
				RefreshToken string `json:"refresh_token"`
				IDToken      string `json:"id_token"`
			}
			if json.Unmarshal(b, &tr) == nil {
				c.red.add(tr.AccessToken, tr.RefreshToken, tr.IDToken)
			}
		},
	}
	redURL := c.redactURL(o.u)
	resp, err := c.send(ctx, w, rec)
	if err != nil {
		return "", time.Time{}, 0, err
	}
	if resp.Status/100 != 2 {
		return "", time.Time{}, resp.Status, fmt.Errorf("oauth token request to %s answered %d%s (check the client id, secret and --oauth-token-url)",
			redURL, resp.Status, oauthErrorHint(resp))
	}
	dec := json.NewDecoder(bytes.NewReader(resp.Body))
	dec.UseNumber()
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   any    `json:"expires_in"`
	}
	if err := dec.Decode(&tr); err != nil {
		return "", time.Time{}, resp.Status, fmt.Errorf("oauth token response from %s is not a JSON token response: %s",
			redURL, quoteStart([]byte(resp.Exchange.ResponseBody), 80))
	}
	if tr.AccessToken == "" {
		return "", time.Time{}, resp.Status, fmt.Errorf("oauth token response from %s has no access_token", redURL)
	}
	// token_type is not checked: servers spell it variously; the token is
	// sent as a Bearer token (RFC 6750), the only kind SCIM servers take.
	if secs := expiresIn(tr.ExpiresIn); secs > 0 {
		life := time.Duration(secs) * time.Second
		expiry = c.now().Add(life - min(30*time.Second, life/10))
	}
	return tr.AccessToken, expiry, resp.Status, nil
}

// expiresIn reads expires_in, a number or (from some servers) a string.
func expiresIn(v any) int64 {
	var s string
	switch t := v.(type) {
	case json.Number:
		s = t.String()
	case string:
		s = t
	default:
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 {
		return 0
	}
	return int64(f)
}

// oauthErrorHint renders an OAuth error body (RFC 6749 §5.2) or the start of
// whatever else came back.
func oauthErrorHint(r *Response) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(r.Body, &e) == nil && e.Error != "" {
		if e.Description != "" {
			return fmt.Sprintf(": %s (%s)", e.Error, e.Description)
		}
		return ": " + e.Error
	}
	if b := strings.TrimSpace(r.Exchange.ResponseBody); b != "" {
		return ": " + quoteStart([]byte(b), 80)
	}
	return ""
}
