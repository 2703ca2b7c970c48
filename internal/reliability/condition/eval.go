package condition

// Verdict is one condition's outcome for one check. Detail shows what was
// observed whether the condition held or not, so a stored check explains
// itself later: "[STATUS] (503) == 200", "[BODY].status: no such key".
type Verdict struct {
	Condition string `json:"condition"`
	OK        bool   `json:"ok"`
	Detail    string `json:"detail"`
}

// Eval applies the condition to what one check observed. It never fails:
// a value that cannot be read, such as a missing JSON key, makes a verdict
// that did not hold and says why. A nil Input reads as the zero Input.
func (c *Condition) Eval(in *Input) Verdict {
	if in == nil {
		in = &Input{}
	}
	v := Verdict{Condition: c.src}
	l, reason := c.left.resolve(in)
	var r value
	if reason == "" {
		r, reason = c.right.resolve(in)
	}
	if reason != "" {
		v.Detail = reason
		return v
	}
	v.OK = c.holds(l, r)

	var buf [128]byte
	b := c.left.appendShown(buf[:0], l)
	b = append(b, ' ')
	b = append(b, c.op.String()...)
	b = append(b, ' ')
	b = c.right.appendShown(b, r)
	v.Detail = string(b)
	return v
}

func (c *Condition) holds(l, r value) bool {
	var matched bool
	switch {
	case c.right.kind.matcher():
		matched = c.right.matches(l)
	case c.left.kind.matcher():
		matched = c.left.matches(r)
	default:
		return c.op.holds(compareValues(l, r))
	}
	return matched == (c.op == opEq)
}

// operator compares the two sides of a condition.
type operator uint8

const (
	opEq operator = iota + 1
	opNe
	opLt
	opLe
	opGt
	opGe
)

var operatorText = [...]string{"", "==", "!=", "<", "<=", ">", ">="}

func (op operator) String() string { return operatorText[op] }

func lookupOperator(s string) (operator, bool) {
	for i, t := range operatorText {
		if i > 0 && t == s {
			return operator(i), true
		}
	}
	return 0, false
}

// holds reports whether the operator accepts a comparison result
// (negative, zero or positive, as from cmp.Compare).
func (op operator) holds(cmp int) bool {
	switch op {
	case opEq:
		return cmp == 0
	case opNe:
		return cmp != 0
	case opLt:
		return cmp < 0
	case opLe:
		return cmp <= 0
	case opGt:
		return cmp > 0
	case opGe:
		return cmp >= 0
	}
	return false
}
