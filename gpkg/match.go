package gpkg

import (
	"regexp"
	"strings"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// matcher evaluates a Where expression with parcels.Match, except for Like,
// which it evaluates itself: parcels' likeRegexp walks the pattern byte by
// byte and so garbles any non-ASCII pattern (杜桥镇%). Once parcels walks
// runes, Like can go back to parcels.Match. Compiled patterns are kept for
// the whole List call.
type matcher struct {
	re map[string]*regexp.Regexp
}

func (m *matcher) match(e parcels.Expr, props map[string]any, g orb.MultiPolygon) bool {
	switch e := e.(type) {
	case parcels.And:
		for _, x := range e {
			if !m.match(x, props, g) {
				return false
			}
		}
		return true
	case parcels.Or:
		for _, x := range e {
			if m.match(x, props, g) {
				return true
			}
		}
		return false
	case parcels.Not:
		return !m.match(e.X, props, g)
	case parcels.Like:
		s, ok := props[e.Prop].(string)
		return ok && m.like(e.Pattern).MatchString(s)
	}
	return parcels.Match(e, props, g)
}

// like translates a CQL2 LIKE pattern (% any run, _ one character, \
// escapes) into an anchored regexp, rune by rune.
func (m *matcher) like(p string) *regexp.Regexp {
	if re, ok := m.re[p]; ok {
		return re
	}
	var b strings.Builder
	b.WriteString("^(?s)")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re := regexp.MustCompile(b.String())
	if m.re == nil {
		m.re = map[string]*regexp.Regexp{}
	}
	m.re[p] = re
	return re
}
