package reliability

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/notify"
)

// Alerter turns state changes into messages, enqueued in the transaction
// that records the change.
type Alerter interface {
	MonitorChanged(ctx context.Context, tx *db.Tx, m Monitor, from, to string, at time.Time, reason string) error
}

// outboxAlerter routes alerts through the notification outbox.
type outboxAlerter struct {
	store   *Store
	baseURL string
}

// owner returns the catalog ref of the group that owns an entity, or "".
func (s *Store) owner(ctx context.Context, entityKey string) string {
	ref, err := catalog.ParseRef(entityKey, "Component", catalog.DefaultNamespace)
	if err != nil {
		return ""
	}
	rec, err := s.catalog.Get(ctx, ref)
	if err != nil {
		return ""
	}
	owner := rec.Entity.Text("owner")
	if owner == "" {
		return ""
	}
	o, err := catalog.ParseRef(owner, "Group", ref.Namespace)
	if err != nil {
		return ""
	}
	return o.Key()
}

// entityPath is the page of an entity in Chief.
func entityPath(entityKey string) string {
	ref, err := catalog.ParseRef(entityKey, "Component", catalog.DefaultNamespace)
	if err != nil {
		return "/reliability"
	}
	return fmt.Sprintf("/catalog/%s/%s/%s", ref.Kind, ref.Namespace, ref.Name)
}

func (a *outboxAlerter) MonitorChanged(ctx context.Context, tx *db.Tx, m Monitor, from, to string, at time.Time, reason string) error {
	msg := notify.Message{
		EventKey: fmt.Sprintf("monitor:%d:%s:%s", m.ID, to, at.UTC().Format(time.RFC3339Nano)),
		Severity: m.Severity,
		Entity:   m.EntityKey,
		Team:     a.store.owner(ctx, m.EntityKey),
		URL:      a.baseURL + entityPath(m.EntityKey),
		At:       at.UTC(),
		Fields:   map[string]string{"monitor": m.Name, "target": m.Target, "from": from, "to": to},
	}
	switch to {
	case StateDown:
		msg.Kind, msg.Title, msg.Text = notify.KindDown, fmt.Sprintf("%s is down", m.Name), reason
	case StateUp:
		msg.Kind, msg.Title, msg.Text = notify.KindUp, fmt.Sprintf("%s is up again", m.Name), reason
	default:
		return nil
	}
	_, err := notify.Route(ctx, tx, msg)
	return err
}

// remind sends reminders for monitors that stay down; routing spaces them
// per channel by its reminder interval.
func (a *outboxAlerter) remind(ctx context.Context, downs []Monitor, since map[int64]time.Time, now time.Time) error {
	if len(downs) == 0 {
		return nil
	}
	return a.store.db.Write(ctx, func(tx *db.Tx) error {
		for _, m := range downs {
			msg := notify.Message{
				EventKey: fmt.Sprintf("monitor:%d:reminder:%d", m.ID, now.Unix()/60),
				Kind:     notify.KindReminder,
				Severity: m.Severity,
				Title:    fmt.Sprintf("%s is still down", m.Name),
				Text:     fmt.Sprintf("Down since %s (%s).", since[m.ID].Format(time.RFC3339), now.Sub(since[m.ID]).Round(time.Minute)),
				Entity:   m.EntityKey,
				Team:     a.store.owner(ctx, m.EntityKey),
				URL:      a.baseURL + entityPath(m.EntityKey),
				At:       now.UTC(),
				Fields:   map[string]string{"monitor": m.Name},
			}
			if _, err := notify.Route(ctx, tx, msg); err != nil {
				return err
			}
		}
		return nil
	})
}

// sloChanged records a new burn-rate alert level for an SLO and tells the
// channels.
func (a *outboxAlerter) sloChanged(ctx context.Context, o SLO, level string, now time.Time) error {
	return a.store.db.Write(ctx, func(tx *db.Tx) error {
		var since any
		if level != "" {
			since = unix(now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE slos SET alert = $1, alert_since = $2 WHERE id = $3`, level, since, o.ID); err != nil {
			return err
		}
		msg := notify.Message{
			EventKey: fmt.Sprintf("slo:%d:%s:%d", o.ID, level, now.Unix()),
			Entity:   o.Entity,
			Team:     a.store.owner(ctx, o.Entity),
			URL:      a.baseURL + entityPath(o.Entity),
			At:       now.UTC(),
			Fields:   map[string]string{"slo": o.Name, "objective": fmt.Sprintf("%.3f%%", o.Objective*100), "period": o.Period},
		}
		switch level {
		case "page":
			msg.Kind, msg.Severity = notify.KindSLOPage, "critical"
			msg.Title = fmt.Sprintf("SLO %s is burning its error budget fast", o.Name)
			msg.Text = "At this rate the budget is gone in days: act now."
		case "ticket":
			msg.Kind, msg.Severity = notify.KindSLOTicket, "major"
			msg.Title = fmt.Sprintf("SLO %s is burning its error budget", o.Name)
			msg.Text = "At this rate the budget runs out before the period ends."
		default:
			msg.Kind, msg.Severity = notify.KindUp, "minor"
			msg.Title = fmt.Sprintf("SLO %s burns at a sustainable rate again", o.Name)
		}
		_, err := notify.Route(ctx, tx, msg)
		return err
	})
}
