package condition

import (
	"strings"
	"testing"
	"time"
)

// observed is a healthy HTTPS check; cases change what they look at.
func observed(change func(in *Input)) *Input {
	in := &Input{
		Status:                200,
		ResponseTime:          123 * time.Millisecond,
		Body:                  []byte(`{"status":"UP","items":[{"ok":true},{"ok":false}],"name":"john doe"}`),
		Connected:             true,
		CertificateExpiration: 300 * time.Hour,
		HasCertificate:        true,
		DNSRcode:              "NOERROR",
		IP:                    "10.0.0.1",
	}
	if change != nil {
		change(in)
	}
	return in
}

func body(s string) func(*Input) { return func(in *Input) { in.Body = []byte(s) } }

type evalCase struct {
	name   string
	expr   string
	change func(*Input)
	ok     bool
	detail string
}

func runEvalCases(t *testing.T, tests []evalCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			got := c.Eval(observed(tt.change))
			if got.OK != tt.ok {
				t.Errorf("got OK %v, want %v (%s)", got.OK, tt.ok, got.Detail)
			}
			if got.Detail != tt.detail {
				t.Errorf("got Detail %q, want %q", got.Detail, tt.detail)
			}
			if got.Condition != c.String() {
				t.Errorf("got Condition %q, want %q", got.Condition, c.String())
			}
		})
	}
}

func TestEvalPlaceholders(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"status holds", "[STATUS] == 200", nil, true, "[STATUS] (200) == 200"},
		{"status fails", "[STATUS] == 200", func(in *Input) { in.Status = 503 }, false, "[STATUS] (503) == 200"},
		{"status without response", "[STATUS] == 200", func(in *Input) { in.Status = 0 }, false, "[STATUS] (0) == 200"},
		{"response time in ms", "[RESPONSE_TIME] < 500", nil, true, "[RESPONSE_TIME] (123) < 500"},
		{"response time against duration", "[RESPONSE_TIME] < 1s",
			func(in *Input) { in.ResponseTime = 1500 * time.Millisecond }, false, "[RESPONSE_TIME] (1500) < 1s"},
		{"response time truncates to ms", "[RESPONSE_TIME] == 0",
			func(in *Input) { in.ResponseTime = 999 * time.Microsecond }, true, "[RESPONSE_TIME] (0) == 0"},
		{"body whole, trimmed", "[BODY] == pong", body("pong\n"), true, "[BODY] (pong) == pong"},
		{"body whole differs", "[BODY] == pong", body("ping"), false, "[BODY] (ping) == pong"},
		{"body empty", `[BODY] == ""`, body(""), true, `[BODY] () == ""`},
		{"body numeric", "[BODY] > 10", body("42"), true, "[BODY] (42) > 10"},
		{"connected", "[CONNECTED] == true", nil, true, "[CONNECTED] (true) == true"},
		{"not connected", "[CONNECTED] == true", func(in *Input) { in.Connected = false }, false, "[CONNECTED] (false) == true"},
		{"certificate hours", "[CERTIFICATE_EXPIRATION] > 240h", nil, true, "[CERTIFICATE_EXPIRATION] (300h0m0s) > 240h"},
		{"certificate expiring", "[CERTIFICATE_EXPIRATION] > 48h",
			func(in *Input) { in.CertificateExpiration = 47 * time.Hour }, false, "[CERTIFICATE_EXPIRATION] (47h0m0s) > 48h"},
		{"certificate mixed units", "[CERTIFICATE_EXPIRATION] >= 1h30m",
			func(in *Input) { in.CertificateExpiration = 90 * time.Minute }, true, "[CERTIFICATE_EXPIRATION] (1h30m0s) >= 1h30m"},
		{"certificate in ms", "[CERTIFICATE_EXPIRATION] > 86400000",
			func(in *Input) { in.CertificateExpiration = 25 * time.Hour }, true, "[CERTIFICATE_EXPIRATION] (25h0m0s) > 86400000"},
		{"no certificate", "[CERTIFICATE_EXPIRATION] > 48h",
			func(in *Input) { in.HasCertificate, in.CertificateExpiration = false, 0 }, false,
			"[CERTIFICATE_EXPIRATION]: no certificate was seen"},
		{"dns rcode", "[DNS_RCODE] == NOERROR", func(in *Input) { in.DNSRcode = "NXDOMAIN" }, false, "[DNS_RCODE] (NXDOMAIN) == NOERROR"},
		{"ip", "[IP] == 10.0.0.1", nil, true, "[IP] (10.0.0.1) == 10.0.0.1"},
		{"ipv6", "[IP] == ::1", func(in *Input) { in.IP = "::1" }, true, "[IP] (::1) == ::1"},
	})
}

func TestEvalOperators(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"not equal holds", "[STATUS] != 500", nil, true, "[STATUS] (200) != 500"},
		{"not equal fails", "[STATUS] != 200", nil, false, "[STATUS] (200) != 200"},
		{"less than at edge", "[STATUS] < 200", nil, false, "[STATUS] (200) < 200"},
		{"less or equal at edge", "[STATUS] <= 200", nil, true, "[STATUS] (200) <= 200"},
		{"greater than at edge", "[STATUS] > 200", nil, false, "[STATUS] (200) > 200"},
		{"greater or equal at edge", "[STATUS] >= 200", nil, true, "[STATUS] (200) >= 200"},
		{"numbers compare as numbers, not text", "[BODY].v > 9", body(`{"v":10}`), true, "[BODY].v (10) > 9"},
		{"integer equals float", "[BODY].v == 200", body(`{"v":200.0}`), true, "[BODY].v (200.0) == 200"},
		{"floats", "[BODY].ratio >= 0.5", body(`{"ratio":0.25}`), false, "[BODY].ratio (0.25) >= 0.5"},
		{"exponent", "[BODY].n == 1000", body(`{"n":1e3}`), true, "[BODY].n (1e3) == 1000"},
		{"negative", "[BODY].n < 0", body(`{"n":-3}`), true, "[BODY].n (-3) < 0"},
		{"big integers stay exact", "[BODY].id == 9007199254740993", body(`{"id":9007199254740992}`), false,
			"[BODY].id (9007199254740992) == 9007199254740993"},
		{"numeric string compares as number", "[BODY].code == 200", body(`{"code":"200"}`), true, "[BODY].code (200) == 200"},
		{"text compares as text", "[DNS_RCODE] < SERVFAIL", nil, true, "[DNS_RCODE] (NOERROR) < SERVFAIL"},
		{"text against number compares as text", "[BODY].v > 9", body(`{"v":"abc"}`), true, "[BODY].v (abc) > 9"},
		{"text is case-sensitive", "[BODY].status == up", nil, false, "[BODY].status (UP) == up"},
		{"right side keeps spaces", "[BODY].msg == hello world", body(`{"msg":"hello world"}`), true,
			"[BODY].msg (hello world) == hello world"},
		{"quoted right side", `[BODY].msg == " x"`, body(`{"msg":" x"}`), true, `[BODY].msg ( x) == " x"`},
		{"no spaces around operator", "[STATUS]==200", nil, true, "[STATUS] (200) == 200"},
		{"placeholder on the right", "300 > [STATUS]", nil, true, "300 > [STATUS] (200)"},
		{"placeholders on both sides", "[BODY].expected == [STATUS]", body(`{"expected":204}`), false,
			"[BODY].expected (204) == [STATUS] (200)"},
	})
}

func TestEvalFunctions(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"len of array", "len([BODY].items) > 0", nil, true, "len([BODY].items) (2) > 0"},
		{"len of empty array", "len([BODY].items) > 0", body(`{"items":[ ]}`), false, "len([BODY].items) (0) > 0"},
		{"len of object", "len([BODY].o) == 3", body(`{"o":{"a":1,"b":[1,2],"c":{"d":2}}}`), true, "len([BODY].o) (3) == 3"},
		{"len of empty object", "len([BODY].o) == 0", body(`{"o":{}}`), true, "len([BODY].o) (0) == 0"},
		{"len of string", "len([BODY].name) == 8", nil, true, "len([BODY].name) (8) == 8"},
		{"len of escaped string", "len([BODY].s) == 3", body(`{"s":"a\"b"}`), true, "len([BODY].s) (3) == 3"},
		{"len of number text", "len([BODY].n) == 3", body(`{"n":1.5}`), true, "len([BODY].n) (3) == 3"},
		{"len of body", "len([BODY]) == 4", body(" pong\n"), true, "len([BODY]) (4) == 4"},
		{"len of missing key", "len([BODY].nope) > 0", nil, false, "[BODY].nope: no such key"},
		{"has present", "has([BODY].status) == true", nil, true, "has([BODY].status) (true) == true"},
		{"has absent", "has([BODY].errors) == false", nil, true, "has([BODY].errors) (false) == false"},
		{"has null", "has([BODY].errors) == false", body(`{"errors":null}`), false, "has([BODY].errors) (true) == false"},
		{"has out of range", "has([BODY].items[2]) == false", nil, true, "has([BODY].items[2]) (false) == false"},
		{"has through a string", "has([BODY].name.first) == false", nil, true, "has([BODY].name.first) (false) == false"},
		{"has on HTML", "has([BODY].errors) == false", body("<html>oops</html>"), false,
			`[BODY].errors: body is not JSON (unexpected '<' at byte 0)`},
		{"pat contains", "[BODY].name == pat(*john*)", nil, true, "[BODY].name (john doe) == pat(*john*)"},
		{"pat no match", "[BODY].name == pat(*jane*)", nil, false, "[BODY].name (john doe) == pat(*jane*)"},
		{"pat on status", "[STATUS] == pat(2*)", func(in *Input) { in.Status = 204 }, true, "[STATUS] (204) == pat(2*)"},
		{"pat negated", "[STATUS] != pat(5*)", func(in *Input) { in.Status = 502 }, false, "[STATUS] (502) != pat(5*)"},
		{"pat question mark", "[BODY].name == pat(j?hn*)", nil, true, "[BODY].name (john doe) == pat(j?hn*)"},
		{"pat whole body with markup", "[BODY] == pat(*<h1>Example Domain</h1>*)",
			body("<html><h1>Example Domain</h1></html>"), true,
			"[BODY] (<html><h1>Example Domain</h1></html>) == pat(*<h1>Example Domain</h1>*)"},
		{"pat with parentheses", "[BODY] == pat(*(beta)*)", body("v2 (beta)"), true, "[BODY] (v2 (beta)) == pat(*(beta)*)"},
		{"pat on the left", "pat(*doe) == [BODY].name", nil, true, "pat(*doe) == [BODY].name (john doe)"},
		{"any status", "[STATUS] == any(200, 201, 204)", func(in *Input) { in.Status = 201 }, true,
			"[STATUS] (201) == any(200, 201, 204)"},
		{"any status misses", "[STATUS] == any(200, 201, 204)", func(in *Input) { in.Status = 500 }, false,
			"[STATUS] (500) == any(200, 201, 204)"},
		{"any text", "[BODY].status == any(UP, OK)", body(`{"status":"OK"}`), true, "[BODY].status (OK) == any(UP, OK)"},
		{"any negated", "[BODY].status != any(DOWN, ERROR)", nil, true, "[BODY].status (UP) != any(DOWN, ERROR)"},
		{"any quoted with comma", `[BODY].s == any("a, b", c)`, body(`{"s":"a, b"}`), true, `[BODY].s (a, b) == any("a, b", c)`},
		{"any numeric", "[BODY].n == any(1, 2)", body(`{"n":2.0}`), true, "[BODY].n (2.0) == any(1, 2)"},
	})
}

func TestEvalJSONPaths(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"top-level key", "[BODY].status == UP", nil, true, "[BODY].status (UP) == UP"},
		{"key fails", "[BODY].status == UP", body(`{"status":"DOWN"}`), false, "[BODY].status (DOWN) == UP"},
		{"nested objects", "[BODY].a.b.c == 1", body(`{"a":{"b":{"c":1}}}`), true, "[BODY].a.b.c (1) == 1"},
		{"array in object", "[BODY].items[1].ok == false", nil, true, "[BODY].items[1].ok (false) == false"},
		{"root array", "[BODY][0].x == y", body(`[{"x":"y"}]`), true, "[BODY][0].x (y) == y"},
		{"nested arrays", "[BODY].m[1][0] == 3", body(`{"m":[[1,2],[3,4]]}`), true, "[BODY].m[1][0] (3) == 3"},
		{"null", "[BODY].v == null", body(`{"v":null}`), true, "[BODY].v (null) == null"},
		{"object shown as JSON", "[BODY].o == x", body(`{"o": {"a": [1, 2]}}`), false, `[BODY].o ({"a": [1, 2]}) == x`},
		{"white space everywhere", "[BODY].a[0].b == c", body(" \n{ \"a\" :\t[ { \"b\" : \"c\" } ] }\r\n"), true, "[BODY].a[0].b (c) == c"},
		{"escaped quote in value", `[BODY].s == a"b`, body(`{"s":"a\"b"}`), true, `[BODY].s (a"b) == a"b`},
		{"unicode escape", "[BODY].s == café", body(`{"s":"caf\u00e9"}`), true, "[BODY].s (café) == café"},
		{"surrogate pair", "[BODY].s == 😀", body(`{"s":"\ud83d\ude00"}`), true, "[BODY].s (😀) == 😀"},
		{"escaped key", "[BODY].status == UP", body(`{"st\u0061tus":"UP"}`), true, "[BODY].status (UP) == UP"},
		{"skips brackets inside strings", "[BODY].status == UP", body(`{"a":"}]\"{[","status":"UP"}`), true,
			"[BODY].status (UP) == UP"},
		{"ignores keys of nested objects", "[BODY].status == UP", body(`{"x":{"status":"DOWN"},"status":"UP"}`), true,
			"[BODY].status (UP) == UP"},
		{"key with dash", "[BODY].x-id == 7", body(`{"x-id":7}`), true, "[BODY].x-id (7) == 7"},
		{"missing key", "[BODY].status == UP", body(`{"state":"UP"}`), false, "[BODY].status: no such key"},
		{"missing nested key", "[BODY].a.b.c == 1", body(`{"a":{"x":1}}`), false, "[BODY].a.b: no such key"},
		{"index out of range", "[BODY].items[5].ok == true", nil, false, "[BODY].items[5]: no such index, [BODY].items has 2 elements"},
		{"index past one element", "[BODY][1] == 1", body(`[1]`), false, "[BODY][1]: no such index, [BODY] has 1 element"},
		{"index into empty array", "[BODY][0] == 1", body(`[]`), false, "[BODY][0]: no such index, [BODY] has 0 elements"},
		{"key into a string", "[BODY].name.first == john", nil, false, "[BODY].name.first: [BODY].name is a string, not an object"},
		{"index into an object", "[BODY].status[0] == U", nil, false, "[BODY].status[0]: [BODY].status is a string, not an array"},
		{"key into a root array", "[BODY].status == UP", body(`[1]`), false, "[BODY].status: [BODY] is an array, not an object"},
		{"HTML body", "[BODY].status == UP", body("<html>502 Bad Gateway</html>"), false,
			"[BODY].status: body is not JSON (unexpected '<' at byte 0)"},
		{"plain text body", "[BODY].status == UP", body("OK"), false, "[BODY].status: body is not JSON (unexpected 'O' at byte 0)"},
		{"empty body", "[BODY].status == UP", body(" "), false, "[BODY].status: body is not JSON (it is empty)"},
		{"broken JSON before the key", "[BODY].status == UP", body(`{"a":tru,"status":"UP"}`), false,
			"[BODY].status: body is not JSON (unexpected ',' at byte 8)"},
		{"body cut before the value", "[BODY].status == UP", body(`{"a":1,"status":"U`), false,
			"[BODY].status: body is not JSON (it ends early, at byte 18)"},
		{"leading zero", "[BODY].a == 0", body(`{"a":01}`), false,
			"[BODY].a: body is not JSON (unexpected '1' at byte 6)"},
		{"word after literal", "[BODY].a == true", body(`{"a":truex}`), false,
			"[BODY].a: body is not JSON (unexpected 'x' at byte 9)"},
		{"body cut after the value", "[BODY].status == UP", body(`{"status":"UP","items":[1,2`), true, "[BODY].status (UP) == UP"},
		{"first of duplicate keys", "[BODY].k == 1", body(`{"k":1,"k":2}`), true, "[BODY].k (1) == 1"},
	})
}

func TestEvalDetailIsShort(t *testing.T) {
	long := strings.Repeat("é", 100)
	c, err := Parse("[BODY] == x")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Eval(&Input{Body: []byte("line one\nline two " + long)}).Detail
	want := "[BODY] (line one line two " + strings.Repeat("é", (maxShown-len("line one line two "))/2) + "...) == x"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEvalNilInput(t *testing.T) {
	c, err := Parse("[STATUS] == 200")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Eval(nil)
	if got.OK || got.Detail != "[STATUS] (0) == 200" {
		t.Errorf("got %+v, want a failed verdict on status 0", got)
	}
}

func TestEvalConcurrent(t *testing.T) {
	c, err := Parse("[BODY].items[1].ok == false")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Verdict)
	for range 8 {
		go func() {
			var v Verdict
			for range 100 {
				v = c.Eval(observed(nil))
			}
			done <- v
		}()
	}
	for range 8 {
		if v := <-done; !v.OK {
			t.Errorf("got %+v, want OK", v)
		}
	}
}
