package condition

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, expr := range gatusExamples {
		f.Add(expr, []byte(`{"status":"UP","data":[{"id":1}],"name":"john"}`))
	}
	for _, expr := range []string{
		"", "[STATUS] === 200", "[BODY].items[0 == 1", `[BODY] == "a\"b"`, `[BODY].s == any("a, b", c)`,
		"pat(*x) == [BODY]", "len([BODY]) > 0", "[BODY].ñame == x", "[CERTIFICATE_EXPIRATION] > 10d",
	} {
		f.Add(expr, []byte("<html></html>"))
	}
	f.Fuzz(func(t *testing.T, expr string, body []byte) {
		c, err := Parse(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got error %T, want *SyntaxError", err)
			}
			if se.Pos < 0 || se.Pos > len(expr) {
				t.Fatalf("got Pos %d, want within 0..%d", se.Pos, len(expr))
			}
			_ = se.Error()
			return
		}
		in := &Input{
			Status: 200, ResponseTime: 5 * time.Millisecond, Body: body, Connected: true,
			CertificateExpiration: time.Hour, HasCertificate: len(body)%2 == 0, DNSRcode: "NOERROR", IP: "127.0.0.1",
		}
		v := c.Eval(in)
		if v.Condition != c.String() || v.Detail == "" {
			t.Fatalf("got %+v, want the condition and a detail", v)
		}
		again, err := Parse(c.String())
		if err != nil {
			t.Fatalf("String() %q does not parse again: %v", c.String(), err)
		}
		if w := again.Eval(in); w != v {
			t.Fatalf("got %+v after a round trip, want %+v", w, v)
		}
	})
}

func FuzzJSONPath(f *testing.F) {
	f.Add([]byte(`{"status":"UP","items":[{"ok":true},{"ok":false}]}`), "items.1.ok")
	f.Add([]byte(`[{"x":"y"}]`), "0.x")
	f.Add([]byte(`{"s":"a\"b\u00e9\ud83d\ude00"}`), "s")
	f.Add([]byte(`{"st\u0061tus":"UP"}`), "status")
	f.Add([]byte(` {"a" : { "b" : [ 1 , 2.5e3 , null ] } } `), "a.b.1")
	f.Add([]byte(`{"a":tru}`), "a")
	f.Add([]byte(`{"a":1,"a":2}`), "a")
	f.Add([]byte("<html>"), "a")
	f.Add([]byte(`[[[[]]]]`), "0.0.0")
	f.Fuzz(func(t *testing.T, body []byte, dotted string) {
		path := fuzzPath(dotted)
		if len(path) == 0 {
			return
		}
		raw, fault := walk(body, path)
		if fault.code != faultNone {
			if fault.reason(body, path) == "" {
				t.Fatal("got an empty reason")
			}
		} else {
			_ = jsonValue(raw)
			_ = jsonLen(raw)
		}
		if !json.Valid(body) || !utf8.Valid(body) || !plainJSON(body) {
			return
		}
		want, found := follow(body, path)
		if fault.code == faultNotJSON {
			t.Fatalf("got %q for valid JSON", fault.reason(body, path))
		}
		if found != (fault.code == faultNone) {
			t.Fatalf("got found %v (%s), encoding/json says %v", !found, fault.reason(body, path), found)
		}
		if !found {
			return
		}
		switch w := want.(type) {
		case map[string]any:
			if got := jsonLen(raw); got != len(w) {
				t.Fatalf("got len %d, want %d", got, len(w))
			}
		case []any:
			if got := jsonLen(raw); got != len(w) {
				t.Fatalf("got len %d, want %d", got, len(w))
			}
		default:
			if got, want := jsonValue(raw).str(), scalarText(w); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
	})
}

// fuzzPath turns "a.0.b" into the steps of [BODY].a[0].b.
func fuzzPath(dotted string) []step {
	if dotted == "" || len(dotted) > 200 {
		return nil
	}
	var path []step
	for key := range strings.SplitSeq(dotted, ".") {
		if n, err := strconv.Atoi(key); err == nil && n >= 0 && key == strconv.Itoa(n) {
			path = append(path, step{index: n, isIndex: true, shown: "[" + key + "]"})
			continue
		}
		path = append(path, step{key: key, shown: "." + key})
	}
	return path
}

// follow walks path the slow way, through encoding/json.
func follow(body []byte, path []step) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	for _, st := range path {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[st.key]; !ok || st.isIndex {
				return nil, false
			}
		case []any:
			if !st.isIndex || st.index >= len(c) {
				return nil, false
			}
			v = c[st.index]
		default:
			return nil, false
		}
	}
	return v, true
}

func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return "null"
}

// plainJSON reports whether body has no repeated keys (encoding/json keeps
// the last, the scanner the first) and nests shallowly enough for the
// scanner's depth limit.
func plainJSON(body []byte) bool {
	type frame struct {
		object, wantKey bool
		keys            map[string]bool
	}
	var stack []*frame
	dec := json.NewDecoder(strings.NewReader(string(body)))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top != nil && top.object {
					top.wantKey = true
				}
				stack = append(stack, &frame{object: d == '{', wantKey: d == '{', keys: map[string]bool{}})
				if len(stack) > maxDepth/2 {
					return false
				}
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top == nil || !top.object {
			continue
		}
		if top.wantKey {
			key := tok.(string)
			if top.keys[key] {
				return false
			}
			top.keys[key] = true
		}
		top.wantKey = !top.wantKey
	}
}
