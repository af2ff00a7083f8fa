package reftarget

import (
	"fmt"
	"net/http"
	"strconv"
)

// SCIM detail error keywords (RFC 7644 §3.12, Table 9) the server uses; it
// never answers tooMany (lists are capped at MaxResults) or invalidVers
// (there is one protocol version).
const (
	scimSensitive     = "sensitive"
	scimInvalidFilter = "invalidFilter"
	scimUniqueness    = "uniqueness"
	scimMutability    = "mutability"
	scimInvalidSyntax = "invalidSyntax"
	scimInvalidPath   = "invalidPath"
	scimNoTarget      = "noTarget"
	scimInvalidValue  = "invalidValue"
)

// scimError is an error that becomes a SCIM error response.
type scimError struct {
	status   int
	scimType string
	detail   string
	// malformed marks a body that is not JSON at all (for FaultMalformedJSON500).
	malformed bool
	// plain writes the error as text/plain instead of a SCIM error (for
	// faults that mimic a framework's default error page).
	plain bool
}

func (e *scimError) Error() string {
	if e.scimType != "" {
		return fmt.Sprintf("%d %s: %s", e.status, e.scimType, e.detail)
	}
	return fmt.Sprintf("%d: %s", e.status, e.detail)
}

func errorf(status int, scimType, format string, args ...any) *scimError {
	return &scimError{status: status, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

func badRequest(scimType, format string, args ...any) *scimError {
	return errorf(http.StatusBadRequest, scimType, format, args...)
}

func notFound(format string, args ...any) *scimError {
	return errorf(http.StatusNotFound, "", format, args...)
}

func malformedJSON(err error) *scimError {
	return &scimError{status: http.StatusBadRequest, scimType: scimInvalidSyntax,
		detail: "request body is not valid JSON: " + err.Error(), malformed: true}
}

// errorBody is the JSON error body for e, with the faults that change error
// bodies applied.
func (s *Server) errorBody(e *scimError) map[string]any {
	status := e.status
	if e.malformed && s.has(FaultMalformedJSON500) {
		status = http.StatusInternalServerError
	}
	body := map[string]any{
		"schemas": []any{uriError},
		"status":  strconv.Itoa(status),
	}
	if s.has(FaultErrorStatusInt) {
		body["status"] = status
	}
	if e.detail != "" {
		body["detail"] = e.detail
	}
	if e.scimType != "" && !(s.has(FaultNoScimType) && (status == http.StatusBadRequest || status == http.StatusConflict)) {
		body["scimType"] = e.scimType
	}
	return body
}

// writeError writes e as a SCIM error response.
func (s *Server) writeError(w http.ResponseWriter, e *scimError) {
	status := e.status
	if e.malformed && s.has(FaultMalformedJSON500) {
		status = http.StatusInternalServerError
	}
	if status == http.StatusNotFound && s.has(FaultNotFoundPlain) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("not found"))
		return
	}
	if e.plain {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(e.detail))
		return
	}
	s.writeJSON(w, status, s.errorBody(e))
}
