package api

import (
	"fmt"

	"github.com/go-chi/chi/v5"

	"landplan/planning"
)

// analyzer holds the planning profile the analysis endpoints apply.
type analyzer struct {
	profile *planning.Profile
}

func newAnalyzer(cfg Config) (analyzer, error) {
	p, err := planning.LoadProfile(cfg.Profile)
	if err != nil {
		return analyzer{}, fmt.Errorf("api.New: %w", err)
	}
	return analyzer{profile: p}, nil
}

func (s *Server) analysisRoutes(r chi.Router) {
}
