package formats

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// A parcel line with ASCII commas in 地块名称 was taken for the Zhejiang
// variant (10 fields) or refused (9): the first fields and the last four
// are fixed, so the name is rebuilt as written, with a warning; the
// Zhejiang variant needs a 9-digit township code.
func TestReadTXTNameWithCommas(t *testing.T) {
	for _, c := range []struct {
		line, code, name, town, village string
		warn                            bool
	}{
		{"5,6.0000,A,厂区,一期,二期,面,,工业用地,0601,@", "A", "厂区,一期,二期", "", "", true},
		{"5,6.0000,A,厂区,一期,面,,工业用地,0601,@", "A", "厂区,一期", "", "", true},
		{"5,6.0000,A, 厂区 , 一期 ,面,,工业用地,0601,@", "A", "厂区 , 一期", "", "", true},
		{"5,6.0000,331082001,某村,A,a,面,,工业用地,0601,@", "A", "a", "331082001", "某村", false},
		{"5,6.0000,331082001,某村,A,一期,二期,面,,工业用地,0601,@", "A", "一期,二期", "331082001", "某村", true},
		{"5,6.0000,33108200,某村,A,面,,工业用地,0601,@", "33108200", "某村,A", "", "", true}, // 8 digits: not a township code
		{"5，6.0000，A，甲，乙，面，，工业用地，0601，@", "A", "甲，乙", "", "", true},
		{"5,6.0000,A,甲，乙,面,,工业用地,0601,@", "A", "甲，乙", "", "", false},
	} {
		f, err := rd(t, head40+c.line+"\n"+square)
		if err != nil {
			t.Errorf("%s: %v", c.line, err)
			continue
		}
		p := f.Parcels[0]
		if p.Code != c.code || p.Name != c.name || p.TownshipCode != c.town || p.Village != c.village || p.Graphic != "面" || p.Use != "工业用地" || p.LandClass != "0601" {
			t.Errorf("%s: code %q name %q town %q village %q graphic %q use %q class %q", c.line, p.Code, p.Name, p.TownshipCode, p.Village, p.Graphic, p.Use, p.LandClass)
		}
		if got := warnCodes(p.Warnings); c.warn != (len(got) == 1 && got[0] == WarnNameCommas) || !c.warn && len(got) > 0 {
			t.Errorf("%s: warnings %v", c.line, got)
		}
	}
}

// One producer writes one layout: a line read as Zhejiang in a standard
// file (a 9-digit 地块编号 and a name with commas) and a standard line in a
// Zhejiang file (no township code) are refused, labelled by 地块编号.
func TestReadTXTMixedLayouts(t *testing.T) {
	sq2 := strings.ReplaceAll(square, "31932", "31934")
	src := head40 + "5,6.0000,A,a,面,,工业用地,0601,@\n" + square +
		"5,6.0000,330100123,甲,乙,丙,面,,工业用地,0601,@\n" + sq2
	f, err := rd(t, src)
	es := asErrors(t, err)
	if len(es) != 1 || es[0].Feature != "330100123" || !strings.Contains(es[0].Message, "parcel 330100123 (line 12)") ||
		!strings.Contains(es[0].Message, "the other parcel lines use the standard layout (e.g. line 6)") ||
		!strings.Contains(es[0].MessageZH, "其他地块行为标准格式（如第 6 行）") || len(f.Parcels) != 1 {
		t.Errorf("%v", es)
	}
	src = head40 + "5,6.0000,331082001,某村,A,a,面,,工业用地,0601,@\n" + square +
		"5,6.0000,331082001,某村,B,b,面,,工业用地,0601,@\n" + sq2 +
		"5,6.0000,,某村,C,c,面,,工业用地,0601,@\n" + strings.ReplaceAll(square, "31932", "31936")
	_, err = rd(t, src)
	es = asErrors(t, err)
	if len(es) != 1 || !strings.Contains(es[0].Message, "line 18") || !strings.Contains(es[0].Message, "Zhejiang layout with a 9-digit 乡镇代码 after 地块面积 (e.g. line 6)") {
		t.Errorf("%v", es)
	}
}

// A line whose extra field is not in the name (记录图形属性 would not be 面)
// is refused, labelled by its 地块编号, rather than misread.
func TestReadTXTExtraFieldRefused(t *testing.T) {
	for _, c := range []struct{ line, code, en, zh string }{
		{"5,6.0000,A,名,面,,工业用地,0601,extra,@", "A", "9 fields, 1 more than its layout (8 fields)", "地块行有 9 个字段，比标准格式（8 个字段）多 1 个"},
		{"5,6.0000,331082001,某村,B,名,面,,工业用地,0601,x,@", "B", "11 fields, 1 more than its layout (10 fields of the Zhejiang variant)", "浙江报省部标格式（10 个字段）多 1 个"},
		{"5,6.0000,C,名,面,工业用地,@", "C", "has 6 fields", "有 6 个字段"},
	} {
		_, err := rd(t, head40+c.line+"\n"+square)
		es := asErrors(t, err)
		if len(es) != 1 || es[0].Feature != c.code || !strings.Contains(es[0].Message, "parcel "+c.code+" (line 6)") ||
			!strings.Contains(es[0].Message, c.en) || !strings.Contains(es[0].MessageZH, c.zh) || !strings.Contains(es[0].MessageZH, "地块 "+c.code+"（第 6 行）") {
			t.Errorf("%s: %v / %s", c.line, es, es[0].MessageZH)
		}
	}
}

// Full-width punctuation in names and values stays as written; only section
// brackets, the key separator and the parcel terminator are read in their
// full-width forms.
func TestReadTXTFullWidthInNames(t *testing.T) {
	src := "【属性描述】\n坐标系＝2000国家大地坐标系\n几度分带=3\n带号=40\n数据产生单位=某【测绘】院＝＠\n［地块坐标］\n" +
		"5,6.0000,A,【一期】＝＠,面,,工业用地,0601,＠\n" + square
	f, err := rd(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Parcels[0].Name; n != "【一期】＝＠" {
		t.Errorf("name read as %q", n)
	}
	if v, _ := f.Header("数据产生单位"); v != "某【测绘】院＝＠" {
		t.Errorf("header value %q", v)
	}
	if v, _ := f.Header("坐标系"); v != "2000国家大地坐标系" || len(f.Sections) != 2 || f.Sections[1].Name != "地块坐标" {
		t.Errorf("坐标系 %q, sections %+v", v, f.Sections)
	}
}

// WriteTXT's refusals are bilingual EINVALID errors naming the parcel; a
// GBK error names the character too.
func TestWriteTXTRefusals(t *testing.T) {
	f, err := rd(t, head40+"5,6.0000,A,𠮷野家,面,,工业用地,0601,@\n"+square)
	if err != nil {
		t.Fatal(err)
	}
	base := f.DomainParcels()[0]
	for _, c := range []struct {
		name   string
		edit   func(p *parcels.Parcel)
		opts   TXTWriteOptions
		en, zh string
	}{
		{"GBK", func(p *parcels.Parcel) {}, TXTWriteOptions{Encoding: GBK},
			`地块名称 (name) "𠮷野家": character '𠮷' (U+20BB7) cannot be written in GBK`, "地块名称“𠮷野家”：字符“𠮷”（U+20BB7）无法用 GBK 编码写出：请改用 GB18030 或 UTF-8 编码"},
		{"comma in code", func(p *parcels.Parcel) { p.Code = "A,1" }, TXTWriteOptions{},
			`地块编号 (code) "A,1" contains a comma`, "地块编号“A,1”中含有逗号"},
		{"Zhejiang without township", func(p *parcels.Parcel) {}, TXTWriteOptions{Zhejiang: true},
			"needs a 9-digit 乡镇代码", "需要 9 位数字的乡镇代码"},
		{"name with comma, 9-digit code", func(p *parcels.Parcel) { p.Code = "123456789"; p.Name = "甲,乙" }, TXTWriteOptions{},
			"would be read as the Zhejiang variant", "会被误读为浙江报省部标格式"},
		{"line break", func(p *parcels.Parcel) { p.Name = "甲\n乙" }, TXTWriteOptions{}, "contains a line break", "含有换行符"},
	} {
		p := base
		p.Attrs = map[string]any{}
		c.edit(&p)
		c.opts.Zone = linhai
		err := WriteTXT(&bytes.Buffer{}, []parcels.Parcel{p}, c.opts)
		var pe *parcels.Error
		if !errors.As(err, &pe) || pe.Code != parcels.EINVALID || pe.Feature != p.Code ||
			!strings.Contains(pe.Message, "parcel "+p.Code) || !strings.Contains(pe.Message, c.en) ||
			!strings.Contains(pe.MessageZH, "宗地 "+p.Code+" 无法写入界址点文件") || !strings.Contains(pe.MessageZH, c.zh) {
			t.Errorf("%s: %v", c.name, err)
			if pe != nil {
				t.Logf("%s / %s", pe.Message, pe.MessageZH)
			}
		}
	}
}

// A header value GBK cannot hold is a bilingual file-level error naming the
// character.
func TestWriteTXTHeaderGBK(t *testing.T) {
	f, err := rd(t, head40+"5,6.0000,A,a,面,,工业用地,0601,@\n"+square)
	if err != nil {
		t.Fatal(err)
	}
	err = WriteTXT(&bytes.Buffer{}, f.DomainParcels(), TXTWriteOptions{Zone: linhai, Encoding: GBK, Producer: "𠮷测绘"})
	var pe *parcels.Error
	if !errors.As(err, &pe) || pe.Code != parcels.EINVALID || pe.Feature != "" || !strings.Contains(pe.Message, "the file header (数据产生单位 or 数据产生日期): character '𠮷' (U+20BB7)") ||
		!strings.Contains(pe.MessageZH, "文件头（数据产生单位或数据产生日期）：字符“𠮷”（U+20BB7）无法用 GBK 编码写出") {
		t.Errorf("%v", err)
	}
}

// A vertex less than 1 mm from the previous one was written as a second
// row with the same coordinates, which read back as repeated_point.
func TestWriteTXTSubMillimetreVertices(t *testing.T) {
	f, err := rd(t, head40+"0,0,A,a,面,,,,@\n"+square)
	if err != nil {
		t.Fatal(err)
	}
	ps := f.DomainParcels()
	r := ps[0].Geometry[0][0]
	q := r[1]
	q[0] += 1e-9 // ~0.1 mm
	ps[0].Geometry[0][0] = append(r[:2:2], append(orb.Ring{q}, r[2:]...)...)
	var b bytes.Buffer
	if err := WriteTXT(&b, ps, TXTWriteOptions{Zone: linhai}); err != nil {
		t.Fatal(err)
	}
	g, err := ReadTXT(&b, TXTOptions{Zone: linhai})
	if err != nil {
		t.Fatal(err)
	}
	if w := g.AllWarnings(); len(w) > 0 || g.Parcels[0].Points != 5 || g.Parcels[0].AreaM2 != 60000 {
		t.Errorf("read back with %d rows, area %.4f, warnings %v", g.Parcels[0].Points, g.Parcels[0].AreaM2, w)
	}
}

// rd reads src in the Linhai zone.
func rd(t *testing.T, src string) (*TXTFile, error) {
	t.Helper()
	return ReadTXT(strings.NewReader(src), TXTOptions{Zone: linhai})
}
