package formats

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/width"

	"landplan/geo"
	"landplan/parcels"
)

// TXTOptions configure ReadTXT.
type TXTOptions struct {
	// Zone is the city's configured Gauss–Krüger zone. The file's own zone
	// (带号, else the prefix of its Y values) always wins, because the
	// coordinates are in it; Zone is used only when the file says nothing,
	// and a file in another zone gets a warning.
	Zone geo.Zone
	// MaxBytes caps the input (0: 64 MiB) so an upload cannot exhaust memory.
	MaxBytes int64
}

// TXTFile is a parsed boundary-point file.
type TXTFile struct {
	Encoding Encoding
	// Sections holds every section in file order with its key=value lines,
	// [属性描述] and unknown ones ([项目信息], [扩展信息]) alike; the
	// [地块坐标] section is listed without entries (its content is Parcels).
	Sections     []TXTSection
	Zone         geo.Zone // the zone the coordinates are in
	EastingFirst bool     // rows were written Y (easting) before X (northing)
	Parcels      []TXTParcel
	Warnings     []Warning // about the file as a whole
}

// TXTSection is one [section] of the file.
type TXTSection struct {
	Name    string
	Line    int
	Entries []TXTEntry
}

// TXTEntry is one line of a section: Key=Value, or Value alone when the line
// has no '='.
type TXTEntry struct {
	Key, Value string
	Line       int
}

// Header returns the value of key in the first section that has it
// ([属性描述] comes first in every file), trimmed.
func (f *TXTFile) Header(key string) (string, bool) {
	for _, s := range f.Sections {
		for _, e := range s.Entries {
			if e.Key == key {
				return e.Value, true
			}
		}
	}
	return "", false
}

// TXTParcel is one parcel (地块) of the file.
type TXTParcel struct {
	Line           int    // line of the parcel line
	Code           string // 地块编号
	Name           string // 地块名称
	Graphic        string // 记录图形属性 (面)
	MapSheet       string // 图幅号
	Use            string // 地块用途, as text (工业用地)
	LandClass      string // 地类编码 (GB/T 21010, e.g. 0601)
	TownshipCode   string // Zhejiang variant: 9-digit township code
	Village        string // Zhejiang variant: village name
	DeclaredPoints int    // 界址点数 as written (0: not given)
	Points         int    // coordinate rows, closing rows included
	DeclaredArea   float64
	// DeclaredUnit is "ha" (the format's unit) or "m2" when the value only
	// makes sense in square metres; DeclaredAreaM2 is DeclaredArea in m².
	DeclaredUnit   string
	DeclaredAreaM2 float64
	// AreaM2 is the cadastral plane area (坐标解析法) recomputed from the
	// coordinates in the file's zone.
	AreaM2 float64
	// Plane is the geometry as written: orb.Point{Y, X} = (easting with the
	// zone prefix when the file has one, northing), shells counter-clockwise.
	Plane orb.MultiPolygon
	// Geometry is Plane unprojected to CGCS2000 lon/lat.
	Geometry orb.MultiPolygon
	Warnings []Warning
}

// Attrs keys that Parcel fills and WriteTXT reads back.
const (
	AttrTXTUse         = "txt_land_use"     // 地块用途 as text
	AttrMapSheet       = "map_sheet"        // 图幅号
	AttrTownshipCode   = "township_code"    // 乡镇代码 (Zhejiang variant)
	AttrVillage        = "village"          // 村名 (Zhejiang variant)
	AttrDeclaredAreaM2 = "declared_area_m2" // 地块面积 as declared, in m²
	AttrSourceLine     = "source_line"      // line of the parcel in the file
)

// Parcel maps the TXT parcel to the domain: Code = 地块编号, Name = 地块名称,
// LandUse = 地类编码, Geometry in lon/lat. The declared area is kept in Attrs
// (never in RegisteredAreaM2: it is the surveyor's claim, not the register).
func (p *TXTParcel) Parcel() parcels.Parcel {
	attrs := map[string]any{AttrSourceLine: p.Line}
	set := func(k, v string) {
		if v != "" {
			attrs[k] = v
		}
	}
	set(AttrTXTUse, p.Use)
	set(AttrMapSheet, p.MapSheet)
	set(AttrTownshipCode, p.TownshipCode)
	set(AttrVillage, p.Village)
	if p.DeclaredAreaM2 > 0 {
		attrs[AttrDeclaredAreaM2] = p.DeclaredAreaM2
	}
	return parcels.Parcel{Code: p.Code, Name: p.Name, LandUse: p.LandClass, Attrs: attrs, Geometry: p.Geometry}
}

// label names the parcel for messages: "parcel A (line 13)".
func (p *TXTParcel) label() (en, zh string) {
	if p.Code == "" {
		return fmt.Sprintf("parcel on line %d", p.Line), fmt.Sprintf("第 %d 行的地块", p.Line)
	}
	return fmt.Sprintf("parcel %s (line %d)", p.Code, p.Line), fmt.Sprintf("地块 %s（第 %d 行）", p.Code, p.Line)
}

// feature is the parcels.Error Feature of the parcel: its code, else its line.
func (p *TXTParcel) feature() string {
	if p.Code != "" {
		return p.Code
	}
	return fmt.Sprintf("line %d", p.Line)
}

// row is one coordinate row as read.
type row struct {
	line     int
	name     string
	ring     int
	a, b     float64 // the two values in file order
	x, y     float64 // northing, easting once the axis order is known
	prefixed bool
	bad      bool // already reported: skip further checks
}

// rawParcel gathers a parcel's rows and problems during parsing.
type rawParcel struct {
	p     TXTParcel
	rows  []row
	probs []problem
	more  int // problems beyond maxProblems, counted only
	extra int // coordinate rows beyond maxPoints, counted only
	// areaUnit is the unit written after 地块面积 ("ha", "m2", "" none);
	// areaBad: 地块面积 could not be read (already warned about).
	areaUnit string
	areaBad  bool
	// layout: the parcel line had enough fields for a layout; zhejiang: it
	// was read as the Zhejiang variant.
	layout, zhejiang bool
	unchecked        bool // the file's work budget ran out while building it
}

// problem is a rejected-feature finding before it becomes a parcels.Error.
type problem struct {
	gp     geo.Problem // Code and position; Message/MessageZH are full sentences
	en, zh string
}

func (rp *rawParcel) fail(code, en, zh string) {
	rp.add(problem{gp: geo.Problem{Code: code, Vertex: -1}, en: en, zh: zh})
}

// add records a problem; past maxProblems they are only counted, so a
// parcel of thousands of overlapping rings gives a readable error quickly.
func (rp *rawParcel) add(pr problem) {
	if len(rp.probs) >= maxProblems {
		rp.more++
		return
	}
	rp.probs = append(rp.probs, pr)
}

// full reports whether further problems would only be counted.
func (rp *rawParcel) full() bool { return len(rp.probs) >= maxProblems }

// Problem codes of the TXT reader, beside geo's.
const (
	CodeBadLine       = "bad_line"       // a line that is neither a parcel line nor a coordinate row
	CodeBadNumber     = "bad_number"     // a field that must be a number is not
	CodeAxisOrder     = "axis_order"     // a row's X/Y order differs from the file's
	CodeZonePrefix    = "zone_prefix"    // a row's Y prefix differs from the file's zone
	CodeDuplicateID   = "duplicate_code" // two parcels with the same 地块编号
	CodeNoRows        = "no_coordinates" // a parcel line without coordinate rows
	CodeRingUnclosed  = geo.CodeUnclosedRing
	CodeTooManyRings  = "too_many_rings"  // more rings in one parcel than maxRings
	CodeTooManyPoints = "too_many_points" // more coordinate rows in one parcel than maxPoints
	CodeDuplicateRing = "duplicate_ring"  // a ring written again, same vertices in the same cyclic order (either direction)
	CodeTooComplex    = "too_complex"     // rings whose extents overlap so much that checking them would stall the server
)

// Limits per parcel so that a small upload cannot stall the server (see
// README, "Limits"). No real parcel comes near them.
const (
	maxProblems = 100   // problems listed one by one; the rest are counted
	maxPoints   = 50000 // coordinate rows: 50 km of boundary at 1 m spacing
)

// MaxErrors caps the rejected parcels ReadTXT lists one by one; the rest are
// counted in one more error, so a response stays readable.
const MaxErrors = 1000

// ReadTXT reads a boundary-point coordinate file (see
// shared/reference/boundary-point-txt.md): any of the encodings surveyors'
// tools write, CRLF or LF, full-width brackets and commas, the standard
// 8-field and the Zhejiang 10-field parcel lines, X/Y in either order, the
// zone from 带号 or the Y prefix, polygons built by nesting whatever the ring
// numbers say.
//
// It returns the file and, when anything is wrong, an Errors with one
// *parcels.Error (EINVALID) per rejected parcel and per file-level problem;
// the file then still holds the parcels that were read without problems, so
// a caller can show them, but an import must reject the whole file. A file
// in 1980西安 or 1954北京 coordinates is refused outright: CGCS2000
// transformation parameters for them are not public. An error reading r
// itself is returned as it is (not EINVALID).
func ReadTXT(r io.Reader, opts TXTOptions) (*TXTFile, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = 64 << 20
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("formats: reading the TXT file: %w", err) // I/O, not the file's fault: not EINVALID
	}
	if int64(len(b)) > max {
		return nil, Errors{fileError(fmt.Sprintf("the file is larger than %d bytes: split it", max), fmt.Sprintf("文件超过 %d 字节：请拆分后再导入", max))}
	}
	text, enc, le := decodeText(b)
	f := &TXTFile{Encoding: enc}
	if le != nil {
		return f, Errors{fileError(le.en, le.zh)}
	}
	rd := reader{f: f, opts: opts}
	rd.parse(text)
	rd.checkLayouts()
	if len(rd.fatal) == 0 {
		rd.header()
	}
	if len(rd.fatal) == 0 {
		rd.axesAndZone()
	}
	if len(rd.fatal) > 0 {
		// Without a usable coordinate system or zone no geometry can be
		// checked, but the lines that failed to parse are still listed.
		errs := Errors(rd.fatal)
		for i := range rd.parcels {
			if rp := &rd.parcels[i]; len(rp.probs) > 0 {
				errs = append(errs, rp.error())
			}
		}
		return f, errs
	}
	var errs Errors
	seen := map[string]int{}
	rd.pool = filePool
	skipped, firstSkipped := 0, 0
	for i := range rd.parcels {
		rp := &rd.parcels[i]
		if len(rp.probs) == 0 && rd.pool.spent() {
			// The file's budget for superlinear checks is spent: the rest
			// is not checked, and the file is refused as a whole below.
			if skipped++; skipped == 1 {
				firstSkipped = rp.p.Line
			}
			continue
		}
		if len(rp.probs) == 0 {
			rd.build(rp)
		}
		rp.rows = nil // not needed once built: lets a large file's rows go
		if rp.unchecked {
			if skipped++; skipped == 1 {
				firstSkipped = rp.p.Line
			}
			continue
		}
		if c := rp.p.Code; c != "" {
			if first, dup := seen[c]; dup {
				rp.fail(CodeDuplicateID,
					fmt.Sprintf("地块编号 %s is used again (first on line %d): give every parcel its own code", c, first),
					fmt.Sprintf("地块编号 %s 重复（首次出现在第 %d 行）：每个地块的编号必须唯一", c, first))
			} else {
				seen[c] = rp.p.Line
			}
		}
		if len(rp.probs) > 0 {
			errs = append(errs, rp.error())
			continue
		}
		f.Parcels = append(f.Parcels, rp.p)
	}
	if len(errs) > MaxErrors {
		more := len(errs) - MaxErrors
		errs = append(errs[:MaxErrors:MaxErrors], fileError(
			fmt.Sprintf("%d more parcels are rejected and not listed: correct the ones above and import again", more),
			fmt.Sprintf("另有 %d 个地块不能导入，未逐一列出：请先修正以上问题后重新导入", more)))
	}
	if skipped > 0 {
		errs = append(errs, fileError(
			fmt.Sprintf("the file's parcels have so many overlapping rings, holes or parts that checking all of them would take too long: %d parcels from line %d on were not checked; split the file into smaller ones", skipped, firstSkipped),
			fmt.Sprintf("文件中地块的圈、内环或部件相互重叠过多，全部检查耗时过长：自第 %d 行起的 %d 个地块未检查；请把文件拆分为较小的文件", firstSkipped, skipped)))
	}
	if len(rd.parcels) == 0 {
		errs = append(errs, fileError("the file has no parcels: a [地块坐标] section with parcel lines (ending in @) and coordinate rows is required",
			"文件中没有地块：需要 [地块坐标] 节，其中包含以 @ 结尾的地块行和坐标行"))
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// error turns a parcel's problems into one parcels.Error: Message names the
// parcel and lists every problem, Problems carries them for clients.
func (rp *rawParcel) error() *parcels.Error {
	en, zh := rp.p.label()
	var ens, zhs []string
	var gps []geo.Problem
	for _, pr := range rp.probs {
		ens = append(ens, pr.en)
		zhs = append(zhs, pr.zh)
		gp := pr.gp
		gp.Message, gp.MessageZH = en+": "+pr.en, zh+"："+pr.zh
		gps = append(gps, gp)
	}
	if rp.more > 0 {
		ens = append(ens, fmt.Sprintf("%d more problems not listed: correct the ones above first", rp.more))
		zhs = append(zhs, fmt.Sprintf("另有 %d 个问题未列出：请先修正以上问题", rp.more))
	}
	return &parcels.Error{Code: parcels.EINVALID, Feature: rp.p.feature(), Problems: gps,
		Message:   fmt.Sprintf("%s is rejected: %s", en, strings.Join(ens, "; ")),
		MessageZH: fmt.Sprintf("%s不能导入：%s", zh, strings.Join(zhs, "；"))}
}

type reader struct {
	f       *TXTFile
	opts    TXTOptions
	parcels []rawParcel
	fatal   []*parcels.Error
	coords  bool // inside [地块坐标]
	pool    workPool
}

// splitFields splits on ASCII commas, and on Chinese commas too when the
// line has fewer than min fields on ASCII commas alone (a line written with
// Chinese commas as separators; a name may contain a Chinese comma, so a
// line that splits on ASCII commas keeps them). Fields are trimmed and
// returned with their byte spans in s; empty ones are kept (图幅号 is often
// empty), so callers strip a terminating comma first.
func splitFields(s string, min int) (fs []string, spans [][2]int) {
	seps := ","
	if strings.Count(s, ",")+1 < min && strings.Contains(s, "，") {
		seps = ",，"
	}
	start := 0
	for {
		i := strings.IndexAny(s[start:], seps)
		if i < 0 {
			break
		}
		_, w := utf8.DecodeRuneInString(s[start+i:])
		spans = append(spans, [2]int{start, start + i})
		start += i + w
	}
	spans = append(spans, [2]int{start, len(s)})
	for _, sp := range spans {
		fs = append(fs, strings.TrimSpace(s[sp[0]:sp[1]]))
	}
	return fs, spans
}

// fields is splitFields without the spans.
func fields(s string, min int) []string {
	fs, _ := splitFields(s, min)
	return fs
}

// isTownshipCode: the Zhejiang variant's 乡镇代码 is 9 ASCII digits
// (GB/T 2260 county code + 3-digit township).
func isTownshipCode(s string) bool {
	if len(s) != 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dropTerminator removes the comma that ends a line ("…,0601,@" less its @,
// or a coordinate row with a stray comma).
func dropTerminator(s string) string {
	s = strings.TrimSpace(s)
	if t, ok := strings.CutSuffix(s, ","); ok {
		return strings.TrimSpace(t)
	}
	if t, ok := strings.CutSuffix(s, "，"); ok {
		return strings.TrimSpace(t)
	}
	return s
}

func (rd *reader) parse(text string) {
	// CRLF, LF, or CR alone (old Mac tools): every one ends a line.
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n")
	var sec *TXTSection
	var cur *rawParcel
	stray := false
	for i, raw := range lines {
		n := i + 1
		// A byte-order mark inside the file (files joined together) is no
		// part of the line.
		s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "\ufeff"))
		if s == "" {
			continue
		}
		// Only the section brackets, the key separator and the parcel
		// terminator are taken in their full-width forms too; names and
		// values keep whatever punctuation they were written with.
		if name, ok := sectionName(s); ok {
			rd.f.Sections = append(rd.f.Sections, TXTSection{Name: name, Line: n})
			sec = &rd.f.Sections[len(rd.f.Sections)-1]
			rd.coords = name == "地块坐标"
			cur = nil
			continue
		}
		if !rd.coords {
			if sec == nil {
				rd.f.Sections = append(rd.f.Sections, TXTSection{Line: n})
				sec = &rd.f.Sections[len(rd.f.Sections)-1]
			}
			k, v, ok := cutKey(s)
			if !ok {
				k, v = "", s
			}
			sec.Entries = append(sec.Entries, TXTEntry{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Line: n})
			continue
		}
		if t, ok := cutTerminator(s); ok || strings.Count(strings.ReplaceAll(s, "，", ","), ",") >= 7 {
			rd.parcels = append(rd.parcels, rawParcel{})
			cur = &rd.parcels[len(rd.parcels)-1]
			rd.parcelLine(cur, n, t)
			continue
		}
		fs := fields(dropTerminator(s), 4)
		if cur == nil {
			if stray { // the first such row says it; more would only repeat it
				continue
			}
			stray = true
			rd.fatal = append(rd.fatal, fileError(
				fmt.Sprintf("line %d (%q) comes before any parcel line: each parcel starts with a line 界址点数,地块面积,地块编号,…,@", n, clip(s)),
				fmt.Sprintf("第 %d 行（%q）出现在任何地块行之前：每个地块应以“界址点数,地块面积,地块编号,…,@”行开始", n, clip(s))))
			continue
		}
		rd.coordRow(cur, n, s, fs)
	}
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// checkLayouts refuses the parcel lines whose layout differs from the
// file's: one producer writes one layout, so a Zhejiang line in a standard
// file is a standard line whose 地块编号 happens to be 9 digits and whose
// name has commas, and a standard line in a Zhejiang file lacks its
// township code. The majority decides (the standard layout on a tie).
func (rd *reader) checkLayouts() {
	var zj, std []*rawParcel
	for i := range rd.parcels {
		switch rp := &rd.parcels[i]; {
		case !rp.layout:
		case rp.zhejiang:
			zj = append(zj, rp)
		default:
			std = append(std, rp)
		}
	}
	if len(zj) == 0 || len(std) == 0 {
		return
	}
	if len(zj) > len(std) {
		for _, rp := range std {
			rp.fail(CodeBadLine,
				fmt.Sprintf("the other parcel lines use the Zhejiang layout with a 9-digit 乡镇代码 after 地块面积 (e.g. line %d), this one does not (%q there): add the township code, or correct the line", zj[0].p.Line, rp.p.Code),
				fmt.Sprintf("其他地块行为浙江报省部标格式，地块面积之后为 9 位乡镇代码（如第 %d 行），该行不是（该处为“%s”）：请补上乡镇代码或修正该行", zj[0].p.Line, rp.p.Code))
		}
		return
	}
	for _, rp := range zj {
		rp.p.Code = rp.p.TownshipCode // in a standard line that field is 地块编号: label it so
		rp.fail(CodeBadLine,
			fmt.Sprintf("the other parcel lines use the standard layout (e.g. line %d), but this one has %s after 地块面积, a 9-digit number, and enough fields to be read as the Zhejiang variant: if %s is the 地块编号 and the name contains commas, write those commas as ，", std[0].p.Line, rp.p.TownshipCode, rp.p.TownshipCode),
			fmt.Sprintf("其他地块行为标准格式（如第 %d 行），但该行地块面积之后为 9 位数字 %s，且字段数足以按浙江报省部标格式读取：如果 %s 是地块编号且名称中含有逗号，请把这些逗号写作“，”", std[0].p.Line, rp.p.TownshipCode, rp.p.TownshipCode))
	}
}

// sectionName recognises "[name]" with ASCII or full-width brackets.
func sectionName(s string) (string, bool) {
	for _, b := range [][2]string{{"[", "]"}, {"【", "】"}, {"［", "］"}} {
		if strings.HasPrefix(s, b[0]) && strings.HasSuffix(s, b[1]) && len(s) >= len(b[0])+len(b[1]) {
			return strings.TrimSpace(s[len(b[0]) : len(s)-len(b[1])]), true
		}
	}
	return "", false
}

// cutKey splits "key=value" at the first '=' or '＝'.
func cutKey(s string) (k, v string, ok bool) {
	i := strings.IndexAny(s, "=＝")
	if i < 0 {
		return "", "", false
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+w:]), true
}

// cutTerminator strips the '@' (or '＠') that ends a parcel line.
func cutTerminator(s string) (string, bool) {
	for _, at := range []string{"@", "＠"} {
		if t, ok := strings.CutSuffix(s, at); ok {
			return strings.TrimSpace(t), true
		}
	}
	return s, false
}

// graphics are the 记录图形属性 values; a parcel line with more fields than
// its layout is read with the extra commas in 地块名称 only when the field in
// that place is one of them, so a line with an extra field elsewhere is
// refused rather than misread.
var graphics = map[string]bool{"面": true, "线": true, "点": true}

// parcelLine reads 界址点数,地块面积,[乡镇代码,村名,]地块编号,地块名称,
// 记录图形属性,图幅号,地块用途,地类编码. The Zhejiang variant is taken only
// when the field after 地块面积 is a 9-digit township code; the first
// fields and the last four are fixed, so commas beyond them belong to
// 地块名称, which is rebuilt from the line as written.
func (rd *reader) parcelLine(rp *rawParcel, n int, s string) {
	p := &rp.p
	p.Line = n
	line := dropTerminator(s)
	fs, spans := splitFields(line, 8)
	lead := 3 // 界址点数, 地块面积, 地块编号
	if len(fs) >= 10 && isTownshipCode(fs[2]) {
		lead = 5 // Zhejiang "报省部标": township code and village before 地块编号
		rp.zhejiang = true
		p.TownshipCode, p.Village = fs[2], fs[3]
	}
	if len(fs) > lead-1 {
		p.Code = fs[lead-1]
	}
	rp.layout = len(fs) >= 8
	if len(fs) < 8 {
		rp.fail(CodeBadLine,
			fmt.Sprintf("the parcel line has %d fields; it needs 8 (界址点数,地块面积,地块编号,地块名称,记录图形属性,图幅号,地块用途,地类编码,@) or 10 in the Zhejiang variant (a 9-digit 乡镇代码 and 村名 before 地块编号)", len(fs)),
			fmt.Sprintf("地块行有 %d 个字段；应为 8 个（界址点数,地块面积,地块编号,地块名称,记录图形属性,图幅号,地块用途,地类编码,@），浙江报省部标格式为 10 个（在地块编号前增加 9 位乡镇代码和村名）", len(fs)))
		return
	}
	k := len(fs) - 4
	p.Name = strings.TrimSpace(line[spans[lead][0]:spans[k-1][1]])
	p.Graphic, p.MapSheet, p.Use, p.LandClass = fs[k], fs[k+1], fs[k+2], fs[k+3]
	if extra := k - lead - 1; extra > 0 {
		if !graphics[p.Graphic] {
			rp.fail(CodeBadLine,
				fmt.Sprintf("the parcel line has %d fields, %d more than its layout (%s); read as commas in 地块名称 the field before 图幅号 would be %q, not 面, so the line cannot be read safely: remove the extra commas (write commas inside a name as ，)", len(fs), extra, map[bool]string{false: "8 fields", true: "10 fields of the Zhejiang variant"}[lead == 5], p.Graphic),
				fmt.Sprintf("地块行有 %d 个字段，比%s多 %d 个；若把多出的逗号当作地块名称的一部分，图幅号前的字段将是“%s”而不是“面”，无法可靠读取：请删除多余的逗号（名称中的逗号请写作“，”）", len(fs), map[bool]string{false: "标准格式（8 个字段）", true: "浙江报省部标格式（10 个字段）"}[lead == 5], extra, p.Graphic))
			return
		}
		p.Warnings = append(p.Warnings, Warning{Code: WarnNameCommas, Line: n,
			Message:   fmt.Sprintf("地块名称 contains %d comma(s), which also separate the fields: read as %q because the first %d and last 4 fields are fixed", extra, p.Name, lead),
			MessageZH: fmt.Sprintf("地块名称中含有 %d 个逗号（逗号也是字段分隔符）：由于前 %d 个和后 4 个字段位置固定，按“%s”读取", extra, lead, p.Name)})
	}
	if fs[0] != "" {
		v, err := strconv.Atoi(fs[0])
		if err != nil || v < 0 {
			rp.fail(CodeBadNumber, fmt.Sprintf("界址点数 %q is not a whole number", fs[0]), fmt.Sprintf("界址点数“%s”不是非负整数", fs[0]))
		}
		p.DeclaredPoints = v
	}
	if fs[1] != "" {
		// The declared area is only compared, never used: one that cannot
		// be read is a warning, not a reason to refuse the parcel.
		v, unit, ok := parseArea(fs[1])
		if ok {
			p.DeclaredArea, rp.areaUnit = v, unit
		} else {
			rp.areaBad = true
			p.Warnings = append(p.Warnings, Warning{Code: WarnAreaUnreadable, Line: n,
				Message:   fmt.Sprintf("地块面积 %q is not a number of 公顷 or m²: ignored, the area is computed from the coordinates", fs[1]),
				MessageZH: fmt.Sprintf("地块面积“%s”不是有效的公顷或平方米数值：已忽略，面积按坐标计算", fs[1])})
		}
	}
	if g := p.Graphic; g != "" && g != "面" {
		p.Warnings = append(p.Warnings, Warning{Code: WarnNotPolygon, Line: n,
			Message:   fmt.Sprintf("记录图形属性 is %q, not 面 (polygon): read as a polygon", g),
			MessageZH: fmt.Sprintf("记录图形属性为“%s”而非“面”：按面读取", g)})
	}
}

// parseArea reads 地块面积: a non-negative number, optionally followed by
// its unit (公顷/ha: "ha", 平方米/m2/m²/㎡: "m2"; none: "").
func parseArea(s string) (float64, string, bool) {
	s = strings.TrimSpace(width.Narrow.String(s))
	unit := ""
	for _, u := range []struct{ suffix, unit string }{{"公顷", "ha"}, {"ha", "ha"}, {"平方米", "m2"}, {"m2", "m2"}, {"m²", "m2"}, {"㎡", "m2"}} {
		if t, ok := strings.CutSuffix(s, u.suffix); ok {
			s, unit = t, u.unit
			break
		}
	}
	v, ok := parseNum(s)
	return v, unit, ok && v >= 0
}

func parseNum(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func (rd *reader) coordRow(rp *rawParcel, n int, s string, fs []string) {
	if len(fs) != 4 {
		rp.fail(CodeBadLine,
			fmt.Sprintf("line %d (%q) has %d fields; a coordinate row has 4: 点号,圈号,X坐标,Y坐标", n, clip(s), len(fs)),
			fmt.Sprintf("第 %d 行（%q）有 %d 个字段；坐标行应为 4 个：点号,圈号,X坐标,Y坐标", n, clip(s), len(fs)))
		return
	}
	ring, err := strconv.Atoi(fs[1])
	a, okA := parseNum(fs[2])
	b, okB := parseNum(fs[3])
	if err != nil || !okA || !okB {
		rp.fail(CodeBadNumber,
			fmt.Sprintf("line %d (point %s): 圈号, X and Y must be numbers, got %q, %q, %q", n, fs[0], fs[1], fs[2], fs[3]),
			fmt.Sprintf("第 %d 行（界址点 %s）：圈号、X、Y 必须是数字，实为“%s”“%s”“%s”", n, fs[0], fs[1], fs[2], fs[3]))
		return
	}
	if len(rp.rows) >= maxPoints {
		// Counted, not kept: memory stays bounded whatever the file holds.
		if rp.extra == 0 {
			rp.fail(CodeTooManyPoints,
				fmt.Sprintf("the parcel has more than %d coordinate rows (from line %d on they are not read): split the parcel or simplify its boundary", maxPoints, n),
				fmt.Sprintf("该地块的坐标行超过 %d 个（自第 %d 行起未读取）：请拆分地块或简化边界", maxPoints, n))
		}
		rp.extra++
		return
	}
	rp.rows = append(rp.rows, row{line: n, name: fs[0], ring: ring, a: a, b: b})
}

// header checks the coordinate system and reads the zone declaration.
func (rd *reader) header() {
	f := rd.f
	crs, ok := f.Header("坐标系")
	crs = width.Narrow.String(crs) // ２０００ as typed with a full-width input method
	line := f.headerLine("坐标系")
	switch c := strings.ToUpper(strings.ReplaceAll(crs, " ", "")); {
	case !ok || c == "":
		f.Warnings = append(f.Warnings, Warning{Code: WarnCRSAssumed, Line: line,
			Message:   "no 坐标系 in the header: CGCS2000 (2000国家大地坐标系) assumed",
			MessageZH: "文件头未给出坐标系：按 2000 国家大地坐标系（CGCS2000）读取"})
	case strings.Contains(c, "2000") || strings.Contains(c, "CGCS"):
	case strings.Contains(c, "西安") || strings.Contains(c, "1980") || strings.Contains(c, "XIAN") || strings.Contains(c, "80"):
		rd.refuseCRS(crs, line, "Xi'an 1980", "1980 西安坐标系")
	case strings.Contains(c, "北京") || strings.Contains(c, "1954") || strings.Contains(c, "BEIJING") || strings.Contains(c, "54"):
		rd.refuseCRS(crs, line, "Beijing 1954", "1954 北京坐标系")
	default:
		rd.fatal = append(rd.fatal, fileError(
			fmt.Sprintf("坐标系 %q (line %d) is not CGCS2000 (2000国家大地坐标系), the only coordinate system accepted: ask the surveyor for the file in CGCS2000", crs, line),
			fmt.Sprintf("坐标系“%s”（第 %d 行）不是 2000 国家大地坐标系（CGCS2000），本系统只接收 CGCS2000 坐标：请向测绘单位索取 CGCS2000 坐标的界址点文件", crs, line)))
	}
	if u, ok := f.Header("计量单位"); ok && u != "" && !metres(u) {
		rd.fatal = append(rd.fatal, fileError(
			fmt.Sprintf("计量单位 is %q (line %d): coordinates must be in metres (米)", u, f.headerLine("计量单位")),
			fmt.Sprintf("计量单位为“%s”（第 %d 行）：坐标单位必须为米", u, f.headerLine("计量单位"))))
	}
	if p, ok := f.Header("投影类型"); ok && p != "" {
		line := f.headerLine("投影类型")
		switch projection(p) {
		case projUTM:
			rd.fatal = append(rd.fatal, fileError(
				fmt.Sprintf("投影类型 is %q (line %d), the UTM projection (scale 0.9996 on the central meridian, 6° zones from 180°W, false easting 500 km): only Gauss–Krüger (高斯克吕格, scale 1 on the central meridian) coordinates are accepted, and reading UTM as Gauss–Krüger would put every point up to hundreds of metres off: ask the surveyor for CGCS2000 Gauss–Krüger coordinates", p, line),
				fmt.Sprintf("投影类型为“%s”（第 %d 行），即 UTM（通用横轴墨卡托）投影（中央子午线比例因子 0.9996，自西经 180° 起算的 6 度带，东伪偏移 500 千米）：本系统只接收高斯-克吕格投影（中央子午线比例因子为 1）坐标，按高斯-克吕格读取 UTM 坐标会使每个点偏差可达数百米：请向测绘单位索取 CGCS2000 高斯-克吕格坐标", p, line)))
		case projOther:
			rd.fatal = append(rd.fatal, fileError(
				fmt.Sprintf("投影类型 is %q (line %d): only Gauss–Krüger (高斯克吕格, transverse Mercator) coordinates are accepted", p, line),
				fmt.Sprintf("投影类型为“%s”（第 %d 行）：只接收高斯-克吕格（横轴墨卡托）投影坐标", p, line)))
		}
	}
}

// metres accepts the ways 计量单位 says metres: 米, m, 公尺, 米(m), 米（M）, metre…
func metres(u string) bool {
	c := strings.ToLower(strings.NewReplacer(" ", "", "(", "", ")", "").Replace(width.Narrow.String(u)))
	switch c {
	case "米", "m", "公尺", "米m", "meter", "metre", "meters", "metres", "米meter", "米metre":
		return true
	}
	return false
}

const (
	projGK = iota
	projUTM
	projOther
)

// projection classifies 投影类型. UTM is checked first: "UTM" contains "TM"
// and 通用横轴墨卡托 contains 横轴墨卡托.
func projection(v string) int {
	c := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "–", "", "—", "", "－", "", "·", "", "_", "", "投影", "", "Ü", "U").Replace(v))
	switch {
	case strings.Contains(c, "UTM") || strings.Contains(c, "通用横轴墨卡托") || strings.Contains(c, "通用横墨卡托") || strings.Contains(c, "UNIVERSALTRANSVERSE"):
		return projUTM
	case strings.Contains(c, "高斯") || strings.Contains(c, "GAUSS") || strings.Contains(c, "横轴墨卡托") ||
		c == "TM" || strings.Contains(c, "TRANSVERSEMERCATOR") || c == "GK":
		return projGK
	}
	return projOther
}

func (rd *reader) refuseCRS(crs string, line int, en, zh string) {
	rd.fatal = append(rd.fatal, fileError(
		fmt.Sprintf("坐标系 %q (line %d) is %s: only CGCS2000 (2000国家大地坐标系) coordinates are accepted. Converting %s to CGCS2000 needs transformation parameters that are not public, so it cannot be done here: ask the surveyor for the boundary-point file in CGCS2000", crs, line, en, en),
		fmt.Sprintf("坐标系为“%s”（第 %d 行），即%s：本系统只接收 2000 国家大地坐标系（CGCS2000）坐标。%s转换到 CGCS2000 需要未公开的转换参数，无法在此转换：请向测绘单位索取 CGCS2000 坐标的界址点文件", crs, line, zh, zh)))
}

func (f *TXTFile) headerLine(key string) int {
	for _, s := range f.Sections {
		for _, e := range s.Entries {
			if e.Key == key {
				return e.Line
			}
		}
	}
	return 0
}

// digits returns the first run of ASCII digits in s as a number, or 0.
func digits(s string) int {
	s = width.Narrow.String(s)
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return 0
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	v, _ := strconv.Atoi(s[i:j])
	return v
}

func isPrefixed(v float64) bool { return v >= 1e7 && v < 1e8 }

// axesAndZone decides, for the whole file, which value of a row is X
// (northing) and which Y (easting), and the zone. The Y value is the one in
// [10⁷, 10⁸) (zone prefix + 6 digits) or, without prefixes, the one below
// 10⁶ while X (northing, ≥ 1000 km anywhere north of 9°N) has 7 digits.
// One producer writes one order: the majority of decidable rows fixes it and
// rows that disagree are reported.
func (rd *reader) axesAndZone() {
	f := rd.f
	declared, zoneLine := rd.declared("zone number", "带号", digits, "带号", "投影带号")
	cm, cmLine := rd.declared("central meridian", "中央子午线", centralMeridian, "中央子午线", "中央经线", "中央子午线经度", "中央经度", "中央子午线(度)")
	if cm < 0 {
		v, _ := f.Header(f.keyAt(cmLine))
		rd.fatal = append(rd.fatal, fileError(
			fmt.Sprintf("%s=%s (line %d) is not the central meridian of a Gauss–Krüger zone (a whole number of degrees, a multiple of 3 for 3° zones): correct it or remove it", f.keyAt(cmLine), v, cmLine),
			fmt.Sprintf("%s=%s（第 %d 行）不是高斯-克吕格投影带的中央子午线（应为整度数，3 度带为 3 的倍数）：请修正或删除该行", f.keyAt(cmLine), v, cmLine)))
	}
	if len(rd.fatal) > 0 {
		return
	}
	const (
		undecided = iota
		xFirst
		yFirst
	)
	order := func(r row) int {
		pa, pb := isPrefixed(r.a), isPrefixed(r.b)
		switch {
		case pb && !pa:
			return xFirst
		case pa && !pb:
			return yFirst
		case pa && pb && declared > 0: // both 8 digits: the one whose prefix is 带号
			ma, mb := int(r.a/1e6) == declared, int(r.b/1e6) == declared
			if mb && !ma {
				return xFirst
			}
			if ma && !mb {
				return yFirst
			}
		case !pa && !pb:
			if r.a >= 1e6 && r.b < 1e6 {
				return xFirst
			}
			if r.b >= 1e6 && r.a < 1e6 {
				return yFirst
			}
		}
		return undecided
	}
	var nx, ny int
	for i := range rd.parcels {
		for _, r := range rd.parcels[i].rows {
			switch order(r) {
			case xFirst:
				nx++
			case yFirst:
				ny++
			}
		}
	}
	f.EastingFirst = ny > nx
	if nx == 0 && ny == 0 && len(rd.parcels) > 0 {
		f.Warnings = append(f.Warnings, Warning{Code: WarnOrderAssumed,
			Message:   "no coordinate row shows which value is X (northing) and which is Y (easting): X first assumed, as the format says",
			MessageZH: "无法从坐标值判断 X（北坐标）与 Y（东坐标）的顺序：按格式规定的 X 在前读取"})
	}
	if f.EastingFirst {
		f.Warnings = append(f.Warnings, Warning{Code: WarnEastingFirst,
			Message:   fmt.Sprintf("the file writes Y (easting) before X (northing) in %d of %d decidable rows: read with the axes swapped", ny, nx+ny),
			MessageZH: fmt.Sprintf("文件在 %d/%d 个可判断的坐标行中先写 Y（东坐标）后写 X（北坐标）：已按交换后的顺序读取", ny, nx+ny)})
	}
	want := xFirst
	if f.EastingFirst {
		want = yFirst
	}
	prefixes := map[int]int{} // prefix → first line
	var plist []int
	for i := range rd.parcels {
		rp := &rd.parcels[i]
		for k := range rp.rows {
			r := &rp.rows[k]
			if o := order(*r); o != undecided && o != want {
				r.bad = true
				rp.fail(CodeAxisOrder,
					fmt.Sprintf("line %d (point %s) writes its values in the other order than the rest of the file (%s first): check this row", r.line, r.name, map[bool]string{false: "X", true: "Y"}[f.EastingFirst]),
					fmt.Sprintf("第 %d 行（界址点 %s）的坐标顺序与文件其余部分（%s 在前）相反：请检查该行", r.line, r.name, map[bool]string{false: "X", true: "Y"}[f.EastingFirst]))
			}
			r.x, r.y = r.a, r.b
			if f.EastingFirst {
				r.x, r.y = r.b, r.a
			}
			if isPrefixed(r.y) {
				r.prefixed = true
				p := int(r.y / 1e6)
				if _, ok := prefixes[p]; !ok {
					prefixes[p] = r.line
					plist = append(plist, p)
				}
			}
		}
	}
	sort.Ints(plist)
	number, prefixed := declared, len(plist) > 0
	switch {
	case declared > 0:
		for _, p := range plist {
			if p != declared {
				rd.fatal = append(rd.fatal, fileError(
					fmt.Sprintf("zone conflict: 带号=%d (line %d) but the Y values carry the zone prefix %d (first on line %d): correct 带号 or the coordinates", declared, zoneLine, p, prefixes[p]),
					fmt.Sprintf("带号冲突：文件头带号=%d（第 %d 行），但 Y 坐标带有带号前缀 %d（首次出现在第 %d 行）：请修正带号或坐标", declared, zoneLine, p, prefixes[p])))
			}
		}
	case len(plist) > 1:
		rd.fatal = append(rd.fatal, fileError(
			fmt.Sprintf("the Y values carry different zone prefixes %d (line %d) and %d (line %d): one file must be in one zone", plist[0], prefixes[plist[0]], plist[1], prefixes[plist[1]]),
			fmt.Sprintf("Y 坐标带有不同的带号前缀 %d（第 %d 行）与 %d（第 %d 行）：一个文件只能使用一个投影带", plist[0], prefixes[plist[0]], plist[1], prefixes[plist[1]])))
	case len(plist) == 1:
		number = plist[0]
		f.Warnings = append(f.Warnings, Warning{Code: WarnZoneAssumed, Line: prefixes[number],
			Message:   fmt.Sprintf("no 带号 in the header: zone %d taken from the prefix of the Y values", number),
			MessageZH: fmt.Sprintf("文件头未给出带号：根据 Y 坐标的带号前缀取第 %d 带", number)})
	case rd.opts.Zone.Valid():
		number = rd.opts.Zone.Number
		f.Warnings = append(f.Warnings, Warning{Code: WarnZoneAssumed,
			Message:   fmt.Sprintf("no 带号 in the header and no zone prefix on Y: the city's configured zone %d assumed", number),
			MessageZH: fmt.Sprintf("文件头未给出带号且 Y 坐标无带号前缀：按本市配置的第 %d 带读取", number)})
	case cm > 0:
		// Only the central meridian: 3° zones unless 几度分带 says 6°.
		number = cm / 3
		if w, wl := rd.width(); w == 6 {
			if (cm+3)%6 != 0 {
				rd.fatal = append(rd.fatal, fileError(
					fmt.Sprintf("%s=%d (line %d) is not the central meridian of a 6° zone (几度分带 line %d): 6° zones have central meridians 6n−3 (75, 81, … 135)", f.keyAt(cmLine), cm, cmLine, wl),
					fmt.Sprintf("%s=%d（第 %d 行）不是 6 度带（几度分带第 %d 行）的中央子午线：6 度带的中央子午线为 6n−3（75、81……135）", f.keyAt(cmLine), cm, cmLine, wl)))
				return
			}
			number = (cm + 3) / 6
		}
		f.Warnings = append(f.Warnings, Warning{Code: WarnZoneAssumed, Line: cmLine,
			Message:   fmt.Sprintf("no 带号 in the header and no zone prefix on Y: zone %d taken from the central meridian %d° (line %d)", number, cm, cmLine),
			MessageZH: fmt.Sprintf("文件头未给出带号且 Y 坐标无带号前缀：根据中央子午线 %d°（第 %d 行）取第 %d 带", cm, cmLine, number)})
	default:
		rd.fatal = append(rd.fatal, fileError(
			"the zone is unknown: the header has no 带号, the Y values carry no zone prefix and no city zone is configured: add 带号=<zone> to [属性描述]",
			"无法确定投影带：文件头没有带号，Y 坐标没有带号前缀，且未配置本市投影带：请在 [属性描述] 中加上“带号=带号数字”"))
	}
	if len(rd.fatal) > 0 {
		return
	}
	width, wline := rd.width()
	if width == 0 {
		width = 3
		switch {
		case cm > 0 && cm == 6*number-3 && cm != 3*number:
			width = 6 // the central meridian decides
		case cm > 0 && cm == 3*number:
		case number >= 13 && number <= 23: // 6° zone numbers in China; 3° ones are 25–45
			width = 6
		}
		f.Warnings = append(f.Warnings, Warning{Code: WarnWidthInferred,
			Message:   fmt.Sprintf("no 几度分带 in the header: %d° zones assumed from zone number %d", width, number),
			MessageZH: fmt.Sprintf("文件头未给出几度分带：根据带号 %d 按 %d 度带读取", number, width)})
	}
	z := geo.Zone{Width: width, Number: number, Prefix: prefixed}
	if !z.Valid() {
		rd.fatal = append(rd.fatal, fileError(
			fmt.Sprintf("zone %d in %d° zones (几度分带 line %d, 带号 line %d) is not a CGCS2000 zone over China (3° zones 25–45, 6° zones 13–23): check 几度分带 and 带号", number, width, wline, zoneLine),
			fmt.Sprintf("%d 度带第 %d 带（几度分带第 %d 行，带号第 %d 行）不是覆盖中国的 CGCS2000 投影带（3 度带 25–45，6 度带 13–23）：请检查几度分带和带号", width, number, wline, zoneLine)))
		return
	}
	if cm > 0 && float64(cm) != z.CentralMeridian() {
		var from, fromZH string
		switch {
		case declared > 0:
			from, fromZH = fmt.Sprintf("带号=%d (line %d)", declared, zoneLine), fmt.Sprintf("带号=%d（第 %d 行）", declared, zoneLine)
		case len(plist) == 1:
			from, fromZH = fmt.Sprintf("the zone prefix %d of the Y values (first on line %d)", number, prefixes[number]), fmt.Sprintf("Y 坐标的带号前缀 %d（首次出现在第 %d 行）", number, prefixes[number])
		default:
			from, fromZH = fmt.Sprintf("the city's configured zone %d (the file gives no 带号 and no zone prefix)", number), fmt.Sprintf("本市配置的第 %d 带（文件未给出带号，Y 坐标也无带号前缀）", number)
		}
		wen, wzh := fmt.Sprintf("几度分带 line %d", wline), fmt.Sprintf("几度分带第 %d 行", wline)
		if wline == 0 {
			wen, wzh = "几度分带 not given", "未给出几度分带"
		}
		rd.fatal = append(rd.fatal, fileError(
			fmt.Sprintf("zone conflict: %s=%d (line %d) is not the central meridian of %s, which in %d° zones (%s) is %g°: correct the header or the coordinates", f.keyAt(cmLine), cm, cmLine, from, z.Width, wen, z.CentralMeridian()),
			fmt.Sprintf("带号冲突：%s=%d（第 %d 行）不是%s的中央子午线（%d 度带，%s，应为 %g°）：请修正文件头或坐标", f.keyAt(cmLine), cm, cmLine, fromZH, z.Width, wzh, z.CentralMeridian())))
		return
	}
	f.Zone = z
	if oz := rd.opts.Zone; oz.Valid() && (oz.Number != z.Number || oz.Width != z.Width) {
		f.Warnings = append(f.Warnings, Warning{Code: WarnZoneDiffers, Line: zoneLine,
			Message:   fmt.Sprintf("the file is in %d° zone %d, the city's zone is %d° zone %d: coordinates read in the file's zone; stored areas are computed in the city's zone", z.Width, z.Number, oz.Width, oz.Number),
			MessageZH: fmt.Sprintf("文件坐标为 %d 度带第 %d 带，本市为 %d 度带第 %d 带：按文件的投影带读取坐标，入库面积按本市投影带计算", z.Width, z.Number, oz.Width, oz.Number)})
	}
	// Rows must all be in that zone: with or without the prefix, uniformly.
	for i := range rd.parcels {
		rp := &rd.parcels[i]
		for _, r := range rp.rows {
			if r.bad {
				continue
			}
			if r.prefixed != prefixed {
				rp.fail(CodeZonePrefix,
					fmt.Sprintf("line %d (point %s): Y = %.3f %s the zone prefix while the other rows %s", r.line, r.name, r.y, map[bool]string{true: "has", false: "lacks"}[r.prefixed], map[bool]string{true: "have it", false: "do not"}[prefixed]),
					fmt.Sprintf("第 %d 行（界址点 %s）：Y = %.3f %s带号前缀，而其他坐标行%s", r.line, r.name, r.y, map[bool]string{true: "带有", false: "缺少"}[r.prefixed], map[bool]string{true: "都带有", false: "都没有"}[prefixed]))
				continue
			}
			e := r.y - z.FalseEasting()                           // easting from the central meridian
			if math.Abs(e) > 400000 || r.x < 3e5 || r.x > 6.1e6 { // China: 3°N–54°N
				rp.fail(CodeBadNumber,
					fmt.Sprintf("line %d (point %s): X = %.3f, Y = %.3f is not in %d° zone %d over China (X 300–6100 km, Y within 400 km of the central meridian): check the values and their order", r.line, r.name, r.x, r.y, z.Width, z.Number),
					fmt.Sprintf("第 %d 行（界址点 %s）：X = %.3f，Y = %.3f 不在中国境内的 %d 度带第 %d 带范围（X 300–6100 千米，Y 距中央子午线 400 千米以内）：请检查坐标值及其顺序", r.line, r.name, r.x, r.y, z.Width, z.Number))
			}
		}
	}
}

// declared reads a whole-number header value that may be given under
// several keys and on several lines: the first, and a conflict when another
// line says otherwise. parse returns 0 for "not given", < 0 for invalid.
func (rd *reader) declared(en, zh string, parse func(string) int, keys ...string) (v, line int) {
	for _, s := range rd.f.Sections {
		for _, e := range s.Entries {
			if !slices.Contains(keys, e.Key) {
				continue
			}
			x := parse(e.Value)
			switch {
			case x == 0:
			case v == 0 || (v < 0 && x < 0):
				if v == 0 {
					v, line = x, e.Line
				}
			case x != v:
				rd.fatal = append(rd.fatal, fileError(
					fmt.Sprintf("the header gives two different %s values: %s (line %d) and %s (line %d): keep the right one", en, rd.f.lineText(line), line, rd.f.lineText(e.Line), e.Line),
					fmt.Sprintf("文件头给出了两个不同的%s：%s（第 %d 行）与 %s（第 %d 行）：请只保留正确的一个", zh, rd.f.lineText(line), line, rd.f.lineText(e.Line), e.Line)))
				return v, line
			}
		}
	}
	return v, line
}

// width reads 几度分带 (or 分带, 分带方式): 3, 6 or 0 when not given.
func (rd *reader) width() (int, int) {
	for _, k := range []string{"几度分带", "分带", "分带方式"} {
		if v, ok := rd.f.Header(k); ok && digits(v) > 0 {
			return digits(v), rd.f.headerLine(k)
		}
	}
	return 0, 0
}

var degrees = regexp.MustCompile(`^[EeＥ东]?\s*(\d+(?:\.\d+)?)`)

// centralMeridian parses "117", "117°", "E117", "东经117度", "117.0" or
// "117:00:00" to whole degrees: 0 when empty, -1 when not a whole number of
// degrees in China's range.
func centralMeridian(v string) int {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "东经"))
	if v == "" {
		return 0
	}
	m := degrees.FindStringSubmatch(v)
	if m == nil {
		return -1
	}
	d, err := strconv.ParseFloat(m[1], 64)
	rest := strings.TrimLeft(v[len(m[0]):], "°度:：0 ′'″\".")
	// Every zone's central meridian is a multiple of 3 (3n, or 6n−3).
	if err != nil || d != math.Trunc(d) || int(d)%3 != 0 || d < 72 || d > 138 || rest != "" && !strings.HasPrefix(rest, "E") {
		return -1
	}
	return int(d)
}

// keyAt is the key of the header entry on line n.
func (f *TXTFile) keyAt(n int) string {
	for _, s := range f.Sections {
		for _, e := range s.Entries {
			if e.Line == n {
				return e.Key
			}
		}
	}
	return ""
}

// lineText is "key=value" of the header entry on line n.
func (f *TXTFile) lineText(n int) string {
	for _, s := range f.Sections {
		for _, e := range s.Entries {
			if e.Line == n {
				return e.Key + "=" + e.Value
			}
		}
	}
	return ""
}

// DomainParcels maps every parcel read to the domain (see TXTParcel.Parcel),
// in file order.
func (f *TXTFile) DomainParcels() []parcels.Parcel {
	ps := make([]parcels.Parcel, len(f.Parcels))
	for i := range f.Parcels {
		ps[i] = f.Parcels[i].Parcel()
	}
	return ps
}

// FeatureWarning is a warning with the feature it is about ("" for the file).
type FeatureWarning struct {
	Feature string `json:"feature,omitempty"`
	Warning
}

// AllWarnings lists the file's warnings, then each parcel's, for an import
// report.
func (f *TXTFile) AllWarnings() []FeatureWarning {
	var out []FeatureWarning
	for _, w := range f.Warnings {
		out = append(out, FeatureWarning{Warning: w})
	}
	for i := range f.Parcels {
		for _, w := range f.Parcels[i].Warnings {
			out = append(out, FeatureWarning{Feature: f.Parcels[i].feature(), Warning: w})
		}
	}
	return out
}

// Feature names parcel i of f.Parcels as the errors of this package do (its
// 地块编号, else "line N"), so an importer can translate a store's "#i" back
// to the file.
func (f *TXTFile) Feature(i int) string {
	if i < 0 || i >= len(f.Parcels) {
		return fmt.Sprintf("#%d", i)
	}
	return f.Parcels[i].feature()
}
