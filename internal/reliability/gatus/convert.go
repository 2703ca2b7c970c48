// Package gatus reads a Gatus configuration file and says what Chief makes of
// it: monitors, the components they watch, notification channels, and a list
// of everything that could not be carried over, each with its line.
//
// It stops with an error only where it cannot tell what the file means:
// invalid YAML, a section of the wrong shape, an endpoint without a name or
// url, a value of the wrong type. Whatever it understands but Chief cannot do
// the same way becomes a Skip, so one import shows every gap at once.
// Nothing is read from the environment and nothing is saved here; the caller
// validates the result (conditions included) when it saves it.
package gatus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
)

// Result is what Chief makes of one Gatus configuration.
type Result struct {
	Monitors []reliability.MonitorInput
	// Components are the catalog components the monitors point at, to be
	// created if missing: one per Gatus group, and one per ungrouped
	// endpoint, named after the endpoint, since Gatus has no entity of its own
	// to watch.
	Components []string
	Channels   []notify.ChannelInput
	// Skipped lists what was not carried over, or was carried over
	// differently, in line order.
	Skipped []Skip
}

// Skip is one thing from the file that Chief does not do as Gatus did.
type Skip struct {
	Line int    // 1-based line in the file
	What string // the setting, e.g. "endpoints[3].alerts[0] (type pagerduty)"
	Why  string // what happened to it and what to do
}

// Error is a Gatus file Convert cannot go on with. It unwraps to an
// apperr.Invalid error naming the field, so the API answers 422.
type Error struct {
	File  string
	Line  int    // 0 when the YAML parser gave none
	Field string // e.g. "endpoints[2].url"; empty for a YAML syntax error
	Msg   string
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	if e.Field == "" {
		return where + ": " + e.Msg
	}
	return where + ": " + e.Field + ": " + e.Msg
}

func (e *Error) Unwrap() error {
	msg := e.Msg
	if e.Line > 0 {
		msg = fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	if e.Field == "" {
		return apperr.New(apperr.Invalid, "%s", msg)
	}
	return apperr.Field(e.Field, "%s", msg)
}

// maxFileSize bounds what Convert reads; real Gatus files are a few hundred
// kilobytes at most.
const maxFileSize = 16 << 20

// defaultInterval is Gatus's, which happens to be Chief's too.
const defaultInterval = 60 * time.Second

// defaultTimeout is the check timeout Chief and Gatus use when none is set.
const defaultTimeout = 10 * time.Second

// Convert reads a Gatus configuration file (YAML) and says what Chief makes of it.
func Convert(r io.Reader, filename string) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filename, err)
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: filename, Msg: "larger than 16 MiB; is this a Gatus configuration?"}
	}
	c := &converter{
		file:      filename,
		env:       map[string]envRef{},
		names:     map[string]bool{},
		comps:     map[string]bool{},
		providers: map[string]*provider{},
	}
	if err := c.convert(data); err != nil {
		return nil, err
	}
	return &c.res, nil
}

// converter holds the state of one Convert call.
type converter struct {
	file string
	res  Result
	// env holds the environment references met, by variable name.
	env   map[string]envRef
	names map[string]bool // monitor names taken
	comps map[string]bool // components listed
	// providers are the alerting providers by alert type, in file order in provs.
	providers map[string]*provider
	provs     []*provider
}

type envRef struct {
	written string
	line    int
}

var yamlLineRe = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

func (c *converter) convert(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Error{File: c.file, Line: 1, Msg: "the file is empty; a Gatus configuration lists endpoints"}
		}
		msg := err.Error()
		line := 0
		if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		return &Error{File: c.file, Line: line, Msg: "invalid YAML: " + msg}
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return &Error{File: c.file, Line: doc.Content[0].Line, Msg: "the file is empty; a Gatus configuration lists endpoints"}
	}
	if root.Kind != yaml.MappingNode {
		return c.fail(root, "", "a Gatus configuration is a mapping with endpoints, alerting and other sections")
	}
	top, err := c.fields(root, "")
	if err != nil {
		return err
	}
	// Providers first: their default alerts shape the endpoints' alerts.
	if p, ok := top.get("alerting"); ok {
		if err := c.alerting(p); err != nil {
			return err
		}
	}
	for _, p := range top.list {
		switch p.key {
		case "alerting":
		case "endpoints":
			if err := c.endpoints(p); err != nil {
				return err
			}
		case "external-endpoints":
			if err := c.externalEndpoints(p); err != nil {
				return err
			}
		case "maintenance":
			c.skip(p.k, "maintenance", "re-create as a Chief maintenance window: Chief has them, with a different schedule format"+maintenanceSummary(p.v))
		default:
			why, known := sectionWhy[p.key]
			if !known {
				why = "not a Gatus setting Chief knows; ignored"
			}
			c.skip(p.k, top.at(p.key), why)
		}
	}
	c.finishChannels()
	c.extraDocument(dec)
	refs := make([]envRef, 0, len(c.env))
	for _, r := range c.env {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].line != refs[j].line {
			return refs[i].line < refs[j].line
		}
		return refs[i].written < refs[j].written
	})
	for _, r := range refs {
		c.skipAt(r.line, r.written, "environment variable: Gatus fills it in when it starts, Chief keeps the text as written; put in the real value")
	}
	sort.SliceStable(c.res.Skipped, func(i, j int) bool {
		return c.res.Skipped[i].Line < c.res.Skipped[j].Line
	})
	return nil
}

// decode reads one document. yaml.v3 has panicked on hostile input before;
// an import must answer with an error instead.
func decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	err = dec.Decode(n)
	if err == nil && (n.Kind != yaml.DocumentNode || len(n.Content) == 0) {
		err = io.EOF
	}
	return err
}

// extraDocument notes a second YAML document, which Gatus never reads.
func (c *converter) extraDocument(dec *yaml.Decoder) {
	var next yaml.Node
	if err := decode(dec, &next); err != nil {
		return
	}
	line := next.Line
	if len(next.Content) > 0 {
		line = next.Content[0].Line
	}
	c.skipAt(line, "second YAML document", "Gatus reads only the first document of a file, and so does the import")
}

// sectionWhy says why each top-level Gatus section stays behind.
var sectionWhy = map[string]string{
	"storage":                    "Chief keeps its own storage; Gatus's check history is not imported",
	"ui":                         "Chief has its own pages and status page",
	"web":                        "Chief's own server settings apply",
	"metrics":                    "Chief always serves Prometheus metrics at /metrics",
	"security":                   "Chief has its own users, roles and API tokens",
	"remote":                     "Chief does not read results from other Gatus instances",
	"connectivity":               "Chief has no connectivity checker; checks are not held back when the network is down",
	"announcements":              "announcements are not imported",
	"suites":                     "Chief has no multi-step suites; make a monitor per step where that is enough",
	"tunneling":                  "Chief does not open SSH tunnels; checks run from Chief's host",
	"concurrency":                "Chief bounds concurrent checks itself",
	"disable-monitoring-lock":    "Chief bounds concurrent checks itself",
	"skip-invalid-config-update": "Chief does not watch the Gatus file; import it again after a change",
	"debug":                      "use Chief's own log settings",
}

// maintenanceSummary repeats the Gatus window so it can be re-created by hand.
func maintenanceSummary(n *yaml.Node) string {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	var parts []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k == nil || v == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		switch v.Kind {
		case yaml.ScalarNode:
			parts = append(parts, k.Value+" "+v.Value)
		case yaml.SequenceNode:
			var vs []string
			for _, e := range v.Content {
				if e = resolve(e); e != nil && e.Kind == yaml.ScalarNode {
					vs = append(vs, e.Value)
				}
			}
			parts = append(parts, k.Value+" "+strings.Join(vs, ", "))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (Gatus: " + strings.Join(parts, "; ") + ")"
}

// skip records one Skip at n's line.
func (c *converter) skip(n *yaml.Node, what, why string) { c.skipAt(n.Line, what, why) }

func (c *converter) skipAt(line int, what, why string) {
	c.res.Skipped = append(c.res.Skipped, Skip{Line: line, What: what, Why: why})
}

// fail returns the error for the value at n.
func (c *converter) fail(n *yaml.Node, field, format string, args ...any) error {
	return &Error{File: c.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// YAML walking. The file is read as yaml.Node so every Skip and error can
// name its line; these helpers give the few shapes Gatus uses.

// resolve follows aliases to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i == 100 {
			return nil
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// pair is one key of a mapping with its (resolved) value.
type pair struct {
	key  string
	k, v *yaml.Node
}

// fields are a mapping's keys in file order, merge keys (<<) applied.
type fields struct {
	path string
	list []pair
}

func (f fields) get(key string) (pair, bool) {
	for _, p := range f.list {
		if p.key == key {
			return p, true
		}
	}
	return pair{}, false
}

// at names a key of this mapping: "endpoints[2]" + "url" = "endpoints[2].url".
func (f fields) at(key string) string { return join(f.path, key) }

func join(path, key string) string {
	if key == "" {
		key = `""`
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// fields reads mapping n. Keys written in n win over merged ones, and earlier
// merge sources over later ones, as in YAML's merge key; a key written twice
// is an error, as it is for Gatus.
func (c *converter) fields(n *yaml.Node, path string) (fields, error) {
	f := fields{path: path}
	seen := map[string]int{}
	visited := map[*yaml.Node]bool{n: true}
	var add func(m *yaml.Node, merged bool) error
	add = func(m *yaml.Node, merged bool) error {
		var merges []*yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
			if k == nil || v == nil {
				return c.fail(m.Content[i], path, "an alias that leads nowhere")
			}
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
				merges = append(merges, v)
				continue
			}
			if k.Kind != yaml.ScalarNode {
				return c.fail(k, path, "keys must be plain text")
			}
			if line, dup := seen[k.Value]; dup {
				if merged {
					continue
				}
				return c.fail(k, join(path, k.Value), "is set twice (first on line %d)", line)
			}
			seen[k.Value] = k.Line
			f.list = append(f.list, pair{key: k.Value, k: k, v: v})
		}
		for _, s := range merges {
			srcs := []*yaml.Node{s}
			if s.Kind == yaml.SequenceNode {
				srcs = s.Content
			}
			for _, src := range srcs {
				src = resolve(src)
				if src == nil || src.Kind != yaml.MappingNode {
					return c.fail(s, join(path, "<<"), "can only merge mappings")
				}
				if visited[src] {
					continue
				}
				visited[src] = true
				if err := add(src, true); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return f, add(n, false)
}

// mapping reads the value of p as a mapping; null means empty.
func (c *converter) mapping(p pair, path string) (fields, error) {
	if isNull(p.v) {
		return fields{path: path}, nil
	}
	if p.v.Kind != yaml.MappingNode {
		return fields{}, c.fail(p.v, path, "must be a mapping of keys to values")
	}
	return c.fields(p.v, path)
}

// sequence reads the value of p as a list; null means empty.
func (c *converter) sequence(p pair, path string) ([]*yaml.Node, error) {
	if isNull(p.v) {
		return nil, nil
	}
	if p.v.Kind != yaml.SequenceNode {
		return nil, c.fail(p.v, path, "must be a list")
	}
	out := make([]*yaml.Node, len(p.v.Content))
	for i, n := range p.v.Content {
		if out[i] = resolve(n); out[i] == nil {
			return nil, c.fail(n, fmt.Sprintf("%s[%d]", path, i), "an alias that leads nowhere")
		}
	}
	return out, nil
}

// text reads a string as Gatus would see it: "$$" stands for "$", and
// environment references are noted (and left as written).
func (c *converter) text(n *yaml.Node, path string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", c.fail(n, path, "must be a single value, not a list or mapping")
	}
	for _, ref := range envRefs(n.Value) {
		name := strings.Trim(ref, "${}")
		if r, ok := c.env[name]; !ok || n.Line < r.line {
			c.env[name] = envRef{written: ref, line: n.Line}
		}
	}
	return strings.ReplaceAll(n.Value, "$$", "$"), nil
}

// fromEnv reports whether a scalar Chief must type (a number, a duration, a
// flag) is left to an environment variable, noting that the default applies.
func (c *converter) fromEnv(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode || len(envRefs(n.Value)) == 0 {
		return false
	}
	_, _ = c.text(n, path)
	c.skip(n, path, fmt.Sprintf("%s comes from the environment; Chief uses its default instead: set it by hand", n.Value))
	return true
}

// flag reads a true/false value; set is false when it is absent or left to
// the environment.
func (c *converter) flag(f fields, key string) (val, set bool, err error) {
	p, ok := f.get(key)
	if !ok || isNull(p.v) || c.fromEnv(p.v, f.at(key)) {
		return false, false, nil
	}
	if p.v.Kind != yaml.ScalarNode || p.v.Decode(&val) != nil {
		return false, false, c.fail(p.v, f.at(key), "must be true or false")
	}
	return val, true, nil
}

// number reads a whole number; 0 when absent or left to the environment.
func (c *converter) number(f fields, key string) (int, error) {
	p, ok := f.get(key)
	if !ok || isNull(p.v) || c.fromEnv(p.v, f.at(key)) {
		return 0, nil
	}
	var v int
	if p.v.Kind != yaml.ScalarNode || p.v.Decode(&v) != nil || v < 0 {
		return 0, c.fail(p.v, f.at(key), "must be a whole number of 0 or more")
	}
	return v, nil
}

// duration reads a Go duration such as "30s"; 0 when absent or left to the
// environment.
func (c *converter) duration(f fields, key string) (time.Duration, *yaml.Node, error) {
	p, ok := f.get(key)
	if !ok || isNull(p.v) || c.fromEnv(p.v, f.at(key)) {
		return 0, nil, nil
	}
	if p.v.Kind != yaml.ScalarNode {
		return 0, nil, c.fail(p.v, f.at(key), "must be a duration such as 30s, 5m or 1h")
	}
	d, err := time.ParseDuration(p.v.Value)
	if err != nil || d < 0 {
		return 0, nil, c.fail(p.v, f.at(key), "%q is not a duration such as 30s, 5m or 1h", p.v.Value)
	}
	return d, p.v, nil
}

// envRefs returns the environment references Gatus expands in s, as
// written ("${DOMAIN}", "$DOMAIN"). Gatus runs os.ExpandEnv over the whole
// file after turning "$$" into a literal "$"; this follows the same rules.
func envRefs(s string) []string {
	var refs []string
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		rest := s[i+1:]
		switch {
		case rest[0] == '$':
			i++
		case rest[0] == '{':
			if end := strings.IndexByte(rest, '}'); end > 1 {
				refs = append(refs, s[i:i+end+2])
				i += end + 1
			}
		case strings.IndexByte("*#$@!?-0123456789", rest[0]) >= 0:
			refs = append(refs, s[i:i+2])
			i++
		default:
			n := 0
			for n < len(rest) && (rest[n] == '_' || rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= '0' && rest[n] <= '9') {
				n++
			}
			if n > 0 {
				refs = append(refs, s[i:i+n+1])
				i += n
			}
		}
	}
	return refs
}

// Names. Monitor names are [a-z0-9._-], up to 100 long; catalog names up to
// 63, and both start (catalog names also end) with a letter or digit.

const (
	maxMonitorName   = 100
	maxComponentName = 63
)

// slug lower-cases s, turns every run of other characters into one '-' and
// cuts it to max.
func slug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return trimName(b.String(), max)
}

// trimName cuts s to max and drops separators from both ends.
func trimName(s string, max int) string {
	if len(s) > max {
		s = s[:max]
	}
	return strings.Trim(s, "-._")
}

// monitorName mirrors Gatus's key, group_name, with '_' kept for the one
// place it separates group from name, so Gatus users recognise it.
func monitorName(group, name string) string {
	n := slug(strings.ReplaceAll(name, "_", "-"), maxMonitorName)
	if n == "" {
		n = "endpoint"
	}
	if g := slug(strings.ReplaceAll(group, "_", "-"), maxMonitorName); g != "" {
		n = trimName(g+"_"+n, maxMonitorName)
	}
	return n
}

// uniqueName adds -2, -3, ... to base until no monitor has the name.
func (c *converter) uniqueName(base string) string {
	name := base
	for i := 2; c.names[name]; i++ {
		suffix := "-" + strconv.Itoa(i)
		b := base
		if len(b)+len(suffix) > maxMonitorName {
			b = strings.TrimRight(b[:maxMonitorName-len(suffix)], "-._")
		}
		name = b + suffix
	}
	c.names[name] = true
	return name
}

// component returns the entity a monitor watches, listing it on first use.
func (c *converter) component(group, name string) string {
	s := slug(group, maxComponentName)
	if s == "" {
		s = slug(name, maxComponentName)
	}
	if s == "" {
		s = "endpoint"
	}
	if !c.comps[s] {
		c.comps[s] = true
		c.res.Components = append(c.res.Components, s)
	}
	return "component:default/" + s
}

// short writes a duration without trailing zero units: 24h, not 24h0m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
