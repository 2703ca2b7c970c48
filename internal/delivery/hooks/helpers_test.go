package hooks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// deleted, as a value given to patch, removes the key.
var deleted = &struct{}{}

// mustProvider returns a registered provider.
func mustProvider(tb testing.TB, name string) Provider {
	tb.Helper()
	p, ok := Lookup(name)
	if !ok {
		tb.Fatalf("Lookup(%q): not found", name)
	}
	return p
}

// readFixture reads a file under testdata.
func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// patch sets dotted JSON paths in body ("pull_request.merged") to values
// and returns the result; deleted removes a key. Numbers keep their digits.
func patch(tb testing.TB, body []byte, pathsAndValues ...any) []byte {
	tb.Helper()
	var doc map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		tb.Fatalf("patch: %v", err)
	}
	for i := 0; i+1 < len(pathsAndValues); i += 2 {
		keys := strings.Split(pathsAndValues[i].(string), ".")
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		last := keys[len(keys)-1]
		if v := pathsAndValues[i+1]; v == deleted {
			delete(m, last)
		} else {
			m[last] = v
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatalf("patch: %v", err)
	}
	return out
}

// at parses an RFC 3339 time for a want.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UTC()
}

// parseCase is one delivery and what Parse should make of it: a batch, an
// ignore reason (a substring) or an error naming a field.
type parseCase struct {
	name    string
	event   string
	body    []byte
	want    delivery.Batch
	ignored string
	field   string
}

// runParseCases runs the cases through the provider's Parse.
func runParseCases(t *testing.T, p Provider, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Parse(tc.event, tc.body)
			switch {
			case tc.field != "":
				e := apperr.As(err)
				if e == nil || e.Code != apperr.Invalid || e.Field != tc.field {
					t.Fatalf("got error %v, want an invalid error on field %q", err, tc.field)
				}
				if !reflect.DeepEqual(got, delivery.Batch{}) {
					t.Errorf("got batch %+v with the error, want an empty batch", got)
				}
			case err != nil:
				t.Fatalf("got error %v, want none", err)
			case tc.ignored != "":
				if !strings.Contains(got.Ignored, tc.ignored) || !got.Empty() {
					t.Errorf("got ignored %q with %d records, want ignored containing %q and none",
						got.Ignored, len(got.Deployments)+len(got.Changes)+len(got.PullRequests)+len(got.Failures), tc.ignored)
				}
			default:
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got  %+v\nwant %+v", got, tc.want)
				}
				checkValid(t, got)
			}
		})
	}
}

// checkValid asserts that every record in b passes its Validate once a
// component is filled in, as the handler will do.
func checkValid(tb testing.TB, b delivery.Batch) {
	tb.Helper()
	for _, d := range b.Deployments {
		d.Changes = append([]string(nil), d.Changes...)
		if d.Component == "" {
			d.Component = "x"
		}
		if err := d.Validate(); err != nil {
			tb.Errorf("deployment %+v: Validate: %v", d, err)
		}
	}
	for _, c := range b.Changes {
		c.Parents = append([]string(nil), c.Parents...)
		if c.Component == "" {
			c.Component = "x"
		}
		if err := c.Validate(); err != nil {
			tb.Errorf("change %+v: Validate: %v", c, err)
		}
	}
	for _, p := range b.PullRequests {
		if p.Component == "" {
			p.Component = "x"
		}
		if err := p.Validate(); err != nil {
			tb.Errorf("pull request %+v: Validate: %v", p, err)
		}
	}
	for _, f := range b.Failures {
		if f.Component == "" {
			f.Component = "x"
		}
		if err := f.Validate(); err != nil {
			tb.Errorf("failure %+v: Validate: %v", f, err)
		}
	}
}
