package condition

import (
	"unicode/utf16"
	"unicode/utf8"
)

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
