package condition

import "unicode/utf8"

// lenOf is len([BODY]) or len([BODY].path).
func lenOf(body []byte, path []step) (value, string) {
	if len(path) == 0 {
		return intValue(int64(bodyLen(body))), ""
	}
	raw, fault := walk(body, path)
	if fault.code != faultNone {
		return value{}, fault.reason(body, path)
	}
	return intValue(int64(jsonLen(raw))), ""
}

// hasPath is has([BODY].path): whether the path leads to a value. A body
// that is not JSON at all fails the condition instead of answering false, so
// `has([BODY].errors) == false` does not pass on an HTML error page.
func hasPath(body []byte, path []step) (value, string) {
	_, fault := walk(body, path)
	switch fault.code {
	case faultNone:
		return boolValue(true), ""
	case faultNotJSON:
		return value{}, fault.reason(body, path)
	}
	return boolValue(false), ""
}

// matches is pat() or any() applied to the other side's value.
func (o *operand) matches(v value) bool {
	if o.kind == patCall {
		return globMatch(o.pattern, v.str())
	}
	for i := range o.options {
		if compareValues(v, o.options[i].lit) == 0 {
			return true
		}
	}
	return false
}

// globMatch reports whether s matches pattern, where '*' stands for any run
// of characters, '?' for one character, and everything else for itself.
// Unlike Gatus's filepath.Match there are no character classes, and '*'
// crosses '/', which Gatus gets by deleting the slashes first.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, resume := -1, 0 // last '*' seen, and where s resumes if we retry it
	for i < len(s) || p < len(pattern) {
		if p < len(pattern) {
			switch c := pattern[p]; {
			case c == '*':
				star, resume = p, i
				p++
				continue
			case c == '?' && i < len(s):
				_, n := utf8.DecodeRuneInString(s[i:])
				p, i = p+1, i+n
				continue
			case c != '?' && i < len(s) && s[i] == c:
				p, i = p+1, i+1
				continue
			}
		}
		if star < 0 || resume >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[resume:])
		resume += n
		p, i = star+1, resume
	}
	return true
}
