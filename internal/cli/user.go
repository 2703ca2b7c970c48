package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/db"
)

func (a *app) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Add, list and disable users"}
	add := &cobra.Command{
		Use:   "add EMAIL --role viewer|editor|admin [--password-stdin]",
		Short: "Add a user",
		Long: `Add a user. With --password-stdin the password is read from the first line
of standard input; otherwise a random one is made and printed once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			roleName, _ := cmd.Flags().GetString("role")
			role, err := auth.ParseRole(roleName)
			if err != nil {
				return err
			}
			fromStdin, _ := cmd.Flags().GetBool("password-stdin")
			password, generated := "", false
			if fromStdin {
				line, err := bufio.NewReader(a.stdin).ReadString('\n')
				if err != nil && line == "" {
					return fmt.Errorf("--password-stdin: no password on standard input")
				}
				password = strings.TrimRight(line, "\r\n")
			} else {
				b := make([]byte, 12)
				_, _ = rand.Read(b)
				password, generated = base64.RawURLEncoding.EncodeToString(b), true
			}
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				u, err := auth.NewStore(d).CreateUser(ctx, auth.NewUser{Email: args[0], Password: password, Role: role})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Added %s as %s.\n", u.Email, u.Role)
				if generated {
					fmt.Fprintf(a.stdout, "Password: %s\n(shown once; pass --password-stdin to choose one)\n", password)
				}
				return nil
			})
		},
	}
	add.Flags().String("role", "", "viewer, editor or admin")
	add.Flags().Bool("password-stdin", false, "read the password from standard input")
	_ = add.MarkFlagRequired("role")
	_ = add.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"viewer", "editor", "admin"}, cobra.ShellCompDirectiveNoFileComp))
	addDatabaseFlags(add.Flags())

	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				users, err := auth.NewStore(d).Users(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "EMAIL\tROLE\tSTATUS\tADDED")
				for _, u := range users {
					status := "active"
					if u.Disabled() {
						status = "disabled " + u.DisabledAt.Format("2006-01-02")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Role, status, u.CreatedAt.Format("2006-01-02"))
				}
				return tw.Flush()
			})
		},
	}
	addDatabaseFlags(list.Flags())

	disable := &cobra.Command{
		Use:   "disable EMAIL",
		Short: "Disable a user: sign-in, sessions and API tokens stop working",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd, func(ctx context.Context, d *db.DB) error {
				u, err := auth.NewStore(d).DisableUser(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Disabled %s.\n", u.Email)
				return nil
			})
		},
	}
	addDatabaseFlags(disable.Flags())
	cmd.AddCommand(add, list, disable)
	return cmd
}
