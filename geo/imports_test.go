package geo

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImports: geo is pure math. Its non-test files import only the standard
// library, orb and simplefeatures — no database, no HTTP, no other landplan
// package, no cgo.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := func(path string) bool {
		if path == "C" {
			return false
		}
		if path == "github.com/paulmach/orb" || strings.HasPrefix(path, "github.com/peterstace/simplefeatures/") {
			return true
		}
		first, _, _ := strings.Cut(path, "/")
		return !strings.Contains(first, ".") && first != "landplan" // standard library
	}
	fset := token.NewFileSet()
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			n++
			if !allowed(p) {
				t.Errorf("%s imports %s; geo may import only the standard library, orb and simplefeatures", f, p)
			}
		}
	}
	if n == 0 {
		t.Fatal("no imports found: wrong directory?")
	}
}
