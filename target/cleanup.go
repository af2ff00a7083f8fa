package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
)

// CleanupReport counts what a clean-up did.
type CleanupReport struct {
	// Deleted were deleted now (200 or 204).
	Deleted int
	// AlreadyGone answered 404: deleted earlier, by a check or someone else.
	AlreadyGone int
	// Failed are still in the ledger: refused, errored or not attempted.
	Failed int
}

// Cleanup deletes every live ledger entry, newest first (so groups go before
// the users they hold), without If-Match. A 404 counts as done. It stops
// when ctx is done; entries not attempted count as failed. The error joins
// every failure.
func (c *Client) Cleanup(ctx context.Context) (CleanupReport, error) {
	return c.cleanup(ctx, false)
}

// CleanupLedger finishes the job of an interrupted run: it deletes the live
// entries of the ledger file at path, newest first, marking each deleted in
// that file. Every entry must be on the client's target; if one is not,
// nothing is deleted. Because time has passed since the run, each resource
// is first read back and deleted only if it still carries its run's marker
// (the entry's RunID, compared case-insensitively): a server may have
// reused the id for someone else's resource.
func CleanupLedger(ctx context.Context, c *Client, path string) (CleanupReport, error) {
	entries, err := ReadLedger(path)
	if err != nil {
		return CleanupReport{}, err
	}
	var off []error
	for _, e := range entries {
		u, err := url.Parse(e.Location)
		if err != nil || !c.sameOrigin(u) {
			off = append(off, fmt.Errorf("ledger entry %s (%s %s) is not on target %s", e.Location, e.Type, e.ID, c.baseStr))
		}
	}
	if len(off) > 0 {
		return CleanupReport{Failed: len(entries)},
			fmt.Errorf("nothing deleted: %w (was the ledger written against another --scim-url?)", errors.Join(off...))
	}
	if samePath(c.ledger.Path(), path) {
		return c.cleanup(ctx, true)
	}
	l, err := OpenLedger(path)
	if err != nil {
		return CleanupReport{}, err
	}
	rep, err := c.withLedger(l).cleanup(ctx, true)
	if cerr := l.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return rep, err
}

func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && filepath.Clean(aa) == filepath.Clean(bb)
}

// cleanup deletes the live entries newest first; verify reads each back
// first and skips those without their run marker.
func (c *Client) cleanup(ctx context.Context, verify bool) (CleanupReport, error) {
	var rep CleanupReport
	var errs []error
	live := c.ledger.Live()
	for i := len(live) - 1; i >= 0; i-- {
		e := live[i]
		if err := ctx.Err(); err != nil {
			rep.Failed += i + 1
			errs = append(errs, fmt.Errorf("clean-up stopped with %d resources left: %w", i+1, err))
			break
		}
		u, err := url.Parse(e.Location)
		if err != nil || !c.sameOrigin(u) {
			rep.Failed++
			errs = append(errs, fmt.Errorf("ledger entry %s is not on target %s", e.Location, c.baseStr))
			continue
		}
		if verify && e.RunID != "" {
			gone, err := c.verifyMarker(ctx, e)
			if err != nil {
				rep.Failed++
				errs = append(errs, err)
				continue
			}
			if gone {
				rep.AlreadyGone++
				continue
			}
		}
		resp, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: e.Location}, nil)
		switch {
		case err != nil:
			rep.Failed++
			errs = append(errs, fmt.Errorf("clean-up of %s: %w", e.Location, err))
		case resp.Status == http.StatusOK || resp.Status == http.StatusNoContent:
			rep.Deleted++
		case resp.Status == http.StatusNotFound:
			rep.AlreadyGone++
		default:
			rep.Failed++
			errs = append(errs, fmt.Errorf("clean-up: DELETE %s answered %d%s", resp.Exchange.URL, resp.Status, snippet(resp)))
		}
	}
	return rep, errors.Join(errs...)
}

// verifyMarker reads an entry back. gone is true (and the entry marked
// deleted) on 404; an error means the resource must not be deleted.
func (c *Client) verifyMarker(ctx context.Context, e Entry) (gone bool, err error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: e.Location}, nil)
	if err != nil {
		return false, fmt.Errorf("clean-up of %s: %w", e.Location, err)
	}
	switch {
	case resp.Status == http.StatusNotFound:
		if err := c.ledger.MarkDeleted(e.Location); err != nil {
			return false, fmt.Errorf("clean-up of %s: %w", e.Location, err)
		}
		return true, nil
	case resp.Status != http.StatusOK:
		return false, fmt.Errorf("clean-up: not deleting %s: reading it back answered %d%s", resp.Exchange.URL, resp.Status, snippet(resp))
	case !strings.Contains(strings.ToLower(string(resp.Body)), strings.ToLower(e.RunID)):
		return false, fmt.Errorf("clean-up: not deleting %s: it no longer carries the run marker %q, so the id may now belong to another resource", resp.Exchange.URL, e.RunID)
	}
	return false, nil
}

// snippet quotes the start of a response body for messages.
func snippet(r *Response) string {
	b := strings.TrimSpace(r.Exchange.ResponseBody)
	if b == "" {
		return ""
	}
	return ": " + quoteStart([]byte(b), 120)
}
