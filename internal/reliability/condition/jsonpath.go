package condition

import (
	"fmt"
	"unicode/utf8"
)

// step is one hop of a JSON path: an object key, or an array index when
// isIndex is set. shown is the path up to and including this hop as the
// condition wrote it ("[BODY].items[0]"), so a failure names where it broke.
type step struct {
	key     string
	index   int
	isIndex bool
	shown   string
}

// jsonKind names what a JSON value is, for failure reasons.
type jsonKind uint8

const (
	kindInvalid jsonKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
	kindNull
)

func (k jsonKind) String() string {
	return [...]string{"not JSON", "an object", "an array", "a string", "a number", "a boolean", "null"}[k]
}

func kindAt(c byte) jsonKind {
	switch {
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '"':
		return kindString
	case c == 't' || c == 'f':
		return kindBool
	case c == 'n':
		return kindNull
	case c == '-' || isDigit(c):
		return kindNumber
	}
	return kindInvalid
}

// faultCode says why a path led nowhere.
type faultCode uint8

const (
	faultNone      faultCode = iota
	faultNotJSON             // the body broke the JSON grammar before the value ended
	faultNoKey               // the object has no such key
	faultNoIndex             // the array is shorter than the index
	faultWrongType           // the path indexes into something that is not a container
)

// pathFault is a failed walk, kept small and allocation-free; reason turns
// it into words only when it is reported.
type pathFault struct {
	code  faultCode
	step  int      // the path step that failed
	pos   int      // byte offset of a JSON syntax error
	count int      // elements in the array, for faultNoIndex
	kind  jsonKind // what was found, for faultWrongType
}

// reason explains f for a Verdict's Detail, naming the path so that the
// detail stands on its own in a list of failures.
func (f pathFault) reason(body []byte, path []step) string {
	if f.code == faultNotJSON {
		whole := "[BODY]"
		if len(path) > 0 {
			whole = path[len(path)-1].shown
		}
		switch {
		case len(trimSpace(body)) == 0:
			return whole + ": body is not JSON (it is empty)"
		case f.pos >= len(body):
			return fmt.Sprintf("%s: body is not JSON (it ends early, at byte %d)", whole, len(body))
		default:
			r, _ := utf8.DecodeRune(body[f.pos:])
			return fmt.Sprintf("%s: body is not JSON (unexpected %q at byte %d)", whole, r, f.pos)
		}
	}
	at := path[f.step]
	parent := "[BODY]"
	if f.step > 0 {
		parent = path[f.step-1].shown
	}
	switch f.code {
	case faultNoKey:
		return at.shown + ": no such key"
	case faultNoIndex:
		plural := "s"
		if f.count == 1 {
			plural = ""
		}
		return fmt.Sprintf("%s: no such index, %s has %d element%s", at.shown, parent, f.count, plural)
	default:
		want := "an object"
		if at.isIndex {
			want = "an array"
		}
		return fmt.Sprintf("%s: %s is %s, not %s", at.shown, parent, f.kind, want)
	}
}

// walk finds the value at path in body and returns its raw JSON text.
func walk(body []byte, path []step) ([]byte, pathFault) {
	s := scanner{b: body}
	for i, st := range path {
		s.skipSpace()
		want := byte('{')
		if st.isIndex {
			want = '['
		}
		if s.pos >= len(s.b) || s.b[s.pos] != want {
			start := s.pos
			if !s.skipValue(0) || !s.atValueEnd() {
				return nil, s.notJSON()
			}
			return nil, pathFault{code: faultWrongType, step: i, kind: kindAt(s.b[start])}
		}
		s.pos++
		var found, ok bool
		var count int
		if st.isIndex {
			found, count, ok = s.findIndex(st.index)
		} else {
			found, ok = s.findKey(st.key)
		}
		switch {
		case !ok:
			return nil, s.notJSON()
		case !found && st.isIndex:
			return nil, pathFault{code: faultNoIndex, step: i, count: count}
		case !found:
			return nil, pathFault{code: faultNoKey, step: i}
		}
	}
	s.skipSpace()
	start := s.pos
	if !s.skipValue(0) || !s.atValueEnd() {
		return nil, s.notJSON()
	}
	return s.b[start:s.pos], pathFault{}
}

// atValueEnd reports whether what follows a value may follow one, so that
// 01 or truex is not read as 0 or true.
func (s *scanner) atValueEnd() bool {
	if s.pos == len(s.b) {
		return true
	}
	switch c := s.b[s.pos]; c {
	case ',', '}', ']':
		return true
	default:
		return isSpace(c)
	}
}

func (s *scanner) notJSON() pathFault {
	return pathFault{code: faultNotJSON, pos: s.pos}
}

// findKey moves past the members of the object just opened until it finds
// key, leaving the scanner at that member's value. ok is false when the
// object breaks the grammar.
func (s *scanner) findKey(key string) (found, ok bool) {
	s.skipSpace()
	if s.eat('}') {
		return false, true
	}
	for {
		s.skipSpace()
		name, escaped, ok := s.scanString()
		if !ok {
			return false, false
		}
		s.skipSpace()
		if !s.eat(':') {
			return false, false
		}
		if escaped && unescape(name) == key || !escaped && string(name) == key {
			s.skipSpace()
			return true, true
		}
		if !s.skipValue(1) {
			return false, false
		}
		s.skipSpace()
		if s.eat(',') {
			continue
		}
		return false, s.eat('}')
	}
}

// findIndex moves past the elements of the array just opened until element
// n, leaving the scanner at it. When the array is shorter, count is its length.
func (s *scanner) findIndex(n int) (found bool, count int, ok bool) {
	s.skipSpace()
	if s.eat(']') {
		return false, 0, true
	}
	for i := 0; ; i++ {
		s.skipSpace()
		if i == n {
			return true, 0, true
		}
		if !s.skipValue(1) {
			return false, 0, false
		}
		s.skipSpace()
		if s.eat(',') {
			continue
		}
		return false, i + 1, s.eat(']')
	}
}
