// Command landplan is the landplan service and its tools in one binary:
//
//	landplan serve   [--addr HOST:PORT] [--gpkg FILE | --database URL] [--demo] [--migrate]
//	landplan migrate --database URL
//	landplan token   create|list|revoke [--gpkg FILE | --database URL] …
//	landplan check   [--profile linhai] [--json] [--lang zh|en] FILE.geojson
//
// This is the only place that knows flags, environment and wiring.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `landplan — 宗地、建筑与联合改造片区服务 / parcels, buildings and redevelopment zones

用法 / usage:
  landplan serve   [--addr 127.0.0.1:8080] [--gpkg FILE | --database URL] [--demo] [--migrate]
  landplan migrate --database URL
  landplan token   create [--gpkg FILE | --database URL] --name NAME --role editor|planner|viewer
  landplan token   list   [--gpkg FILE | --database URL]
  landplan token   revoke [--gpkg FILE | --database URL] ID
  landplan check   [--profile linhai] [--json] [--lang zh|en] FILE.geojson

With neither --gpkg nor --database (nor DATABASE_URL), serve opens ./data/landplan.gpkg
and seeds the demo industrial area into it the first time.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "landplan:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], stdout)
	case "token":
		return runToken(ctx, args[1:], stdout, stderr)
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
