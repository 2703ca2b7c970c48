package db

import (
	"context"
	"fmt"
	"strings"
)

// Batch gathers rows for a multi-row INSERT and writes them in chunks, which
// costs one statement per chunk instead of one per row: long imports spend
// their time here. Call Flush before the transaction commits.
type Batch struct {
	tx      *Tx
	head    string // INSERT INTO t (a, b) VALUES
	tail    string // e.g. ON CONFLICT DO NOTHING
	cols    int
	perStmt int
	args    []any
}

// maxBatchArgs keeps each statement well under SQLite's limit of 32,766
// bound values and PostgreSQL's 65,535.
const maxBatchArgs = 4000

// NewBatch prepares a batch of rows of cols values for head, such as
// "INSERT INTO entity_tags (entity_id, tag) VALUES", followed by tail.
func NewBatch(tx *Tx, head string, cols int, tail string) *Batch {
	return &Batch{tx: tx, head: head, tail: tail, cols: cols, perStmt: maxBatchArgs / cols}
}

// Add queues one row, writing the queue when it is full.
func (b *Batch) Add(ctx context.Context, values ...any) error {
	if len(values) != b.cols {
		return fmt.Errorf("batch row has %d values, want %d", len(values), b.cols)
	}
	b.args = append(b.args, values...)
	if len(b.args)/b.cols >= b.perStmt {
		return b.Flush(ctx)
	}
	return nil
}

// Flush writes the queued rows.
func (b *Batch) Flush(ctx context.Context) error {
	rows := len(b.args) / b.cols
	if rows == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(b.head)
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteString(" (")
		for c := 0; c < b.cols; c++ {
			if c > 0 {
				q.WriteString(", ")
			}
			// SQLite resolves numbered parameters by a linear search per
			// parameter, so a long statement of $n costs quadratic time;
			// plain ? costs nothing. PostgreSQL needs $n.
			if b.tx.Dialect == SQLite {
				q.WriteByte('?')
			} else {
				fmt.Fprintf(&q, "$%d", n)
			}
			n++
		}
		q.WriteByte(')')
	}
	if b.tail != "" {
		q.WriteString(" " + b.tail)
	}
	if _, err := b.tx.ExecContext(ctx, q.String(), b.args...); err != nil {
		return err
	}
	b.args = b.args[:0]
	return nil
}
