package delivery

import (
	"context"
	"database/sql"
	"fmt"
)

// prep returns the ingestion's prepared statement for q, preparing it the
// first time: a group of deliveries runs the same few statements hundreds
// of times, and parsing SQL each time was a sixth of the work. Statements
// prepared on a transaction close with it.
func (in *ingest) prep(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := in.stmts[q]; ok {
		return st, nil
	}
	st, err := in.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if in.stmts == nil {
		in.stmts = map[string]*sql.Stmt{}
	}
	in.stmts[q] = st
	return st, nil
}

func (in *ingest) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := in.prep(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (in *ingest) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := in.prep(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is QueryRowContext on the prepared statement; a statement that
// cannot be prepared runs unprepared, so that its error reaches Scan.
func (in *ingest) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := in.prep(ctx, q)
	if err != nil {
		return in.tx.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
