package condition

import (
	"cmp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// value is one side of a condition, resolved against an Input or fixed at
// parse time. Numbers keep their text so a detail shows them as written;
// integers from placeholders leave text empty and are formatted only when a
// detail or a text comparison needs them, which keeps the comparison in
// [STATUS] == 200 free of allocations.
type value struct {
	text  string
	num   float64
	i     int64
	isNum bool
	isInt bool // i holds the exact value; compare ints exactly, not as float64
	dur   bool // i is milliseconds, shown as a duration
}

func intValue(n int64) value {
	return value{num: float64(n), i: n, isNum: true, isInt: true}
}

func durationValue(d time.Duration) value {
	v := intValue(d.Milliseconds())
	v.dur = true
	return v
}

// textValue makes a value from observed text, numeric when the text is a
// decimal number.
func textValue(s string) value {
	v := value{text: s}
	if !looksNumeric(s) {
		return v
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		v.i, v.isInt, v.num, v.isNum = n, true, float64(n), true
		return v
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		v.num, v.isNum = f, true
	}
	return v
}

// looksNumeric reports whether s is a decimal number: an optional sign,
// digits with an optional fraction, and an optional exponent. It keeps
// strconv's hex, underscores, "Inf" and "NaN" out of comparisons.
func looksNumeric(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isDigit(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for ; i < len(s) && isDigit(s[i]); i++ {
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// literalValue fixes the value of text written in a condition. Besides
// numbers it accepts Go durations such as 240h or 1h30m and turns them into
// milliseconds, as Gatus does, so [CERTIFICATE_EXPIRATION] > 240h and
// [RESPONSE_TIME] < 1s compare like numbers.
func literalValue(s string) (v value, isDuration bool) {
	v = textValue(s)
	if v.isNum {
		return v, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return v, false
	}
	v.i, v.isInt, v.num, v.isNum = d.Milliseconds(), true, float64(d.Milliseconds()), true
	return v, true
}

// str is the value's text, formatting a number when it has none.
func (v value) str() string {
	if v.text != "" || !v.isNum {
		return v.text
	}
	return string(v.appendText(nil))
}

func (v value) appendText(b []byte) []byte {
	switch {
	case v.text != "" || !v.isNum:
		return append(b, v.text...)
	case v.dur:
		return append(b, (time.Duration(v.i) * time.Millisecond).String()...)
	case v.isInt:
		return strconv.AppendInt(b, v.i, 10)
	default:
		return strconv.AppendFloat(b, v.num, 'g', -1, 64)
	}
}

// maxShown caps how much of an observed value a detail repeats: a whole
// body in every stored verdict would drown the reason.
const maxShown = 80

// appendShown appends the value for a human: cut to maxShown bytes on a
// rune boundary, with control characters turned into spaces so a detail
// stays on one line.
func (v value) appendShown(b []byte) []byte {
	if v.text == "" {
		return v.appendText(b)
	}
	s := v.text
	cut := len(s) > maxShown
	if cut {
		n := maxShown
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	if strings.IndexFunc(s, isControl) < 0 {
		b = append(b, s...)
	} else {
		for _, r := range s {
			if isControl(r) {
				r = ' '
			}
			b = utf8.AppendRune(b, r)
		}
	}
	if cut {
		b = append(b, "..."...)
	}
	return b
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// compareValues orders a and b: numerically when both are numbers, by text
// otherwise.
func compareValues(a, b value) int {
	if a.isNum && b.isNum {
		if a.isInt && b.isInt {
			return cmp.Compare(a.i, b.i)
		}
		return cmp.Compare(a.num, b.num)
	}
	return strings.Compare(a.str(), b.str())
}
