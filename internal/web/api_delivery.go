package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// apiIngest stores the records of a POST body, one JSON object or an
// array of them. For one object, an error names its field as a form would
// ("sha"), not its place in a list ("deployments[0].sha").
func apiIngest[T any](s *Server, w http.ResponseWriter, r *http.Request, list string, put func(*delivery.Batch, []T)) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
	if err != nil {
		return apperr.New(apperr.Invalid, "request body: %v", err)
	}
	body = bytes.TrimSpace(body)
	single := len(body) == 0 || body[0] != '['
	var items []T
	if single {
		var one T
		err = strictJSON(body, &one)
		items = []T{one}
	} else {
		err = strictJSON(body, &items)
	}
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return apperr.New(apperr.Invalid, "request body holds no record")
	}
	var b delivery.Batch
	put(&b, items)
	res, err := s.delivery.Ingest(r.Context(), b)
	if e := apperr.As(err); single && e != nil && strings.HasPrefix(e.Field, list+"[0].") {
		return apperr.Field(strings.TrimPrefix(e.Field, list+"[0]."), "%s", e.Message)
	}
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !res.Stored() {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}

// strictJSON decodes body into dst, refusing unknown fields, and names the
// field at fault where it can.
func strictJSON(body []byte, dst any) error {
	return decodeJSON(&http.Request{Body: io.NopCloser(bytes.NewReader(body))}, dst)
}

func (s *Server) apiDeploymentCreate(w http.ResponseWriter, r *http.Request) error {
	return apiIngest(s, w, r, "deployments", func(b *delivery.Batch, l []delivery.DeploymentInput) { b.Deployments = l })
}

func (s *Server) apiChangeCreate(w http.ResponseWriter, r *http.Request) error {
	return apiIngest(s, w, r, "changes", func(b *delivery.Batch, l []delivery.ChangeInput) { b.Changes = l })
}

func (s *Server) apiPullRequestCreate(w http.ResponseWriter, r *http.Request) error {
	return apiIngest(s, w, r, "pull_requests", func(b *delivery.Batch, l []delivery.PullRequestInput) { b.PullRequests = l })
}

func (s *Server) apiFailureCreate(w http.ResponseWriter, r *http.Request) error {
	return apiIngest(s, w, r, "failures", func(b *delivery.Batch, l []delivery.FailureInput) { b.Failures = l })
}

// isTrue reads a yes-or-no query parameter: 1 or true.
func isTrue(v string) bool { return v == "1" || v == "true" }

// deliveryScope reads ?component=, ?system= and ?team=.
func deliveryScope(r *http.Request) delivery.Scope {
	q := r.URL.Query()
	return delivery.Scope{Component: q.Get("component"), System: q.Get("system"), Team: q.Get("team")}
}

// deliveryWindow reads ?since= or ?from= and ?to=.
func deliveryWindow(r *http.Request) (delivery.Window, error) {
	q := r.URL.Query()
	return delivery.ParseWindow(q.Get("since"), q.Get("from"), q.Get("to"), time.Now())
}

// deliveryYear reads ?year=, the DORA table to compare with.
func deliveryYear(r *http.Request) (delivery.Benchmark, error) {
	y := r.URL.Query().Get("year")
	if y == "" {
		return delivery.Benchmarks[0], nil
	}
	n, _ := strconv.Atoi(y)
	b, ok := delivery.BenchmarkFor(n)
	if !ok {
		return b, apperr.Field("year", "must be 2024 or 2023")
	}
	return b, nil
}

func (s *Server) apiDORA(w http.ResponseWriter, r *http.Request) error {
	win, err := deliveryWindow(r)
	if err != nil {
		return err
	}
	bench, err := deliveryYear(r)
	if err != nil {
		return err
	}
	sum, err := s.delivery.Summarize(r.Context(), deliveryScope(r), win, bench)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Server) apiDeliveryReport(w http.ResponseWriter, r *http.Request) error {
	win, err := deliveryWindow(r)
	if err != nil {
		return err
	}
	rep, err := s.delivery.Report(r.Context(), deliveryScope(r), win)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// deploymentQuery reads the deployment log's filters from the query string.
func deploymentQuery(r *http.Request) (delivery.DeploymentQuery, error) {
	q := r.URL.Query()
	dq := delivery.DeploymentQuery{Scope: deliveryScope(r), Environment: q.Get("environment"), Result: q.Get("result"),
		Failed: isTrue(q.Get("failed")), Rework: isTrue(q.Get("rework")), Finished: isTrue(q.Get("finished")),
		Sort: q.Get("sort")}
	if q.Get("since") != "" || q.Get("from") != "" || q.Get("to") != "" {
		win, err := deliveryWindow(r)
		if err != nil {
			return dq, err
		}
		dq.Window = win
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"limit", &dq.Limit}, {"offset", &dq.Offset}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return dq, apperr.Field(f.name, "must be a whole number")
			}
			*f.dst = n
		}
	}
	return dq, dq.Validate()
}

func (s *Server) apiDeploymentList(w http.ResponseWriter, r *http.Request) error {
	dq, err := deploymentQuery(r)
	if err != nil {
		return err
	}
	list, total, err := s.delivery.Deployments(r.Context(), dq)
	if err != nil {
		return err
	}
	if list == nil {
		list = []delivery.Deployment{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list, "total": total})
	return nil
}

// apiDeploymentID reads {id}.
func apiDeploymentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "no deployment %q", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) apiDeploymentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := apiDeploymentID(r)
	if err != nil {
		return err
	}
	d, err := s.delivery.Deployment(r.Context(), id)
	if err != nil {
		return err
	}
	changes, err := s.delivery.Shipped(r.Context(), id)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []delivery.ShippedChange{}
	}
	writeJSON(w, http.StatusOK, struct {
		delivery.Deployment
		Changes []delivery.ShippedChange `json:"changes"`
	}{d, changes})
	return nil
}

func (s *Server) apiFailureList(w http.ResponseWriter, r *http.Request) error {
	win, err := deliveryWindow(r)
	if err != nil {
		return err
	}
	list, err := s.delivery.Failures(r.Context(), deliveryScope(r), win)
	if err != nil {
		return err
	}
	if list == nil {
		list = []delivery.Failure{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}
