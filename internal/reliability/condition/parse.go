package condition

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Condition is a parsed condition. Parsing happens once, when a monitor is
// saved or loaded, and works out everything Eval needs, so a check pays only
// for reading its own result. A Condition never changes after Parse and may
// be evaluated from many goroutines at once.
type Condition struct {
	src         string
	op          operator
	left, right operand
}

// String returns the condition as written, without surrounding white space,
// so it can be stored back in the form the user recognises.
func (c *Condition) String() string { return c.src }

// SyntaxError says where a condition cannot be read, so a form or a
// monitors file can point at the mistake.
type SyntaxError struct {
	Expr string // the condition as given
	Pos  int    // byte offset of the mistake in Expr, from 0
	Msg  string
}

// Error reports the position as a 1-based column counted in characters,
// the way an editor shows it.
func (e *SyntaxError) Error() string {
	col := 1
	if e.Pos > 0 && e.Pos <= len(e.Expr) {
		col += utf8.RuneCountInString(e.Expr[:e.Pos])
	}
	return fmt.Sprintf("condition %q: at column %d: %s", e.Expr, col, e.Msg)
}

// Parse reads one condition, such as `[STATUS] == 200`. The error is a
// *SyntaxError.
//
// The language is Gatus's, so Gatus conditions work unchanged: two sides
// compare as numbers when both are numbers (a Go duration such as 240h
// counts as its milliseconds) and as text otherwise. Beyond Gatus, Parse
// refuses what could never mean anything: unknown placeholders, conditions
// with no placeholder, and literals a placeholder can never match, such as
// `[STATUS] == OK` or `[CERTIFICATE_EXPIRATION] > 10d`.
func Parse(expr string) (*Condition, error) {
	p := parser{expr: expr, end: len(expr)}
	for p.end > 0 && isSpace(expr[p.end-1]) {
		p.end--
	}
	p.skipSpace()
	if p.pos == p.end {
		return nil, p.fail(p.pos, "empty condition; write one such as [STATUS] == 200")
	}
	c := &Condition{src: expr[p.pos:p.end]}
	if isOperatorByte(expr[p.pos]) {
		return nil, p.fail(p.pos, "missing the value before %q", p.token(p.pos))
	}
	var err error
	if c.left, err = p.operand(false); err != nil {
		return nil, err
	}
	p.skipSpace()
	if c.op, err = p.operator(); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos == p.end {
		return nil, p.fail(p.pos, "missing the value after %q", c.op)
	}
	if c.right, err = p.operand(true); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < p.end {
		return nil, p.fail(p.pos, "unexpected %q after the condition", p.token(p.pos))
	}
	if err := p.check(c); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseAll parses a monitor's conditions. It reports every condition that
// cannot be read, each under its index, so one save shows all the mistakes.
func ParseAll(exprs []string) ([]*Condition, error) {
	conds := make([]*Condition, 0, len(exprs))
	var errs []error
	for i, expr := range exprs {
		c, err := Parse(expr)
		if err != nil {
			errs = append(errs, fmt.Errorf("conditions[%d]: %w", i, err))
			continue
		}
		conds = append(conds, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return conds, nil
}

// parser reads one condition; pos moves forward through expr[:end], where
// end leaves out trailing white space.
type parser struct {
	expr string
	pos  int
	end  int
}

func (p *parser) fail(pos int, format string, args ...any) error {
	return &SyntaxError{Expr: p.expr, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) operator() (operator, error) {
	start := p.pos
	for p.pos < p.end && isOperatorByte(p.expr[p.pos]) {
		p.pos++
	}
	run := p.expr[start:p.pos]
	if op, ok := lookupOperator(run); ok {
		return op, nil
	}
	switch {
	case start == p.end:
		return 0, p.fail(start, "missing operator; want one of ==, !=, <, <=, >, >=")
	case run == "":
		return 0, p.fail(start, "unexpected %q; want an operator: ==, !=, <, <=, >, >=", p.token(start))
	case run == "=":
		return 0, p.fail(start, `unknown operator "="; did you mean "=="?`)
	}
	return 0, p.fail(start, "unknown operator %q; want one of ==, !=, <, <=, >, >=", run)
}

// check refuses conditions that parse but could never mean anything.
func (p *parser) check(c *Condition) error {
	l, r := &c.left, &c.right
	if !l.kind.observes() && !r.kind.observes() {
		for _, o := range []*operand{l, r} {
			if s := suggestPlaceholder(o.src); o.kind == literal && s != "" {
				return p.fail(o.pos, "%s is not a placeholder; did you mean %s?", o.src, s)
			}
		}
		return p.fail(l.pos, "nothing to check: compare a placeholder such as [STATUS] or [BODY].status")
	}
	for _, o := range []*operand{l, r} {
		if o.kind.matcher() && c.op != opEq && c.op != opNe {
			return p.fail(o.pos, "%s() works only with == or !=", o.src[:3])
		}
	}
	if err := p.checkLiterals(l, r); err != nil {
		return err
	}
	return p.checkLiterals(r, l)
}

// checkLiterals refuses literals that the observed side can never equal or
// be ordered against, such as `[CERTIFICATE_EXPIRATION] > 10d`: Go durations
// have no days, and Gatus would silently compare with 0.
func (p *parser) checkLiterals(observed, other *operand) error {
	rule := anyLiteral
	switch observed.kind {
	case placeholderRef:
		rule = observed.ph.rule()
	case lenCall:
		rule = numberLiteral
	case hasCall:
		rule = boolLiteral
	}
	lits := []operand{*other}
	switch other.kind {
	case anyCall:
		lits = other.options
	case literal:
	default:
		return nil
	}
	for _, lit := range lits {
		v := lit.lit
		switch {
		case rule == numberLiteral && (!v.isNum || lit.isDuration):
			return p.fail(lit.pos, "%s is a number; %s is not one", observed.src, lit.src)
		case rule == durationLiteral && !v.isNum:
			return p.fail(lit.pos, "%s is a duration; write %s as milliseconds or as a Go duration such as 240h or 1h30m",
				observed.src, lit.src)
		case rule == boolLiteral && v.text != "true" && v.text != "false":
			return p.fail(lit.pos, "%s is true or false, not %s", observed.src, lit.src)
		}
	}
	return nil
}

func (p *parser) skipSpace() {
	for p.pos < p.end && isSpace(p.expr[p.pos]) {
		p.pos++
	}
}

// token is the word at pos, for messages: up to white space, at most 20 bytes.
func (p *parser) token(pos int) string {
	end := pos
	for end < p.end && !isSpace(p.expr[end]) && end-pos < 20 {
		_, n := utf8.DecodeRuneInString(p.expr[end:])
		end += n
	}
	return p.expr[pos:end]
}

func isOperatorByte(c byte) bool { return c == '=' || c == '!' || c == '<' || c == '>' }
