package web

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// monitorForm is the state of the new and edit monitor forms: what the
// user typed, and an error per input.
type monitorForm struct {
	Editing bool
	// Name is the monitor's name before the edit.
	Name   string
	Action string
	Back   string
	// Origin is the file an edited monitor was imported from, if any.
	Origin string
	Values map[string]string
	Errors map[string]string

	Types       []string
	Severities  []string
	RecordTypes []string
	Entities    []string
}

// monitorFields are the form's inputs, named as MonitorInput's JSON keys so
// that the store's field errors land next to them.
var monitorFields = []string{
	"name", "entity", "type", "interval", "timeout", "failure_threshold", "success_threshold", "severity", "paused",
	"target", "method", "headers", "body", "ignore_redirect", "insecure", "max_body", "dns_record_type", "dns_server", "conditions",
}

// Defaults the probes fill in; the form leaves them blank (and shows them
// as placeholders) so that changing the type does not trip over a value
// the new type does not use.
const (
	monitorDefaultTimeout = 10 * time.Second
	monitorDefaultMaxBody = 1 << 20
)

func newMonitorForm() *monitorForm {
	return &monitorForm{
		Values:      map[string]string{"type": "http", "severity": "major", "failure_threshold": "1", "success_threshold": "1"},
		Errors:      map[string]string{},
		Types:       probe.Names(),
		Severities:  reliability.Severities,
		RecordTypes: []string{"A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "SOA", "PTR"},
	}
}

// fill puts a stored monitor into the form.
func (f *monitorForm) fill(m reliability.MonitorInput) {
	v := f.Values
	v["name"], v["entity"], v["type"], v["severity"] = m.Name, m.Entity, m.Type, m.Severity
	if ref, err := catalog.ParseRef(m.Entity, "Component", catalog.DefaultNamespace); err == nil {
		v["entity"] = ref.Short("Component")
	}
	v["interval"] = relShortDuration(m.Interval.D())
	if m.Timeout.D() != monitorDefaultTimeout {
		v["timeout"] = relShortDuration(m.Timeout.D())
	}
	v["failure_threshold"] = strconv.Itoa(m.FailureThreshold)
	v["success_threshold"] = strconv.Itoa(m.SuccessThreshold)
	v["paused"] = relCheckbox(m.Paused)
	v["target"] = m.Target
	if m.Method != "GET" {
		v["method"] = m.Method
	}
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var hs []string
	for _, k := range keys {
		hs = append(hs, k+": "+m.Headers[k])
	}
	v["headers"] = strings.Join(hs, "\n")
	v["body"] = m.Body
	v["ignore_redirect"] = relCheckbox(m.IgnoreRedirect)
	v["insecure"] = relCheckbox(m.Insecure)
	if m.MaxBody != 0 && m.MaxBody != monitorDefaultMaxBody {
		v["max_body"] = strconv.FormatInt(m.MaxBody, 10)
	}
	if m.DNSRecordType != "A" {
		v["dns_record_type"] = m.DNSRecordType
	}
	v["dns_server"] = m.DNSServer
	v["conditions"] = strings.Join(m.Conditions, "\n")
}

func relCheckbox(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// read takes the posted values into the form and builds the input they
// describe; ok is false when a value cannot even be read (a number or a
// duration), with the error set next to it.
func (f *monitorForm) read(form url.Values) (in reliability.MonitorInput, ok bool) {
	for _, k := range monitorFields {
		val := form.Get(k)
		if k != "body" {
			val = strings.TrimSpace(val)
		}
		f.Values[k] = val
	}
	v := f.Values
	in.Name, in.Entity, in.Severity = v["name"], v["entity"], v["severity"]
	in.Type, in.Target, in.Method, in.Body = v["type"], v["target"], v["method"], v["body"]
	in.DNSRecordType, in.DNSServer = v["dns_record_type"], v["dns_server"]
	in.Paused, in.IgnoreRedirect, in.Insecure = v["paused"] != "", v["ignore_redirect"] != "", v["insecure"] != ""
	in.Interval = f.duration("interval")
	in.Timeout = f.duration("timeout")
	in.FailureThreshold = f.integer("failure_threshold")
	in.SuccessThreshold = f.integer("success_threshold")
	in.MaxBody = int64(f.integer("max_body"))
	for i, line := range strings.Split(v["headers"], "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, found := strings.Cut(line, ":")
		if !found || strings.TrimSpace(name) == "" {
			f.Errors["headers"] = fmt.Sprintf("Line %d: write each header as Name: value, such as Authorization: Bearer abc", i+1)
			continue
		}
		if in.Headers == nil {
			in.Headers = map[string]string{}
		}
		in.Headers[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	for _, c := range strings.Split(v["conditions"], "\n") {
		if c = strings.TrimSpace(c); c != "" {
			in.Conditions = append(in.Conditions, c)
		}
	}
	return in, len(f.Errors) == 0
}

// duration reads a duration input: Go's form (30s, 5m, 1h) or a number of
// seconds. Empty is zero, which means the default.
func (f *monitorForm) duration(key string) dur.Duration {
	s := f.Values[key]
	if s == "" {
		return 0
	}
	if n, err := strconv.Atoi(s); err == nil {
		return dur.Duration(time.Duration(n) * time.Second)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		f.Errors[key] = fmt.Sprintf("%q is not a duration: write it as 30s, 5m or 1h", s)
		return 0
	}
	return dur.Duration(d)
}

func (f *monitorForm) integer(key string) int {
	s := f.Values[key]
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.Errors[key] = fmt.Sprintf("%q is not a whole number", s)
	}
	return n
}

// setError puts a validation error from the store next to the input it
// names. Conditions are one per line, so conditions[i] becomes a message
// on the conditions input that says which line.
func (f *monitorForm) setError(err error) bool {
	e := apperr.As(err)
	if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return false
	}
	field, msg := e.Field, e.Message
	if base, i, ok := relIndexedField(field); ok && base == "conditions" {
		field = "conditions"
		msg = fmt.Sprintf("Line %d: %s", f.conditionLine(i), msg)
	}
	switch {
	case e.Code == apperr.Conflict:
		field = "name"
	case field == "":
		field = "form"
	}
	if _, shown := f.Values[field]; !shown && field != "form" {
		msg, field = e.Error(), "form"
	}
	f.Errors[field] = msg
	return true
}

// conditionLine is the line of the conditions input that holds the i-th
// condition (from 0), counting blank lines the form skipped.
func (f *monitorForm) conditionLine(i int) int {
	n := -1
	for line, c := range strings.Split(f.Values["conditions"], "\n") {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if n++; n == i {
			return line + 1
		}
	}
	return i + 1
}

// suggestMonitorEntities fills the entity input's list with the catalog's components.
func (s *Server) suggestMonitorEntities(ctx context.Context, f *monitorForm) error {
	p, err := s.catalog.List(ctx, catalog.Query{Kind: "Component", Limit: catalog.MaxLimit, Sort: "name"})
	if err != nil {
		return err
	}
	for _, r := range p.Items {
		f.Entities = append(f.Entities, r.Entity.Ref().Short("Component"))
	}
	return nil
}

// monitorUsedBy says which monitor types read an input.
var monitorUsedBy = map[string]string{
	"target":          "http, tcp, dns, tls, icmp",
	"timeout":         "all but heartbeat",
	"method":          "http",
	"headers":         "http",
	"body":            "http",
	"ignore_redirect": "http",
	"insecure":        "http, tls",
	"max_body":        "http",
	"dns_record_type": "dns",
	"dns_server":      "dns",
}

// UsedBy is for the template: which types read the input.
func (f *monitorForm) UsedBy(key string) string { return monitorUsedBy[key] }
