package formats

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

const samples = "../../shared/reference/samples/"

var linhai = geo.Zone3(40)

// MustReadTXT reads a file and fails the test on any error.
func MustReadTXT(tb testing.TB, path string, opts TXTOptions) *TXTFile {
	tb.Helper()
	f := mustOpen(tb, path)
	tf, err := ReadTXT(bytes.NewReader(f), opts)
	if err != nil {
		tb.Fatalf("ReadTXT(%s): %v", path, err)
	}
	return tf
}

func mustOpen(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func byCode(tb testing.TB, f *TXTFile) map[string]*TXTParcel {
	tb.Helper()
	m := map[string]*TXTParcel{}
	for i := range f.Parcels {
		m[f.Parcels[i].Code] = &f.Parcels[i]
	}
	return m
}

func warnCodes(ws []Warning) []string {
	var cs []string
	for _, w := range ws {
		cs = append(cs, w.Code)
	}
	return cs
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// The shared samples, UTF-8 and GBK, read to the areas computed by hand:
//
//	A: shell 300 m (Y 40607000→40607300) × 200 m (X 3193000→3193200) = 60000 m²,
//	   minus the hole 20 × 20 (Y …140→…160, X …090→…110) = 400 m²: 59600 m² = 5.9600 ha
//	C: 9.9 m (Y …300→…309.9) × 200 m = 1980 m² = 0.1980 ha
//	B: 150 m (Y …309.9→…459.9) × 200 m = 30000 m² = 3.0000 ha
//
// and the declared areas (in 公顷) agree, so there are no warnings. The
// ellipsoidal areas of the unprojected result match reference/areas.md.
func TestReadTXTSamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		enc  Encoding
	}{
		{"synthetic_linhai_zone40.txt", UTF8},
		{"synthetic_linhai_zone40.gbk.txt", GB18030},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := MustReadTXT(t, samples+tc.file, TXTOptions{Zone: linhai})
			if f.Encoding != tc.enc || f.Zone != linhai || f.EastingFirst || len(f.Warnings) != 0 {
				t.Fatalf("encoding %s zone %v easting-first %v warnings %v", f.Encoding, f.Zone, f.EastingFirst, f.Warnings)
			}
			want := []struct {
				code, name   string
				m2, declared float64
				points       int
				ellipsoidal  float64
			}{
				{"A", "低效工业用地A(含扣除)", 59600, 5.96, 10, 59583.12},
				{"C", "夹心地C", 1980, 0.198, 5, 1979.44},
				{"B", "低效工业用地B", 30000, 3, 5, 29991.47},
			}
			if len(f.Parcels) != len(want) {
				t.Fatalf("%d parcels, want %d", len(f.Parcels), len(want))
			}
			for i, w := range want {
				p := f.Parcels[i]
				if p.Code != w.code || p.Name != w.name || p.Use != "工业用地" || p.LandClass != "0601" || p.Graphic != "面" {
					t.Errorf("parcel %d: %q %q %q %q %q", i, p.Code, p.Name, p.Use, p.LandClass, p.Graphic)
				}
				if !near(p.AreaM2, w.m2, 1e-6) || p.DeclaredArea != w.declared || p.DeclaredUnit != "ha" || !near(p.DeclaredAreaM2, w.m2, 1e-6) {
					t.Errorf("%s: area %.6f declared %v %s = %.6f m², want %v", p.Code, p.AreaM2, p.DeclaredArea, p.DeclaredUnit, p.DeclaredAreaM2, w.m2)
				}
				if p.Points != w.points || p.DeclaredPoints != w.points || len(p.Warnings) != 0 {
					t.Errorf("%s: points %d declared %d warnings %v", p.Code, p.Points, p.DeclaredPoints, p.Warnings)
				}
				if probs := geo.ValidateLonLat(p.Geometry); len(probs) != 0 {
					t.Errorf("%s: unprojected geometry invalid: %v", p.Code, probs)
				}
				// The plane area recomputed from the unprojected lon/lat.
				if a := geo.CadastralArea(p.Geometry, linhai); !near(a, w.m2, 1e-4) {
					t.Errorf("%s: CadastralArea(lon/lat) = %.6f, want %v", p.Code, a, w.m2)
				}
				if e := geo.EllipsoidalArea(p.Geometry); !near(e, w.ellipsoidal, 0.01) {
					t.Errorf("%s: ellipsoidal %.3f, want %v (areas.md)", p.Code, e, w.ellipsoidal)
				}
				if geo.RingPlaneArea(p.Plane[0][0]) <= 0 {
					t.Errorf("%s: shell is not counter-clockwise", p.Code)
				}
			}
			a := f.Parcels[0]
			if len(a.Geometry) != 1 || len(a.Geometry[0]) != 2 {
				t.Fatalf("A: want one polygon with one hole, got %d polygons", len(a.Geometry))
			}
			// First vertex J1 (X 3193200, Y 40607000) unprojected; cs2cs
			// EPSG:4528 → EPSG:4490 gives 28.8505573364 121.0965144166.
			if g := a.Geometry[0][0][0]; !near(g[0], 121.0965144166, 1e-10) || !near(g[1], 28.8505573364, 1e-10) {
				t.Errorf("A J1 = %v", g)
			}
			dp := a.Parcel()
			if dp.Code != "A" || dp.LandUse != "0601" || dp.Attrs[AttrTXTUse] != "工业用地" || dp.Attrs[AttrDeclaredAreaM2] != a.DeclaredAreaM2 || dp.Attrs[AttrSourceLine] != 13 || dp.RegisteredAreaM2 != 0 {
				t.Errorf("Parcel() = %+v", dp)
			}
			if _, err := parcels.Normalize(parcels.KindParcel, "A", dp.Geometry); err != nil {
				t.Errorf("Normalize: %v", err)
			}
		})
	}
}

// Every variant of the format in testdata reads to the parcels it holds,
// with the areas computed by hand. B is 150 × 200 = 30000 m² throughout.
func TestReadTXTVariants(t *testing.T) {
	type pw struct {
		m2    float64
		warns []string
	}
	for _, tc := range []struct {
		file      string
		opts      TXTOptions
		enc       Encoding
		zone      geo.Zone
		eastFirst bool
		fileWarns []string
		parcels   map[string]pw
		check     func(t *testing.T, f *TXTFile)
	}{
		{file: "easting_first.txt", enc: UTF8, zone: linhai, eastFirst: true, fileWarns: []string{WarnEastingFirst},
			parcels: map[string]pw{"B": {30000, nil}}},
		{file: "zhejiang10.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"B": {30000, nil}},
			check: func(t *testing.T, f *TXTFile) {
				p := f.Parcels[0]
				if p.TownshipCode != "331082001" || p.Village != "大洋村" || p.Name != "低效工业用地B" || p.LandClass != "0601" {
					t.Errorf("Zhejiang fields: %+v", p)
				}
			}},
		{file: "fullwidth_brackets.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"B": {30000, nil}},
			check: func(t *testing.T, f *TXTFile) {
				if len(f.Sections) != 2 || f.Sections[0].Name != "属性描述" || f.Sections[1].Name != "地块坐标" {
					t.Errorf("sections %+v", f.Sections)
				}
			}},
		{file: "chinese_commas.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"B": {30000, nil}},
			check: func(t *testing.T, f *TXTFile) {
				if f.Parcels[0].Name != "低效工业用地B、含厂房" {
					t.Errorf("name %q", f.Parcels[0].Name)
				}
			}},
		{file: "crlf_blank_spaces.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"B": {30000, nil}}},
		{file: "gb18030.txt", enc: GB18030, zone: linhai, parcels: map[string]pw{"B": {30000, nil}},
			check: func(t *testing.T, f *TXTFile) {
				if f.Parcels[0].Name != "𠮷祥厂区" { // U+20BB7 is outside GBK: four-byte GB18030
					t.Errorf("name %q", f.Parcels[0].Name)
				}
			}},
		{file: "utf16le_bom.txt", enc: UTF16LE, zone: linhai, parcels: map[string]pw{"B": {30000, nil}}},
		{file: "missing_zone.txt", enc: UTF8, zone: linhai, fileWarns: []string{WarnZoneAssumed}, parcels: map[string]pw{"B": {30000, nil}}},
		{file: "missing_zone_no_prefix.txt", opts: TXTOptions{Zone: linhai}, enc: UTF8, zone: geo.Zone{Width: 3, Number: 40},
			fileWarns: []string{WarnZoneAssumed}, parcels: map[string]pw{"B": {30000, nil}}},
		// Shell 200×200 = 40000, hole 100×100 = 10000, island 40×40 = 1600 in
		// the hole: 40000 − 10000 + 1600 = 31600 m² = 3.1600 ha. Ring numbers
		// 1, 2, 3 and all clockwise: only nesting gets it right.
		{file: "island_in_hole.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"I": {31600, nil}},
			check: func(t *testing.T, f *TXTFile) {
				g := f.Parcels[0].Plane
				if len(g) != 2 || len(g[0]) != 2 || len(g[1]) != 1 || !near(geo.PlaneArea(g[1:]), 1600, 1e-6) {
					t.Errorf("want shell+hole and the island as its own polygon, got %d polygons", len(g))
				}
			}},
		// M: shell 100×100 and hole 10×10 both numbered 1, an extra part 50×50
		// numbered 2: 10000 − 100 + 2500 = 12400 m². N: the hole 20×20 comes
		// first as ring 1, the shell 100×100 as ring 2: 10000 − 400 = 9600 m².
		{file: "ring_numbers_misused.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"M": {12400, nil}, "N": {9600, nil}},
			check: func(t *testing.T, f *TXTFile) {
				m := byCode(t, f)
				if g := m["M"].Plane; len(g) != 2 || len(g[0]) != 2 || len(g[1]) != 1 {
					t.Errorf("M: %d polygons", len(g))
				}
				if g := m["N"].Plane; len(g) != 1 || len(g[0]) != 2 || !near(geo.PlaneArea(orb.MultiPolygon{{g[0][0]}}), 10000, 1e-6) {
					t.Errorf("N: the 100×100 ring must be the shell")
				}
			}},
		// P1 declares 7 points for 5 rows; P2 declares 0, which is allowed.
		{file: "wrong_point_count.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"P1": {30000, []string{WarnPointCount}}, "P2": {30000, nil}}},
		// 150 × 200 = 30000 m²; tolerance max(1, 0.05% × 30000 = 15) m².
		// 10 × 10 = 100 m²; tolerance max(1, 0.05) = 1 m².
		{file: "area_units.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{
			"U1": {30000, []string{WarnAreaUnitM2}},   // 30000 written in m²
			"U2": {30000, []string{WarnAreaMismatch}}, // 2.9000 ha = 29000: −1000 m²
			"U3": {30000, nil},                        // 3.0014 ha: +14 ≤ 15
			"U4": {30000, []string{WarnAreaMismatch}}, // 3.0016 ha: +16 > 15
			"U5": {100, nil},                          // 0.0101 ha = 101: +1 ≤ 1
			"U6": {100, []string{WarnAreaMismatch}},   // 0.0102 ha = 102: +2 > 1
			"U7": {100, []string{WarnAreaMissing}},
		}},
		// 6° zone 21 (CM 123°E), 100 × 100 m; 分带=6度带 spelled differently.
		{file: "six_degree.txt", opts: TXTOptions{Zone: linhai}, enc: UTF8, zone: geo.Zone{Width: 6, Number: 21, Prefix: true},
			fileWarns: []string{WarnZoneDiffers}, parcels: map[string]pw{"S6": {10000, nil}}},
		{file: "extra_sections.txt", enc: UTF8, zone: linhai, parcels: map[string]pw{"B": {30000, nil}},
			check: func(t *testing.T, f *TXTFile) {
				var names []string
				for _, s := range f.Sections {
					names = append(names, s.Name)
				}
				if !slices.Equal(names, []string{"项目信息", "属性描述", "地块坐标", "扩展信息"}) {
					t.Errorf("sections %v", names)
				}
				for k, v := range map[string]string{"项目名称": "临海市测试项目", "自定义键": "保留", "审核人": "张三", "分带": "3度带"} {
					if got, ok := f.Header(k); !ok || got != v {
						t.Errorf("Header(%s) = %q, %v", k, got, ok)
					}
				}
				if e := f.Sections[1].Entries[4]; e.Key != "" || e.Value != "备注行没有等号" || e.Line != 9 {
					t.Errorf("line without '=': %+v", e)
				}
				if f.Parcels[0].MapSheet != "H51G001001" {
					t.Errorf("图幅号 %q", f.Parcels[0].MapSheet)
				}
			}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := MustReadTXT(t, filepath.Join("testdata", tc.file), tc.opts)
			if f.Encoding != tc.enc || f.Zone != tc.zone || f.EastingFirst != tc.eastFirst {
				t.Errorf("encoding %s zone %v easting-first %v", f.Encoding, f.Zone, f.EastingFirst)
			}
			if got := warnCodes(f.Warnings); !slices.Equal(got, tc.fileWarns) {
				t.Errorf("file warnings %v, want %v: %v", got, tc.fileWarns, f.Warnings)
			}
			m := byCode(t, f)
			if len(m) != len(tc.parcels) {
				t.Errorf("%d parcels, want %d", len(m), len(tc.parcels))
			}
			for code, w := range tc.parcels {
				p := m[code]
				if p == nil {
					t.Errorf("parcel %s missing", code)
					continue
				}
				if !near(p.AreaM2, w.m2, 1e-6) {
					t.Errorf("%s: area %.6f, want %v", code, p.AreaM2, w.m2)
				}
				if got := warnCodes(p.Warnings); !slices.Equal(got, w.warns) {
					t.Errorf("%s: warnings %v, want %v: %v", code, got, w.warns, p.Warnings)
				}
				if probs := geo.ValidateLonLat(p.Geometry); len(probs) != 0 {
					t.Errorf("%s: %v", code, probs)
				}
				if a := geo.CadastralArea(p.Geometry, f.Zone); !near(a, w.m2, 1e-4) {
					t.Errorf("%s: CadastralArea of the unprojected geometry %.6f, want %v", code, a, w.m2)
				}
			}
			if tc.check != nil && len(f.Parcels) > 0 {
				tc.check(t, f)
			}
		})
	}
}

// The same parcel B, whatever the variant, unprojects to the same lon/lat.
func TestReadTXTVariantsAgree(t *testing.T) {
	ref := MustReadTXT(t, "testdata/zhejiang10.txt", TXTOptions{}).Parcels[0].Geometry
	for _, f := range []string{"easting_first.txt", "fullwidth_brackets.txt", "chinese_commas.txt", "crlf_blank_spaces.txt", "gb18030.txt", "utf16le_bom.txt", "missing_zone.txt"} {
		g := MustReadTXT(t, "testdata/"+f, TXTOptions{}).Parcels[0].Geometry
		for k := range ref[0][0] {
			if a, b := ref[0][0][k], g[0][0][k]; !near(a[0], b[0], 1e-12) || !near(a[1], b[1], 1e-12) {
				t.Errorf("%s vertex %d: %v vs %v", f, k, g[0][0][k], ref[0][0][k])
			}
		}
	}
	// Without prefix (EPSG:4549) the same place: 1e-9° ≈ 0.1 mm.
	g := MustReadTXT(t, "testdata/missing_zone_no_prefix.txt", TXTOptions{Zone: linhai}).Parcels[0].Geometry
	if a, b := ref[0][0][0], g[0][0][0]; !near(a[0], b[0], 1e-9) || !near(a[1], b[1], 1e-9) {
		t.Errorf("no prefix: %v vs %v", g[0][0][0], ref[0][0][0])
	}
}

// asErrors checks that err is an Errors of EINVALID parcels.Error values.
func asErrors(t *testing.T, err error) Errors {
	t.Helper()
	var es Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("error %v (%T) is not formats.Errors", err, err)
	}
	var pe *parcels.Error
	if !errors.As(err, &pe) || parcels.ErrorCode(err) != parcels.EINVALID {
		t.Fatalf("error %v is not a parcels.Error EINVALID", err)
	}
	for _, e := range es {
		if e.Code != parcels.EINVALID || e.Message == "" || e.MessageZH == "" {
			t.Errorf("error %+v: want EINVALID with English and Chinese messages", e)
		}
	}
	return es
}

func readErr(t *testing.T, file string, opts TXTOptions) (*TXTFile, Errors) {
	t.Helper()
	f, err := ReadTXT(bytes.NewReader(mustOpen(t, filepath.Join("testdata", file))), opts)
	if err == nil {
		t.Fatalf("%s: no error", file)
	}
	return f, asErrors(t, err)
}

func TestReadTXTRefused(t *testing.T) {
	for _, tc := range []struct {
		file   string
		opts   TXTOptions
		en, zh []string
	}{
		{"xian1980.txt", TXTOptions{Zone: linhai}, []string{"1980西安坐标系", "line 5", "Xi'an 1980", "not public", "CGCS2000"}, []string{"第 5 行", "1980 西安坐标系", "未公开的转换参数", "CGCS2000"}},
		{"beijing1954.txt", TXTOptions{Zone: linhai}, []string{"1954北京坐标系", "Beijing 1954", "not public"}, []string{"1954 北京坐标系", "未公开"}},
		{"zone_conflict.txt", TXTOptions{Zone: linhai}, []string{"带号=39 (line 9)", "zone prefix 40 (first on line 14)"}, []string{"带号=39（第 9 行）", "带号前缀 40（首次出现在第 14 行）"}},
		// No 带号, no prefix and no configured zone: nothing to go by.
		{"missing_zone_no_prefix.txt", TXTOptions{}, []string{"zone is unknown", "带号="}, []string{"无法确定投影带"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, es := readErr(t, tc.file, tc.opts)
			if len(es) != 1 || es[0].Feature != "" || len(f.Parcels) != 0 {
				t.Fatalf("want one file-level error and no parcels, got %v and %d parcels", es, len(f.Parcels))
			}
			for _, s := range tc.en {
				if !strings.Contains(es[0].Message, s) {
					t.Errorf("message %q lacks %q", es[0].Message, s)
				}
			}
			for _, s := range tc.zh {
				if !strings.Contains(es[0].MessageZH, s) {
					t.Errorf("zh message %q lacks %q", es[0].MessageZH, s)
				}
			}
		})
	}
}

// Every problem of the file is reported, one error per rejected parcel,
// each naming the parcel, its line, the ring and the point; the good parcel
// is still read.
func TestReadTXTCollectsEveryProblem(t *testing.T) {
	f, es := readErr(t, "many_errors.txt", TXTOptions{Zone: linhai})
	want := []struct {
		feature string
		en, zh  []string
	}{
		{"E1", []string{"parcel E1 (line 13)", "line 15 (point J2)", "3193200.0x0"}, []string{"地块 E1（第 13 行）", "第 15 行（界址点 J2）"}},
		{"E2", []string{"ring 1 (lines 20–23) is not closed", "point J4 (line 23)", "point J1 (line 20)"}, []string{"第 1 圈（第 20–23 行）未闭合"}},
		{"E3", []string{"ring 1 (lines 30–34), point J1 (line 30)", "crosses the edge from point J3 (line 32) at (3193100.000, 40607050.000)"}, []string{"界址点 J1（第 30 行）", "界址点 J3（第 32 行）"}},
		{"B", []string{"parcel B (line 41)", "地块编号 B is used again (first on line 35)"}, []string{"地块编号 B 重复（首次出现在第 35 行）"}},
		{"E5", []string{"parcel E5 (line 47)", "has 4 fields"}, []string{"有 4 个字段"}},
		{"E6", []string{"ring 2 (lines 59–63) overlaps ring 1 (lines 54–58)"}, []string{"第 2 圈（第 59–63 行）"}},
	}
	if len(es) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(es), len(want), es)
	}
	for i, w := range want {
		e := es[i]
		if e.Feature != w.feature || len(e.Problems) == 0 {
			t.Errorf("error %d: feature %q, %d problems", i, e.Feature, len(e.Problems))
		}
		for _, s := range w.en {
			if !strings.Contains(e.Message, s) {
				t.Errorf("%s: %q lacks %q", w.feature, e.Message, s)
			}
		}
		for _, s := range w.zh {
			if !strings.Contains(e.MessageZH, s) {
				t.Errorf("%s: %q lacks %q", w.feature, e.MessageZH, s)
			}
		}
	}
	if len(f.Parcels) != 1 || f.Parcels[0].Code != "B" || f.Parcels[0].Line != 35 {
		t.Errorf("the valid parcel B (line 35) should be read: %+v", f.Parcels)
	}
}

// A bow-tie ring is reported with the vertex where the crossing edge starts,
// the crossing point in the file's X/Y, and the other parcel is kept.
func TestReadTXTSelfIntersection(t *testing.T) {
	f, es := readErr(t, "self_intersecting.txt", TXTOptions{Zone: linhai})
	if len(es) != 1 || es[0].Feature != "S" || len(es[0].Problems) != 1 {
		t.Fatalf("errors %v", es)
	}
	p := es[0].Problems[0]
	// J1 (3193200, 40607000) → J2 (3193000, 40607100) crosses
	// J3 (3193200, 40607100) → J4 (3193000, 40607000) at the middle.
	if p.Code != geo.CodeSelfIntersection || p.Ring != 1 || p.Vertex != 0 || !near(p.Point[0], 3193100, 1e-6) || !near(p.Point[1], 40607050, 1e-6) {
		t.Errorf("problem %+v", p)
	}
	if !strings.Contains(p.Message, "parcel S (line 13): ring 1 (lines 14–18), point J1 (line 14)") ||
		!strings.Contains(p.MessageZH, "地块 S（第 13 行）：第 1 圈（第 14–18 行），界址点 J1（第 14 行）") {
		t.Errorf("messages %q / %q", p.Message, p.MessageZH)
	}
	if len(f.Parcels) != 1 || f.Parcels[0].Code != "B" {
		t.Errorf("parcels %+v", f.Parcels)
	}
}

func TestReadTXTEncodingErrors(t *testing.T) {
	// 0x80 0xFF is neither UTF-8 nor GB18030.
	_, err := ReadTXT(strings.NewReader("[属性描述]\n带号=40\n\x80\xff\n"), TXTOptions{})
	es := asErrors(t, err)
	if !strings.Contains(es[0].Message, "line 3") {
		t.Errorf("%v", es)
	}
	_, err = ReadTXT(strings.NewReader(strings.Repeat("x", 100)), TXTOptions{MaxBytes: 10})
	asErrors(t, err)
}

const head40 = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=40\n[地块坐标]\n"

// Rows that break the file's conventions are reported on their lines.
func TestReadTXTRowProblems(t *testing.T) {
	src := head40 + // parcel line is line 6
		"5,3.0000,R,行错误,面,,工业用地,0601,@\n" +
		"J1,1,3193200.000,40607309.900\n" +
		"J2,1,40607459.900,3193200.000\n" + // line 8: easting first in an X-first file
		"J3,1,3193000.000,607459.900\n" + // line 9: no zone prefix
		"J4,1,3193000.000,40607309.900\n" +
		"J1,1,3193200.000,40607309.900\n"
	_, err := ReadTXT(strings.NewReader(src), TXTOptions{})
	es := asErrors(t, err)
	if len(es) != 1 || len(es[0].Problems) != 2 {
		t.Fatalf("%v", es)
	}
	if !strings.Contains(es[0].Message, "line 8 (point J2) writes its values in the other order") || !strings.Contains(es[0].Message, "line 9 (point J3): Y = 607459.900 lacks the zone prefix") {
		t.Errorf("%s", es[0].Message)
	}
	if !strings.Contains(es[0].MessageZH, "第 8 行（界址点 J2）的坐标顺序") || !strings.Contains(es[0].MessageZH, "第 9 行（界址点 J3）：Y = 607459.900 缺少带号前缀") {
		t.Errorf("%s", es[0].MessageZH)
	}
}

// A file-level refusal still lists the lines that could not be parsed.
func TestReadTXTFatalAndParseErrors(t *testing.T) {
	src := strings.Replace(head40, "带号=40", "带号=39", 1) +
		"5,3.0000,Q,坏行,面,,工业用地,0601,@\n" +
		"J1,1,3193200.000,40607309.900\n" +
		"J2,1,3193200.000\n" + // line 8: 3 fields
		"J3,1,3193000.000,40607459.900\n" +
		"J1,1,3193200.000,40607309.900\n"
	_, err := ReadTXT(strings.NewReader(src), TXTOptions{})
	es := asErrors(t, err)
	if len(es) != 2 || es[0].Feature != "" || !strings.Contains(es[0].Message, "zone conflict") || es[1].Feature != "Q" || !strings.Contains(es[1].Message, "line 8") {
		t.Fatalf("%v", es)
	}
}

// A ring written twice (the second reversed) is refused as a copy before
// nesting: neither position nor orientation can make sense of it.
func TestReadTXTDuplicateRing(t *testing.T) {
	src := head40 +
		"10,1.0000,D,重复圈,面,,工业用地,0601,@\n" +
		"J1,1,3193100.000,40607000.000\nJ2,1,3193100.000,40607100.000\nJ3,1,3193000.000,40607100.000\nJ4,1,3193000.000,40607000.000\nJ1,1,3193100.000,40607000.000\n" +
		"J1,2,3193100.000,40607000.000\nJ4,2,3193000.000,40607000.000\nJ3,2,3193000.000,40607100.000\nJ2,2,3193100.000,40607100.000\nJ1,2,3193100.000,40607000.000\n"
	_, err := ReadTXT(strings.NewReader(src), TXTOptions{})
	es := asErrors(t, err)
	if len(es) != 1 || es[0].Problems[0].Code != CodeDuplicateRing || !strings.Contains(es[0].Message, "ring 2 (lines 12–16) repeats ring 1 (lines 7–11) point for point in the opposite direction") {
		t.Fatalf("%v", es)
	}
}

func TestAllWarnings(t *testing.T) {
	f := MustReadTXT(t, "testdata/missing_zone.txt", TXTOptions{})
	f2 := MustReadTXT(t, "testdata/area_units.txt", TXTOptions{})
	if ws := f.AllWarnings(); len(ws) != 1 || ws[0].Feature != "" || ws[0].Code != WarnZoneAssumed {
		t.Errorf("%+v", ws)
	}
	ws := f2.AllWarnings()
	var got []string
	for _, w := range ws {
		got = append(got, w.Feature+":"+w.Code)
	}
	want := []string{"U1:area_unit_m2", "U2:area_mismatch", "U4:area_mismatch", "U6:area_mismatch", "U7:area_missing"}
	if !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
}

// Empty trailing fields of a parcel line (地块用途, 地类编码 left empty) are
// fields, not a stray comma; a coordinate row may end with one stray comma.
func TestReadTXTEmptyFields(t *testing.T) {
	src := head40 + "5,0.0100,E,空字段,面,,,,@\n" +
		"J1,1,3193010.000,40607000.000,\nJ2,1,3193010.000,40607010.000\nJ3,1,3193000.000,40607010.000\nJ4,1,3193000.000,40607000.000\nJ1,1,3193010.000,40607000.000\n" +
		"5,0.0100,F,无结束符,面,H51G001001,工业用地,0601\n" + // no @ at all
		"J1,1,3193010.000,40607000.000\nJ2,1,3193010.000,40607010.000\nJ3,1,3193000.000,40607010.000\nJ4,1,3193000.000,40607000.000\nJ1,1,3193010.000,40607000.000\n"
	f, err := ReadTXT(strings.NewReader(src), TXTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, g := f.Parcels[0], f.Parcels[1]
	if e.Code != "E" || e.Use != "" || e.LandClass != "" || e.AreaM2 != 100 || g.Code != "F" || g.LandClass != "0601" || g.MapSheet != "H51G001001" {
		t.Errorf("%+v\n%+v", e, g)
	}
}

// UTF-16LE without a BOM is recognised by its zero bytes.
func TestReadTXTUTF16NoBOM(t *testing.T) {
	f := MustReadTXT(t, "testdata/utf16le_no_bom.txt", TXTOptions{})
	if f.Encoding != UTF16LE || len(f.Parcels) != 1 || f.Parcels[0].Village != "大洋村" || f.Parcels[0].AreaM2 != 30000 {
		t.Fatalf("%s %+v", f.Encoding, f.Parcels)
	}
}

func TestFeatureNames(t *testing.T) {
	f := MustReadTXT(t, samples+"synthetic_linhai_zone40.txt", TXTOptions{})
	if f.Feature(0) != "A" || f.Feature(2) != "B" || f.Feature(3) != "#3" {
		t.Errorf("%q %q %q", f.Feature(0), f.Feature(2), f.Feature(3))
	}
	f.Parcels[1].Code = ""
	if f.Feature(1) != "line 24" { // C: A on 13, its 10 rows on 14–23
		t.Errorf("%q", f.Feature(1))
	}
}
