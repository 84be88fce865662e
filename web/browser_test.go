package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/api"
	"landplan/demo"
	"landplan/gpkg"
	"landplan/parcels"
)

// browserResult is what testdata/browser.mjs saw.
type browserResult struct {
	Error        string   `json:"error"`
	Console      []string `json:"console"`
	Blocked      []string `json:"blocked"`
	WallToIdleMs float64  `json:"wallToIdleMs"`
	LoadToIdleMs float64  `json:"loadToIdleMs"`
	FirstViewMs  float64  `json:"firstViewMs"`
	View         struct {
		Center []float64 `json:"center"`
		Zoom   float64   `json:"zoom"`
		Bounds []float64 `json:"bounds"` // west, south, east, north
	} `json:"view"`
	Rendered struct {
		Parcels   []int64 `json:"parcels"`
		Buildings int     `json:"buildings"`
		Zones     int     `json:"zones"`
	} `json:"rendered"`
	Scale              string      `json:"scale"`
	LegendZh           []string    `json:"legendZh"`
	LegendEn           []string    `json:"legendEn"`
	BuildingsAfterHide int         `json:"buildingsAfterHide"`
	Clicked            clicked     `json:"clicked"`
	Clicked2           clicked     `json:"clicked2"`
	Panel2             panelView   `json:"panel2"`
	PanelZh            panelView   `json:"panelZh"`
	PanelEn            panelView   `json:"panelEn"`
	SelectedFilter     []any       `json:"selectedFilter"`
	LayersTitleEn      string      `json:"layersTitleEn"`
	ZoomInTitleZh      string      `json:"zoomInTitleZh"`
	ZoomInTitleEn      string      `json:"zoomInTitleEn"`
	CanvasLabelZh      string      `json:"canvasLabelZh"`
	CanvasLabelEn      string      `json:"canvasLabelEn"`
	MissingZh          string      `json:"missingZh"`
	MissingEn          string      `json:"missingEn"`
	MissingStateEn     string      `json:"missingStateEn"`
	TileFailure        tileFailure `json:"tileFailure"`
	NetworkFailure     tileFailure `json:"networkFailure"`
	// StyleErrorMessage is the message after a map error that is no failed
	// request (an invalid paint value): "" when none is shown.
	StyleErrorMessage string `json:"styleErrorMessage"`
	NoAnon            struct {
		Kind      string `json:"kind"`
		Text      string `json:"text"`
		TokenForm bool   `json:"tokenForm"`
	} `json:"noAnon"`
	WrongToken struct {
		Kind      string `json:"kind"`
		Text      string `json:"text"`
		TokenForm bool   `json:"tokenForm"`
	} `json:"wrongToken"`
	WithToken struct {
		Parcels       int  `json:"parcels"`
		MessageHidden bool `json:"messageHidden"`
	} `json:"withToken"`
	// Foreign are the requests the page with the token made to other
	// origins (the style's glyph server).
	Foreign []struct {
		URL  string `json:"url"`
		Auth bool   `json:"auth"`
	} `json:"foreign"`
}

type tileFailure struct {
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Cleared bool   `json:"cleared"`
}

type clicked struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
}

type panelView struct {
	ID     string            `json:"id"`
	Title  string            `json:"title"`
	Labels []string          `json:"labels"`
	Fields map[string]string `json:"fields"`
}

// browserTools finds node, chromium and tools/node_modules/puppeteer-core.
// Without them the test skips, except under CI, where scripts/test installs
// them and a missing one is a failure.
func browserTools(t *testing.T) (node, chromium, tools string) {
	t.Helper()
	missing := func(what string) {
		msg := what + " is missing: run scripts/test (apt-get install chromium nodejs; npm ci --prefix tools)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node")
	}
	chromium = os.Getenv("LANDPLAN_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("chromium (" + chromium + ")")
	}
	tools, err = filepath.Abs(filepath.Join("..", "tools"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tools, "node_modules", "puppeteer-core", "package.json")); err != nil {
		missing("puppeteer-core in tools/node_modules")
	}
	return node, chromium, tools
}

// TestBrowser opens the app in headless chromium (MapLibre on SwiftShader)
// against the real API over a seeded GeoPackage and checks what a user sees
// against the store: the parcels drawn in the view, the clicked parcel's
// code and area in the panel, the English switch, the scale bar, and the
// message a server without anonymous access gives.
func TestBrowser(t *testing.T) {
	node, chromium, tools := browserTools(t)
	ctx := t.Context()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"), gpkg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	viewer, err := api.New(api.Config{Store: st, AnonymousRole: parcels.RoleViewer, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	closed, err := api.New(api.Config{Store: st, Logger: quiet}) // no anonymous access
	if err != nil {
		t.Fatal(err)
	}
	// A viewer token, made as `landplan token create` makes one, which the
	// script enters into the page of the server without anonymous access.
	secret, err := api.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(ctx, parcels.Token{Name: "browser test", Role: parcels.RoleViewer, Hash: api.HashToken(secret)}); err != nil {
		t.Fatal(err)
	}
	// The locked server counts the style and tile requests that carried the
	// token (MapLibre fetches tiles in its worker, out of puppeteer's sight).
	var styleWithToken, tilesWithToken atomic.Int64
	lockedCounting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+secret {
			switch {
			case strings.HasPrefix(r.URL.Path, "/api/styles/"):
				styleWithToken.Add(1)
			case strings.HasPrefix(r.URL.Path, "/api/tiles/") && strings.HasSuffix(r.URL.Path, ".mvt"):
				tilesWithToken.Add(1)
			}
		}
		closed.ServeHTTP(w, r)
	})
	// The open server fails every tile while the script has switched
	// failing on (GET /__test/fail-tiles?on=503: a 503; on=drop: the
	// connection closes unanswered, a network failure), so the page's
	// messages and their clearing are seen against real requests.
	var failTiles atomic.Value
	failTiles.Store("")
	openFailing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__test/fail-tiles" {
			failTiles.Store(r.URL.Query().Get("on"))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".mvt") {
			switch failTiles.Load() {
			case "503":
				http.Error(w, "failing on purpose", http.StatusServiceUnavailable)
				return
			case "drop":
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close()
					return
				}
			}
		}
		viewer.ServeHTTP(w, r)
	})
	// httptest listens on 127.0.0.1; the script aborts every other host.
	open, locked := httptest.NewServer(openFailing), httptest.NewServer(lockedCounting)
	defer open.Close()
	defer locked.Close()

	shot := filepath.Join(t.TempDir(), "map.png")
	cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, node, filepath.Join("testdata", "browser.mjs"))
	cmd.Env = append(os.Environ(), "LANDPLAN_URL="+open.URL, "LANDPLAN_URL_NOANON="+locked.URL,
		"LANDPLAN_TOOLS="+tools, "LANDPLAN_SCREENSHOT="+shot, "CHROMIUM="+chromium, "LANDPLAN_TOKEN="+secret)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var res browserResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("browser.mjs: %v (%v)\nstdout: %s\nstderr: %s", runErr, err, out, stderr.String())
	}
	for _, c := range res.Console {
		t.Log("console:", c)
	}
	if res.Error != "" || runErr != nil {
		t.Fatalf("browser.mjs: %v: %s\nstderr: %s", runErr, res.Error, stderr.String())
	}
	t.Logf("page load to map idle: %.0f ms (navigation start to MapLibre's first idle with parcels in view; %.0f ms wall clock from goto; first idle at the TileJSON centre %.0f ms); view %v z%.1f",
		res.LoadToIdleMs, res.WallToIdleMs, res.FirstViewMs, res.View.Center, res.View.Zoom)
	for _, c := range res.Console {
		// Chromium reports what the Content-Security-Policy blocked on the console.
		if strings.HasPrefix(c, "pageerror:") || strings.Contains(c, "Content Security Policy") {
			t.Errorf("uncaught error in the page: %s", c)
		}
	}
	for _, b := range res.Blocked {
		if b != "https://demotiles.maplibre.org" { // the style's glyph server, expected
			t.Errorf("the page asked for %s, which is not this server", b)
		}
	}

	// The parcels drawn are exactly the store's parcels in the view (each
	// id once, whichever tiles it spans).
	if len(res.View.Bounds) != 4 {
		t.Fatalf("view bounds %v", res.View.Bounds)
	}
	b := orb.Bound{Min: orb.Point{res.View.Bounds[0], res.View.Bounds[1]}, Max: orb.Point{res.View.Bounds[2], res.View.Bounds[3]}}
	page, err := st.ListParcels(ctx, parcels.Query{BBox: &b, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, p := range page.Items {
		want = append(want, p.ID)
	}
	slices.Sort(want)
	if len(res.Rendered.Parcels) < 20 {
		t.Errorf("only %d parcels drawn in the first view", len(res.Rendered.Parcels))
	}
	if !slices.Equal(res.Rendered.Parcels, want) {
		t.Errorf("parcels drawn in view: %d %v\nstore's parcels in the view's bbox: %d %v",
			len(res.Rendered.Parcels), res.Rendered.Parcels, len(want), want)
	}
	if res.Rendered.Buildings == 0 || res.BuildingsAfterHide != 0 {
		t.Errorf("buildings drawn: %d, after unticking the layer: %d (want some, then none)", res.Rendered.Buildings, res.BuildingsAfterHide)
	}
	// MapLibre writes "200\u00a0m": a round number of metres or kilometres.
	if n, unit, _ := strings.Cut(strings.ReplaceAll(res.Scale, "\u00a0", " "), " "); (unit != "m" && unit != "km") || !isPositive(n) {
		t.Errorf("scale bar reads %q", res.Scale)
	}
	if want := []string{"在用", "低效", "改造中", "闲置"}; !slices.Equal(res.LegendZh, want) {
		t.Errorf("legend %v, want %v", res.LegendZh, want)
	}
	if want := []string{"In use", "Inefficient", "Redeveloping", "Idle"}; !slices.Equal(res.LegendEn, want) {
		t.Errorf("English legend %v, want %v", res.LegendEn, want)
	}

	// The panel shows the clicked parcel as the store has it.
	p, err := st.GetParcel(ctx, res.Clicked.ID)
	if err != nil {
		t.Fatalf("clicked parcel %d: %v", res.Clicked.ID, err)
	}
	zh := res.PanelZh
	if zh.ID != strconv.FormatInt(p.ID, 10) || res.Clicked.Code != p.Code {
		t.Errorf("panel for parcel %q, tile said code %q; store: id %d code %q", zh.ID, res.Clicked.Code, p.ID, p.Code)
	}
	if want := []string{"宗地代码", "名称", "状态", "面积", "建筑密度", "容积率"}; !slices.Equal(zh.Labels, want) {
		t.Errorf("panel labels %v, want %v", zh.Labels, want)
	}
	if zh.Fields["code"] != p.Code || zh.Fields["name"] != p.Name {
		t.Errorf("panel code %q name %q, store %q %q", zh.Fields["code"], zh.Fields["name"], p.Code, p.Name)
	}
	statusZh := map[parcels.ParcelStatus]string{"in_use": "在用", "inefficient": "低效", "redeveloping": "改造中", "idle": "闲置"}
	if zh.Fields["status"] != statusZh[p.Status] {
		t.Errorf("panel status %q, store %q", zh.Fields["status"], p.Status)
	}
	m2, mu, err := parseArea(zh.Fields["area"], "（", " 亩）")
	if err != nil {
		t.Fatal(err)
	}
	m2s, mus, _ := strings.Cut(strings.TrimSuffix(zh.Fields["area"], " 亩）"), " m²（")
	if !withinShown(m2, p.AreaM2, m2s) || !withinShown(mu, p.AreaMu, mus) || math.Abs(mu-m2*15/10000) > 0.002 {
		t.Errorf("panel area %q: %.2f m² %.3f 亩; store %.4f m² %.4f 亩", zh.Fields["area"], m2, mu, p.AreaM2, p.AreaMu)
	}
	// The panel rounds with Intl (half away from zero), Go's 'f' to even:
	// compare numbers, within half a unit of the last digit shown.
	if d, err := parseShown(strings.TrimSuffix(zh.Fields["density"], "%")); err != nil || !strings.HasSuffix(zh.Fields["density"], "%") ||
		!withinShown(d, p.BuildingDensity*100, zh.Fields["density"]) {
		t.Errorf("panel density %q (%v), store %v", zh.Fields["density"], err, p.BuildingDensity)
	}
	if r, err := parseShown(zh.Fields["plotRatio"]); err != nil || !withinShown(r, p.PlotRatio, zh.Fields["plotRatio"]) {
		t.Errorf("panel plot ratio %q (%v), store %v", zh.Fields["plotRatio"], err, p.PlotRatio)
	}
	if want := []any{"==", []any{"id"}, float64(p.ID)}; !jsonEqual(res.SelectedFilter, want) {
		t.Errorf("selected outline filter %v, want %v", res.SelectedFilter, want)
	}

	// English: the same parcel, English labels and units.
	en := res.PanelEn
	if want := []string{"Parcel code", "Name", "Status", "Area", "Building density", "Plot ratio"}; !slices.Equal(en.Labels, want) {
		t.Errorf("English panel labels %v, want %v", en.Labels, want)
	}
	if res.ZoomInTitleZh != "放大" || res.ZoomInTitleEn != "Zoom in" {
		t.Errorf("zoom-in button titles %q, %q; want 放大, Zoom in", res.ZoomInTitleZh, res.ZoomInTitleEn)
	}
	if en.Fields["code"] != p.Code || res.LayersTitleEn != "Layers" {
		t.Errorf("English panel code %q, layers title %q", en.Fields["code"], res.LayersTitleEn)
	}
	if m2en, muEn, err := parseArea(en.Fields["area"], " (", " mu)"); err != nil || m2en != m2 || muEn != mu {
		t.Errorf("English area %q (%v), Chinese %q", en.Fields["area"], err, zh.Fields["area"])
	}

	// A second click replaces the parcel in the (still English) panel.
	p2, err := st.GetParcel(ctx, res.Clicked2.ID)
	if err != nil {
		t.Fatalf("second parcel %d: %v", res.Clicked2.ID, err)
	}
	if p2.ID == p.ID || res.Panel2.ID != strconv.FormatInt(p2.ID, 10) || res.Panel2.Fields["code"] != p2.Code || res.Clicked2.Code != p2.Code {
		t.Errorf("second click: panel %q code %q, tile code %q; store id %d code %q (first %d)", res.Panel2.ID, res.Panel2.Fields["code"], res.Clicked2.Code, p2.ID, p2.Code, p.ID)
	}
	if m2, mu, err := parseArea(res.Panel2.Fields["area"], " (", " mu)"); err != nil || math.Abs(m2-p2.AreaM2) > 0.005+1e-9 || math.Abs(mu-p2.AreaMu) > 0.0005+1e-9 {
		t.Errorf("second panel area %q (%v); store %.4f m² %.4f 亩", res.Panel2.Fields["area"], err, p2.AreaM2, p2.AreaMu)
	}

	// The canvas's label and a panel that failed follow the language too.
	if res.CanvasLabelZh != "地图" || res.CanvasLabelEn != "Map" {
		t.Errorf("map canvas aria-label %q, then %q; want 地图, Map", res.CanvasLabelZh, res.CanvasLabelEn)
	}
	if !strings.Contains(res.MissingZh, "宗地详情加载失败") || res.MissingStateEn != "error" ||
		!strings.Contains(res.MissingEn, "Could not load the parcel") || hanOrFullwidth.MatchString(res.MissingEn) {
		t.Errorf("panel for a missing parcel: %q, after switching to English (%s): %q", res.MissingZh, res.MissingStateEn, res.MissingEn)
	}
	// Tiles failing with 503 give a message; tiles loading again clear it.
	if res.TileFailure.Kind != "err.tiles" || !strings.Contains(res.TileFailure.Text, "503") || !res.TileFailure.Cleared {
		t.Errorf("while tiles fail with 503 the page said %+v; want err.tiles with 503, cleared once tiles load", res.TileFailure)
	}

	if res.NetworkFailure.Kind != "err.network" || !strings.Contains(res.NetworkFailure.Text, "Cannot reach") || !res.NetworkFailure.Cleared {
		t.Errorf("while tile connections drop the page said %+v; want err.network, cleared once tiles load", res.NetworkFailure)
	}
	if res.StyleErrorMessage != "" {
		t.Errorf("a map error that is no failed request showed the message %q; want the console only", res.StyleErrorMessage)
	}

	if res.NoAnon.Kind != "err.auth" || !strings.Contains(res.NoAnon.Text, "令牌") || !res.NoAnon.TokenForm {
		t.Errorf("without anonymous access the page says %+v; want the token message and form", res.NoAnon)
	}
	if res.WrongToken.Kind != "err.tokenRejected" || !strings.Contains(res.WrongToken.Text, "被拒绝") || !res.WrongToken.TokenForm {
		t.Errorf("after a wrong token the page says %+v; want the rejected-token message and form", res.WrongToken)
	}
	// With the token entered, style and tiles carry it and the map draws
	// parcels; no request to another origin carries it.
	if res.WithToken.Parcels < 20 || !res.WithToken.MessageHidden {
		t.Errorf("after entering a valid token: %d parcels drawn, message hidden %v", res.WithToken.Parcels, res.WithToken.MessageHidden)
	}
	if styleWithToken.Load() == 0 || tilesWithToken.Load() == 0 {
		t.Errorf("requests with the token: style %d, tiles %d; want both", styleWithToken.Load(), tilesWithToken.Load())
	}
	if len(res.Foreign) == 0 {
		t.Error("the page with the token asked no other origin (the glyph server): the check below proves nothing")
	}
	for _, f := range res.Foreign {
		if f.Auth {
			t.Errorf("the token went to another origin: %s", f.URL)
		}
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot %s: %v (size %d)", shot, err, sizeOf(fi))
	}
}

// parseArea reads "21,320.00 m²（31.980 亩）" (open "（", close " 亩）").
func parseArea(s, open, close string) (m2, mu float64, err error) {
	a, rest, ok := strings.Cut(s, " m²"+open)
	if !ok || !strings.HasSuffix(rest, close) {
		return 0, 0, errors.New("area " + strconv.Quote(s) + " is not \"<m²> m²" + open + "<亩>" + close + "\"")
	}
	if m2, err = strconv.ParseFloat(strings.ReplaceAll(a, ",", ""), 64); err != nil {
		return 0, 0, err
	}
	mu, err = strconv.ParseFloat(strings.ReplaceAll(strings.TrimSuffix(rest, close), ",", ""), 64)
	return m2, mu, err
}

func isPositive(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v > 0
}

// parseShown reads a number as the panel shows it ("1,234.50").
func parseShown(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
}

// withinShown says whether shown (parsed from text) is want rounded to the
// digits text shows: within half a unit of its last place.
func withinShown(shown, want float64, text string) bool {
	digits := 0
	if _, frac, ok := strings.Cut(text, "."); ok {
		digits = len(strings.TrimRight(frac, "%"))
	}
	return math.Abs(shown-want) <= 0.5*math.Pow(10, -float64(digits))+1e-9
}

// hanOrFullwidth finds Chinese characters and fullwidth punctuation.
var hanOrFullwidth = regexp.MustCompile(`[\p{Han}\x{3000}-\x{303f}\x{ff00}-\x{ffef}]`)

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}
