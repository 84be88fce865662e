package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"landplan/api"
	"landplan/parcels"
)

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	name := fs.String("name", "", "who or what the token is for")
	role := fs.String("role", "", "editor|planner|viewer")
	// Flags may come before or after the ID (token revoke 3 --gpkg f).
	var pos []string
	for rest := args[1:]; ; {
		if err := fs.Parse(rest); err != nil {
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	// Check the arguments before opening (and perhaps creating) a store.
	switch sub {
	case "create":
		if *name == "" || !parcels.Role(*role).Valid() {
			return errors.New("token create needs --name and --role editor|planner|viewer")
		}
	case "list":
	case "revoke":
		if len(pos) != 1 {
			return errors.New("token revoke needs the token ID")
		}
	default:
		return fmt.Errorf("unknown token command %q (create, list, revoke)", sub)
	}
	if sub != "create" && sf.gpkg == "" && sf.database == "" && os.Getenv("DATABASE_URL") == "" {
		if _, err := os.Stat(defaultGpkg); err != nil {
			return fmt.Errorf("no store: %s does not exist; give --gpkg FILE or --database URL", defaultGpkg)
		}
	}
	st, err := sf.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "create":
		r := parcels.Role(*role)
		secret, err := api.NewTokenSecret()
		if err != nil {
			return err
		}
		t, err := st.CreateToken(ctx, parcels.Token{Name: *name, Role: r, Hash: api.HashToken(secret)})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d %q (%s) created; it is shown only once:\n", t.ID, t.Name, t.Role)
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		ts, err := st.ListTokens(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tREVOKED")
		for _, t := range ts {
			rev := ""
			if !t.RevokedAt.IsZero() {
				rev = t.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.Format("2006-01-02 15:04"), rev)
		}
		return w.Flush()
	case "revoke":
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fmt.Errorf("token ID %q is not a number", pos[0])
		}
		if err := st.RevokeToken(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d revoked\n", id)
		return nil
	}
	panic("unreachable: subcommand checked above")
}
