package db

import (
	"fmt"
	"strings"
)

// Where builds a WHERE clause one filter at a time. Conditions are written
// with ? for each value; Where numbers them $1, $2, ... as both engines
// read them.
type Where struct {
	conds []string
	// Args holds the values in placeholder order.
	Args []any
}

// Arg adds a value and returns its placeholder, for use outside the WHERE
// clause (LIMIT, OFFSET) or inside a condition built by hand.
func (w *Where) Arg(v any) string {
	w.Args = append(w.Args, v)
	return fmt.Sprintf("$%d", len(w.Args))
}

// Add adds a condition whose ? stand for vals, in order.
func (w *Where) Add(cond string, vals ...any) {
	for _, v := range vals {
		cond = strings.Replace(cond, "?", w.Arg(v), 1)
	}
	w.conds = append(w.conds, cond)
}

// String is " WHERE c1 AND c2 ...", or "" when there is no condition.
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Placeholders returns "$first, $first+1, ..." for n values, for an IN
// list whose values are passed after the first-1 others.
func Placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", first+i)
	}
	return b.String()
}
