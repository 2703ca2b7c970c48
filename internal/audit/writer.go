package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/db"
)

// Writer appends entries inside a caller's transaction, in batches so that
// an import of many records stays fast. Flush before the transaction
// commits; entries not flushed are lost with it.
type Writer struct {
	batch *db.Batch
	actor string
	at    time.Time
}

// NewWriter makes an audit writer on tx for the actor in ctx.
func NewWriter(ctx context.Context, tx *db.Tx) *Writer {
	return &Writer{
		batch: db.NewBatch(tx, `INSERT INTO audit_log (at, actor, action, record_type, record_id, changes) VALUES`, 6, ""),
		actor: ActorFrom(ctx).Name,
		at:    db.Now(),
	}
}

// Add appends one entry.
func (w *Writer) Add(ctx context.Context, action, recordType, recordID string, changes map[string]Change) error {
	if changes == nil {
		changes = map[string]Change{}
	}
	body, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("encode audit changes: %w", err)
	}
	return w.AddJSON(ctx, action, recordType, recordID, body)
}

// AddJSON appends one entry whose changes are encoded already.
func (w *Writer) AddJSON(ctx context.Context, action, recordType, recordID string, changes []byte) error {
	if err := w.batch.Add(ctx, w.at, w.actor, action, recordType, recordID, string(changes)); err != nil {
		return fmt.Errorf("write audit entries: %w", err)
	}
	return nil
}

// Flush writes the entries added so far.
func (w *Writer) Flush(ctx context.Context) error {
	if err := w.batch.Flush(ctx); err != nil {
		return fmt.Errorf("write audit entries: %w", err)
	}
	return nil
}

// Record writes a single entry in tx for the actor in ctx.
func Record(ctx context.Context, tx *db.Tx, action, recordType, recordID string, changes map[string]Change) error {
	w := NewWriter(ctx, tx)
	if err := w.Add(ctx, action, recordType, recordID, changes); err != nil {
		return err
	}
	return w.Flush(ctx)
}
