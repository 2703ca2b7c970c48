package gatus

import (
	"context"
	"fmt"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
)

// Applied says what importing a converted Gatus file changed.
type Applied struct {
	ComponentsCreated []string                 `json:"components_created"`
	Monitors          reliability.ImportResult `json:"monitors"`
	ChannelsChanged   []string                 `json:"channels_changed"`
	Skipped           []Skip                   `json:"skipped"`
}

// Stores are what Apply writes to.
type Stores struct {
	DB          *db.DB
	Catalog     *catalog.Store
	Reliability *reliability.Store
	Channels    *notify.Store
}

// Apply stores a converted Gatus file: it creates the components the
// monitors watch when missing (owned by owner), makes the monitors of
// origin match the file, and creates or updates the channels. Invalid
// monitors stop it before anything changes; a channel that cannot be made
// (a ${VAR} left in its URL, say) is skipped and reported. Applying the
// same file again changes nothing.
func Apply(ctx context.Context, st Stores, res *Result, origin, owner string) (Applied, error) {
	out := Applied{Skipped: append([]Skip(nil), res.Skipped...)}
	ownerRef, err := catalog.ParseRef(owner, "Group", catalog.DefaultNamespace)
	if err != nil {
		return out, apperr.Field("owner", "%s", apperr.As(err).Message)
	}
	list := make([]reliability.Sourced, len(res.Monitors))
	for i, m := range res.Monitors {
		check := m
		check.Conditions = append([]string(nil), m.Conditions...)
		if _, _, err := check.Validate(); err != nil {
			e := apperr.As(err)
			if e == nil {
				return out, err
			}
			return out, apperr.Field(e.Field, "endpoint %q: %s", m.Name, e.Message)
		}
		list[i] = reliability.Sourced{Input: m}
	}
	var channels []notify.ChannelInput
	for _, c := range res.Channels {
		check := c
		if err := check.Validate(); err != nil {
			out.Skipped = append(out.Skipped, Skip{What: "channel " + c.Name, Why: "not created: " + err.Error()})
			continue
		}
		channels = append(channels, c)
	}
	for _, name := range res.Components {
		ref := catalog.Ref{Kind: "Component", Namespace: catalog.DefaultNamespace, Name: name}
		if _, err := st.Catalog.Get(ctx, ref); err == nil {
			continue
		} else if !apperr.Is(err, apperr.NotFound) {
			return out, err
		}
		e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: "Component",
			Metadata: catalog.Metadata{Name: name, Description: "Created by the import of a Gatus configuration."},
			Spec:     map[string]any{"type": "service", "lifecycle": "production", "owner": ownerRef.String()}}
		if _, err := st.Catalog.Create(ctx, e); err != nil {
			return out, fmt.Errorf("create component %s: %w", name, err)
		}
		out.ComponentsCreated = append(out.ComponentsCreated, name)
	}
	if out.Monitors, err = st.Reliability.ImportMonitors(ctx, list, origin); err != nil {
		return out, err
	}
	err = st.DB.Write(ctx, func(tx *db.Tx) error {
		out.ChannelsChanged = out.ChannelsChanged[:0]
		for _, c := range channels {
			changed, err := st.Channels.Upsert(ctx, tx, c)
			if err != nil {
				return fmt.Errorf("channel %s: %w", c.Name, err)
			}
			if changed {
				out.ChannelsChanged = append(out.ChannelsChanged, c.Name)
			}
		}
		return nil
	})
	return out, err
}
