package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/db"
)

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke API tokens"}
	create := &cobra.Command{
		Use:   "create --user EMAIL --name NAME [--scope read|write]",
		Short: "Create an API token and print it once",
		Long: `Create an API token for a user. The token alone goes to standard output,
so that a script can capture it; Chief keeps only its hash.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			email, _ := cmd.Flags().GetString("user")
			name, _ := cmd.Flags().GetString("name")
			scope, _ := cmd.Flags().GetString("scope")
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				t, secret, err := auth.NewStore(d).CreateToken(ctx, auth.NewToken{UserEmail: email, Name: name, Scope: auth.Scope(scope)})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "Created token %d %q for %s with %s scope. It is shown once:\n", t.ID, t.Name, t.UserEmail, t.Scope)
				fmt.Fprintln(a.stdout, secret)
				return nil
			})
		},
	}
	create.Flags().String("user", "", "email of the user the token acts as")
	create.Flags().String("name", "", "what the token is for, e.g. ci")
	create.Flags().String("scope", "read", "read (GET only) or write")
	_ = create.MarkFlagRequired("user")
	_ = create.MarkFlagRequired("name")
	_ = create.RegisterFlagCompletionFunc("scope", cobra.FixedCompletions([]string{"read", "write"}, cobra.ShellCompDirectiveNoFileComp))
	addDatabaseFlags(create.Flags())

	list := &cobra.Command{
		Use:   "list",
		Short: "List API tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				tokens, err := auth.NewStore(d).Tokens(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tUSER\tSCOPE\tCREATED\tLAST USED\tSTATUS")
				for _, t := range tokens {
					used, status := "never", "active"
					if t.LastUsedAt != nil {
						used = t.LastUsedAt.Format("2006-01-02 15:04")
					}
					if t.RevokedAt != nil {
						status = "revoked " + t.RevokedAt.Format("2006-01-02")
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.UserEmail, t.Scope, t.CreatedAt.Format("2006-01-02"), used, status)
				}
				return tw.Flush()
			})
		},
	}
	addDatabaseFlags(list.Flags())

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("token id %q: want the number chief token list shows", args[0])
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				t, err := auth.NewStore(d).RevokeToken(ctx, id)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Revoked token %d %q.\n", t.ID, t.Name)
				return nil
			})
		},
	}
	addDatabaseFlags(revoke.Flags())
	cmd.AddCommand(create, list, revoke)
	return cmd
}
