package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// byKeysChunk is how many keys one query asks for: well under the bound
// on bound parameters of either engine.
const byKeysChunk = 500

// ByKeys returns the entities stored under keys (Ref.Key), by key, in a
// few queries however many keys there are; pages that describe many
// entities use it rather than one Get each. Keys not in the catalog are
// left out of the map. Records come without their relations.
func (s *Store) ByKeys(ctx context.Context, keys []string) (map[string]Record, error) {
	keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
	slices.Sort(keys)
	keys = slices.Compact(keys)
	out := make(map[string]Record, len(keys))
	for chunk := range slices.Chunk(keys, byKeysChunk) {
		args := make([]any, len(chunk))
		marks := make([]string, len(chunk))
		for i, k := range chunk {
			args[i], marks[i] = k, fmt.Sprintf("$%d", i+1)
		}
		// Unprepared: the number of keys varies, and each count would
		// take a place in the prepared-statement cache.
		rows, err := s.db.Read().QueryContext(ctx, `SELECT `+recordColumns+` FROM entities WHERE ref IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read entities by key: %w", err)
		}
		for rows.Next() {
			rec, err := scanRecord(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[rec.Entity.Ref().Key()] = rec
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
