package condition

import (
	"fmt"
	"unicode/utf16"
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

// maxDepth bounds how deeply nested a skipped value may be, so a hostile
// body of a million '[' cannot exhaust the stack.
const maxDepth = 1000

// scanner walks a JSON document by hand. A check evaluates its conditions on
// every run, and decoding a whole body into map[string]any to read one field
// costs far more than finding the field: the scanner reads up to the value it
// needs, validating what it passes over, and builds nothing else. It checks
// nothing beyond that value, so a body cut short by the probe's size limit
// still answers for the fields before the cut.
type scanner struct {
	b   []byte
	pos int
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

// reason explains f for a Verdict's Detail.
func (f pathFault) reason(body []byte, path []step) string {
	if f.code == faultNotJSON {
		switch {
		case len(trimSpace(body)) == 0:
			return "body is not JSON (it is empty)"
		case f.pos >= len(body):
			return fmt.Sprintf("body is not JSON (it ends early, at byte %d)", len(body))
		default:
			r, _ := utf8.DecodeRune(body[f.pos:])
			return fmt.Sprintf("body is not JSON (unexpected %q at byte %d)", r, f.pos)
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
		return fmt.Sprintf("%s: no such index, %s has %d elements", at.shown, parent, f.count)
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
			if !s.skipValue(0) {
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
	if !s.skipValue(0) {
		return nil, s.notJSON()
	}
	return s.b[start:s.pos], pathFault{}
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

// skipValue moves past one JSON value and reports whether it was valid;
// on failure pos is where the grammar broke.
func (s *scanner) skipValue(depth int) bool {
	s.skipSpace()
	if s.pos >= len(s.b) {
		return false
	}
	switch c := s.b[s.pos]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return false
		}
		return s.skipContainer(depth)
	case c == '"':
		_, _, ok := s.scanString()
		return ok
	case c == 't':
		return s.expect("true")
	case c == 'f':
		return s.expect("false")
	case c == 'n':
		return s.expect("null")
	default:
		return s.scanNumber()
	}
}

func (s *scanner) skipContainer(depth int) bool {
	object := s.b[s.pos] == '{'
	closer := byte(']')
	if object {
		closer = '}'
	}
	s.pos++
	s.skipSpace()
	if s.eat(closer) {
		return true
	}
	for {
		if object {
			s.skipSpace()
			if _, _, ok := s.scanString(); !ok {
				return false
			}
			s.skipSpace()
			if !s.eat(':') {
				return false
			}
		}
		if !s.skipValue(depth + 1) {
			return false
		}
		s.skipSpace()
		if s.eat(',') {
			continue
		}
		return s.eat(closer)
	}
}

// scanString moves past a JSON string and returns its contents between the
// quotes, still escaped when escaped is set.
func (s *scanner) scanString() (content []byte, escaped, ok bool) {
	if !s.eat('"') {
		return nil, false, false
	}
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			content = s.b[start:s.pos]
			s.pos++
			return content, escaped, true
		case c < 0x20:
			return nil, false, false
		case c != '\\':
			s.pos++
			continue
		}
		escaped = true
		s.pos++
		if s.pos >= len(s.b) {
			return nil, false, false
		}
		switch s.b[s.pos] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.pos++
		case 'u':
			s.pos++
			for range 4 {
				if s.pos >= len(s.b) || !isHex(s.b[s.pos]) {
					return nil, false, false
				}
				s.pos++
			}
		default:
			return nil, false, false
		}
	}
	return nil, false, false
}

// scanNumber moves past -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) scanNumber() bool {
	s.eat('-')
	switch {
	case s.eat('0'):
	case s.pos < len(s.b) && isDigit(s.b[s.pos]):
		s.digits()
	default:
		return false
	}
	if s.eat('.') && s.digits() == 0 {
		return false
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	start := s.pos
	for s.pos < len(s.b) && isDigit(s.b[s.pos]) {
		s.pos++
	}
	return s.pos - start
}

func (s *scanner) expect(word string) bool {
	for i := 0; i < len(word); i++ {
		if s.pos >= len(s.b) || s.b[s.pos] != word[i] {
			return false
		}
		s.pos++
	}
	return true
}

func (s *scanner) eat(c byte) bool {
	if s.pos < len(s.b) && s.b[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.b) && isSpace(s.b[s.pos]) {
		s.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// unescape decodes the contents of a JSON string that scanString accepted.
// Lone surrogates become U+FFFD, as encoding/json does.
func unescape(content []byte) string {
	out := make([]byte, 0, len(content))
	for i := 0; i < len(content); i++ {
		c := content[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch content[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(content[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if i+6 < len(content) && content[i+1] == '\\' && content[i+2] == 'u' {
					r2 = hex4(content[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\' and '/' stand for themselves
			out = append(out, content[i])
		}
	}
	return string(out)
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// jsonValue turns the raw JSON of a found value into a value: a string by
// its unquoted contents, anything else by its text.
func jsonValue(raw []byte) value {
	if raw[0] != '"' {
		return textValue(string(raw))
	}
	content := raw[1 : len(raw)-1]
	for _, c := range content {
		if c == '\\' {
			return textValue(unescape(content))
		}
	}
	return textValue(string(content))
}

// jsonLen is what len() means for a found value: an array's elements, an
// object's keys, a string's bytes once unquoted, or the length of the text.
func jsonLen(raw []byte) int {
	switch raw[0] {
	case '[', '{':
		s := scanner{b: raw, pos: 1}
		s.skipSpace()
		if s.eat(']') || s.eat('}') {
			return 0
		}
		n := 0
		for {
			if raw[0] == '{' {
				s.scanString()
				s.skipSpace()
				s.eat(':')
			}
			s.skipValue(1)
			n++
			s.skipSpace()
			if !s.eat(',') {
				return n
			}
			s.skipSpace()
		}
	case '"':
		return len(jsonValue(raw).text)
	}
	return len(raw)
}
