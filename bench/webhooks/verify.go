package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	_ "modernc.org/sqlite"
)

// verify checks, after chief was killed, that every delivery it
// acknowledged is in its database: the receipt of every stored delivery,
// and the commits, deployments and pull requests it carried. It opens the
// database as chief would on its next start (recovering the write-ahead
// log), so run it only once chief is gone.
func verify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	path := fs.String("db", "", "chief's SQLite file (DATA/chief.db)")
	source := fs.String("source", "bench-github", "webhook source name")
	component := fs.String("component", "component:default/bench-repo", "key of the component the repository belongs to; with setup -repos N, the components whose keys begin with it")
	acks := fs.String("acks", "", "the file load -acks wrote")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || *acks == "" {
		return errors.New("-db and -acks are required")
	}
	prefix := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(*component) + "%"
	d, err := sql.Open("sqlite", "file:"+*path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer d.Close()
	var sourceID, received, ignored int64
	if err := d.QueryRowContext(ctx, `SELECT id, received, ignored FROM delivery_sources WHERE name = ?`, *source).Scan(&sourceID, &received, &ignored); err != nil {
		return fmt.Errorf("read source %s: %w", *source, err)
	}
	receipts, err := stringSet(ctx, d, `SELECT delivery_id FROM delivery_receipts WHERE source_id = ?`, sourceID)
	if err != nil {
		return err
	}
	commits, err := stringSet(ctx, d, `SELECT sha FROM delivery_changes WHERE component_ref LIKE ? ESCAPE '\'`, prefix)
	if err != nil {
		return err
	}
	deployments, err := stringSet(ctx, d, `SELECT external_id FROM delivery_deployments WHERE component_ref LIKE ? ESCAPE '\' AND source = 'github' AND result = 'success'`, prefix)
	if err != nil {
		return err
	}
	pulls, err := stringSet(ctx, d, `SELECT CAST(number AS TEXT) FROM delivery_pull_requests WHERE component_ref LIKE ? ESCAPE '\' AND merged_at IS NOT NULL`, prefix)
	if err != nil {
		return err
	}

	f, err := os.Open(*acks)
	if err != nil {
		return err
	}
	defer f.Close()
	type count struct{ acked, found int }
	var stored, records [3]count
	var ignoredAcked, other int
	var missing []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			return fmt.Errorf("%s: bad line %q", *acks, sc.Text())
		}
		event, delivery, status, keys := cols[0], cols[1], cols[2], cols[3]
		kind := map[string]int{"push": 0, "deployment_status": 1, "pull_request": 2}[event]
		switch {
		case event == "workflow_run":
			ignoredAcked++
			continue
		case status != "200":
			other++ // a storable event answered 202: a replay or no component
			continue
		}
		stored[kind].acked++
		if receipts[delivery] {
			stored[kind].found++
		} else if len(missing) < 5 {
			missing = append(missing, event+" "+delivery)
		}
		set := []map[string]bool{commits, deployments, pulls}[kind]
		for _, k := range strings.Split(keys, ",") {
			records[kind].acked++
			if set[k] {
				records[kind].found++
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var ackedAll, foundAll int
	for i, name := range []string{"push", "deployment_status", "pull_request"} {
		ackedAll += stored[i].acked
		foundAll += stored[i].found
		fmt.Fprintf(stdout, "%-17s acknowledged %6d, receipt on disk %6d; %-11s acknowledged %6d, on disk %6d\n", name, stored[i].acked, stored[i].found,
			[]string{"commits", "deployments", "pulls"}[i], records[i].acked, records[i].found)
	}
	var recordsAcked, recordsFound int
	for _, r := range records {
		recordsAcked, recordsFound = recordsAcked+r.acked, recordsFound+r.found
	}
	fmt.Fprintf(stdout, "workflow_run      acknowledged %6d (ignored: no receipt); source's ignored counter on disk %d\n", ignoredAcked, ignored)
	if other > 0 {
		fmt.Fprintf(stdout, "storable deliveries answered 202 (replay or no component): %d\n", other)
	}
	fmt.Fprintf(stdout, "receipts on disk %d, source's received counter %d: %d committed but not acknowledged (answer cut off by the kill)\n",
		len(receipts), received, len(receipts)-foundAll)

	var daily, deployed sql.NullInt64
	if err := d.QueryRowContext(ctx, `SELECT SUM(deployments) FROM delivery_daily WHERE component_ref LIKE ? ESCAPE '\'`, prefix).Scan(&daily); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_deployments WHERE component_ref LIKE ? ESCAPE '\' AND production AND finished_at IS NOT NULL`,
		prefix).Scan(&deployed); err != nil {
		return err
	}
	var shipped, leadless int64
	if err := d.QueryRowContext(ctx, `SELECT COALESCE(SUM(change_count), 0), COALESCE(SUM(change_count = 0), 0) FROM delivery_deployments WHERE component_ref LIKE ? ESCAPE '\'`,
		prefix).Scan(&shipped, &leadless); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deployments on disk %d, in the daily rollups %d; changes shipped by them %d; deployments that shipped none %d\n",
		deployed.Int64, daily.Int64, shipped, leadless)
	fmt.Fprintf(stdout, "RESULT acked_stored=%d found=%d missing=%d acked_records=%d records_found=%d acked_ignored=%d ignored_counter=%d\n",
		ackedAll, foundAll, ackedAll-foundAll, recordsAcked, recordsFound, ignoredAcked, ignored)
	if foundAll != ackedAll || recordsFound != recordsAcked || ignored < int64(ignoredAcked) {
		return fmt.Errorf("acknowledged deliveries are missing after the kill (first: %v)", missing)
	}
	return nil
}

func stringSet(ctx context.Context, d *sql.DB, q string, args ...any) (map[string]bool, error) {
	rows, err := d.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}
