package radar

import (
	"context"
	"fmt"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/db"
)

// ADRImportResult says what an import of decision records changed, by
// decision number.
type ADRImportResult struct {
	Created   []int `json:"created"`
	Updated   []int `json:"updated"`
	Unchanged []int `json:"unchanged"`
}

// adrLock serializes ADR imports on PostgreSQL.
const adrLock = 74260602

// ImportADRs creates or updates the decision records read from files,
// matched by number. Links made in Chief (technologies, entities) are kept;
// records not in the files are left alone. The same files imported again
// change nothing. A record superseded by a number neither in the files nor
// in Chief stops the import before anything changes, with file and line.
func (s *Store) ImportADRs(ctx context.Context, files []ADRFile) (ADRImportResult, error) {
	var res ADRImportResult
	existing, err := s.Decisions(ctx, DecisionQuery{})
	if err != nil {
		return res, err
	}
	known := map[int]bool{}
	byNumber := map[int]Decision{}
	for _, d := range existing {
		known[d.Number] = true
		byNumber[d.Number] = d
	}
	seen := map[int]string{}
	for _, f := range files {
		if prev, dup := seen[f.Decision.Number]; dup {
			return res, apperr.New(apperr.Invalid, "%s:1: decision number %d is also in %s", f.File, f.Decision.Number, prev)
		}
		seen[f.Decision.Number] = f.File
		known[f.Decision.Number] = true
	}
	var problems []string
	for _, f := range files {
		if n := f.Decision.SupersededBy; n > 0 && !known[n] {
			problems = append(problems, fmt.Sprintf("%s:%d: superseded by decision %d, which is neither in the folder nor in Chief", f.File, f.StatusLine, n))
		}
	}
	if len(problems) > 0 {
		return res, apperr.New(apperr.Invalid, "%s", strings.Join(problems, "\n"))
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res = ADRImportResult{}
		if err := tx.Serialize(ctx, adrLock); err != nil {
			return err
		}
		for _, f := range files {
			in := f.Decision
			old, ok := byNumber[in.Number]
			if !ok {
				d := in
				d.ID = 0
				if err := insertDecision(ctx, tx, &d); err != nil {
					return fmt.Errorf("%s: %w", f.File, err)
				}
				res.Created = append(res.Created, d.Number)
				continue
			}
			d := old
			d.Title, d.Date, d.Status, d.SupersededBy, d.Deciders, d.Body = in.Title, in.Date, in.Status, in.SupersededBy, in.Deciders, in.Body
			d.Layout, d.FileName, d.extra = in.Layout, in.FileName, in.extra
			changed, err := updateDecision(ctx, tx, old, &d)
			if err != nil {
				return fmt.Errorf("%s: %w", f.File, err)
			}
			if changed {
				res.Updated = append(res.Updated, d.Number)
			} else {
				res.Unchanged = append(res.Unchanged, d.Number)
			}
		}
		return nil
	})
	return res, err
}
