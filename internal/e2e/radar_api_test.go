package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The radar's JSON API against a real server: Zalando's own radar file in
// and out again unchanged, a bad file refused line by line with nothing
// stored, the Backstage feed, and technologies, ring changes, usage, the
// hold report, decisions and experiments.

func readRadarFixture(t *testing.T, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "radar", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameJSONDoc decodes two JSON documents and compares them as values.
func sameJSONDoc(t *testing.T, what, got, want string) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal([]byte(got), &a); err != nil {
		t.Fatalf("%s: got %.200q, not JSON: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, b) {
		return
	}
	ga, gb := a.(map[string]any), b.(map[string]any)
	ea, eb := ga["entries"].([]any), gb["entries"].([]any)
	for i := 0; i < min(len(ea), len(eb)); i++ {
		if !reflect.DeepEqual(ea[i], eb[i]) {
			t.Fatalf("%s: entries[%d]: got %v, want %v", what, i, ea[i], eb[i])
		}
	}
	t.Fatalf("%s: got %d entries and keys %v, want %d entries and the fixture's keys", what, len(ea), ga, len(eb))
}

// radarImportError is the answer to a refused radar file.
type radarImportError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Problems []struct {
		Where   string `json:"where"`
		Line    int    `json:"line"`
		Index   int    `json:"index"`
		Message string `json:"message"`
	} `json:"problems"`
}

var dateOnlyRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func TestRadarAPI(t *testing.T) {
	skipShort(t)
	engines(t, func(t *testing.T, dbArgs []string) {
		srv := startServer(t, dbArgs)
		c := srv.setupAdmin(t)

		// Zalando's layout first, then its radar file.
		zalando := map[string]any{"title": "Zalando Tech Radar",
			"quadrants": []obj{{"name": "Languages"}, {"name": "Infrastructure"}, {"name": "Datastores"}, {"name": "Data Management"}},
			"rings":     []obj{{"name": "ADOPT"}, {"name": "TRIAL"}, {"name": "ASSESS"}, {"name": "HOLD"}}}
		var layout obj
		mustJSON(t, c, http.MethodPut, "/api/v1/radar", zalando, http.StatusOK, &layout)
		if rings := layout["rings"].([]any); rings[0].(obj)["color"] != "#5ba300" {
			t.Errorf("configured rings: got %v, want default colours filled in", rings)
		}

		fixture := readRadarFixture(t, "zalando-config.json")
		r := c.send(http.MethodPost, "/api/v1/radar/import?name=config.json", "application/json", fixture)
		if r.Status != http.StatusOK {
			t.Fatalf("import the Zalando radar: got status %d\n%.600s", r.Status, r.Body)
		}
		var res struct {
			Created, Moved, Updated, Unchanged []string
			Problems                           []any
		}
		decodeAs(t, "import result", r, &res)
		if len(res.Created) != 81 || len(res.Problems) != 0 {
			t.Fatalf("import: got %d created and problems %v, want 81 and none", len(res.Created), res.Problems)
		}
		var athena obj
		mustJSON(t, c, http.MethodGet, "/api/v1/radar/technologies/aws-athena", nil, http.StatusOK, &athena)
		if athena["quadrant_name"] != "Data Management" || athena["ring_name"] != "TRIAL" || athena["name"] != "AWS Athena" {
			t.Errorf("AWS Athena: got %v / %v, want Data Management / TRIAL", athena["quadrant_name"], athena["ring_name"])
		}

		// Out again, the same file.
		r = c.send(http.MethodGet, "/api/v1/radar/export?format=zalando", "", "")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("export: got status %d, type %q", r.Status, r.Header.Get("Content-Type"))
		}
		sameJSONDoc(t, "Zalando export", r.Body, fixture)
		r = c.send(http.MethodPost, "/api/v1/radar/import?format=zalando&name=config.json", "application/json", fixture)
		decodeAs(t, "second import", r, &res)
		if len(res.Unchanged) != 81 || len(res.Created)+len(res.Moved)+len(res.Updated) != 0 {
			t.Errorf("importing the same file again: got %d unchanged, %v created, %v moved, %v updated; want all unchanged",
				len(res.Unchanged), res.Created, res.Moved, res.Updated)
		}
		csv := c.send(http.MethodGet, "/api/v1/radar/export?format=byor-csv", "", "")
		if lines := strings.Count(strings.TrimSpace(csv.Body), "\n"); csv.Status != http.StatusOK || lines != 81 ||
			!strings.HasPrefix(csv.Body, "name,ring,quadrant,isNew,") {
			t.Errorf("BYOR CSV export: got status %d, %d lines after the header, starting %.60q", csv.Status, lines, csv.Body)
		}

		// A bad file: every problem by line, and nothing stored.
		bad := "name,ring,quadrant,isNew,description\n" +
			"Quarkus,TRIAL,Languages,TRUE,Fast startup\n" +
			"Redis,Sometimes,Datastores,FALSE,\n" +
			"Deno,ASSESS,Runtimes,FALSE,\n"
		r = c.send(http.MethodPost, "/api/v1/radar/import?name=bad.csv", "text/csv", bad)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: got status %d, want 422\n%s", r.Status, r.Body)
		}
		var refused radarImportError
		decodeAs(t, "bad file", r, &refused)
		var lines []int
		for _, p := range refused.Problems {
			lines = append(lines, p.Line)
		}
		if refused.Error.Code != "invalid" || !slices.Equal(lines, []int{3, 4}) ||
			!strings.Contains(refused.Error.Message, "bad.csv: line 3 (Redis): ring \"Sometimes\" matches none of ADOPT, TRIAL, ASSESS, HOLD") ||
			!strings.Contains(refused.Error.Message, "line 4 (Deno): quadrant \"Runtimes\"") || !strings.Contains(refused.Error.Message, "nothing was imported") {
			t.Errorf("bad file: got %s, want problems on lines 3 and 4 and nothing imported", r.Body)
		}
		wantAPIError(t, "Quarkus after the bad file", c.send(http.MethodGet, "/api/v1/radar/technologies/quarkus", "", ""), http.StatusNotFound, "not_found", "")
		var all []obj
		mustJSON(t, c, http.MethodGet, "/api/v1/radar/technologies", nil, http.StatusOK, &all)
		if len(all) != 81 {
			t.Errorf("after the bad file: got %d technologies, want still 81", len(all))
		}
		r = c.send(http.MethodPost, "/api/v1/radar/import", "text/plain", "just some words")
		wantAPIError(t, "a file that is no radar", r, http.StatusUnprocessableEntity, "invalid", "-")

		// The Backstage feed: the shape the tech-radar plugin reads.
		var bs struct {
			Quadrants []obj `json:"quadrants"`
			Rings     []obj `json:"rings"`
			Entries   []obj `json:"entries"`
		}
		r = mustJSON(t, c, http.MethodGet, "/api/v1/radar/backstage", nil, http.StatusOK, &bs)
		var top obj
		decodeAs(t, "backstage", r, &top)
		wantKeys(t, "backstage", top, "quadrants", "rings", "entries")
		quadrantIDs, ringIDs := map[string]bool{}, map[string]bool{}
		for _, q := range bs.Quadrants {
			wantKeys(t, "backstage quadrant", q, "id", "name")
			quadrantIDs[q["id"].(string)] = true
		}
		for _, g := range bs.Rings {
			wantKeys(t, "backstage ring", g, "id", "name", "color")
			ringIDs[g["id"].(string)] = true
		}
		if len(bs.Quadrants) != 4 || len(bs.Rings) != 4 || !quadrantIDs["datamanagement"] || !ringIDs["adopt"] {
			t.Errorf("backstage: got quadrants %v and rings %v", bs.Quadrants, bs.Rings)
		}
		if len(bs.Entries) != 81 {
			t.Fatalf("backstage: got %d entries, want 81", len(bs.Entries))
		}
		for _, e := range bs.Entries {
			for _, k := range []string{"key", "id", "title", "quadrant", "timeline"} {
				if _, ok := e[k]; !ok {
					t.Fatalf("backstage entry %v: no %s", e, k)
				}
			}
			if !quadrantIDs[e["quadrant"].(string)] {
				t.Errorf("backstage entry %s: quadrant %v is not a quadrant id", e["title"], e["quadrant"])
			}
			tl := e["timeline"].([]any)
			if len(tl) == 0 {
				t.Fatalf("backstage entry %s: empty timeline, want its ring", e["title"])
			}
			first := tl[0].(obj)
			if !ringIDs[first["ringId"].(string)] || !dateOnlyRe.MatchString(first["date"].(string)) {
				t.Errorf("backstage entry %s: got timeline %v, want a ring id and a date", e["title"], first)
			}
			if m := first["moved"].(float64); m != 0 && m != 1 && m != -1 {
				t.Errorf("backstage entry %s: moved %v, want -1, 0 or 1", e["title"], m)
			}
		}

		// Technologies by hand: a ring change, users and the hold report.
		mustCreate(t, c, descriptor("Group", "payments", map[string]any{"type": "team", "children": []any{}}))
		mustCreate(t, c, descriptor("User", "ana", map[string]any{"memberOf": []any{"payments"}}))
		mustCreate(t, c, componentDesc("checkout", "payments"))
		var tech obj
		r = mustJSON(t, c, http.MethodPost, "/api/v1/radar/technologies", obj{"name": "Cobol", "quadrant": "Languages", "ring": "TRIAL",
			"owner": "payments", "links": []obj{{"url": "https://example.com/cobol"}}}, http.StatusCreated, &tech)
		if r.Location != "/api/v1/radar/technologies/cobol" || tech["owner"] != "group:default/payments" {
			t.Errorf("create Cobol: got Location %q and %v", r.Location, tech)
		}
		wantAPIError(t, "a second COBOL", c.json(http.MethodPost, "/api/v1/radar/technologies", obj{"name": "COBOL", "quadrant": "Languages", "ring": "HOLD"}, nil),
			http.StatusConflict, "conflict", "name")
		wantAPIError(t, "a ring change by update", c.json(http.MethodPut, "/api/v1/radar/technologies/cobol", obj{"name": "Cobol", "quadrant": "Languages", "ring": "HOLD"}, nil),
			http.StatusUnprocessableEntity, "invalid", "ring")
		mustJSON(t, c, http.MethodPut, "/api/v1/radar/usage", obj{"component": "checkout", "technologies": []string{"Cobol", "Flink"}}, http.StatusOK, nil)
		review := time.Now().AddDate(0, 6, 0).UTC().Truncate(time.Second)
		var change obj
		mustJSON(t, c, http.MethodPost, "/api/v1/radar/technologies/cobol/ring-changes", obj{"ring": "HOLD", "decided_by": "board",
			"reason": "No one left who writes it", "review_at": review.Format(time.RFC3339)}, http.StatusCreated, &change)
		if change["from_name"] != "TRIAL" || change["to_name"] != "HOLD" || change["review_at"] != review.Format(time.RFC3339) {
			t.Errorf("ring change: got %v", change)
		}
		wantAPIError(t, "a ring change without a reason", c.json(http.MethodPost, "/api/v1/radar/technologies/cobol/ring-changes",
			obj{"ring": "ADOPT", "decided_by": "board"}, nil), http.StatusUnprocessableEntity, "invalid", "reason")
		var history []obj
		mustJSON(t, c, http.MethodGet, "/api/v1/radar/technologies/cobol/ring-changes", nil, http.StatusOK, &history)
		if len(history) != 2 || history[1]["reason"] != "No one left who writes it" {
			t.Errorf("Cobol's history: got %v", history)
		}
		var hold []obj
		mustJSON(t, c, http.MethodGet, "/api/v1/radar/hold", nil, http.StatusOK, &hold)
		var held []string
		for _, e := range hold {
			if e["entity"] == "component:default/checkout" {
				held = append(held, e["technology"].(string))
				if e["owner"] != "group:default/payments" || e["lifecycle"] != "production" {
					t.Errorf("hold entry: got %v", e)
				}
			}
		}
		if !slices.Equal(held, []string{"Cobol"}) {
			t.Errorf("hold report for checkout: got %v, want Cobol (Flink is adopted)", held)
		}
		var snap struct {
			Blips []obj `json:"blips"`
		}
		mustJSON(t, c, http.MethodGet, "/api/v1/radar/snapshot?since=30d", nil, http.StatusOK, &snap)
		for _, b := range snap.Blips {
			if b["name"] == "Cobol" && (b["ring_name"] != "HOLD" || b["marker"] != "new" || b["users"] != 1.0) {
				t.Errorf("Cobol in the snapshot: got %v, want HOLD, new, 1 user", b)
			}
		}
		mustJSON(t, c, http.MethodGet, "/api/v1/radar/snapshot?at=2000-01-01", nil, http.StatusOK, &snap)
		if len(snap.Blips) != 0 {
			t.Errorf("radar as of 2000: got %d blips, want none", len(snap.Blips))
		}
		wantAPIError(t, "a snapshot of no date", c.send(http.MethodGet, "/api/v1/radar/snapshot?at=soon", "", ""), http.StatusUnprocessableEntity, "invalid", "at")

		// Decisions: one imported from a MADR file, one made here.
		madr := readRadarFixture(t, "madr", "0002-use-go-for-services.md")
		var adrRes struct{ Created []int }
		r = c.send(http.MethodPost, "/api/v1/decisions/import?file=0002-use-go-for-services.md", "text/markdown", madr)
		if r.Status != http.StatusOK {
			t.Fatalf("import an ADR: got status %d\n%s", r.Status, r.Body)
		}
		decodeAs(t, "ADR import", r, &adrRes)
		if !slices.Equal(adrRes.Created, []int{2}) {
			t.Errorf("ADR import: got created %v, want [2]", adrRes.Created)
		}
		md := c.send(http.MethodGet, "/api/v1/decisions/2/markdown", "", "")
		if md.Status != http.StatusOK || md.Body != madr {
			t.Errorf("decision 2 as Markdown: got status %d and a file that differs from the one imported:\n%s", md.Status, md.Body)
		}
		var dec obj
		mustJSON(t, c, http.MethodPost, "/api/v1/decisions", obj{"title": "Retire Cobol", "status": "accepted", "technologies": []string{"cobol"},
			"entities": []string{"checkout"}}, http.StatusCreated, &dec)
		if dec["number"] != 3.0 || !reflect.DeepEqual(dec["technologies"], []any{"Cobol"}) {
			t.Errorf("new decision: got %v, want number 3 about Cobol", dec)
		}
		mustJSON(t, c, http.MethodPut, "/api/v1/decisions/2", obj{"title": "Use Go for services", "status": "superseded", "superseded_by": 3,
			"deciders": []string{"Ana Lima", "Bo Chen"}}, http.StatusOK, nil)
		wantAPIError(t, "delete a decision that supersedes one", c.send(http.MethodDelete, "/api/v1/decisions/3", "", ""), http.StatusConflict, "conflict", "")
		var decs []obj
		mustJSON(t, c, http.MethodGet, "/api/v1/decisions?status=superseded", nil, http.StatusOK, &decs)
		if len(decs) != 1 || decs[0]["number"] != 2.0 {
			t.Errorf("superseded decisions: got %v, want ADR 2", decs)
		}

		// Experiments: planned, started, concluded with a proposal, applied.
		var exp obj
		start := time.Now().AddDate(0, 0, -30).Format("2006-01-02") + "T00:00:00Z"
		end := time.Now().AddDate(0, 0, -2).Format("2006-01-02") + "T00:00:00Z"
		r = mustJSON(t, c, http.MethodPost, "/api/v1/experiments", obj{"hypothesis": "Flink halves the lag", "technology": "Flink",
			"owner": "ana", "team": "payments", "start": start, "end": end}, http.StatusCreated, &exp)
		path := r.Location
		mustJSON(t, c, http.MethodPost, path+"/start", nil, http.StatusOK, &exp)
		var overview []obj
		mustJSON(t, c, http.MethodGet, "/api/v1/experiments/overview", nil, http.StatusOK, &overview)
		if len(overview) != 1 || len(overview[0]["overdue"].([]any)) != 1 {
			t.Errorf("overview: got %v, want payments with one overdue experiment", overview)
		}
		wantAPIError(t, "start twice", c.send(http.MethodPost, path+"/start", "", ""), http.StatusConflict, "conflict", "")
		mustJSON(t, c, http.MethodPost, path+"/conclude", obj{"outcome": "Lag down 60%", "proposed_ring": "TRIAL"}, http.StatusOK, &exp)
		var applied obj
		mustJSON(t, c, http.MethodPost, path+"/apply", obj{"decided_by": "board"}, http.StatusCreated, &applied)
		if applied["technology"] != "Flink" || applied["to_name"] != "TRIAL" || applied["experiment"] != exp["id"] {
			t.Errorf("applied proposal: got %v", applied)
		}
	})
}
