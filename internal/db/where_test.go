package db_test

import (
	"reflect"
	"testing"

	"github.com/chief-hq/chief/internal/db"
)

func TestWhereNumbersPlaceholders(t *testing.T) {
	var w db.Where
	if got := w.String(); got != "" {
		t.Errorf("empty: got %q, want \"\"", got)
	}
	w.Add("kind = ?", "Component")
	w.Add("substr(actor, 1, ?) = ?", 5, "user:")
	limit := w.Arg(51)
	if got, want := w.String(), " WHERE kind = $1 AND substr(actor, 1, $2) = $3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if limit != "$4" {
		t.Errorf("limit placeholder: got %q, want $4", limit)
	}
	if want := []any{"Component", 5, "user:", 51}; !reflect.DeepEqual(w.Args, want) {
		t.Errorf("args: got %v, want %v", w.Args, want)
	}
}
