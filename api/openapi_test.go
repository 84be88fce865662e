package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"landplan/gpkg"
)

func newBareServer(t *testing.T) *Server {
	t.Helper()
	st, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "t.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOpenAPICoversEveryRoute walks chi's routes: each path and method must
// be in the document, and the document must be described routes only.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	s := newBareServer(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(s.openapi, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	n := 0
	err := chi.Walk(s.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		n++
		item, ok := doc.Paths[route]
		if !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", method, route)
			return nil
		}
		if _, ok := item[strings.ToLower(method)]; !ok {
			t.Errorf("route %s %s: the document's path has no %s operation", method, route, strings.ToLower(method))
		}
		seen[strings.ToLower(method)+" "+route] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 36 {
		t.Errorf("walked only %d routes", n)
	}
	for path, item := range doc.Paths {
		for m := range item {
			if m == "parameters" {
				continue
			}
			if !seen[m+" "+path] {
				t.Errorf("the document describes %s %s, which the router does not serve", m, path)
			}
		}
	}
}

// TestOpenAPIDocumentValid validates the document against the OpenAPI 3.1
// schema with libopenapi-validator.
func TestOpenAPIDocumentValid(t *testing.T) {
	t.Parallel()
	s := newBareServer(t)
	d, err := libopenapi.NewDocument(s.openapi)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		t.Fatalf("NewValidator: %v", errs)
	}
	ok, verrs := v.ValidateDocument()
	for _, e := range verrs {
		t.Errorf("OpenAPI document: %s: %s", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			t.Errorf("  %s at %s (%s)", se.Reason, se.FieldPath, se.KeywordLocation)
		}
	}
	if !ok && len(verrs) == 0 {
		t.Error("document invalid without errors")
	}
	var top map[string]any
	_ = json.Unmarshal(s.openapi, &top)
	if top["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", top["openapi"])
	}
	// The validator is not a rubber stamp: an info without a title and a
	// parameter in an unknown place fail.
	delete(top["info"].(map[string]any), "title")
	top["components"].(map[string]any)["parameters"].(map[string]any)["limit"].(map[string]any)["in"] = "body"
	broken, _ := json.Marshal(top)
	bd, err := libopenapi.NewDocument(broken)
	if err != nil {
		t.Fatal(err)
	}
	bv, _ := validator.NewValidator(bd)
	if ok, verrs := bv.ValidateDocument(); ok || len(verrs) == 0 {
		t.Error("a document without info.title and with in: body validated")
	}
}
