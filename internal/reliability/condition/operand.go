package condition

// operandKind is what one side of a condition is.
type operandKind uint8

const (
	literal operandKind = iota
	placeholderRef
	lenCall
	hasCall
	patCall
	anyCall
)

// observes reports whether the operand reads the Input, and so shows the
// observed value in a detail.
func (k operandKind) observes() bool {
	return k == placeholderRef || k == lenCall || k == hasCall
}

// matcher reports whether the operand is pat() or any(), which match the
// other side rather than being compared with it.
func (k operandKind) matcher() bool { return k == patCall || k == anyCall }

// operand is one side of a condition, with everything Eval needs worked out
// at parse time.
type operand struct {
	kind operandKind
	src  string // as written, for details
	pos  int    // byte offset in the expression, for syntax errors

	ph   placeholder // placeholderRef, lenCall, hasCall
	path []step      // into the body, for [BODY] paths

	lit        value // literal
	isDuration bool  // literal was written as a Go duration

	pattern string    // patCall
	options []operand // anyCall: literals
}

// resolve finds the operand's value for in. pat() and any() have none; they
// match the other side instead.
func (o *operand) resolve(in *Input) (v value, reason string) {
	switch o.kind {
	case literal:
		return o.lit, ""
	case placeholderRef:
		return o.ph.resolve(in, o.path)
	case lenCall:
		return lenOf(in.Body, o.path)
	case hasCall:
		return hasPath(in.Body, o.path)
	}
	return v, ""
}

// appendShown writes the operand for a detail: as written, followed by the
// observed value in parentheses when it reads the Input.
func (o *operand) appendShown(b []byte, v value) []byte {
	b = append(b, o.src...)
	if o.kind.observes() {
		b = append(b, " ("...)
		b = v.appendShown(b)
		b = append(b, ')')
	}
	return b
}
