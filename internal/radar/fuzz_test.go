package radar

import (
	"os"
	"testing"
)

// The parsers read files from outside: they must never panic, and what
// they accept must hold together (entries that say where they came from,
// decision records that validate).

func FuzzParseBYORCSV(f *testing.F) {
	f.Add(byorCSV)
	f.Add("name,ring,quadrant,isNew,status,description\nGo,Adopt,Tools,TRUE,New,x\n")
	f.Add("name,ring,quadrant\n\"a\"\"b\",c,d\n")
	f.Add("\ufeffname,quadrant,ring\n,,\n")
	f.Add("name,ring,quadrant\n\"unclosed\n")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := ParseBYORCSV("fuzz.csv", []byte(src))
		if err != nil {
			return
		}
		for _, e := range file.Entries {
			if e.Line < 2 {
				t.Fatalf("got entry %q on line %d, want a line after the header", e.Name, e.Line)
			}
		}
	})
}

func FuzzParseBYORJSON(f *testing.F) {
	f.Add(`[{"name": "Go", "ring": "Adopt", "quadrant": "Tools", "isNew": "TRUE", "description": "<b>x</b>"}]`)
	f.Add(`[{"name": "Go", "isNew": true, "status": "Moved In", "extra": [1, 2]}, null]`)
	f.Add(`[{"name": 1}]`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, src string) {
		file, err := ParseBYORJSON("fuzz.json", []byte(src))
		if err != nil {
			return
		}
		for i, e := range file.Entries {
			if e.Index < 0 || e.Index < i {
				t.Fatalf("got entry %d with index %d", i, e.Index)
			}
		}
	})
}

func FuzzParseZalando(f *testing.F) {
	if data, err := os.ReadFile("testdata/zalando-config.json"); err == nil {
		f.Add(string(data))
	}
	f.Add(`{"entries": [{"quadrant": 0, "ring": 0, "label": "Go", "moved": 2, "link": "https://go.dev"}], "quadrants": [{"name": "A"}], "rings": [{"name": "B", "color": "#000000"}]}`)
	f.Add(`{"entries": [{"quadrant": -1, "ring": 1e400, "label": null}]}`)
	f.Add(`{"entries": [null, 5]}`)
	f.Fuzz(func(t *testing.T, src string) {
		file, err := ParseZalando("fuzz.json", []byte(src))
		if err != nil {
			return
		}
		for _, e := range file.Entries {
			if e.Line != 0 {
				t.Fatalf("got a line number %d for JSON", e.Line)
			}
		}
	})
}

func FuzzParseADR(f *testing.F) {
	for _, dir := range []string{"testdata/adr-tools", "testdata/madr"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if data, err := os.ReadFile(dir + "/" + e.Name()); err == nil {
				f.Add(string(data))
			}
		}
	}
	f.Add("---\nstatus: superseded by [ADR-0002](0002-x.md)\ndeciders: [a, b]\n---\n# T\n")
	f.Add("# 1. T\n\n## Status\n\nSuperseded by [9999999999. X](99999999999-x.md)\n")
	f.Add("# T\n\n* Status: accepted\n* Date: 2024-02-30\n")
	f.Add("---\n---\n")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := ParseADR("0001-fuzz.md", []byte(src))
		if err != nil {
			return
		}
		d := file.Decision
		in := DecisionInput{Number: d.Number, Title: d.Title, Date: d.Date, Status: d.Status, SupersededBy: d.SupersededBy, Deciders: d.Deciders, Body: d.Body}
		if err := in.Validate(); err != nil {
			t.Fatalf("ParseADR accepted a record that does not validate: %v", err)
		}
		// What is accepted must survive being written and read again.
		again, err := ParseADR("0001-fuzz.md", FormatADR(d, map[int]Decision{}))
		if err != nil {
			t.Fatalf("the export of an accepted record does not parse: %v\n%s", err, FormatADR(d, map[int]Decision{}))
		}
		if again.Decision.Title != d.Title || again.Decision.Status != d.Status || again.Decision.SupersededBy != d.SupersededBy {
			t.Fatalf("round trip: got %q %s %d, want %q %s %d", again.Decision.Title, again.Decision.Status, again.Decision.SupersededBy,
				d.Title, d.Status, d.SupersededBy)
		}
	})
}
