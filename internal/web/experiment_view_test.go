package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/radar"
)

// send is do with a raw body, for the API, as an editor.
func (f *relFixture) send(t *testing.T, method, target, contentType, body string) relResponse {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.sessions[auth.Editor]})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return relResponse{status: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String()}
}

// concludedExperiment makes an experiment on tech, concluded proposing ring.
func (f *relFixture) concludedExperiment(t *testing.T, tech, ring string) radar.Experiment {
	t.Helper()
	e, err := f.s.radar.CreateExperiment(f.ctx, radar.ExperimentInput{Hypothesis: "h", Technology: tech, Owner: "ana", Team: "payments",
		Start: time.Now().AddDate(0, 0, -30), End: time.Now().AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.radar.StartExperiment(f.ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if e, err = f.s.radar.ConcludeExperiment(f.ctx, e.ID, radar.Conclusion{Outcome: "Worked", ProposedRing: ring}); err != nil {
		t.Fatal(err)
	}
	return e
}

// Applying a proposal of the ring the technology is in already marks it
// applied and says that the ring did not change, on the page and in the API.
func TestApplyProposalOfCurrentRing(t *testing.T) {
	f := newRadarFixture(t)
	f.tech(t, "Temporal", "Platforms", "Assess", 100)
	f.tech(t, "Flink", "Platforms", "Assess", 100)
	page := f.concludedExperiment(t, "Temporal", "Trial")
	api := f.concludedExperiment(t, "Flink", "Trial")
	f.move(t, "Temporal", "Trial", 0)
	f.move(t, "Flink", "Trial", 0)

	r := f.post(t, "/experiments/"+itoa(page.ID)+"/apply", url.Values{"decided_by": {"board"}}, http.StatusSeeOther)
	if !strings.HasPrefix(r.location, "/experiments/"+itoa(page.ID)+"?notice=") {
		t.Fatalf("apply: got Location %s, want the experiment with a notice", r.location)
	}
	notice, _ := url.QueryUnescape(strings.SplitN(r.location, "notice=", 2)[1])
	if !strings.Contains(notice, "Temporal is in Trial already") {
		t.Errorf("got notice %q, want it to say Temporal is in Trial already", notice)
	}
	if e, _ := f.s.radar.Experiment(f.ctx, page.ID); !e.ProposalApplied {
		t.Error("page: got the proposal not applied, want it applied")
	}

	r = f.send(t, http.MethodPost, "/api/v1/experiments/"+itoa(api.ID)+"/apply", "application/json", `{"decided_by": "board"}`)
	if r.status != http.StatusOK {
		t.Fatalf("API apply: got status %d, want 200\n%s", r.status, r.body)
	}
	var answer struct {
		Moved      bool             `json:"moved"`
		Message    string           `json:"message"`
		Experiment radar.Experiment `json:"experiment"`
	}
	if err := json.Unmarshal([]byte(r.body), &answer); err != nil {
		t.Fatalf("API apply: got %s, not JSON: %v", r.body, err)
	}
	if answer.Moved || !answer.Experiment.ProposalApplied || !strings.Contains(answer.Message, "Flink is in Trial already") {
		t.Errorf("API apply: got %+v, want not moved, applied, with a message", answer)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
