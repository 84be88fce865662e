package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"landplan/migrations"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	url := fs.String("database", os.Getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL (default $DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *url == "" {
		return errors.New("migrate needs --database URL or DATABASE_URL")
	}
	if err := migrations.Up(ctx, *url); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
