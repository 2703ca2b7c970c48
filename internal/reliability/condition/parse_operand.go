package condition

import (
	"strconv"
	"strings"
)

// operand reads one side of a condition. On the right, text that is not a
// placeholder, a quoted string or a function runs to the end of the
// condition, spaces included, as in Gatus: `[BODY].message == hello world`.
func (p *parser) operand(right bool) (operand, error) {
	start := p.pos
	switch c := p.expr[p.pos]; {
	case c == '[' && (!right || p.placeholderAhead()):
		return p.placeholder()
	case c == '"':
		return p.quoted()
	case isIdentByte(c):
		if name, ok := p.functionAhead(); ok {
			return p.call(name, right)
		}
	}
	if right {
		p.pos = p.end
	} else {
		for p.pos < p.end && !isSpace(p.expr[p.pos]) && !isOperatorByte(p.expr[p.pos]) {
			p.pos++
		}
	}
	return newLiteral(p.expr[start:p.pos], p.expr[start:p.pos], start), nil
}

func newLiteral(src, text string, pos int) operand {
	o := operand{kind: literal, src: src, pos: pos}
	o.lit, o.isDuration = literalValue(text)
	return o
}

// placeholderAhead reports whether a placeholder name in brackets, such as
// [STATUS], starts at pos, so that `[BODY] == []` keeps its literal.
func (p *parser) placeholderAhead() bool {
	i := p.pos + 1
	for i < p.end && isIdentByte(p.expr[i]) {
		i++
	}
	return i > p.pos+1 && i < p.end && p.expr[i] == ']'
}

// placeholder reads [NAME] and, for [BODY], the JSON path after it.
func (p *parser) placeholder() (operand, error) {
	start := p.pos
	i := start + 1
	for i < p.end && p.expr[i] != ']' && p.expr[i] != '[' && !isSpace(p.expr[i]) {
		i++
	}
	if i == p.end || p.expr[i] != ']' {
		return operand{}, p.fail(start, `unclosed "["`)
	}
	name := p.expr[start+1 : i]
	ph, ok := lookupPlaceholder(name)
	switch {
	case name == "":
		return operand{}, p.fail(start, "empty placeholder; want one such as [STATUS]")
	case !ok && suggestPlaceholder(name) != "":
		return operand{}, p.fail(start, "placeholder [%s] is not supported; names are upper case: %s", name, suggestPlaceholder(name))
	case !ok:
		return operand{}, p.fail(start, "placeholder [%s] is not supported; want [STATUS], [RESPONSE_TIME], [BODY], "+
			"[CONNECTED], [CERTIFICATE_EXPIRATION], [DNS_RCODE] or [IP]", name)
	}
	p.pos = i + 1
	o := operand{kind: placeholderRef, pos: start, ph: ph}
	for p.pos < p.end && (p.expr[p.pos] == '.' || p.expr[p.pos] == '[') {
		if ph != phBody {
			return operand{}, p.fail(p.pos, "only [BODY] takes a JSON path")
		}
		st, err := p.pathStep(start)
		if err != nil {
			return operand{}, err
		}
		o.path = append(o.path, st)
	}
	o.src = p.expr[start:p.pos]
	return o, nil
}

// pathStep reads `.key` or `[n]`; from is where the placeholder began, so
// the step can show the path up to itself.
func (p *parser) pathStep(from int) (step, error) {
	open := p.pos
	p.pos++
	if p.expr[open] == '.' {
		for p.pos < p.end && isKeyByte(p.expr[p.pos]) {
			p.pos++
		}
		if p.pos == open+1 {
			return step{}, p.fail(p.pos, `missing key after "."`)
		}
		return step{key: p.expr[open+1 : p.pos], shown: p.expr[from:p.pos]}, nil
	}
	i := p.pos
	for i < p.end && p.expr[i] != ']' && !isSpace(p.expr[i]) {
		i++
	}
	if i == p.end || p.expr[i] != ']' {
		return step{}, p.fail(open, `unclosed "["`)
	}
	digits := p.expr[open+1 : i]
	if digits == "" {
		return step{}, p.fail(open+1, "missing index between [ and ]")
	}
	for j := 0; j < len(digits); j++ {
		if !isDigit(digits[j]) {
			return step{}, p.fail(open+1, "index must be a whole number, not %q", digits)
		}
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return step{}, p.fail(open+1, "index %s is too large", digits)
	}
	p.pos = i + 1
	return step{index: n, isIndex: true, shown: p.expr[from:p.pos]}, nil
}

// isKeyByte reports whether c may appear in a bare JSON path key: anything
// but what ends the key or the operand.
func isKeyByte(c byte) bool {
	return !isSpace(c) && !isOperatorByte(c) && strings.IndexByte(`.[]()",`, c) < 0
}

func isIdentByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_'
}

// quoted reads a double-quoted string with Go escapes. Gatus has no quotes;
// they let a value keep leading spaces or be empty: `[BODY] == ""`.
func (p *parser) quoted() (operand, error) {
	start := p.pos
	end, err := p.closingQuote(start, p.end)
	if err != nil {
		return operand{}, err
	}
	text, err := strconv.Unquote(p.expr[start : end+1])
	if err != nil {
		return operand{}, p.fail(start, "invalid escape in string %s", p.expr[start:end+1])
	}
	p.pos = end + 1
	return newLiteral(p.expr[start:p.pos], text, start), nil
}

// closingQuote finds the quote that ends the string opened at open.
func (p *parser) closingQuote(open, limit int) (int, error) {
	for i := open + 1; i < limit; i++ {
		switch p.expr[i] {
		case '\\':
			i++
		case '"':
			return i, nil
		}
	}
	return 0, p.fail(open, "unclosed string")
}
