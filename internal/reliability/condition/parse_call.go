package condition

import "strings"

// functionAhead reports whether a name directly followed by '(' starts at
// pos, which makes it a function call.
func (p *parser) functionAhead() (string, bool) {
	i := p.pos
	for i < p.end && isIdentByte(p.expr[i]) {
		i++
	}
	if i < p.end && p.expr[i] == '(' {
		return p.expr[p.pos:i], true
	}
	return "", false
}

// call reads len(...), has(...), pat(...) or any(...). pat() and any() take
// raw text, so on the right they end at the last ')' as in Gatus, which lets
// a pattern hold parentheses; on the left they end at the first.
func (p *parser) call(name string, right bool) (operand, error) {
	start := p.pos
	open := start + len(name)
	switch name {
	case "len", "has":
		return p.bodyCall(name, start, open)
	case "pat", "any":
	default:
		return operand{}, p.fail(start, "unknown function %q; want len, has, pat or any", name)
	}
	closing := strings.IndexByte(p.expr[open:p.end], ')')
	if right {
		closing = strings.LastIndexByte(p.expr[open:p.end], ')')
	}
	if closing < 0 {
		return operand{}, p.fail(open, `unclosed "("`)
	}
	closing += open
	p.pos = closing + 1
	o := operand{kind: patCall, src: p.expr[start:p.pos], pos: start, pattern: p.expr[open+1 : closing]}
	if name == "pat" {
		return o, nil
	}
	o.kind, o.pattern = anyCall, ""
	var err error
	o.options, err = p.anyOptions(open, closing)
	return o, err
}

// bodyCall reads len([BODY]...) or has([BODY]...).
func (p *parser) bodyCall(name string, start, open int) (operand, error) {
	p.pos = open + 1
	p.skipSpace()
	if p.pos == p.end || p.expr[p.pos] != '[' {
		return operand{}, p.fail(p.pos, "%s() takes [BODY] or a path into it, such as %s([BODY].items)", name, name)
	}
	inner, err := p.placeholder()
	switch {
	case err != nil:
		return operand{}, err
	case inner.ph != phBody:
		return operand{}, p.fail(inner.pos, "%s() takes [BODY] or a path into it, not %s", name, inner.src)
	case name == "has" && len(inner.path) == 0:
		return operand{}, p.fail(inner.pos, "has() takes a path into the body, such as has([BODY].errors)")
	}
	p.skipSpace()
	switch {
	case p.pos == p.end:
		return operand{}, p.fail(open, `unclosed "("`)
	case p.expr[p.pos] != ')':
		return operand{}, p.fail(p.pos, `unexpected %q; want ")"`, p.token(p.pos))
	}
	p.pos++
	kind := lenCall
	if name == "has" {
		kind = hasCall
	}
	return operand{kind: kind, src: p.expr[start:p.pos], pos: start, ph: phBody, path: inner.path}, nil
}

// anyOptions reads the comma-separated values of any(...) between the
// parentheses at open and closing. Values are trimmed; a quoted value may
// hold commas.
func (p *parser) anyOptions(open, closing int) ([]operand, error) {
	if strings.TrimFunc(p.expr[open+1:closing], func(r rune) bool { return r < 0x80 && isSpace(byte(r)) }) == "" {
		return nil, p.fail(open, "any() needs at least one value")
	}
	var opts []operand
	for i := open + 1; ; i++ {
		for i < closing && isSpace(p.expr[i]) {
			i++
		}
		start := i
		var opt operand
		if i < closing && p.expr[i] == '"' {
			end, err := p.closingQuote(i, closing)
			if err != nil {
				return nil, err
			}
			saved := p.pos
			p.pos = start
			opt, err = p.quoted()
			p.pos = saved
			if err != nil {
				return nil, err
			}
			for i = end + 1; i < closing && isSpace(p.expr[i]); i++ {
			}
			if i < closing && p.expr[i] != ',' {
				return nil, p.fail(i, "unexpected %q in any(); separate values with commas", p.token(i))
			}
		} else {
			for i < closing && p.expr[i] != ',' {
				i++
			}
			end := i
			for end > start && isSpace(p.expr[end-1]) {
				end--
			}
			if end == start {
				return nil, p.fail(start, "empty value in any()")
			}
			opt = newLiteral(p.expr[start:end], p.expr[start:end], start)
		}
		opts = append(opts, opt)
		if i >= closing {
			return opts, nil
		}
	}
}
