package suites

import "time"

// Status is the outcome of one check.
type Status string

// The outcomes. Failed means a MUST was violated; Warning a SHOULD or MAY;
// Skipped always carries a reason; Error means the harness or the transport
// broke, which is not the target's fault.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Warning Status = "warning"
	Skipped Status = "skipped"
	Error   Status = "error"
)

// Statuses lists every status in report order.
var Statuses = []Status{Passed, Failed, Warning, Skipped, Error}

// Exchange is one HTTP request and its response, as evidence. Secrets are
// redacted before an Exchange is built.
type Exchange struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	RequestHeaders  map[string]string `json:"request_headers,omitempty"`
	RequestBody     string            `json:"request_body,omitempty"`
	Status          int               `json:"status"`
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
	ResponseBody    string            `json:"response_body,omitempty"`
	DurationMS      int64             `json:"duration_ms"`
	// Error is the transport error, when no response came back.
	Error string `json:"error,omitempty"`
}

// Result is the immutable outcome of one check in one run.
type Result struct {
	ID        string
	Title     string
	Spec      string
	Rule      string
	Level     Level
	Kind      Kind
	Labels    []string
	Covers    []string
	Status    Status
	Reason    string
	Logs      []string
	Started   time.Time
	Duration  time.Duration
	Exchanges []Exchange
	// Baseline is the reason of the baseline entry that lists this failure
	// or warning as a known deviation of the target; empty otherwise.
	Baseline string
}

// RunInfo describes one run as a whole.
type RunInfo struct {
	Target   string
	Started  time.Time
	Finished time.Time
	Seed     uint64
	Version  string
	Dialect  string
	// RunID is the run marker every resource the run created carries.
	RunID string
	// Baseline describes the baseline the run was judged against, if any.
	Baseline BaselineInfo
}

// BaselineInfo names a run's baseline file, its entries whose check now
// passes (they can go) and those past their expiry date.
type BaselineInfo struct {
	File    string
	Fixed   []string
	Expired []string
}

// Report is everything a reporter needs: the run and its results in plan order.
type Report struct {
	Run     RunInfo
	Results []Result
}

// Summary counts results per status.
type Summary map[Status]int

// Summarize counts the results per status.
func Summarize(rs []Result) Summary {
	s := Summary{}
	for _, st := range Statuses {
		s[st] = 0
	}
	for _, r := range rs {
		s[r.Status]++
	}
	return s
}

// Total is the number of results counted.
func (s Summary) Total() int {
	n := 0
	for _, v := range s {
		n += v
	}
	return n
}
