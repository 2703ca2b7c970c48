package condition

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
