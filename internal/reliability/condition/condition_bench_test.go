package condition

import (
	"encoding/json"
	"testing"
	"time"
)

// healthBody is a typical ~200-byte health endpoint answer, with the field
// the condition reads last, so the scanner passes over everything else.
var healthBody = []byte(`{"service":"checkout","region":"eu-west-1","version":"1.24.3","uptime_seconds":86400,` +
	`"checks":[{"name":"db","status":"UP"},{"name":"cache","status":"UP"},{"name":"queue","status":"UP"}],"status":"UP"}`)

func benchEval(b *testing.B, expr string) {
	b.Helper()
	c, err := Parse(expr)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Status: 200, ResponseTime: 42 * time.Millisecond, Body: healthBody, Connected: true}
	if v := c.Eval(in); !v.OK {
		b.Fatalf("got %+v, want OK", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Eval(in)
	}
}

func BenchmarkEvalStatus(b *testing.B)       { benchEval(b, "[STATUS] == 200") }
func BenchmarkEvalResponseTime(b *testing.B) { benchEval(b, "[RESPONSE_TIME] < 1s") }
func BenchmarkEvalBodyStatus(b *testing.B)   { benchEval(b, "[BODY].status == UP") }
func BenchmarkEvalBodyNested(b *testing.B)   { benchEval(b, "[BODY].checks[2].status == UP") }
func BenchmarkEvalLen(b *testing.B)          { benchEval(b, "len([BODY].checks) == 3") }
func BenchmarkEvalAny(b *testing.B)          { benchEval(b, "[STATUS] == any(200, 201, 204)") }

// BenchmarkDecodeMap is the approach the scanner replaces: decode the whole
// body and read one field.
func BenchmarkDecodeMap(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(healthBody, &m); err != nil || m["status"] != "UP" {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("[BODY].checks[2].status == any(UP, OK)"); err != nil {
			b.Fatal(err)
		}
	}
}
