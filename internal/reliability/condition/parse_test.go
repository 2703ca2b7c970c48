package condition

import (
	"errors"
	"strings"
	"testing"
)

// gatusExamples are conditions as Gatus's documentation writes them; a
// Gatus configuration must parse unchanged.
var gatusExamples = []string{
	"[STATUS] == 200",
	"[STATUS] < 300",
	"[STATUS] == pat(2*)",
	"[STATUS] == any(200, 201, 204)",
	"[RESPONSE_TIME] < 300",
	"[BODY] == pong",
	"[BODY] == pat(*<h1>Example Domain</h1>*)",
	"[BODY].status == UP",
	"[BODY].user.name == john",
	"[BODY].data[0].id == 1",
	"[BODY][0].id == 1",
	"[BODY].age == [BODY].id",
	"[BODY].name == pat(john*)",
	"[BODY].status == any(UP, OK)",
	"[BODY].message == hello world",
	"len([BODY].data) < 5",
	"len([BODY].name) == 8",
	"len([BODY]) > 0",
	"has([BODY].errors) == false",
	"[CONNECTED] == true",
	"[CERTIFICATE_EXPIRATION] > 48h",
	"[CERTIFICATE_EXPIRATION] > 1h30m",
	"[CERTIFICATE_EXPIRATION] > 86400000",
	"[DNS_RCODE] == NOERROR",
	"[IP] == 127.0.0.1",
}

func TestParseGatusExamples(t *testing.T) {
	for _, expr := range gatusExamples {
		t.Run(expr, func(t *testing.T) {
			c, err := Parse(expr)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := c.String(); got != expr {
				t.Errorf("got String() %q, want %q", got, expr)
			}
		})
	}
}

func TestParseString(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"trims surrounding space", "  [STATUS] == 200 \t\n", "[STATUS] == 200"},
		{"keeps inner spacing", "[STATUS]   ==   200", "[STATUS]   ==   200"},
		{"no spaces around operator", "[STATUS]==200", "[STATUS]==200"},
		{"placeholder on the right", "200 == [STATUS]", "200 == [STATUS]"},
		{"quoted literal", `[BODY].name == " padded "`, `[BODY].name == " padded "`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := c.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		expr string
		pos  int
		msg  string // a part of the message
	}{
		{"empty", "", 0, "empty condition"},
		{"only spaces", "   ", 0, "empty condition"},
		{"missing operator", "[STATUS] 200", 9, `unexpected "200"; want an operator`},
		{"missing operator at end", "[STATUS]", 8, "missing operator"},
		{"missing operator after leading space", "  [STATUS] 200", 11, "want an operator"},
		{"tripled equals", "[STATUS] === 200", 9, `unknown operator "==="`},
		{"single equals", "[STATUS] = 200", 9, `did you mean "=="?`},
		{"empty right side", "[STATUS] ==", 11, `missing the value after "=="`},
		{"empty right side with space", "[STATUS] == ", 11, `missing the value after "=="`},
		{"empty left side", "== 200", 0, `missing the value before "=="`},
		{"unclosed placeholder", "[STATUS == 200", 0, `unclosed "["`},
		{"unclosed index", "[BODY].items[0 == 1", 12, `unclosed "["`},
		{"empty placeholder", "[] == 1", 0, "empty placeholder"},
		{"unknown placeholder", "[DOMAIN_EXPIRATION] > 720h", 0, "placeholder [DOMAIN_EXPIRATION] is not supported"},
		{"lower-case placeholder", "[status] == 200", 0, "names are upper case: [STATUS]"},
		{"unknown placeholder on the right", "[BODY].id == [CONTEXT]", 13, "placeholder [CONTEXT] is not supported"},
		{"path on status", "[STATUS].code == 1", 8, "only [BODY] takes a JSON path"},
		{"empty key", "[BODY]..a == 1", 7, `missing key after "."`},
		{"trailing dot", "[BODY]. == 1", 7, `missing key after "."`},
		{"letter index", "[BODY].items[x] == 1", 13, `index must be a whole number, not "x"`},
		{"negative index", "[BODY].items[-1] == 1", 13, "index must be a whole number"},
		{"empty index", "[BODY].items[] == 1", 13, "missing index"},
		{"huge index", "[BODY].items[99999999999999999999] == 1", 13, "too large"},
		{"unknown function", "size([BODY]) > 1", 0, `unknown function "size"`},
		{"unknown function on the right", "[STATUS] == one(200)", 12, `unknown function "one"`},
		{"unclosed pat", "[BODY].name == pat(*x*", 18, `unclosed "("`},
		{"unclosed len", "len([BODY].items", 3, `unclosed "("`},
		{"len missing paren", "len([BODY].items > 0", 17, `unexpected ">"; want ")"`},
		{"len of a literal", "len(items) > 0", 4, "len() takes [BODY]"},
		{"len of status", "len([STATUS]) > 1", 4, "len() takes [BODY] or a path into it, not [STATUS]"},
		{"has without path", "has([BODY]) == true", 4, "has() takes a path"},
		{"empty any", "[STATUS] == any()", 15, "any() needs at least one value"},
		{"any with empty value", "[STATUS] == any(200,)", 20, "empty value in any()"},
		{"any with junk after quote", `[BODY].s == any("a" b)`, 20, "separate values with commas"},
		{"pat with ordering", "[BODY].name < pat(a*)", 14, "pat() works only with == or !="},
		{"any with ordering", "[STATUS] >= any(200)", 12, "any() works only with == or !="},
		{"unclosed string", `[BODY] == "abc`, 10, "unclosed string"},
		{"bad escape", `[BODY] == "a\qb"`, 10, "invalid escape"},
		{"junk after string", `[BODY] == "a" b`, 14, `unexpected "b" after the condition`},
		{"junk after placeholder", "[STATUS] == [IP] x", 17, `unexpected "x"`},
		{"status against text", "[STATUS] == OK", 12, "[STATUS] is a number; OK is not one"},
		{"status against duration", "[STATUS] < 1h", 11, "[STATUS] is a number"},
		{"status any with text", "[STATUS] == any(200, OK)", 21, "OK is not one"},
		{"len against text", "len([BODY]) > many", 14, "is a number"},
		{"certificate in days", "[CERTIFICATE_EXPIRATION] > 10d", 27, "Go duration such as 240h"},
		{"response time against text", "[RESPONSE_TIME] < fast", 18, "is a duration"},
		{"connected against yes", "[CONNECTED] == yes", 15, "[CONNECTED] is true or false, not yes"},
		{"has against number", "has([BODY].x) == 1", 17, "is true or false"},
		{"no placeholder", "1 == 1", 0, "nothing to check"},
		{"bare placeholder name", "STATUS == 200", 0, "did you mean [STATUS]?"},
		{"bare placeholder name on the right", "200 == BODY", 7, "did you mean [BODY]?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.expr)
			if err == nil {
				t.Fatalf("got condition %q, want an error", c)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got error %T %v, want *SyntaxError", err, err)
			}
			if se.Expr != tt.expr {
				t.Errorf("got Expr %q, want %q", se.Expr, tt.expr)
			}
			if se.Pos != tt.pos {
				t.Errorf("got Pos %d, want %d (%s)", se.Pos, tt.pos, se.Msg)
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got Msg %q, want it to contain %q", se.Msg, tt.msg)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"column is 1-based",
			"[STATUS] === 200",
			`condition "[STATUS] === 200": at column 10: unknown operator "==="; want one of ==, !=, <, <=, >, >=`},
		{"column counts characters, not bytes",
			"[BODY].ñame = x",
			`condition "[BODY].ñame = x": at column 13: unknown operator "="; did you mean "=="?`},
		{"column after the end",
			"[STATUS] ==",
			`condition "[STATUS] ==": at column 12: missing the value after "=="`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.expr)
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseAll(t *testing.T) {
	t.Run("all valid", func(t *testing.T) {
		conds, err := ParseAll([]string{"[STATUS] == 200", " [BODY].status == UP "})
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		if len(conds) != 2 || conds[1].String() != "[BODY].status == UP" {
			t.Fatalf("got %v, want both conditions in order", conds)
		}
	})
	t.Run("none", func(t *testing.T) {
		conds, err := ParseAll(nil)
		if err != nil || len(conds) != 0 {
			t.Fatalf("got %v, %v, want no conditions and no error", conds, err)
		}
	})
	t.Run("names each failure by index", func(t *testing.T) {
		_, err := ParseAll([]string{"[STATUS] == 200", "[STATUS] 200", "[IP] == ::1", "[FOO] == 1"})
		if err == nil {
			t.Fatal("got no error, want one")
		}
		msg := err.Error()
		for _, want := range []string{"conditions[1]: ", "conditions[3]: "} {
			if !strings.Contains(msg, want) {
				t.Errorf("got %q, want it to contain %q", msg, want)
			}
		}
		if strings.Contains(msg, "conditions[0]") || strings.Contains(msg, "conditions[2]") {
			t.Errorf("got %q, want only the failing indexes named", msg)
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Expr != "[STATUS] 200" {
			t.Errorf("got %v, want the first *SyntaxError reachable with errors.As", se)
		}
	})
}
