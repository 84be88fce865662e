package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Doc        string
	Imports    []string
	Name       string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-e", "-json", "landplan/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var ps []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) < 3 {
		t.Fatalf("go list found only %d packages", len(ps))
	}
	return ps
}

// rules: for a package (by import path prefix), the import path prefixes it
// may use beyond the standard library (allow), or must never use (deny).
var rules = []struct {
	pkg   string
	allow []string // nil: no allow-list
	deny  []string
}{
	{pkg: "landplan/geo", allow: []string{"github.com/paulmach/orb", "github.com/peterstace/simplefeatures"}},
	{pkg: "landplan/parcels", allow: []string{"landplan/geo", "landplan/parcels", "github.com/paulmach/orb"}},
	{pkg: "landplan/planning", allow: []string{"landplan/geo", "landplan/parcels", "landplan/planning", "github.com/paulmach/orb"},
		deny: []string{"net/http", "database/sql"}},
	{pkg: "landplan/tiles", allow: []string{"landplan/geo", "landplan/parcels", "landplan/tiles", "github.com/paulmach/orb"},
		deny: []string{"net/http", "database/sql"}},
	{pkg: "landplan/formats", allow: []string{"landplan/geo", "landplan/parcels", "github.com/paulmach/orb", "golang.org/x/text"},
		deny: []string{"net/http", "database/sql"}},
	{pkg: "landplan/api", deny: []string{"landplan/postgis", "landplan/gpkg", "github.com/jackc/pgx", "modernc.org/sqlite"}},
	{pkg: "landplan/postgis", deny: []string{"landplan/gpkg", "landplan/api", "modernc.org/sqlite"}},
	{pkg: "landplan/gpkg", deny: []string{"landplan/postgis", "landplan/api", "github.com/jackc/pgx"}},
	{pkg: "landplan/demo", deny: []string{"landplan/postgis", "landplan/gpkg", "landplan/api"}},
	// web embeds and serves the built front end: the standard library only.
	{pkg: "landplan/web", allow: []string{}},
}

func isStd(path string) bool {
	first := strings.SplitN(path, "/", 2)[0]
	return !strings.Contains(first, ".") && first != "landplan"
}

func TestImportRules(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range listPackages(t) {
		for _, r := range rules {
			if p.ImportPath != r.pkg && !strings.HasPrefix(p.ImportPath, r.pkg+"/") {
				continue
			}
			seen[r.pkg] = true
			for _, imp := range p.Imports {
				for _, d := range r.deny {
					if imp == d || strings.HasPrefix(imp, d+"/") || strings.HasPrefix(imp, d) {
						t.Errorf("%s imports %s: forbidden by DESIGN.md", p.ImportPath, imp)
					}
				}
				if r.allow == nil || isStd(imp) {
					continue
				}
				ok := false
				for _, a := range r.allow {
					if imp == a || strings.HasPrefix(imp, a+"/") {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s imports %s: only the standard library and %v are allowed", p.ImportPath, imp, r.allow)
				}
			}
		}
	}
	for _, r := range rules {
		if !seen[r.pkg] {
			t.Errorf("rule for %s matched no package: rename the rule or the package", r.pkg)
		}
	}
}

func TestEveryPackageHasDoc(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("package %s has no doc comment", p.ImportPath)
		}
	}
}
