package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability/condition"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

func (a *app) checkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check TARGET",
		Short: "Run one check and print its phases and each condition's verdict",
		Long: `Run one check of TARGET, as a monitor would, and print how long each phase
took and whether each condition held. TARGET is an http:// or https:// URL,
tcp://host:port, tls://host:port, dns://name (with --dns-server and
--record-type) or icmp://host. Without --condition the type's default
conditions apply. The command exits with an error when the check fails, so
it can gate a script.`,
		Example: `  chief check https://example.internal/health --condition '[STATUS] == 200' --condition '[BODY].status == UP'
  chief check tcp://127.0.0.1:5432
  chief check tls://example.internal:443 --condition '[CERTIFICATE_EXPIRATION] > 720h'`,
		Args: cobra.ExactArgs(1),
		RunE: a.check,
	}
	f := cmd.Flags()
	f.StringArray("condition", nil, "a condition the result must meet; repeat for more")
	f.String("method", "", "HTTP method (default GET)")
	f.StringArray("header", nil, "HTTP header as 'Name: value'; repeat for more")
	f.String("body", "", "HTTP request body")
	f.Bool("insecure", false, "skip TLS certificate verification")
	f.Bool("ignore-redirect", false, "do not follow HTTP redirects")
	f.Duration("timeout", 10*time.Second, "give up after this long")
	f.String("record-type", "", "DNS record type (default A)")
	f.String("dns-server", "", "DNS server as host:port (default the system's)")
	return cmd
}

// settingsFor turns a target and the flags into probe settings.
func settingsFor(cmd *cobra.Command, target string) (probe.Settings, error) {
	f := cmd.Flags()
	s := probe.Settings{}
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" {
		return s, fmt.Errorf("target %q: want a URL such as https://host/path, tcp://host:port, tls://host:port, dns://name or icmp://host", target)
	}
	switch u.Scheme {
	case "http", "https":
		s.Type, s.Target = "http", target
		s.Method, _ = f.GetString("method")
		s.Body, _ = f.GetString("body")
		s.IgnoreRedirect, _ = f.GetBool("ignore-redirect")
		headers, _ := f.GetStringArray("header")
		for _, h := range headers {
			name, value, ok := strings.Cut(h, ":")
			if !ok {
				return s, fmt.Errorf("header %q: want 'Name: value'", h)
			}
			if s.Headers == nil {
				s.Headers = map[string]string{}
			}
			s.Headers[strings.TrimSpace(name)] = strings.TrimSpace(value)
		}
	case "tcp", "tls":
		s.Type, s.Target = u.Scheme, u.Host
	case "dns":
		s.Type, s.Target = "dns", u.Host+strings.TrimPrefix(u.Path, "/")
		s.DNSRecordType, _ = f.GetString("record-type")
		s.DNSServer, _ = f.GetString("dns-server")
	case "icmp":
		s.Type, s.Target = "icmp", u.Host
	default:
		return s, fmt.Errorf("target %q: scheme %q is not one of http, https, tcp, tls, dns, icmp", target, u.Scheme)
	}
	if s.Type == "http" || s.Type == "tls" {
		s.Insecure, _ = f.GetBool("insecure")
	}
	timeout, _ := f.GetDuration("timeout")
	s.Timeout = dur.Duration(timeout)
	return s, nil
}

func (a *app) check(cmd *cobra.Command, args []string) error {
	s, err := settingsFor(cmd, args[0])
	if err != nil {
		return err
	}
	kind, err := probe.Lookup(s.Type)
	if err != nil {
		return err
	}
	if err := kind.Validate(&s); err != nil {
		return err
	}
	texts, _ := cmd.Flags().GetStringArray("condition")
	if len(texts) == 0 {
		texts = kind.DefaultConditions()
	}
	conds, err := condition.ParseAll(texts)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), s.Timeout.D())
	defer cancel()
	obs := kind.Check(ctx, &s, probe.Env{Now: time.Now()})

	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "%s %s\n", s.Type, s.Target)
	p := obs.Phases
	for _, ph := range []struct {
		name string
		d    time.Duration
	}{{"dns", p.DNS}, {"connect", p.Connect}, {"tls", p.TLS}, {"first byte", p.FirstByte}, {"total", p.Total}} {
		if ph.d > 0 || ph.name == "total" {
			fmt.Fprintf(w, "  %s\t%s\n", ph.name, ph.d.Round(10*time.Microsecond))
		}
	}
	if obs.Input.Status != 0 {
		fmt.Fprintf(w, "  status\t%d\n", obs.Input.Status)
	}
	if obs.Input.IP != "" {
		fmt.Fprintf(w, "  address\t%s\n", obs.Input.IP)
	}
	if obs.Input.HasCertificate {
		fmt.Fprintf(w, "  certificate expires in\t%s\n", obs.Input.CertificateExpiration.Round(time.Hour))
	}
	if obs.Err != "" {
		fmt.Fprintf(w, "  error\t%s\n", obs.Err)
	}
	w.Flush()
	ok := obs.Err == ""
	for _, c := range conds {
		v := c.Eval(&obs.Input)
		mark := "pass"
		if !v.OK {
			mark, ok = "FAIL", false
		}
		fmt.Fprintf(a.stdout, "%s  %s    %s\n", mark, v.Condition, v.Detail)
	}
	if !ok {
		return fmt.Errorf("check failed")
	}
	fmt.Fprintln(a.stdout, "check passed")
	return nil
}
